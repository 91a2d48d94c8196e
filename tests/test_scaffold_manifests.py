"""kustgen.scaffold.{argocd,crossplane,platform_api}: every generated manifest validates
against the real upstream CRDs (../shared/crds) in strict mode, with zero schema errors and
zero failed CEL rules; the example claim against the schema derived from the generated XRD;
the LocalStack Secret against the built-in Kubernetes schema."""

from __future__ import annotations

import copy
import os

import pytest

from conftest import need_shared
from kustgen.model.errors import ConfigError
from kustgen.scaffold import argocd, crossplane, platform_api as papi
from kustgen.scaffold.argocd import app_of_apps, app_project, application
from kustgen.scaffold.crossplane import (PROVIDER_FAMILIES, deployment_runtime_config,
                                         provider_config, providers)
from kustgen.scaffold.platform_api import platform_api, plural
from kustgen.schemas.cel import CelRules
from kustgen.schemas.registry import SchemaEntry, validate_object
from kustgen.schemas.sources.builtin import BuiltinSource
from kustgen.schemas.sources.crd import CrdSource
from kustgen.schemas.sources.xrd import XrdSource

REPO_URL = "https://git.example.com/platform/infra.git"
LOCAL = "http://localstack.localstack.svc.cluster.local:4566"


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def crds():
    src = CrdSource(strict=True)
    assert src.add_path(need_shared("crds")) > 0
    return src


def problems(entry: SchemaEntry, obj: dict) -> list:
    """Schema errors and evaluated CEL failures of ``obj`` (the object is not changed)."""
    before = copy.deepcopy(obj)
    errs = list(validate_object(entry, obj))
    if entry.openapi is not None:
        errs += [r for r in CelRules(entry.openapi).evaluate(obj) if r.evaluated]
    assert obj == before, "validation must not change the generated object"
    return errs


def check(crds: CrdSource, obj: dict) -> None:
    entry = crds.lookup(obj["apiVersion"], obj["kind"])
    assert entry is not None, "no CRD for %s %s" % (obj["apiVersion"], obj["kind"])
    assert problems(entry, obj) == []


def check_not_evaluated_is_none(crds: CrdSource, obj: dict) -> None:
    """Every CEL rule on the object could be evaluated (none skipped for a reason)."""
    entry = crds.lookup(obj["apiVersion"], obj["kind"])
    assert [r for r in CelRules(entry.openapi).evaluate(obj) if not r.evaluated] == []


def derived_entry(xrd: dict, api_version: str, kind: str) -> SchemaEntry:
    src = XrdSource([xrd])
    assert src.errors == []
    d = src.lookup(api_version, kind)
    assert d is not None, "the XRD defines no %s %s" % (api_version, kind)
    return SchemaEntry(api_version, kind, "xrd", openapi=d.openapi_v3)


def head(obj: dict) -> list:
    return list(obj)[:4]


# ---------------------------------------------------------------------------------------
# Argo CD
# ---------------------------------------------------------------------------------------

def test_app_project_validates(crds):
    p = app_project("platform", REPO_URL,
                    [("https://kubernetes.default.svc", "crossplane-system"),
                     ("https://kubernetes.default.svc", "argocd")],
                    description="Infrastructure of the platform team")
    assert head(p) == ["apiVersion", "kind", "metadata", "spec"]
    assert p["metadata"] == {"name": "platform", "namespace": "argocd"}
    assert p["spec"]["sourceRepos"] == [REPO_URL]
    assert p["spec"]["destinations"][0] == {"server": "https://kubernetes.default.svc",
                                            "namespace": "crossplane-system"}
    assert p["spec"]["clusterResourceWhitelist"] == [{"group": "*", "kind": "*"}]
    check(crds, p)
    check_not_evaluated_is_none(crds, p)


def test_app_project_without_cluster_resources(crds):
    p = app_project("team", REPO_URL, [("https://kubernetes.default.svc", "team-a")],
                    cluster_resources=False)
    assert "clusterResourceWhitelist" not in p["spec"]
    assert "description" not in p["spec"]
    check(crds, p)


def test_app_project_rejects_bad_input():
    with pytest.raises(ConfigError):
        app_project("platform", REPO_URL, [])
    with pytest.raises(ConfigError):
        app_project("platform", REPO_URL, [("https://kubernetes.default.svc",)])
    with pytest.raises(ConfigError):
        app_project("Platform_1", REPO_URL, [("https://kubernetes.default.svc", "x")])


