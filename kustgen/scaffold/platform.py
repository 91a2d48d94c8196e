"""The control plane as code: the `platform/` tree of `kustgen platform render`.

Each environment runs in its own cluster (dev: a local cluster against LocalStack). What
one cluster needs is ``platform/overlays/<env>``: the shared ``platform/base`` plus what
differs per environment.

- ``base``: the Argo CD AppProject; the Crossplane providers of the chosen families, with a
  DeploymentRuntimeConfig giving their pods a stable service account; the Argo Events
  EventBus; the Argo Workflows WorkflowTemplate that verifies a changed resource (wait
  until Synced and Ready, run the team's tests, revert the commit on failure with
  `kustgen revert`); the service accounts and the namespaced RBAC they need.
- ``overlays/<env>``: the root Application (app of apps: it syncs this overlay, so the
  platform manages itself once bootstrapped) and the Application of the environment's
  infrastructure overlay with its sync policy (automated in unprotected environments,
  manual in protected ones); the ProviderConfig (LocalStack endpoint and flags for the
  local environment, credentials from a Secret elsewhere); the EventSource watching the
  environment's managed resources and claims, and the Sensor submitting a verification
  Workflow for each change; the cluster-wide read access to exactly those kinds.

Pure functions returning ``{relative path: YAML text}``; every manifest validates against
the Argo CD, Argo Events, Argo Workflows, Crossplane and provider CRDs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kustgen.scaffold.argocd import (ARGOCD_NAMESPACE, IN_CLUSTER, app_project, application,
                                     check_name)

EVENTS_NAMESPACE = "argo-events"
WORKFLOWS_NAMESPACE = "argo"
CROSSPLANE_NAMESPACE = "crossplane-system"
PROJECT = "platform"
ENV_LABEL = "platform.example.org/environment"
EVENTSOURCE_SA = "kustgen-eventsource"
SENSOR_SA = "kustgen-sensor"
VERIFY_SA = "kustgen-verify"
VERIFY_TEMPLATE = "kustgen-verify"
PROVIDER_SA = "provider-aws"
RUNTIME_CONFIG = "provider-aws"


@dataclass(frozen=True)
class Watched:
    """A kind the environment's EventSource watches: group, version, kind, plural resource
    name, whether it is namespaced, and what it is ("managed resource" or "claim")."""
    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool = False
    what: str = "managed resource"

    @property
    def event_name(self) -> str:
        # an EventSource event name: the plural and the group's first label
        return "%s-%s" % (self.plural, self.group.split(".")[0])


@dataclass
class EnvPlan:
    name: str
    local: bool = False
    protected: bool = False
    overlay: str = ""              # the infrastructure overlay, relative to the repo root
    watched: list = field(default_factory=list)
    provider_config: str = "default"    # the name its managed resources use
    own_provider_config: bool = True    # False: the overlay renders it already


@dataclass
class PlatformPlan:
    repo_url: str
    path: str                       # the platform folder, relative to the repo root
    envs: list                      # [EnvPlan]
    families: list
    test_image: str
    test_command: list
    test_timeout: str
    wait_timeout: str
    git_secret: str
    branch: str
    kustgen_image: str
    kubectl_image: str
    skip_providers: set = field(default_factory=set)   # Providers the overlays install


def plural(kind: str) -> str:
    """The resource name of a kind as the generators of provider CRDs (upjet,
    controller-gen) pluralize it: lower case; a kind that is a plural already (Controls,
    Insights, Preferences) stays; -es after ss/us/as/is/os (Address, Alias, Status) and
    x/z/ch/sh; -ies after a consonant and y; else -s."""
    k = kind.lower()
    if k.endswith(("ss", "us", "as", "is", "os", "x", "z", "ch", "sh")):
        return k + "es"
    if k.endswith("s"):
        return k
    if k.endswith("y") and len(k) > 1 and k[-2] not in "aeiou":
        return k[:-1] + "ies"
    return k + "s"


def _doc(objs, header: str) -> str:
    from kustgen.scaffold.repo import _dump_all
    return _dump_all(objs, header)


def _kustomization(resources: list, header: str) -> str:
    from kustgen.scaffold.repo import _dump
    return _dump({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                  "resources": resources}, header)


# ------------------------------------------------------------------------------------------
# base
# ------------------------------------------------------------------------------------------
def _project(plan: PlatformPlan) -> dict:
    proj = app_project(PROJECT, plan.repo_url, [
        (IN_CLUSTER, ARGOCD_NAMESPACE), (IN_CLUSTER, CROSSPLANE_NAMESPACE),
        (IN_CLUSTER, EVENTS_NAMESPACE), (IN_CLUSTER, WORKFLOWS_NAMESPACE),
        (IN_CLUSTER, "*")],
        description="The platform (Argo CD, Crossplane, Argo Events and Workflows wiring) "
                    "and the Crossplane resources of this cluster's environment",
        cluster_resources=False)
    # cluster-scoped kinds the platform and the infrastructure overlays create, and no more
    proj["spec"]["clusterResourceWhitelist"] = [
        {"group": "pkg.crossplane.io", "kind": "*"},
        {"group": "apiextensions.crossplane.io", "kind": "*"},
        {"group": "aws.upbound.io", "kind": "*"},
        {"group": "*.aws.upbound.io", "kind": "*"},
        {"group": "rbac.authorization.k8s.io", "kind": "ClusterRole"},
        {"group": "rbac.authorization.k8s.io", "kind": "ClusterRoleBinding"},
        {"group": "", "kind": "Namespace"},
    ]
    return proj


def _providers(plan: PlatformPlan) -> list[dict]:
    from kustgen.scaffold.crossplane import providers
    drc = {
        "apiVersion": "pkg.crossplane.io/v1beta1",
        "kind": "DeploymentRuntimeConfig",
        "metadata": {"name": RUNTIME_CONFIG},
        "spec": {
            # one stable service account name for every AWS provider pod, so that a cloud
            # identity (EKS IRSA, Pod Identity) can be bound to it
            "serviceAccountTemplate": {"metadata": {"name": PROVIDER_SA}},
        },
    }
    return [p for p in providers(tuple(plan.families), runtime_config=RUNTIME_CONFIG)
            if p["metadata"]["name"] not in plan.skip_providers] + [drc]


def _eventbus() -> dict:
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "EventBus",
        "metadata": {"name": "default", "namespace": EVENTS_NAMESPACE},
        "spec": {"jetstream": {"version": "latest", "replicas": 3}},
    }


def _sa(name: str, namespace: str) -> dict:
    return {"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": name, "namespace": namespace}}


def _role(name: str, namespace: str, rules: list) -> dict:
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": name, "namespace": namespace}, "rules": rules}


def _binding(kind: str, name: str, namespace: str | None, role_kind: str, role: str,
             subjects: list[tuple[str, str]]) -> dict:
    md = {"name": name}
    if namespace:
        md["namespace"] = namespace
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": md,
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind,
                        "name": role},
            "subjects": [{"kind": "ServiceAccount", "name": n, "namespace": ns}
                         for n, ns in subjects]}


def _events_rbac() -> list[dict]:
    return [
        _sa(EVENTSOURCE_SA, EVENTS_NAMESPACE),
        _sa(SENSOR_SA, EVENTS_NAMESPACE),
        # the sensor submits verification Workflows, and nothing else
        _role("kustgen-submit-workflows", WORKFLOWS_NAMESPACE, [
            {"apiGroups": ["argoproj.io"], "resources": ["workflows"],
             "verbs": ["create"]}]),
        _binding("RoleBinding", "kustgen-sensor-submit", WORKFLOWS_NAMESPACE, "Role",
                 "kustgen-submit-workflows", [(SENSOR_SA, EVENTS_NAMESPACE)]),
    ]


def _workflows_rbac() -> list[dict]:
    return [
        _sa(VERIFY_SA, WORKFLOWS_NAMESPACE),
        # what the Argo Workflows executor of each step needs to report its outputs
        _role("kustgen-verify-executor", WORKFLOWS_NAMESPACE, [
            {"apiGroups": ["argoproj.io"], "resources": ["workflowtaskresults"],
             "verbs": ["create", "patch"]}]),
        _binding("RoleBinding", "kustgen-verify-executor", WORKFLOWS_NAMESPACE, "Role",
                 "kustgen-verify-executor", [(VERIFY_SA, WORKFLOWS_NAMESPACE)]),
    ]


_WAIT_SCRIPT = """\
set -eu
target="$RESOURCE.$GROUP/$NAME"
ns=""
if [ -n "$NAMESPACE" ]; then ns="--namespace=$NAMESPACE"; fi
echo "waiting up to $TIMEOUT for $target to be Synced and Ready"
kubectl wait $ns --for=condition=Synced=True --timeout="$TIMEOUT" "$target"
kubectl wait $ns --for=condition=Ready=True --timeout="$TIMEOUT" "$target"
"""

_REVISION_SCRIPT = """\
set -eu
kubectl --namespace=argocd get application "$APPLICATION" \\
  -o jsonpath='{.status.sync.revision}' > /tmp/revision
