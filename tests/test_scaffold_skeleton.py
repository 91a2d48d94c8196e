"""kustgen.scaffold.skeleton: skeleton resources from schemas.

Every served (apiVersion, kind) of every CRD under ../shared/crds gets a skeleton that must
validate against its CRD (schema and CEL), except below placeholders; a few hand-written
schemas pin the exact output; an XRD-derived claim of this repo checks spec.parameters.
"""

from __future__ import annotations

import glob
import os
import re

import pytest

from conftest import REPO, SHARED, need_shared
from kustgen.scaffold.skeleton import (
    MAX_OPTIONAL, PLACEHOLDER_PREFIX, Skeleton, is_placeholder, placeholder, required_fields,
    shorten_description, skeleton, upjet_required_params,
)
from kustgen.schemas.cel import CelRules
from kustgen.model import Origin, Resource, Severity
from kustgen.schemas.registry import Registry, SchemaEntry, dotted, validate_object
from kustgen.schemas.sources.crd import CrdSource
from kustgen.schemas.sources.xrd import XrdSource
from kustgen.validate import Validator, pointer_to_path
from kustgen.yamlio import load_documents

CRDS = os.path.join(SHARED, "crds")
CONVENTIONS = {"spec.forProvider.region": "us-east-1"}

# Measured on ../shared/crds (279 kinds): skeletons with no placeholder that validate.
MIN_FULLY_VALID_WITH_CONVENTIONS = 81
MIN_FULLY_VALID_WITHOUT_CONVENTIONS = 26


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------

def parses_to(sk: Skeleton) -> bool:
    docs = load_documents(sk.text, "skeleton.yaml")
    return len(docs) == 1 and docs[0].data == sk.obj


def at(obj, ptr: str):
    for p in ptr.split("/")[1:]:
        p = p.replace("~1", "/").replace("~0", "~")
        obj = obj[int(p)] if isinstance(obj, list) else obj[p]
    return obj


def under(path: str, placeholders: list[str]) -> bool:
    return any(path == p or path.startswith(p + "/") for p in placeholders)


def problems(entry: SchemaEntry, rules: CelRules, sk: Skeleton) -> list:
    errs = [e for e in validate_object(entry, sk.obj) if not under(e.path, sk.placeholders)]
    cel = [r for r in rules.evaluate(sk.obj) if r.evaluated and not under(r.path, sk.placeholders)]
    return errs + cel


# ---------------------------------------------------------------------------------------
# every CRD kind of ../shared/crds
# ---------------------------------------------------------------------------------------

class _Crds:
    """One CrdSource over ../shared/crds (built once), compiled CEL rules per kind, and
    each kind's scope (CrdSource does not keep it: read from the files)."""

    def __init__(self, root: str):
        self.source = CrdSource([root])
        self.keys = self.source.keys()
        self.validator = Validator(Registry([self.source]))
        self._cel: dict = {}
        self.scope: dict = {}
        for f in glob.glob(os.path.join(root, "**", "*.y*ml"), recursive=True):
            with open(f, encoding="utf-8") as fh:
                for chunk in fh.read().split("\n---"):
                    g = re.search(r"(?m)^  group: *['\"]?([A-Za-z0-9.-]+)", chunk)
                    k = re.search(r"(?m)^    kind: *['\"]?([A-Za-z0-9]+)", chunk)
                    s = re.search(r"(?m)^  scope: *['\"]?(\w+)", chunk)
                    if g and k and s:
                        self.scope.setdefault((g.group(1), k.group(1)), s.group(1))

    def namespaced(self, api_version: str, kind: str) -> bool:
        return self.scope.get((api_version.split("/")[0], kind)) == "Namespaced"

    def cel(self, key) -> CelRules:
        if key not in self._cel:
            self._cel[key] = CelRules(self.source.lookup(*key).openapi)
        return self._cel[key]

    def make(self, key, conventions) -> Skeleton:
        e = self.source.lookup(*key)
        ns = self.namespaced(*key)
        return skeleton(key[0], key[1], e.openapi, "demo", namespace="team-a" if ns else None,
                        namespaced=ns, conventions=conventions)


_CRDS: _Crds | None = None


