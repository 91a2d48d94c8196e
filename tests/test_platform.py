"""`kustgen platform render` and `kustgen init --platform`: the control plane as code.

Two configurations are rendered and compared with golden files (`--update-golden`
rewrites them); every generated manifest validates against the real CRDs in ../shared
with zero findings, builds byte-identically with kubectl kustomize, and lints clean."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

from conftest import REPO, copy_example, need_shared

GOLDEN = os.path.join(REPO, "tests", "golden", "platform")

LOCALSTACK_ONLY = """\
apiVersion: kustgen.dev/v1alpha1
kind: Config
repoURL: https://git.example.com/team-a/infra.git
environments:
  - name: dev
    local: true
platform:
  families: [s3, ec2]
  tests:
    image: ghcr.io/team-a/infra-tests:1.4.0
    command: [go, test, ./test/..., -run, TestInfra]
    timeout: 20m
  wait:
    timeout: 5m
  git:
    secret: team-a-git
    branch: trunk
  images:
    kustgen: ghcr.io/team-a/kustgen:0.8.0
"""


def kg(cwd, *args, check=None):
    env = dict(os.environ, PYTHONPATH=REPO, NO_COLOR="1")
    p = subprocess.run([sys.executable, "-m", "kustgen", *args], cwd=cwd, capture_output=True,
                       text=True, env=env, timeout=300)
    assert "Traceback" not in p.stderr, p.stderr
    if check is not None:
        assert p.returncode == check, p.stdout + p.stderr
    return p


BUCKET = """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: orders-logs
spec:
  forProvider:
    region: eu-west-1
  providerConfigRef:
    name: default
"""

QUEUE = """\
apiVersion: sqs.aws.upbound.io/v1beta1
kind: Queue
metadata:
  name: orders-events
spec:
  forProvider:
    region: eu-west-1
    messageRetentionSeconds: 86400
  providerConfigRef:
    name: default
"""

ORPHAN = """\
patches:
  - target:
      group: s3.aws.upbound.io
    patch: &orphan |-
      - op: add
        path: /spec/deletionPolicy
        value: Orphan
  - target:
      group: sqs.aws.upbound.io
    patch: *orphan
"""


def _team_repo(root, config: str, envs: list[str], protected=()) -> "os.PathLike":
    """A small repository of Crossplane resources (a bucket, a queue), one overlay per
    environment labelled with it."""
    files = {"kustgen.yaml": config,
             "base/kustomization.yaml": "resources:\n  - bucket.yaml\n  - queue.yaml\n",
             "base/bucket.yaml": BUCKET, "base/queue.yaml": QUEUE}
    for e in envs:
        files["overlays/%s/kustomization.yaml" % e] = (
            "resources:\n  - ../../base\nlabels:\n  - pairs:\n"
            "      platform.example.org/environment: %s\n" % e) + (
            ORPHAN if e in protected else "")
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def localstack_repo(tmp_path):
    return _team_repo(tmp_path / "team-a", LOCALSTACK_ONLY, ["dev"])


THREE_ENVS = """\
apiVersion: kustgen.dev/v1alpha1
kind: Config
repoURL: https://git.example.com/platform/infra.git
environments:
  - {name: dev, local: true}
  - {name: staging}
  - {name: prod, protected: true}
