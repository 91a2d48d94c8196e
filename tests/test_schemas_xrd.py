"""kustgen.schemas.sources.xrd: schemas of the XRs and claims that Crossplane XRDs define.

The derived ``openAPIV3Schema``s are checked with ``jsonschema`` through a minimal strict
conversion of our own (objects with ``properties`` are closed unless they preserve unknown
fields), so that unknown fields and wrong types are caught the way the API server would.
"""

from __future__ import annotations

import copy
import glob
import os

import jsonschema
import pytest

from conftest import REPO, need_shared
from kustgen.fs import MemoryFS
from kustgen.schemas.sources.xrd import (
    DerivedSchema, XrdError, XrdSource, is_xrd, xrd_schemas,
)
from kustgen.yamlio import load_documents

API_DIR = os.path.join(REPO, "base", "apis")
CLAIMS_DIR = os.path.join(REPO, "base", "claims")
XRD_CRD = ("crds", "crossplane", "apiextensions.crossplane.io_compositeresourcedefinitions.yaml")


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------

def strict(schema):
    """openAPIV3 (CRD flavour) -> JSON Schema, closing objects that list properties."""
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for k, v in schema.items():
        if k == "properties":
            out[k] = {name: strict(s) for name, s in v.items()}
        elif k in ("items", "additionalProperties", "not"):
            out[k] = strict(v) if isinstance(v, dict) else v
        elif k in ("oneOf", "anyOf", "allOf"):
            out[k] = strict(v)
        elif k.startswith("x-kubernetes-") or k == "nullable":
            continue
        else:
            out[k] = v
    if schema.get("nullable") and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    if schema.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if ("properties" in schema and "additionalProperties" not in schema
            and not schema.get("x-kubernetes-preserve-unknown-fields")):
        out["additionalProperties"] = False
    return out


def _team_converter():
    try:
        from kustgen.schemas.convert import crd_version_to_json_schema
    except ImportError:
        return None
    return crd_version_to_json_schema


CONVERTERS = {"own": strict, "convert": _team_converter()}


@pytest.fixture(params=sorted(CONVERTERS))
def errors(request):
    """``errors(derived, doc)``: sorted "path: message" strings, with the test's own strict
    conversion and with ``kustgen.schemas.convert`` (when that module is there)."""
    conv = CONVERTERS[request.param]
    if conv is None:
        pytest.skip("kustgen.schemas.convert.crd_version_to_json_schema not available")

    def check(derived: DerivedSchema, doc: dict) -> list[str]:
        schema = conv(derived.openapi_v3)
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        return sorted("/".join(str(p) for p in e.absolute_path) + ": " + e.message
                      for e in cls(schema).iter_errors(doc))
    return check


def load_yaml_dir(d):
    docs = []
    for p in sorted(glob.glob(os.path.join(d, "*.yaml"))):
        with open(p, "rb") as fh:
            docs.extend(load_documents(fh.read(), p))
    return docs


@pytest.fixture(scope="module")
def source():
    src = XrdSource.from_paths(sorted(glob.glob(os.path.join(API_DIR, "*", "definition.yaml"))))
    assert src.errors == []
    return src


def claim(kind="Database", **spec):
    base = {
        "apiVersion": "platform.example.org/v1alpha1",
        "kind": kind,
        "metadata": {"name": "orders-db", "namespace": "orders"},
        "spec": {"parameters": {"region": "eu-west-1"}},
    }
    base["spec"].update(spec)
    return base


def xrd(api_version="apiextensions.crossplane.io/v1", scope=None, claim_kind="Widget",
        versions=None, **extra_spec):
    spec = {
        "group": "example.org",
        "names": {"kind": "XWidget", "plural": "xwidgets"},
        "versions": versions if versions is not None else [{
            "name": "v1", "served": True, "referenceable": True,
            "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                "spec": {"type": "object", "properties": {"size": {"type": "integer"}}},
            }}},
        }],
    }
    if scope is not None:
        spec["scope"] = scope
    if claim_kind:
        spec["claimNames"] = {"kind": claim_kind, "plural": claim_kind.lower() + "s"}
    spec.update(extra_spec)
    return {"apiVersion": api_version, "kind": "CompositeResourceDefinition",
            "metadata": {"name": "xwidgets.example.org"}, "spec": spec}