def crds() -> _Crds:
    global _CRDS
    need_shared("crds")
    if _CRDS is None:
        _CRDS = _Crds(CRDS)
    return _CRDS


def _crd_params():
    if not os.path.isdir(CRDS):
        return [pytest.param(None, id="no-shared-crds")]
    return [pytest.param(k, id="%s/%s" % k) for k in crds().keys]


@pytest.mark.parametrize("key", _crd_params())
def test_crd_skeleton_validates(key):
    c = crds()
    entry = c.source.lookup(*key)
    sk = c.make(key, CONVENTIONS)
    assert sk.obj["apiVersion"] == key[0] and sk.obj["kind"] == key[1]
    assert sk.obj["metadata"]["name"] == "demo"
    assert ("namespace" in sk.obj["metadata"]) == c.namespaced(*key)
    assert "status" not in sk.obj
    assert problems(entry, c.cel(key), sk) == []
    assert parses_to(sk), sk.text
    for p in sk.placeholders:
        assert is_placeholder(at(sk.obj, p)), p
    assert len(set(sk.placeholders)) == len(sk.placeholders)
    # what `kustgen validate` says of it: nothing, or one "fill me" finding naming every
    # placeholder (no schema noise)
    findings = c.validator.validate([Resource(sk.obj, Origin("demo.yaml", 1, 1, 0))])
    assert [f.rule for f in findings] == (["fill-me"] if sk.placeholders else []), findings
    if sk.placeholders:
        assert findings[0].severity == Severity.WARNING
        assert all(dotted(pointer_to_path(p, sk.obj)) in findings[0].message
                   for p in sk.placeholders)
    # conventions apply wherever the path exists
    fp = (entry.openapi.get("properties") or {}).get("spec", {}).get("properties", {}).get("forProvider")
    if isinstance(fp, dict) and "region" in (fp.get("properties") or {}):
        assert sk.obj["spec"]["forProvider"]["region"] == "us-east-1"
    # managed resources always name their ProviderConfig
    sp = (entry.openapi.get("properties") or {}).get("spec", {}).get("properties", {})
    if "forProvider" in sp and "providerConfigRef" in sp:
        assert sk.obj["spec"]["providerConfigRef"]["name"] == "default"
        assert "deletionPolicy" not in sk.obj["spec"]


def test_fully_valid_count(capsys):
    c = crds()
    counts = {}
    for label, conv in (("with conventions", CONVENTIONS), ("without conventions", None)):
        n = 0
        for key in c.keys:
            sk = c.make(key, conv)
            if not sk.placeholders:
                assert problems(c.source.lookup(*key), c.cel(key), sk) == [], key
                n += 1
        counts[label] = n
    with capsys.disabled():
        print("\nskeletons fully valid (no placeholder): %d/%d with conventions %s, %d/%d without"
              % (counts["with conventions"], len(c.keys), CONVENTIONS,
                 counts["without conventions"], len(c.keys)))
    assert counts["with conventions"] >= MIN_FULLY_VALID_WITH_CONVENTIONS
    assert counts["without conventions"] >= MIN_FULLY_VALID_WITHOUT_CONVENTIONS


def test_upjet_cel_required_params_and_conventions():
    c = crds()
    key = next(k for k in c.keys if k[0] == "rds.aws.upbound.io/v1beta1" and k[1] == "Instance")
    openapi = c.source.lookup(*key).openapi
    params = upjet_required_params(openapi)
    assert "instanceClass" in params            # CEL-required (region is in `required`)
    req = required_fields(openapi)
    assert "spec.forProvider.instanceClass" in req and "spec.forProvider.region" in req
    sk = skeleton(*key, openapi, "db", conventions={
        "spec.forProvider.region": "eu-west-1", "/spec/deletionPolicy": "Orphan",
        "spec.providerConfigRef.name": "aws", "spec.nope.field": 1})
    spec = sk.obj["spec"]
    assert spec["forProvider"]["region"] == "eu-west-1"
    assert spec["forProvider"]["instanceClass"] == placeholder(
        "spec.forProvider.instanceClass", "string")
    assert spec["deletionPolicy"] == "Orphan"
    assert spec["providerConfigRef"] == {"name": "aws"}
    assert "nope" not in spec
    assert sk.placeholders == ["/spec/forProvider/instanceClass"]
    assert "    # instanceClass: " not in sk.text          # required: not in the optional list
    assert "    # allocatedStorage: <number>" in sk.text
    assert re.search(r"(?m)^    # \.\.\. \d+ more, see the CRD$", sk.text)