def test_application_automated_validates(crds):
    a = application("infra-dev", repo_url=REPO_URL, path="overlays/dev", project="platform",
                    labels={"platform.example.org/environment": "dev"})
    assert head(a) == ["apiVersion", "kind", "metadata", "spec"]
    assert a["metadata"]["namespace"] == "argocd"
    assert a["metadata"]["finalizers"] == ["resources-finalizer.argocd.argoproj.io"]
    assert a["metadata"]["labels"] == {"platform.example.org/environment": "dev"}
    spec = a["spec"]
    assert spec["project"] == "platform"
    assert spec["source"] == {"repoURL": REPO_URL, "targetRevision": "HEAD",
                              "path": "overlays/dev"}
    assert spec["destination"] == {"server": "https://kubernetes.default.svc",
                                   "namespace": "crossplane-system"}
    assert spec["syncPolicy"]["automated"] == {"prune": False, "selfHeal": True}
    opts = spec["syncPolicy"]["syncOptions"]
    assert "SkipDryRunOnMissingResource=true" in opts
    assert "CreateNamespace=true" in opts
    check(crds, a)
    check_not_evaluated_is_none(crds, a)


def test_application_prune_and_self_heal_flags(crds):
    a = application("infra-staging", repo_url=REPO_URL, path="overlays/staging",
                    project="platform", prune=True, self_heal=False, target_revision="main")
    assert a["spec"]["syncPolicy"]["automated"] == {"prune": True, "selfHeal": False}
    assert a["spec"]["source"]["targetRevision"] == "main"
    assert "labels" not in a["metadata"]
    check(crds, a)


def test_application_manual_has_no_automated(crds):
    a = application("infra-prod", repo_url=REPO_URL, path="overlays/prod", project="platform",
                    automated=False, prune=True)
    sync = a["spec"]["syncPolicy"]
    assert "automated" not in sync
    assert "SkipDryRunOnMissingResource=true" in sync["syncOptions"]
    check(crds, a)


def test_app_of_apps_validates(crds):
    a = app_of_apps("platform-apps", repo_url=REPO_URL, path="apps", project="platform")
    assert head(a) == ["apiVersion", "kind", "metadata", "spec"]
    assert a["spec"]["destination"] == {"server": "https://kubernetes.default.svc",
                                        "namespace": "argocd"}
    assert a["spec"]["source"]["path"] == "apps"
    assert a["spec"]["syncPolicy"]["automated"]["prune"] is False
    check(crds, a)
    check_not_evaluated_is_none(crds, a)


def test_application_rejects_bad_names():
    with pytest.raises(ConfigError):
        application("Infra Dev", repo_url=REPO_URL, path="overlays/dev", project="platform")
    with pytest.raises(ConfigError):
        application("infra-dev", repo_url="", path="overlays/dev", project="platform")
    with pytest.raises(ConfigError):
        app_of_apps("apps", repo_url=REPO_URL, path="", project="platform")


# ---------------------------------------------------------------------------------------
# Crossplane: providers, provider configs, runtime config
# ---------------------------------------------------------------------------------------

def test_every_provider_family_validates(crds):
    ps = providers(PROVIDER_FAMILIES)
    assert [p["metadata"]["name"] for p in ps] == ["provider-aws-%s" % f
                                                  for f in PROVIDER_FAMILIES]
    for p in ps:
        assert head(p) == ["apiVersion", "kind", "metadata", "spec"]
        assert p["apiVersion"] == "pkg.crossplane.io/v1"
        assert p["spec"]["package"] == "%s/%s:%s" % (
            crossplane.PROVIDER_REGISTRY, p["metadata"]["name"], crossplane.PROVIDER_VERSION)
        assert "runtimeConfigRef" not in p["spec"]
        check(crds, p)
        check_not_evaluated_is_none(crds, p)


def test_providers_defaults_and_options(crds):
    ps = providers()
    assert [p["metadata"]["name"] for p in ps] == [
        "provider-aws-s3", "provider-aws-ec2", "provider-aws-rds", "provider-aws-iam"]
    ps = providers(("s3", "s3"), version="v1.23.0", registry="xpkg.upbound.io/upbound",
                   runtime_config="aws-irsa")
    assert len(ps) == 1
    assert ps[0]["spec"]["package"] == "xpkg.upbound.io/upbound/provider-aws-s3:v1.23.0"
    assert ps[0]["spec"]["runtimeConfigRef"] == {
        "apiVersion": "pkg.crossplane.io/v1beta1", "kind": "DeploymentRuntimeConfig",
        "name": "aws-irsa"}
    check(crds, ps[0])


@pytest.mark.parametrize("kw", [{"families": ("S3",)}, {"families": ()},
                                {"families": ("s3",), "version": "v1:2"},
                                {"families": ("s3",), "registry": "upbound"}])