def by_kind(schemas):
    return {s.kind: s for s in schemas}


# ---------------------------------------------------------------------------------------
# the example repo
# ---------------------------------------------------------------------------------------

def test_example_xrds_define_xr_and_claim(source):
    got = sorted((s.api_version, s.kind, s.namespaced, s.source) for s in source)
    assert got == [
        ("platform.example.org/v1alpha1", "Bucket", True,
         "XRD xbuckets.platform.example.org (claim)"),
        ("platform.example.org/v1alpha1", "Database", True,
         "XRD xdatabases.platform.example.org (claim)"),
        ("platform.example.org/v1alpha1", "XBucket", False,
         "XRD xbuckets.platform.example.org (composite)"),
        ("platform.example.org/v1alpha1", "XDatabase", False,
         "XRD xdatabases.platform.example.org (composite)"),
    ]
    s = source.lookup("platform.example.org/v1alpha1", "Bucket")
    assert s.path.endswith(os.path.join("bucket", "definition.yaml"))
    assert source.lookup("platform.example.org/v1beta1", "Bucket") is None
    assert source.lookup("platform.example.org/v1alpha1", "Nope") is None


def test_example_claims_validate(source, errors):
    checked = []
    for d in load_yaml_dir(CLAIMS_DIR):
        s = source.lookup(d.data.get("apiVersion"), d.data.get("kind"))
        if s is None:
            continue
        assert errors(s, d.data) == [], d.path
        # as rendered: the claims kustomization puts them into the team namespace
        rendered = copy.deepcopy(d.data)
        rendered["metadata"]["namespace"] = "orders"
        rendered["metadata"]["labels"] = {"team": "orders"}
        rendered["metadata"]["annotations"] = {"argocd.argoproj.io/sync-wave": "1"}
        rendered["metadata"]["finalizers"] = ["x"]   # rest of ObjectMeta stays open
        assert errors(s, rendered) == [], d.path
        checked.append(d.data["kind"])
    assert sorted(checked) == ["Bucket", "Database"]


def test_example_xrds_are_valid_xrds():
    """The example XRDs use only fields of the XRD CRD (cluster/crds of the Crossplane we
    target), e.g. `scope: LegacyCluster` in apiextensions.crossplane.io/v1."""
    path = need_shared(*XRD_CRD)
    with open(path, "rb") as fh:
        crd = load_documents(fh.read(), path)[0].data
    v1 = next(v for v in crd["spec"]["versions"] if v["name"] == "v1")
    validator = jsonschema.Draft202012Validator(strict(v1["schema"]["openAPIV3Schema"]))
    for d in load_yaml_dir(API_DIR + "/bucket") + load_yaml_dir(API_DIR + "/database"):
        if is_xrd(d.data):
            assert [e.message for e in validator.iter_errors(d.data)] == [], d.path