# ---------------------------------------------------------------------------------------
# hand-written schemas, exact output
# ---------------------------------------------------------------------------------------

THING = {"type": "object", "properties": {
    "apiVersion": {"type": "string"}, "kind": {"type": "string"},
    "metadata": {"type": "object"},
    "spec": {
        "type": "object", "description": "Spec is the desired state.\nIt has   details.",
        "required": ["size", "mode", "replicas", "ports", "target", "db", "port"],
        "properties": {
            "size": {"type": "string", "default": "small", "description": "Size of the thing."},
            "mode": {"type": "string", "enum": ["Fast", "Slow"]},
            "replicas": {"type": "integer", "minimum": 3, "multipleOf": 2},
            "ports": {"type": "array", "minItems": 2,
                      "items": {"type": "integer", "minimum": 1024}},
            "target": {"x-kubernetes-int-or-string": True,
                       "anyOf": [{"type": "integer"}, {"type": "string"}]},
            "port": {"type": "number", "minimum": 0, "exclusiveMinimum": True},
            "db": {"type": "object", "required": ["name", "tls"], "properties": {
                "name": {"type": "string", "description":
                         "Database name; used as the identifier of the database in every "
                         "connection string the operator writes for its clients."},
                "tls": {"type": "boolean"}, "extra": {"type": "string"}}},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        }},
    "status": {"type": "object", "required": ["phase"],
               "properties": {"phase": {"type": "string"}}},
}, "required": ["spec", "status"]}

THING_TEXT = """\
# example.org/v1 Thing
# Replace every value starting with '<fill-me' (1).
apiVersion: example.org/v1
kind: Thing
metadata:
  name: demo
  namespace: ns
# Spec is the desired state.
spec:
  # Size of the thing.
  size: small
  mode: Fast
  replicas: 4
  ports:
    - 1024
    - 1024
  target: 0
  port: 1
  db:
    # Database name; used as the identifier of the database in every connection string the operator...
    name: '<fill-me: spec.db.name (string)>'
    tls: false
  # optional:
  # labels: <map[string]>
"""


def test_exact_required_enum_default_minimum_minitems_int_or_string():
    sk = skeleton("example.org/v1", "Thing", THING, "demo", namespace="ns", namespaced=True)
    assert sk.text == THING_TEXT
    assert sk.obj == {
        "apiVersion": "example.org/v1", "kind": "Thing",
        "metadata": {"name": "demo", "namespace": "ns"},
        "spec": {"size": "small", "mode": "Fast", "replicas": 4, "ports": [1024, 1024],
                 "target": 0, "port": 1,
                 "db": {"name": "<fill-me: spec.db.name (string)>", "tls": False}}}
    assert sk.placeholders == ["/spec/db/name"]
    assert parses_to(sk)
    entry = SchemaEntry("example.org/v1", "Thing", "test", openapi=THING)
    # status is never written, even when the schema requires it
    assert [e.message for e in validate_object(entry, sk.obj)] == [
        'missing required field "status"']


def test_namespace_only_when_namespaced_and_given():
    assert skeleton("a/v1", "T", THING, "x", namespace="ns").obj["metadata"] == {"name": "x"}
    assert skeleton("a/v1", "T", THING, "x", namespaced=True).obj["metadata"] == {"name": "x"}


def test_optional_false_and_no_placeholders():
    schema = {"type": "object", "properties": {"spec": {
        "type": "object", "required": ["on"], "properties": {
            "on": {"type": "boolean"}, "weird key": {"type": "string", "default": "yes"},
            "x": {"type": "string"}}}}, "required": ["spec"]}
    sk = skeleton("a/v1", "T", schema, "x", optional=False)
    assert sk.text == "# a/v1 T\napiVersion: a/v1\nkind: T\nmetadata:\n  name: x\nspec:\n  \"on\": false\n"
    assert sk.placeholders == [] and parses_to(sk)
    # optional=True: spec (not required) is still shown, with its optional fields
    sk = skeleton("a/v1", "T", {"type": "object", "properties": {"spec": {
        "type": "object", "properties": {"x": {"type": "string", "description": "The x."}}}}},
        "x")
    assert sk.text.endswith("spec: {}\n  # optional:\n  # x: <string>  # The x.\n")
    assert sk.obj["spec"] == {} and parses_to(sk)