platform: {}
"""


def three_env_repo(tmp_path):
    return _team_repo(tmp_path / "infra", THREE_ENVS, ["dev", "staging", "prod"], ["prod"])


CONFIGS = {"localstack-dev": localstack_repo, "three-envs-prod-protected": three_env_repo}


def tree_text(root) -> str:
    """The platform tree as one text: each file after a `# ==> path` line."""
    out = []
    base = os.path.join(str(root), "platform")
    for d, _, files in sorted(os.walk(base)):
        for f in sorted(files):
            p = os.path.join(d, f)
            rel = os.path.relpath(p, str(root)).replace(os.sep, "/")
            with open(p, encoding="utf-8") as fh:
                out.append("# ==> %s\n%s" % (rel, fh.read()))
    return "".join(out)


def overlays_of(root) -> list[str]:
    base = os.path.join(str(root), "platform", "overlays")
    return sorted(os.path.join("platform", "overlays", e) for e in os.listdir(base))


@pytest.fixture(params=sorted(CONFIGS))
def rendered(request, tmp_path):
    root = CONFIGS[request.param](tmp_path)
    p = kg(root, "platform", "render", check=0)
    assert "created  platform/base/workflows/verify.yaml" in p.stdout
    return request.param, root


def test_golden_tree(rendered, update_golden):
    name, root = rendered
    got = tree_text(root)
    path = os.path.join(GOLDEN, name + ".txt")
    if update_golden or not os.path.exists(path):
        os.makedirs(GOLDEN, exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(got)
    with open(path, encoding="utf-8") as fh:
        assert got == fh.read(), "run pytest --update-golden after an intended change"


def test_every_manifest_validates_against_the_real_crds(rendered):
    crds = need_shared("crds")
    _, root = rendered
    p = kg(root, "validate", "--offline", "--crds", crds, "--format", "json",
           *overlays_of(root))
    doc = json.loads(p.stdout)
    assert p.returncode == 0, p.stdout
    assert doc["findings"] == []
    res = doc["summary"]["resourcesChecked"]
    assert res >= 20 * len(overlays_of(root))
    # the Argo kinds were validated against their CRDs, none skipped for want of a schema
    cov = {c["kind"]: c for c in doc["coverage"]}
    for kind in ("Application", "AppProject", "EventBus", "EventSource", "Sensor",
                 "WorkflowTemplate", "Provider", "DeploymentRuntimeConfig"):
        assert cov[kind]["validated"] > 0 and cov[kind]["skipped"] == 0, kind


def test_every_overlay_builds_with_kubectl(rendered, kubectl):
    _, root = rendered
    for o in overlays_of(root):
        want = subprocess.run(kubectl + [o], cwd=root, capture_output=True, text=True)
        assert want.returncode == 0, want.stderr
        got = kg(root, "build", o, check=0).stdout
        assert got == want.stdout, o
        kinds = {d["kind"] for d in yaml.safe_load_all(want.stdout) if d}
        assert {"AppProject", "Application", "Provider", "DeploymentRuntimeConfig",
                "ProviderConfig", "EventBus", "WorkflowTemplate", "ServiceAccount",
                "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "EventSource",
                "Sensor"} <= kinds, (o, kinds)


def test_lint_is_clean_with_the_default_rules(rendered):
    _, root = rendered
    p = kg(root, "lint", "--fail-on", "info", "--format", "json")
    doc = json.loads(p.stdout)
    assert p.returncode == 0, p.stdout
    assert doc["findings"] == []
    # LocalStack's dummy credentials are a suppressed, explained KG402
    assert doc["summary"]["suppressed"] == 1


def test_what_each_environment_gets(tmp_path):
    root = three_env_repo(tmp_path)
    kg(root, "platform", "render", check=0)
    docs = {}
    for e in ("dev", "staging", "prod"):
        docs[e] = {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(
            kg(root, "build", "platform/overlays/%s" % e, check=0).stdout) if d}
    infra = {e: docs[e][("Application", "infra-%s" % e)] for e in docs}
    # automated with prune and an explicit allowEmpty guard where unprotected; manual in
    # prod, and deleting prod's Application keeps the cloud resources
    assert infra["dev"]["spec"]["syncPolicy"]["automated"] == {
        "prune": True, "selfHeal": True, "allowEmpty": False}
    assert "automated" not in infra["prod"]["spec"]["syncPolicy"]
    assert "finalizers" not in infra["prod"]["metadata"]
    assert infra["staging"]["metadata"]["finalizers"] == ["resources-finalizer.argocd.argoproj.io"]
    assert infra["prod"]["spec"]["source"]["path"] == "overlays/prod"
    root_app = docs["prod"][("Application", "platform-prod")]
    assert root_app["spec"]["source"]["path"] == "platform/overlays/prod"
    # LocalStack in dev only
    pc = {e: docs[e][("ProviderConfig", "default")]["spec"] for e in docs}
    assert pc["dev"]["endpoint"]["url"]["static"].startswith("http://localstack")
    assert "endpoint" not in pc["prod"] and ("Secret", "default-creds") not in docs["prod"]
    # the EventSource watches what the overlay renders, filtered to its environment
    es = docs["prod"][("EventSource", "crossplane-prod")]["spec"]["resource"]
    assert {(r["group"], r["version"], r["resource"]) for r in es.values()} == {
        ("s3.aws.upbound.io", "v1beta2", "buckets"),
        ("sqs.aws.upbound.io", "v1beta1", "queues")}
    assert all(r["filter"]["labels"] == [{"key": "platform.example.org/environment",
                                          "operation": "==", "value": "prod"}]
               for r in es.values())
    # each change submits the verification template with the resource as parameters
    sensor = docs["prod"][("Sensor", "verify-prod")]["spec"]
    trig = sensor["triggers"][0]["template"]["argoWorkflow"]
    wf = trig["source"]["resource"]
    assert wf["spec"]["workflowTemplateRef"] == {"name": "kustgen-verify"}
    params = [p["name"] for p in wf["spec"]["arguments"]["parameters"]]
    static = {p["name"]: p["value"] for p in wf["spec"]["arguments"]["parameters"]}
    assert static["overlay"] == "overlays/prod" and static["application"] == "infra-prod"
    dests = {p["dest"]: p["src"]["dataKey"] for p in trig["parameters"]}
    assert dests == {"spec.arguments.parameters.%d.value" % params.index("name"):
                     "body.metadata.name",
                     "spec.arguments.parameters.%d.value" % params.index("namespace"):
                     "body.metadata.namespace"}
    # least privilege: read access to exactly the watched kinds, the sensor only creates
    # workflows, the workflow only reads its own environment's Application
    cr = docs["prod"][("ClusterRole", "kustgen-watch-prod")]
    assert cr["rules"] == [
        {"apiGroups": ["s3.aws.upbound.io"], "resources": ["buckets"],
         "verbs": ["get", "list", "watch"]},
        {"apiGroups": ["sqs.aws.upbound.io"], "resources": ["queues"],
         "verbs": ["get", "list", "watch"]}]
    read_app = docs["prod"][("Role", "kustgen-read-prod-app")]["rules"]
    assert read_app == [{"apiGroups": ["argoproj.io"], "resources": ["applications"],
                         "resourceNames": ["infra-prod"], "verbs": ["get"]}]
    submit = docs["prod"][("Role", "kustgen-submit-workflows")]["rules"]
    assert submit == [{"apiGroups": ["argoproj.io"], "resources": ["workflows"],
                       "verbs": ["create"]}]


def test_the_workflow_waits_tests_and_reverts(tmp_path):
    root = localstack_repo(tmp_path)
    kg(root, "platform", "render", check=0)
    (wt,) = [d for d in yaml.safe_load_all(
        (root / "platform/base/workflows/verify.yaml").read_text()) if d]
    spec = wt["spec"]
    t = {x["name"]: x for x in spec["templates"]}
    assert [s[0]["template"] for s in t["verify"]["steps"]] == ["wait-ready", "infra-tests"]
    wait = t["wait-ready"]["container"]
    assert "--for=condition=Synced=True" in wait["args"][0]
    assert "--for=condition=Ready=True" in wait["args"][0]
    assert {"name": "TIMEOUT", "value": "5m"} in wait["env"]
    tests = t["infra-tests"]
    assert tests["container"]["image"] == "ghcr.io/team-a/infra-tests:1.4.0"
    assert tests["container"]["command"] == ["go", "test", "./test/...", "-run", "TestInfra"]
    assert tests["timeout"] == "20m"
    assert spec["onExit"] == "on-exit"
    assert t["on-exit"]["steps"][0][0]["when"] == "{{workflow.status}} != Succeeded"
    push = t["push-revert"]["container"]
    assert push["image"] == "ghcr.io/team-a/kustgen:0.8.0"
    assert "kustgen revert \"$REVISION\" --overlay \"$OVERLAY\" --push --branch \"$BRANCH\"" \
        in push["args"][0]
    env = {e["name"]: e for e in push["env"]}
    assert env["BRANCH"]["value"] == "trunk"
    assert env["GIT_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": "team-a-git",
                                                               "key": "password"}
    assert env["REPO_URL"]["value"] == "https://git.example.com/team-a/infra.git"


def test_check_reports_drift(tmp_path):
    root = three_env_repo(tmp_path)
    assert kg(root, "platform", "render", "--check").returncode == 1
    kg(root, "platform", "render", check=0)
    assert "up to date" in kg(root, "platform", "render", "--check", check=0).stdout
    # a new kind in prod: its EventSource and RBAC must follow
    (root / "overlays/prod/topic.yaml").write_text(
        "apiVersion: sns.aws.upbound.io/v1beta1\nkind: Topic\nmetadata:\n  name: orders\n"
        "spec:\n  forProvider:\n    region: eu-west-1\n  providerConfigRef:\n"
        "    name: default\n  deletionPolicy: Orphan\n")
    k = root / "overlays/prod/kustomization.yaml"
    k.write_text(k.read_text().replace("  - ../../base\n", "  - ../../base\n  - topic.yaml\n", 1))
    p = kg(root, "platform", "render", "--check")
    assert p.returncode == 1
    assert p.stdout.splitlines() == ["differs  platform/overlays/prod/events.yaml",
                                     "differs  platform/overlays/prod/watch-rbac.yaml"]
    # a hand edit is kept unless --force
    p = kg(root, "platform", "render", check=0)
    assert "kept     platform/overlays/prod/events.yaml" in p.stderr
    kg(root, "platform", "render", "--force", check=0)
    assert "topics" in (root / "platform/overlays/prod/events.yaml").read_text()
    kg(root, "platform", "render", "--check", check=0)


def test_init_platform_writes_a_repo_that_builds_validates_and_lints(tmp_path, kubectl):
    crds = need_shared("crds")
    root = tmp_path / "new"
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    p = kg(root, "init", "--platform", "--repo-url", "https://git.example.com/t/infra.git",
           check=0)
    assert "created  platform/overlays/prod/argocd.yaml" in p.stdout
    assert not (root / "argocd").exists()                   # platform/ owns Argo CD
    assert not (root / "base/packages").exists()            # and the providers
    cfg = yaml.safe_load((root / "kustgen.yaml").read_text())
    assert cfg["platform"]["families"] == ["s3", "ec2", "rds", "iam"]
    for o in overlays_of(root):
        assert subprocess.run(kubectl + [o], cwd=root, capture_output=True).returncode == 0
    v = kg(root, "validate", "--offline", "--crds", crds, *overlays_of(root))
    assert v.returncode == 0, v.stdout
    assert kg(root, "lint", "--fail-on", "info").returncode == 0
    # nothing rendered yet: no EventSource until the overlays use managed resources
    assert not (root / "platform/overlays/dev/events.yaml").exists()
    assert "platform render --check" in (root / ".pre-commit-config.yaml").read_text()
    assert kg(root, "platform", "render", "--check").returncode == 0
    # re-running init changes nothing
    assert kg(root, "init", "--platform", check=0).stdout.strip() == "nothing to change"


def test_platform_needs_a_repo_url_and_environments(tmp_path):
    (tmp_path / "kustgen.yaml").write_text("apiVersion: kustgen.dev/v1alpha1\nkind: Config\n"
                                           "environments: [{name: dev}]\n")
    p = kg(tmp_path, "platform", "render")
    assert p.returncode == 2 and "no repoURL" in p.stderr


def test_plural_matches_the_provider_crds():
    """The resource names guessed for managed resource kinds are the ones the real
    provider CRDs declare (authors may pick irregular ones, Argo Events' `eventbus`; the
    EventSource only guesses for providers' kinds: claims use their XRD's names)."""
    from kustgen.scaffold.platform import plural
    crds = need_shared("crds", "provider-aws")
    checked = 0
    for d, _, files in os.walk(crds):
        for f in files:
            if not f.endswith(".yaml"):
                continue
            with open(os.path.join(d, f)) as fh:
                for doc in yaml.safe_load_all(fh):
                    if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                        names = doc["spec"]["names"]
                        assert plural(names["kind"]) == names["plural"], names
                        checked += 1
    assert checked > 100


def test_an_existing_repo_keeps_what_its_overlays_own(tmp_path):
    """The example repository installs its providers and ProviderConfigs in its overlays:
    platform/ does not define them a second time (two Applications would fight over
    them), and says so."""
    crds = need_shared("crds")
    root = copy_example(tmp_path / "example")
    p = kg(root, "platform", "render", check=0)
    assert "prod renders its ProviderConfig aws-prod itself" in p.stderr
    assert "the overlays install provider-aws-ec2, provider-aws-rds, provider-aws-s3" in p.stderr
    providers = [d["metadata"]["name"] for d in yaml.safe_load_all(
        (root / "platform/base/crossplane/providers.yaml").read_text())
        if d and d["kind"] == "Provider"]
    assert providers == ["provider-aws-iam"]
    assert not (root / "platform/overlays/prod/provider-config.yaml").exists()
    v = kg(root, "validate", "--offline", "--crds", crds, *overlays_of(root))
    assert v.returncode == 0, v.stdout
    assert kg(root, "lint", "--fail-on", "info").returncode == 0
    # the EventSource follows the claims and network resources the overlays render
    es = yaml.safe_load((root / "platform/overlays/dev/events.yaml").read_text().split(
        "---")[0])
    assert {(r["group"], r["resource"]) for r in es["spec"]["resource"].values()} >= {
        ("platform.example.org", "buckets"), ("platform.example.org", "databases"),
        ("ec2.aws.upbound.io", "vpcs")}


def test_a_removed_environment_is_reported_and_deleted_with_force(tmp_path):
    root = three_env_repo(tmp_path)
    kg(root, "platform", "render", check=0)
    (root / "platform/overlays/dev/NOTES.md").write_text("ours\n")
    cfg = root / "kustgen.yaml"
    cfg.write_text(cfg.read_text().replace("  - {name: staging}\n", ""))
    p = kg(root, "platform", "render", "--check")
    assert p.returncode == 1
    extra = [ln for ln in p.stdout.splitlines() if ln.startswith("extra")]
    assert extra == ["extra    platform/overlays/staging/%s" % f for f in (
        "argocd.yaml", "events.yaml", "kustomization.yaml", "provider-config.yaml",
        "watch-rbac.yaml")]
    p = kg(root, "platform", "render", check=0)
    assert "platform/overlays/staging is for an environment kustgen.yaml does not list: " \
           "delete it, or run with --force" in p.stderr
    assert (root / "platform/overlays/staging").exists()
    kg(root, "platform", "render", "--force", check=0)
    assert not (root / "platform/overlays/staging/kustomization.yaml").exists()
    assert (root / "platform/overlays/dev/NOTES.md").read_text() == "ours\n"   # not ours
    p = kg(root, "platform", "render", "--check", check=0)
    assert "staging" not in p.stdout + p.stderr