def test_scope_facts_match_the_xrd_crd():
    """The defaults and scopes this module assumes are those of the XRD CRD."""
    path = need_shared(*XRD_CRD)
    with open(path, "rb") as fh:
        crd = load_documents(fh.read(), path)[0].data
    versions = {v["name"]: v["schema"]["openAPIV3Schema"]["properties"]["spec"]
                for v in crd["spec"]["versions"]}
    v1, v2 = versions["v1"]["properties"], versions["v2"]["properties"]
    assert v1["scope"]["default"] == "LegacyCluster"
    assert sorted(v1["scope"]["enum"]) == ["Cluster", "LegacyCluster", "Namespaced"]
    assert v2["scope"]["default"] == "Namespaced"
    assert sorted(v2["scope"]["enum"]) == ["Cluster", "Namespaced"]
    for p in (v1, v2):
        assert p["defaultCompositionUpdatePolicy"]["default"] == "Automatic"
    # only v1 XRDs can offer claims; v2 has no default here
    assert v1["defaultCompositeDeletePolicy"]["default"] == "Background"
    rules = [r["rule"] for r in versions["v1"]["x-kubernetes-validations"]]
    assert "self.scope == 'LegacyCluster' || !has(self.claimNames)" in rules
    # A Namespaced v1 XRD with claimNames is rejected by the API server; we offer no claim.
    assert [s.kind for s in xrd_schemas(xrd(scope="Namespaced"))] == ["XWidget"]


# ---------------------------------------------------------------------------------------
# claims: wrong fields are caught, Crossplane's fields are accepted
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("mutate, where", [
    (lambda c: c["spec"]["parameters"].update(sise="small"), "spec/parameters"),
    (lambda c: c["spec"]["parameters"].update(storageGB="20"), "spec/parameters/storageGB"),
    (lambda c: c["spec"]["parameters"].update(storageGB=5), "spec/parameters/storageGB"),
    (lambda c: c["spec"]["parameters"].update(size="huge"), "spec/parameters/size"),
    (lambda c: c["spec"]["parameters"].pop("region"), "spec/parameters"),
    (lambda c: c["spec"].pop("parameters"), "spec"),
    (lambda c: c.pop("spec"), ""),
    (lambda c: c["spec"].update(colour="red"), "spec"),
    (lambda c: c["metadata"].update(name="x" * 64), "metadata/name"),
    (lambda c: c["metadata"].update(labels={"a": 1}), "metadata/labels/a"),
    (lambda c: c["spec"].update(writeConnectionSecretToRef={"name": "s", "namespace": "o"}),
     "spec/writeConnectionSecretToRef"),
    (lambda c: c["spec"].update(writeConnectionSecretToRef={}), "spec/writeConnectionSecretToRef"),
    (lambda c: c["spec"].update(compositionSelector={"matchLabels": {"tier": 1}}),
     "spec/compositionSelector/matchLabels/tier"),
    (lambda c: c["spec"].update(compositionSelector={}), "spec/compositionSelector"),
    (lambda c: c["spec"].update(compositeDeletePolicy="Orphan"), "spec/compositeDeletePolicy"),
    (lambda c: c["spec"].update(compositionUpdatePolicy="Never"), "spec/compositionUpdatePolicy"),
    (lambda c: c["spec"].update(resourceRef={"apiVersion": "v", "kind": "K"}),
     "spec/resourceRef"),
    # XR-only fields are not claim fields
    (lambda c: c["spec"].update(claimRef={"apiVersion": "a", "kind": "k", "namespace": "n",
                                          "name": "x"}), "spec"),
    (lambda c: c["spec"].update(resourceRefs=[]), "spec"),
    # Crossplane 1.x-only fields are gone in Crossplane 2
    (lambda c: c["spec"].update(publishConnectionDetailsTo={"name": "x"}), "spec"),
])
def test_claim_errors_are_caught(source, mutate, where, errors):
    c = claim()
    mutate(c)
    errs = errors(source.lookup("platform.example.org/v1alpha1", "Database"), c)
    assert errs, "no error for %r" % c
    assert any(e.split(": ", 1)[0] == where for e in errs), errs