def test_optional_list_cap():
    props = {"f%02d" % i: {"type": "integer", "description": "Field %d. More." % i}
             for i in range(MAX_OPTIONAL + 5)}
    props["req"] = {"type": "string"}
    schema = {"type": "object", "properties": {"spec": {
        "type": "object", "required": ["req"], "properties": props}}}
    sk = skeleton("a/v1", "T", schema, "x")
    lines = sk.text.splitlines()
    i = lines.index("  # optional:")
    assert lines[i - 1] == "  req: '<fill-me: spec.req (string)>'"
    assert lines[i + 1] == "  # f00: <integer>  # Field 0."
    assert lines[i + MAX_OPTIONAL] == "  # f%02d: <integer>  # Field %d." % (MAX_OPTIONAL - 1,
                                                                            MAX_OPTIONAL - 1)
    assert lines[i + MAX_OPTIONAL + 1] == "  # ... 5 more, see the CRD"
    assert len(lines) == i + MAX_OPTIONAL + 2


def test_managed_resource_and_conventions():
    ref = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
    schema = {"type": "object", "properties": {"spec": {
        "type": "object", "required": ["forProvider"],
        "x-kubernetes-validations": [{
            "message": "spec.forProvider.bucketName is a required parameter",
            "rule": "!('*' in self.managementPolicies || 'Create' in self.managementPolicies || "
                    "'Update' in self.managementPolicies) || has(self.forProvider.bucketName) || "
                    "(has(self.initProvider) && has(self.initProvider.bucketName))"}],
        "properties": {
            "deletionPolicy": {"type": "string", "default": "Delete",
                               "enum": ["Orphan", "Delete"]},
            "managementPolicies": {"type": "array", "default": ["*"],
                                   "items": {"type": "string"}},
            "forProvider": {"type": "object", "properties": {
                "bucketName": {"type": "string"}, "region": {"type": "string"},
                "size": {"type": "integer"}}},
            "initProvider": {"type": "object", "properties": {
                "bucketName": {"type": "string"}}},
            "providerConfigRef": ref,
        }}}, "required": ["spec"]}
    assert upjet_required_params(schema) == ["bucketName"]
    assert required_fields(schema) == ["spec", "spec.forProvider", "spec.forProvider.bucketName"]
    sk = skeleton("s3.example.org/v1", "Bucket", schema, "b",
                  conventions={"spec.forProvider.region": "us-east-1"})
    assert sk.obj["spec"] == {
        "forProvider": {"bucketName": "<fill-me: spec.forProvider.bucketName (string)>",
                        "region": "us-east-1"},
        "providerConfigRef": {"name": "default"}}
    assert "    # size: <integer>" in sk.text and "    # region:" not in sk.text
    assert parses_to(sk)
    assert sk.placeholders == ["/spec/forProvider/bucketName"]
    assert CelRules(schema).evaluate(sk.obj) == []
    sk = skeleton("s3.example.org/v1", "Bucket", schema, "b", conventions={
        "/spec/deletionPolicy": "Orphan", "spec.providerConfigRef.name": "prod"})
    assert sk.obj["spec"]["deletionPolicy"] == "Orphan"
    assert sk.obj["spec"]["providerConfigRef"] == {"name": "prod"}
    assert "region" not in sk.obj["spec"]["forProvider"]