def test_providers_reject_bad_input(kw):
    with pytest.raises(ConfigError):
        providers(**kw)


def test_provider_config_localstack(crds):
    docs = provider_config("dev", local=True)
    assert [d["kind"] for d in docs] == ["ProviderConfig", "Secret"]
    pc, secret = docs
    assert head(pc) == ["apiVersion", "kind", "metadata", "spec"]
    assert pc["apiVersion"] == "aws.upbound.io/v1beta1"
    assert pc["metadata"] == {"name": "aws-dev"}        # cluster-scoped: no namespace
    spec = pc["spec"]
    assert spec["credentials"] == {
        "source": "Secret",
        "secretRef": {"namespace": "crossplane-system", "name": secret["metadata"]["name"],
                      "key": "credentials"}}
    assert spec["endpoint"]["url"] == {"type": "Static", "static": LOCAL}
    assert spec["endpoint"]["hostnameImmutable"] is True
    assert {"s3", "ec2", "rds", "iam", "sts"} <= set(spec["endpoint"]["services"])
    for flag in ("skip_credentials_validation", "skip_metadata_api_check",
                 "skip_region_validation", "skip_requesting_account_id",
                 "s3_use_path_style"):
        assert spec[flag] is True, flag
    check(crds, pc)
    check_not_evaluated_is_none(crds, pc)

    assert secret["metadata"]["namespace"] == "crossplane-system"
    creds = secret["stringData"]["credentials"]
    assert "[default]" in creds
    assert "aws_access_key_id = test" in creds and "aws_secret_access_key = test" in creds
    entry = BuiltinSource("1.32.0", True).lookup("v1", "Secret")
    assert entry is not None
    assert problems(entry, secret) == []


def test_provider_config_localstack_options(crds):
    pc, secret = provider_config("dev", local=True, name="localstack",
                                 secret_namespace="crossplane", services=("s3",),
                                 localstack_url="http://localhost:4566")
    assert pc["metadata"]["name"] == "localstack"
    assert pc["spec"]["endpoint"]["url"]["static"] == "http://localhost:4566"
    assert pc["spec"]["endpoint"]["services"] == ["s3"]
    assert secret["metadata"] == {"name": "localstack-creds", "namespace": "crossplane"}
    assert pc["spec"]["credentials"]["secretRef"]["namespace"] == "crossplane"
    check(crds, pc)


def test_provider_config_real_account(crds):
    docs = provider_config("prod", local=False)
    assert len(docs) == 1                      # never a Secret with real credentials
    pc = docs[0]
    assert pc["metadata"] == {"name": "aws-prod"}
    assert pc["spec"] == {"credentials": {
        "source": "Secret",
        "secretRef": {"namespace": "crossplane-system", "name": "aws-prod-creds",
                      "key": "credentials"}}}
    check(crds, pc)
    check_not_evaluated_is_none(crds, pc)


@pytest.mark.parametrize("env", ["", "Dev", "dev_1", "-dev"])
def test_provider_config_rejects_bad_env(env):
    with pytest.raises(ConfigError):
        provider_config(env, local=True)


def test_provider_config_rejects_bad_url():
    with pytest.raises(ConfigError):
        provider_config("dev", local=True, localstack_url="localstack:4566")


def test_deployment_runtime_config_validates(crds):
    role = "arn:aws:iam::123456789012:role/crossplane-provider-aws"
    d = deployment_runtime_config("aws-irsa",
                                  service_account_annotations={"eks.amazonaws.com/role-arn": role})
    assert head(d) == ["apiVersion", "kind", "metadata", "spec"]
    assert d["apiVersion"] == "pkg.crossplane.io/v1beta1"
    assert d["spec"] == {"serviceAccountTemplate": {"metadata": {"annotations": {
        "eks.amazonaws.com/role-arn": role}}}}
    check(crds, d)
    with pytest.raises(ConfigError):
        deployment_runtime_config("aws-irsa", service_account_annotations={})


# ---------------------------------------------------------------------------------------
# platform API: XRD + Composition + example
# ---------------------------------------------------------------------------------------

PARAMS = {
    "size": {"type": "string", "enum": ["small", "medium", "large"],
             "description": "T-shirt size."},
    "storageGB": {"type": "integer", "default": 20, "minimum": 5},
    "versioning": {"type": "boolean", "default": True},
    "owner": {"type": "string"},
}