def test_claim_accepts_crossplane_fields(source, errors):
    c = claim(
        compositionRef={"name": "xdatabases-aws-postgres"},
        compositionSelector={"matchLabels": {"provider": "aws", "tier": "dev"}},
        compositionRevisionRef={"name": "xdatabases-aws-postgres-abc123"},
        compositionRevisionSelector={"matchLabels": {"channel": "stable"}},
        compositionUpdatePolicy="Manual",
        compositeDeletePolicy="Foreground",
        resourceRef={"apiVersion": "platform.example.org/v1alpha1", "kind": "XDatabase",
                     "name": "orders-db-x7k2p"},
        writeConnectionSecretToRef={"name": "orders-db-connection"},
    )
    c["status"] = {
        "conditions": [{"type": "Ready", "status": "True", "reason": "Available",
                        "lastTransitionTime": "2024-01-01T00:00:00Z", "message": "",
                        "observedGeneration": 3}],
        "connectionDetails": {"lastPublishedTime": "2024-01-01T00:00:00Z"},
        "endpoint": "db.example.org",
    }
    assert errors(source.lookup("platform.example.org/v1alpha1", "Database"), c) == []


def test_claim_defaults_come_from_the_xrd():
    x = xrd(defaultCompositeDeletePolicy="Foreground", defaultCompositionUpdatePolicy="Manual")
    s = by_kind(xrd_schemas(x))
    spec = s["Widget"].openapi_v3["properties"]["spec"]["properties"]
    assert spec["compositeDeletePolicy"]["default"] == "Foreground"
    assert "default" not in spec["compositionUpdatePolicy"]
    xr_spec = s["XWidget"].openapi_v3["properties"]["spec"]["properties"]
    assert xr_spec["compositionUpdatePolicy"]["default"] == "Manual"
    s = by_kind(xrd_schemas(xrd()))
    assert s["Widget"].openapi_v3["properties"]["spec"]["properties"][
        "compositeDeletePolicy"]["default"] == "Background"


# ---------------------------------------------------------------------------------------
# legacy cluster-scoped XRs
# ---------------------------------------------------------------------------------------

def xr(kind="XDatabase", **spec):
    c = claim(kind, **spec)
    del c["metadata"]["namespace"]
    return c


def test_legacy_xr_accepts_crossplane_fields(source, errors):
    x = xr(
        compositionRef={"name": "xdatabases-aws-postgres"},
        compositionSelector={"matchLabels": {"provider": "aws"}},
        compositionRevisionRef={"name": "rev"},
        compositionRevisionSelector={"matchLabels": {"channel": "stable"}},
        compositionUpdatePolicy="Automatic",
        resourceRefs=[{"apiVersion": "rds.aws.upbound.io/v1beta1", "kind": "Instance",
                       "name": "db"},
                      {"apiVersion": "v1", "kind": "Secret", "name": "s", "namespace": "o"}],
        claimRef={"apiVersion": "platform.example.org/v1alpha1", "kind": "Database",
                  "namespace": "orders", "name": "orders-db"},
        writeConnectionSecretToRef={"name": "orders-db-connection",
                                    "namespace": "crossplane-system"},
    )
    x["status"] = {"claimConditionTypes": ["Ready"],
                   "connectionDetails": {"lastPublishedTime": "2024-01-01T00:00:00Z"}}
    assert errors(source.lookup("platform.example.org/v1alpha1", "XDatabase"), x) == []


@pytest.mark.parametrize("spec, where", [
    ({"writeConnectionSecretToRef": {"name": "s"}}, "spec/writeConnectionSecretToRef"),
    ({"claimRef": {"name": "x"}}, "spec/claimRef"),
    ({"resourceRefs": [{"name": "x"}]}, "spec/resourceRefs/0"),
    ({"resourceRefs": {"name": "x"}}, "spec/resourceRefs"),
    ({"compositeDeletePolicy": "Background"}, "spec"),     # a claim field
    ({"resourceRef": {"apiVersion": "a", "kind": "k", "name": "n"}}, "spec"),
    ({"crossplane": {}}, "spec"),                           # v2 layout, not legacy
    ({"environmentConfigRefs": []}, "spec"),               # Crossplane 1.x only
])
def test_legacy_xr_errors_are_caught(source, spec, where, errors):
    errs = errors(source.lookup("platform.example.org/v1alpha1", "XDatabase"), xr(**spec))
    assert any(e.split(": ", 1)[0] == where for e in errs), errs