def test_cel_has_rules_and_size():
    schema = {"type": "object", "properties": {"spec": {
        "type": "object",
        "x-kubernetes-validations": [
            {"rule": "has(self.by) || has(self.reason)"},
            {"rule": "self.mode == 'Pipeline' && has(self.steps)"}],
        "properties": {
            "by": {"type": "object", "properties": {"a": {"type": "string"}}},
            "reason": {"type": "string"},
            "mode": {"type": "string", "default": "Pipeline"},
            "steps": {"type": "array", "items": {"type": "object", "required": ["step"],
                                                 "properties": {"step": {"type": "string"}}}},
            "images": {"type": "array", "items": {"type": "string"},
                       "x-kubernetes-validations": [{"rule": "size(self) > 0"}]},
        }, "required": ["images"]}}, "required": ["spec"]}
    sk = skeleton("a/v1", "T", schema, "x", optional=False)
    assert sk.obj["spec"] == {
        "reason": "<fill-me: spec.reason (string)>",
        "steps": [{"step": "<fill-me: spec.steps[0].step (string)>"}],
        "images": ["<fill-me: spec.images[0] (string)>"]}
    assert sk.placeholders == ["/spec/reason", "/spec/steps/0/step", "/spec/images/0"]
    assert [r for r in CelRules(schema).evaluate(sk.obj) if r.evaluated] == []
    assert parses_to(sk)
    assert "  steps:\n    - step: '<fill-me: spec.steps[0].step (string)>'\n" in sk.text


def test_text_round_trips_awkward_values():
    schema = {"type": "object", "properties": {"spec": {
        "type": "object", "required": ["a", "b", "c", "d", "e", "f", "g", "h"],
        "properties": {
            "a": {"type": "string", "default": "yes"},
            "b": {"type": "string", "default": "line1\nline2"},
            "c": {"type": "string", "default": "# not a comment"},
            "d": {"type": "object", "default": {"x: y": [1, {"z": None}], "": "é😀"}},
            "e": {"type": "array", "default": [[1, 2], [], {}]},
            "f": {"type": "number", "default": 1e20},
            "g": {"type": "string", "enum": [None, "0x10"]},
            "h": {"type": "object", "additionalProperties": {"type": "string"}},
        }}}}
    sk = skeleton("a/v1", "T", schema, "x")
    assert sk.obj["spec"]["g"] == "0x10" and sk.obj["spec"]["h"] == {}
    assert parses_to(sk), sk.text


def test_placeholders_and_description():
    assert placeholder("spec.forProvider.bucketName", "string") == \
        "<fill-me: spec.forProvider.bucketName (string)>"
    assert placeholder("spec.x") == "<fill-me: spec.x>"
    assert placeholder("a").startswith(PLACEHOLDER_PREFIX) and is_placeholder(placeholder("a"))
    assert not is_placeholder("fill-me") and not is_placeholder(3) and not is_placeholder(None)
    assert shorten_description("First one.  Second one.") == "First one."
    assert shorten_description("Use e.g. foo here. Then") == "Use e.g. foo here."
    assert shorten_description("  A\n  wrapped\tline  ") == "A wrapped line"
    long = shorten_description("word " * 50)
    assert len(long) <= 100 and long.endswith("...")
    assert shorten_description(None) == ""


# ---------------------------------------------------------------------------------------
# XRD-derived claim of this repo
# ---------------------------------------------------------------------------------------

def test_xrd_claim_skeleton():
    files = sorted(glob.glob(os.path.join(REPO, "base", "apis", "*", "definition.yaml")))
    assert files
    src = XrdSource.from_paths(files)
    assert not src.errors
    claims = [d for d in src if d.namespaced]
    assert claims
    for d in src:
        sk = skeleton(d.api_version, d.kind, d.openapi_v3, "demo",
                      namespace="team-a" if d.namespaced else None, namespaced=d.namespaced)
        params = d.openapi_v3["properties"]["spec"]["properties"].get("parameters")
        if params is not None:
            for req in params.get("required") or ():
                assert req in sk.obj["spec"]["parameters"], (d.kind, req)
            assert "  parameters:\n" in sk.text and "    # optional:\n" in sk.text
        entry = SchemaEntry(d.api_version, d.kind, d.source, openapi=d.openapi_v3)
        assert [e for e in validate_object(entry, sk.obj) if not under(e.path, sk.placeholders)] == []
        assert [r for r in CelRules(d.openapi_v3).evaluate(sk.obj)
                if r.evaluated and not under(r.path, sk.placeholders)] == []
        assert parses_to(sk)
        if d.namespaced:
            assert sk.obj["metadata"] == {"name": "demo", "namespace": "team-a"}