@pytest.mark.parametrize("claim", [True, False], ids=["claim", "xr"])
def test_platform_api_validates(crds, claim):
    xrd, comp, example = platform_api("ObjectStore", "platform.example.org", claim=claim,
                                      parameters=PARAMS)
    for obj in (xrd, comp, example):
        assert head(obj) == ["apiVersion", "kind", "metadata", "spec"]
    check(crds, xrd)
    check(crds, comp)
    check_not_evaluated_is_none(crds, xrd)
    check_not_evaluated_is_none(crds, comp)

    spec = xrd["spec"]
    assert xrd["metadata"]["name"] == "xobjectstores.platform.example.org"
    assert spec["names"] == {"kind": "XObjectStore", "plural": "xobjectstores"}
    assert spec["defaultCompositionRef"] == {"name": comp["metadata"]["name"]}
    (v,) = spec["versions"]
    assert (v["name"], v["served"], v["referenceable"]) == ("v1alpha1", True, True)
    params = v["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["parameters"]
    assert params["properties"]["region"] == {
        "type": "string", "default": "us-east-1", "description": params["properties"]
        ["region"]["description"]}
    assert params["properties"]["providerConfigName"]["default"] == "default"
    assert params["properties"]["size"] == PARAMS["size"]
    assert v["schema"]["openAPIV3Schema"]["properties"]["spec"]["required"] == ["parameters"]
    if claim:
        assert spec["claimNames"] == {"kind": "ObjectStore", "plural": "objectstores"}
        assert spec["scope"] == "LegacyCluster"
        assert example["kind"] == "ObjectStore"
        assert example["metadata"] == {"name": "example", "namespace": "default"}
    else:
        assert "claimNames" not in spec
        assert example["kind"] == "XObjectStore"
        assert example["metadata"] == {"name": "example"}
    assert example["apiVersion"] == "platform.example.org/v1alpha1"
    assert example["spec"]["parameters"] == {"region": "us-east-1",
                                             "providerConfigName": "default",
                                             "size": "small", "storageGB": 20,
                                             "versioning": True}

    entry = derived_entry(xrd, example["apiVersion"], example["kind"])
    assert problems(entry, example) == []
    assert [r for r in CelRules(entry.openapi).evaluate(example) if not r.evaluated] == []


def test_platform_api_composition_shape(crds):
    xrd, comp, _ = platform_api("Database", "platform.example.org", version="v1beta1",
                                composed="rds.aws.upbound.io/v1beta1/ClusterInstance")
    spec = comp["spec"]
    assert spec["compositeTypeRef"] == {"apiVersion": "platform.example.org/v1beta1",
                                        "kind": "XDatabase"}
    assert spec["mode"] == "Pipeline"
    (step,) = spec["pipeline"]
    assert step["functionRef"] == {"name": "function-patch-and-transform"}
    assert step["input"]["apiVersion"] == "pt.fn.crossplane.io/v1beta1"
    assert step["input"]["kind"] == "Resources"
    (res,) = step["input"]["resources"]
    assert res["name"] == "cluster-instance"
    assert res["base"]["apiVersion"] == "rds.aws.upbound.io/v1beta1"
    assert res["base"]["kind"] == "ClusterInstance"
    assert res["patches"] == [
        {"type": "FromCompositeFieldPath", "fromFieldPath": "spec.parameters.region",
         "toFieldPath": "spec.forProvider.region"},
        {"type": "FromCompositeFieldPath",
         "fromFieldPath": "spec.parameters.providerConfigName",
         "toFieldPath": "spec.providerConfigRef.name"}]
    assert comp["metadata"]["name"] == "xdatabases-aws"
    assert xrd["spec"]["versions"][0]["name"] == "v1beta1"
    check(crds, comp)
    check(crds, xrd)


def test_composed_base_with_patches_applied_validates(crds):
    """The default composed Bucket, as the function renders it, is a valid managed resource."""
    _, comp, example = platform_api("Bucket", "platform.example.org")
    res = comp["spec"]["pipeline"][0]["input"]["resources"][0]
    mr = copy.deepcopy(res["base"])
    mr["metadata"] = {"name": "example-abcde"}
    mr["spec"]["forProvider"]["region"] = example["spec"]["parameters"]["region"]
    mr["spec"]["providerConfigRef"] = {"name": example["spec"]["parameters"]
                                       ["providerConfigName"]}
    mr = {k: mr[k] for k in ("apiVersion", "kind", "metadata", "spec")}
    check(crds, mr)


def test_example_claim_is_checked_against_the_xrd():
    """The derived schema is really strict: a wrong example would be caught."""
    xrd, _, example = platform_api("Queue", "platform.example.org",
                                   parameters={"fifo": {"type": "boolean", "default": False}})
    entry = derived_entry(xrd, example["apiVersion"], example["kind"])
    bad = copy.deepcopy(example)
    bad["spec"]["parameters"]["fifo"] = "yes"
    bad["spec"]["parameters"]["unknown"] = 1
    assert len(problems(entry, bad)) >= 2
    missing = copy.deepcopy(example)
    del missing["spec"]["parameters"]
    assert problems(entry, missing) != []


@pytest.mark.parametrize("kind", ["", "bucket", "My-Bucket", "My_Bucket", "1Bucket",
                                  "Bucket s", "X" * 70, None])
def test_bad_kind(kind):
    with pytest.raises(ConfigError, match="kind"):
        platform_api(kind, "platform.example.org")


@pytest.mark.parametrize("group", ["", "platform", "Platform.example.org", "platform..org",
                                   "-platform.org", "platform.org.", "platform_x.org",
                                   "a" * 64 + ".org", None])
def test_bad_group(group):
    with pytest.raises(ConfigError, match="group"):
        platform_api("Bucket", group)


@pytest.mark.parametrize("kw", [{"version": "1"}, {"version": "v1alpha"},
                                {"composed": "Bucket"}, {"composed": "s3.aws.upbound.io/Bucket/v1"},
                                {"parameters": {"Size": {"type": "string"}}},
                                {"parameters": {"size": {"enum": ["a"]}}},
                                {"parameters": ["size"]}])
def test_bad_options(kw):
    with pytest.raises(ConfigError):
        platform_api("Bucket", "platform.example.org", **kw)


@pytest.mark.parametrize("kind,expected", [
    ("Bucket", "buckets"), ("Database", "databases"), ("Policy", "policies"),
    ("Registry", "registries"), ("Gateway", "gateways"), ("Key", "keys"),
    ("Address", "addresses"), ("Box", "boxes"), ("Cache", "caches"), ("Mesh", "meshes"),
    ("Quiz", "quizes"), ("ObjectStore", "objectstores"),
])
def test_plural_rules(kind, expected):
    assert plural(kind) == expected


def test_xrd_names_follow_plural_rules(crds):
    xrd, _, _ = platform_api("Policy", "iam.platform.example.org")
    assert xrd["spec"]["names"] == {"kind": "XPolicy", "plural": "xpolicies"}
    assert xrd["spec"]["claimNames"] == {"kind": "Policy", "plural": "policies"}
    assert xrd["metadata"]["name"] == "xpolicies.iam.platform.example.org"
    check(crds, xrd)


def test_generators_are_pure():
    a = platform_api("Bucket", "platform.example.org", parameters=PARAMS)
    b = platform_api("Bucket", "platform.example.org", parameters=PARAMS)
    assert a == b
    a[0]["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"][
        "properties"]["parameters"]["properties"]["size"]["enum"].append("huge")
    assert PARAMS["size"]["enum"] == ["small", "medium", "large"]


# ---------------------------------------------------------------------------------------
# through kustgen's own validate API
# ---------------------------------------------------------------------------------------

def test_platform_api_validates_through_kustgen(tmp_path):
    from kustgen import api, yamlio
    from kustgen.config import Config

    crossplane_crds = need_shared("crds", "crossplane")
    xrd, comp, example = platform_api("ObjectStore", "platform.example.org",
                                      parameters=PARAMS)
    d = tmp_path / "apis" / "objectstore"
    d.mkdir(parents=True)
    files = {"definition.yaml": xrd, "composition.yaml": comp, "example.yaml": example}
    for name, obj in files.items():
        (d / name).write_text(yamlio.dump(obj), encoding="utf-8")
    (d / "kustomization.yaml").write_text(yamlio.dump({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": list(files),
    }), encoding="utf-8")
    res = api.validate([str(d)], config=Config(root=str(tmp_path)), crds=[crossplane_crds],
                       offline=True)
    assert res.render_errors == 0
    assert [str(f) for f in res.findings] == []
    # all three were checked: the XRD and Composition against the CRDs, the claim against
    # the schema derived from the XRD next to it
    assert res.stats["validated"] == 3 and res.stats["skipped"] == 0
    assert res.stats["kinds"]["platform.example.org/v1alpha1 ObjectStore"]["source"] == (
        "XRD xobjectstores.platform.example.org (claim)")
    assert os.path.normpath(str(d)) in [os.path.normpath(o) for o in res.overlays]


def test_module_exports():
    for mod in (argocd, crossplane, papi):
        for name in mod.__all__:
            assert hasattr(mod, name), (mod.__name__, name)