# ---------------------------------------------------------------------------------------
# Crossplane 2 scopes
# ---------------------------------------------------------------------------------------

def test_v2_namespaced_xrd_has_xr_and_no_claim(errors):
    x = xrd("apiextensions.crossplane.io/v2", claim_kind=None)   # scope defaults to Namespaced
    (s,) = xrd_schemas(x)
    assert (s.api_version, s.kind, s.namespaced, s.source) == (
        "example.org/v1", "XWidget", True, "XRD xwidgets.example.org (composite)")
    doc = {"apiVersion": "example.org/v1", "kind": "XWidget",
           "metadata": {"name": "w", "namespace": "team"},
           "spec": {"size": 3, "crossplane": {
               "compositionRef": {"name": "c"},
               "compositionSelector": {"matchLabels": {"a": "b"}},
               "compositionRevisionRef": {"name": "r"},
               "compositionRevisionSelector": {"matchLabels": {"a": "b"}},
               "compositionUpdatePolicy": "Manual",
               "resourceRefs": [{"apiVersion": "v1", "kind": "ConfigMap", "name": "cm"}]}},
           "status": {"crossplane": {"connectionDetails": {
               "lastPublishedTime": "2024-01-01T00:00:00Z"}}}}
    assert errors(s, doc) == []
    for bad, where in [
        ({"compositionRef": {"name": "c"}}, "spec"),                 # not under spec.crossplane
        ({"writeConnectionSecretToRef": {"name": "s"}}, "spec"),
        ({"claimRef": {}}, "spec"),
        ({"crossplane": {"resourceRefs": [{"apiVersion": "v1", "kind": "K", "name": "n",
                                            "namespace": "other"}]}},
         "spec/crossplane/resourceRefs/0"),
        ({"crossplane": {"writeConnectionSecretToRef": {"name": "s"}}}, "spec/crossplane"),
        ({"size": "3"}, "spec/size"),
    ]:
        d = copy.deepcopy(doc)
        d["spec"] = dict({"size": 3}, **bad)
        errs = errors(s, d)
        assert any(e.split(": ", 1)[0] == where for e in errs), (bad, errs)
    d = copy.deepcopy(doc)
    d["status"] = {"connectionDetails": {}}
    assert any(e.startswith("status: ") for e in errors(s, d))


def test_v2_cluster_xrd():
    (s,) = xrd_schemas(xrd("apiextensions.crossplane.io/v2", scope="Cluster", claim_kind=None))
    assert not s.namespaced
    spec = s.openapi_v3["properties"]["spec"]["properties"]
    assert sorted(spec) == ["crossplane", "size"]
    refs = spec["crossplane"]["properties"]["resourceRefs"]["items"]["properties"]
    assert sorted(refs) == ["apiVersion", "kind", "name", "namespace"]


def test_v1_xrd_scopes():
    # v1 defaults to LegacyCluster
    assert {(s.kind, s.namespaced) for s in xrd_schemas(xrd())} == {
        ("XWidget", False), ("Widget", True)}
    for scope, namespaced in (("Namespaced", True), ("Cluster", False)):
        (s,) = xrd_schemas(xrd(scope=scope))     # claimNames ignored: only legacy is claimable
        assert s.namespaced is namespaced
        assert "crossplane" in s.openapi_v3["properties"]["spec"]["properties"]
    assert {s.kind for s in xrd_schemas(xrd(scope="LegacyCluster"))} == {"XWidget", "Widget"}


# ---------------------------------------------------------------------------------------
# merging the XRD's schema the way Crossplane does
# ---------------------------------------------------------------------------------------