echo "$APPLICATION last synced $(cat /tmp/revision)"
"""

_REVERT_SCRIPT = """\
set -eu
# git reads the token from the environment (never written to disk or to the remote URL)
git config --global credential.helper \\
  '!f() { echo "username=$GIT_USERNAME"; echo "password=$GIT_PASSWORD"; }; f'
git clone --branch "$BRANCH" "$REPO_URL" /tmp/repo
cd /tmp/repo
# the change to revert: the latest commit up to the synced revision that changed a file
# the environment's overlay reads (not an unrelated later commit); never a kustgen revert
kustgen revert "$REVISION" --overlay "$OVERLAY" --push --branch "$BRANCH" \\
  --check "infrastructure tests ($ENVIRONMENT)" --resource "$KIND/$NAME"
"""


def _env_params(names: list[str]) -> list[dict]:
    return [{"name": n.upper().replace("-", "_"),
             "value": "{{workflow.parameters.%s}}" % n} for n in names]


def _verify_template(plan: PlatformPlan) -> dict:
    params = ["environment", "application", "overlay", "group", "version", "resource",
              "kind", "name", "namespace"]
    names = ["group", "version", "resource", "kind", "name", "namespace", "environment"]
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {"name": VERIFY_TEMPLATE, "namespace": WORKFLOWS_NAMESPACE},
        "spec": {
            "serviceAccountName": VERIFY_SA,
            "entrypoint": "verify",
            "onExit": "on-exit",
            "arguments": {"parameters": [
                {"name": p, "value": ""} if p == "namespace" else {"name": p}
                for p in params]},
            # one verification at a time per resource: a burst of events for the same
            # resource queues instead of racing
            "synchronization": {"mutexes": [{
                "name": "{{workflow.parameters.environment}}-{{workflow.parameters.resource}}"
                        "-{{workflow.parameters.name}}"}]},
            "ttlStrategy": {"secondsAfterSuccess": 3600, "secondsAfterFailure": 86400},
            "templates": [
                {"name": "verify", "steps": [
                    [{"name": "wait", "template": "wait-ready"}],
                    [{"name": "test", "template": "infra-tests"}],
                ]},
                {"name": "wait-ready",
                 "container": {
                     "image": plan.kubectl_image,
                     "command": ["/bin/sh", "-c"],
                     "args": [_WAIT_SCRIPT],
                     "env": _env_params(names) + [{"name": "TIMEOUT",
                                                   "value": plan.wait_timeout}],
                 }},
                {"name": "infra-tests",
                 "timeout": plan.test_timeout,
                 "container": {
                     "image": plan.test_image,
                     "command": list(plan.test_command),
                     "env": _env_params(names),
                 }},
                {"name": "on-exit", "steps": [[
                    {"name": "revert", "template": "revert",
                     "when": "{{workflow.status}} != Succeeded"}]]},
                {"name": "revert", "steps": [
                    [{"name": "revision", "template": "synced-revision"}],
                    [{"name": "push-revert", "template": "push-revert",
                      "arguments": {"parameters": [{
                          "name": "revision",
                          "value": "{{steps.revision.outputs.parameters.revision}}"}]}}],
                ]},
                {"name": "synced-revision",
                 "container": {
                     "image": plan.kubectl_image,
                     "command": ["/bin/sh", "-c"],
                     "args": [_REVISION_SCRIPT],
                     "env": _env_params(["application"]),
                 },
                 "outputs": {"parameters": [
                     {"name": "revision", "valueFrom": {"path": "/tmp/revision"}}]}},
                {"name": "push-revert",
                 "inputs": {"parameters": [{"name": "revision"}]},
                 "container": {
                     "image": plan.kustgen_image,
                     "command": ["/bin/sh", "-c"],
                     "args": [_REVERT_SCRIPT],
                     "env": [
                         {"name": "REVISION", "value": "{{inputs.parameters.revision}}"},
                         {"name": "REPO_URL", "value": plan.repo_url},
                         {"name": "BRANCH", "value": plan.branch},
                         {"name": "GIT_USERNAME", "valueFrom": {"secretKeyRef": {
                             "name": plan.git_secret, "key": "username"}}},
                         {"name": "GIT_PASSWORD", "valueFrom": {"secretKeyRef": {
                             "name": plan.git_secret, "key": "password"}}},
                     ] + _env_params(["environment", "overlay", "kind", "name"]),
                 }},
            ],
        },
    }


# ------------------------------------------------------------------------------------------
# overlays
# ------------------------------------------------------------------------------------------
def _apps(plan: PlatformPlan, env: EnvPlan) -> list[dict]:
    from kustgen.scaffold.argocd import app_of_apps
    root = app_of_apps("platform-%s" % env.name, repo_url=plan.repo_url,
                       path="%s/overlays/%s" % (plan.path, env.name), project=PROJECT)
    root["metadata"]["labels"] = {ENV_LABEL: env.name}
    # the platform installs Providers whose CRDs the ProviderConfig needs: apply what can
    # be applied, retry the rest once the CRDs exist
    from kustgen.scaffold.argocd import CROSSPLANE_SYNC_OPTIONS
    root["spec"]["syncPolicy"] = {
        "automated": root["spec"]["syncPolicy"]["automated"],
        "syncOptions": list(CROSSPLANE_SYNC_OPTIONS),
        "retry": root["spec"]["syncPolicy"]["retry"],
    }
    infra = application(
        "infra-%s" % env.name, repo_url=plan.repo_url, path=env.overlay, project=PROJECT,
        automated=not env.protected, prune=not env.protected, self_heal=True,
        labels={ENV_LABEL: env.name},
        # deleting a protected environment's Application must not delete its cloud
        # resources; elsewhere it cleans up
        finalizer=not env.protected, allow_empty_guard=not env.protected)
    return [root, infra]


def _provider_config(env: EnvPlan) -> list[dict]:
    from kustgen.scaffold.crossplane import provider_config
    objs = provider_config(env.name, local=env.local, name=env.provider_config)
    for o in objs:
        if o.get("kind") == "Secret":
            o["metadata"]["annotations"] = {
                "kustgen.io/ignore": "KG402 LocalStack's documented dummy credentials "
                                     "(test/test), not a secret"}
    return objs


def _eventsource(env: EnvPlan) -> dict:
    res = {}
    for w in env.watched:
        res[w.event_name] = {
            "namespace": "",           # every namespace (claims), or cluster-scoped
            "group": w.group,
            "version": w.version,
            "resource": w.plural,
            "eventTypes": ["ADD", "UPDATE"],
            "filter": {
                # only what changed after the event source started (not the initial list)
                "afterStart": True,
                "labels": [{"key": ENV_LABEL, "operation": "==", "value": env.name}],
            },
        }
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "EventSource",
        "metadata": {"name": "crossplane-%s" % env.name, "namespace": EVENTS_NAMESPACE},
        "spec": {
            "eventBusName": "default",
            "template": {"serviceAccountName": EVENTSOURCE_SA},
            "resource": res,
        },
    }


def _sensor(plan: PlatformPlan, env: EnvPlan) -> dict:
    deps, triggers = [], []
    for w in env.watched:
        deps.append({"name": w.event_name, "eventSourceName": "crossplane-%s" % env.name,
                     "eventName": w.event_name})
        static = [("environment", env.name), ("application", "infra-%s" % env.name),
                  ("overlay", env.overlay), ("group", w.group), ("version", w.version), ("resource", w.plural),
                  ("kind", w.kind)]
        params = [{"name": k, "value": v} for k, v in static] + [
            {"name": "name", "value": ""}, {"name": "namespace", "value": ""}]
        triggers.append({
            "template": {
                "name": "verify-%s" % w.event_name,
                "conditions": w.event_name,
                "argoWorkflow": {
                    "operation": "submit",
                    "source": {"resource": {
                        "apiVersion": "argoproj.io/v1alpha1",
                        "kind": "Workflow",
                        "metadata": {"generateName": "verify-%s-" % env.name,
                                     "namespace": WORKFLOWS_NAMESPACE,
                                     "labels": {ENV_LABEL: env.name}},
                        "spec": {"workflowTemplateRef": {"name": VERIFY_TEMPLATE},
                                 "arguments": {"parameters": params}},
                    }},
                    # the changed resource, from the event
                    "parameters": [
                        {"src": {"dependencyName": w.event_name,
                                 "dataKey": "body.metadata.name"},
                         "dest": "spec.arguments.parameters.%d.value" % len(static)},
                        {"src": {"dependencyName": w.event_name,
                                 "dataKey": "body.metadata.namespace", "value": ""},
                         "dest": "spec.arguments.parameters.%d.value" % (len(static) + 1)},
                    ],
                },
            },
            # a reconcile storm must not start a workflow per status update
            "rateLimit": {"unit": "Minute", "requestsPerUnit": 10},
        })
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Sensor",
        "metadata": {"name": "verify-%s" % env.name, "namespace": EVENTS_NAMESPACE},
        "spec": {
            "eventBusName": "default",
            "template": {"serviceAccountName": SENSOR_SA},
            "dependencies": deps,
            "triggers": triggers,
        },
    }


def _watch_rbac(env: EnvPlan) -> list[dict]:
    by_group: dict = {}
    for w in env.watched:
        by_group.setdefault(w.group, []).append(w.plural)
    name = "kustgen-watch-%s" % env.name
    out = []
    if by_group:
        out.append({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": {"name": name},
            "rules": [{"apiGroups": [g], "resources": sorted(set(r)),
                       "verbs": ["get", "list", "watch"]} for g, r in sorted(by_group.items())],
        })
        out.append(_binding("ClusterRoleBinding", name, None, "ClusterRole", name, [
            (EVENTSOURCE_SA, EVENTS_NAMESPACE), (VERIFY_SA, WORKFLOWS_NAMESPACE)]))
    # the revert step reads which commit the environment's Application synced last
    out.append(_role("kustgen-read-%s-app" % env.name, ARGOCD_NAMESPACE, [
        {"apiGroups": ["argoproj.io"], "resources": ["applications"],
         "resourceNames": ["infra-%s" % env.name], "verbs": ["get"]}]))
    out.append(_binding("RoleBinding", "kustgen-read-%s-app" % env.name, ARGOCD_NAMESPACE,
                        "Role", "kustgen-read-%s-app" % env.name,
                        [(VERIFY_SA, WORKFLOWS_NAMESPACE)]))
    return out


# ------------------------------------------------------------------------------------------
# the tree
# ------------------------------------------------------------------------------------------
def render_tree(plan: PlatformPlan) -> dict[str, str]:
    """{path relative to the repository root: YAML text} of the whole platform tree."""
    for e in plan.envs:
        check_name(e.name, "environment name")
    p = plan.path.rstrip("/")
    files: dict[str, str] = {}
    base = p + "/base"
    files[base + "/kustomization.yaml"] = _kustomization(
        ["argocd/project.yaml", "crossplane/providers.yaml", "events/eventbus.yaml",
         "events/rbac.yaml", "workflows/verify.yaml", "workflows/rbac.yaml"],
        "What every environment's cluster runs: generated by `kustgen platform render`\n"
        "from kustgen.yaml (`platform:`); edit kustgen.yaml and render again.")
    files[base + "/argocd/project.yaml"] = _doc(
        [_project(plan)], "The Argo CD project of the platform and of the infrastructure "
        "overlays:\nthis repository only, these namespaces, the cluster-scoped kinds "
        "Crossplane needs.")
    files[base + "/crossplane/providers.yaml"] = _doc(
        _providers(plan), "Crossplane providers (one per AWS service family) and the "
        "runtime config giving\ntheir pods one service account name.")
    files[base + "/events/eventbus.yaml"] = _doc(
        [_eventbus()], "The Argo Events bus the environment's EventSource and Sensor use.")
    files[base + "/events/rbac.yaml"] = _doc(
        _events_rbac(), "Service accounts of the EventSource and the Sensor; the Sensor may "
        "only create\nWorkflows. (Read access to the watched kinds: the overlay's "
        "watch-rbac.yaml.)")
    files[base + "/workflows/verify.yaml"] = _doc(
        [_verify_template(plan)],
        "Verifies a changed resource: waits until it is Synced and Ready, runs the\n"
        "infrastructure tests, and when anything fails reverts the commit the environment\n"
        "last synced (`kustgen revert`, pushed with the credentials of the Secret %s)."
        % plan.git_secret)
    files[base + "/workflows/rbac.yaml"] = _doc(
        _workflows_rbac(), "The verification workflow's service account and what its "
        "executor needs.")
    for e in plan.envs:
        d = "%s/overlays/%s" % (p, e.name)
        res = ["../../base", "argocd.yaml"] + (
            ["provider-config.yaml"] if e.own_provider_config else []) + ["watch-rbac.yaml"]
        if e.watched:
            res.append("events.yaml")
        what = ("local cluster against LocalStack" if e.local else
                "protected: manual sync, resources kept when the Application is deleted"
                if e.protected else "automated sync")
        files[d + "/kustomization.yaml"] = _kustomization(
            res, "The platform of the %s cluster (%s).\nBootstrap: kubectl apply -k %s "
            "(see docs/platform.md), then Argo CD keeps it in sync." % (e.name, what, d))
        files[d + "/argocd.yaml"] = _doc(_apps(plan, e), (
            "The root Application (this overlay: the platform manages itself) and the\n"
            "Application of %s's infrastructure (%s)." % (e.name, e.overlay)))
        if e.own_provider_config:
            files[d + "/provider-config.yaml"] = _doc(_provider_config(e), (
                "ProviderConfig of %s: LocalStack's endpoint and test credentials." % e.name
                if e.local else
                "ProviderConfig of %s. Its credentials Secret (crossplane-system/%s-creds,\n"
                "key `credentials`) is created in the cluster, never committed."
                % (e.name, e.provider_config)))
        files[d + "/watch-rbac.yaml"] = _doc(_watch_rbac(e), (
            "Read access for the EventSource and the verification workflow to exactly the\n"
            "kinds %s uses, and to its Application's sync status." % e.name))
        if e.watched:
            files[d + "/events.yaml"] = _doc([_eventsource(e), _sensor(plan, e)], (
                "Changes to %s's managed resources and claims (%d kinds) start a\n"
                "verification Workflow with the changed resource as parameters." % (
                    e.name, len(e.watched))))
    return files


__all__ = ["Watched", "EnvPlan", "PlatformPlan", "plural", "render_tree"]