def test_versions_merge_and_overrides():
    versions = [
        {"name": "v1alpha1", "served": False, "referenceable": False,
         "schema": {"openAPIV3Schema": {"type": "object"}}},
        {"name": "v1beta1", "served": True, "referenceable": False},          # no schema
        {"name": "v1", "served": True, "referenceable": True, "schema": {"openAPIV3Schema": {
            "type": "object",
            "description": "A widget.",
            "properties": {
                "metadata": {"type": "object", "properties": {
                    "name": {"type": "string", "maxLength": 20}}},
                "spec": {
                    "type": "object",
                    "description": "Desired state.",
                    "required": ["size"],
                    "x-kubernetes-validations": [{"rule": "self.size > 0"}],
                    "properties": {
                        "size": {"type": "integer"},
                        # Crossplane's own field of this name wins
                        "compositionRef": {"type": "string"},
                    },
                },
                "status": {"type": "object", "required": ["phase"],
                           "properties": {"phase": {"type": "string"}}},
                "extra": {"type": "string"},    # dropped, like Crossplane does
            }}}},
    ]
    schemas = xrd_schemas(xrd(versions=versions))
    assert [(s.api_version, s.kind) for s in schemas] == [
        ("example.org/v1beta1", "XWidget"), ("example.org/v1", "XWidget"),
        ("example.org/v1beta1", "Widget"), ("example.org/v1", "Widget")]
    for s in schemas:
        if s.api_version.endswith("/v1beta1"):
            top = s.openapi_v3
            assert top["properties"]["metadata"]["properties"]["name"]["maxLength"] == 63
            assert "compositionRef" in top["properties"]["spec"]["properties"]
            continue
        top = s.openapi_v3
        assert top["description"] == "A widget."
        assert sorted(top["properties"]) == ["apiVersion", "kind", "metadata", "spec", "status"]
        assert top["required"] == ["spec"]
        assert top["properties"]["metadata"]["properties"]["name"]["maxLength"] == 20
        spec = top["properties"]["spec"]
        assert spec["description"] == "Desired state."
        assert spec["required"] == ["size"]
        assert spec["x-kubernetes-validations"] == [{"rule": "self.size > 0"}]
        assert spec["properties"]["compositionRef"]["type"] == "object"
        status = top["properties"]["status"]
        assert status["required"] == ["phase"]
        assert {"phase", "conditions"} <= set(status["properties"])


def test_open_spec_stays_open(errors):
    versions = [{"name": "v1", "served": True, "referenceable": True, "schema": {
        "openAPIV3Schema": {"type": "object", "properties": {"spec": {
            "type": "object", "x-kubernetes-preserve-unknown-fields": True}}}}}]
    (s, c) = xrd_schemas(xrd(versions=versions))
    doc = claim("Widget", anything={"goes": 1})
    doc["apiVersion"] = "example.org/v1"
    assert errors(c, doc) == []
    doc["spec"]["writeConnectionSecretToRef"] = {"name": 1}      # still typed
    assert errors(c, doc)


def test_results_are_independent():
    a, b = xrd_schemas(xrd())[:1], xrd_schemas(xrd())[:1]
    a[0].openapi_v3["properties"]["spec"]["properties"]["compositionRef"]["x"] = 1
    assert "x" not in b[0].openapi_v3["properties"]["spec"]["properties"]["compositionRef"]


# ---------------------------------------------------------------------------------------
# Crossplane 1.x field set
# ---------------------------------------------------------------------------------------

def test_crossplane_1_fields(errors):
    s = by_kind(xrd_schemas(xrd(scope="Namespaced"), crossplane=1))   # scope: a v2 notion
    assert set(s) == {"XWidget", "Widget"} and not s["XWidget"].namespaced
    xr_doc = {"apiVersion": "example.org/v1", "kind": "XWidget", "metadata": {"name": "w"},
              "spec": {"size": 1,
                       "environmentConfigRefs": [{"apiVersion": "apiextensions.crossplane.io/"
                                                  "v1alpha1", "kind": "EnvironmentConfig",
                                                  "name": "e"}],
                       "publishConnectionDetailsTo": {
                           "name": "s", "configRef": {"name": "vault"},
                           "metadata": {"labels": {"a": "b"}, "type": "Opaque"}},
                       "writeConnectionSecretToRef": {"name": "s", "namespace": "n"},
                       "claimRef": {"apiVersion": "example.org/v1", "kind": "Widget",
                                    "namespace": "n", "name": "w"}}}
    assert errors(s["XWidget"], xr_doc) == []
    bad = copy.deepcopy(xr_doc)
    bad["spec"]["resourceRefs"] = [{"apiVersion": "v1", "kind": "K", "namespace": "n"}]
    assert errors(s["XWidget"], bad)                          # no namespace in 1.x refs
    claim_doc = {"apiVersion": "example.org/v1", "kind": "Widget",
                 "metadata": {"name": "w", "namespace": "n"},
                 "spec": {"publishConnectionDetailsTo": {"name": "s"}}}
    assert errors(s["Widget"], claim_doc) == []
    assert errors(s["Widget"], dict(claim_doc, spec={"environmentConfigRefs": []}))
    with pytest.raises(ValueError):
        xrd_schemas(xrd(), crossplane=3)


# ---------------------------------------------------------------------------------------
# errors and the source
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("mutate, message", [
    (lambda x: x["spec"].pop("group"), "no spec.group"),
    (lambda x: x["spec"]["names"].pop("kind"), "no spec.names.kind"),
    (lambda x: x["spec"].pop("versions"), "no spec.versions"),
    (lambda x: x["spec"].update(scope="Global"), "unknown spec.scope"),
    (lambda x: x["spec"]["claimNames"].update(kind="XWidget"), "conflicts"),
    (lambda x: x.update(kind="CustomResourceDefinition"), "not a CompositeResourceDefinition"),
    (lambda x: x["spec"]["versions"][0].pop("name"), "has no name"),
])
def test_malformed_xrds(mutate, message):
    x = xrd()
    mutate(x)
    with pytest.raises(XrdError, match=message):
        xrd_schemas(x)


def test_source_from_files_collects_errors():
    import yaml
    good = yaml.safe_dump(xrd())
    other = yaml.safe_dump({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})
    broken = xrd()
    broken["metadata"]["name"] = "broken"
    del broken["spec"]["group"]
    dup = xrd()
    dup["metadata"]["name"] = "dup"
    fs = MemoryFS({
        "/repo/apis/a/definition.yaml": other + "---\n" + good,
        "/repo/apis/b/definition.yml": yaml.safe_dump(broken) + "---\n" + yaml.safe_dump(dup),
        "/repo/apis/c/bad.yaml": "a: [\n",
        "/repo/apis/c/readme.txt": "not yaml: [",
    })
    src = XrdSource.from_paths(["/repo/apis"], fs=fs)
    assert sorted((s.kind, s.path) for s in src) == [
        ("Widget", "/repo/apis/a/definition.yaml"), ("XWidget", "/repo/apis/a/definition.yaml")]
    msgs = [str(e) for e in src.errors]
    assert len(msgs) == 4, msgs
    assert any(m.startswith("/repo/apis/b/definition.yml:1: XRD broken has no spec.group")
               for m in msgs), msgs
    assert sum("defined twice" in m for m in msgs) == 2
    assert any(m.startswith("/repo/apis/c/bad.yaml") for m in msgs)
    assert len(src) == 2


def test_source_from_dicts():
    src = XrdSource([xrd(), xrd("apiextensions.crossplane.io/v2", claim_kind=None,
                                group="other.org")])
    assert src.errors == []
    assert src.lookup("example.org/v1", "Widget").namespaced
    assert src.lookup("other.org/v1", "XWidget").namespaced
    assert not src.lookup("example.org/v1", "XWidget").namespaced
