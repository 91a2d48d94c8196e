"""CEL x-kubernetes-validations: real upjet/Crossplane CRD rules read in place from ../shared,
plus small synthetic schemas for the edges (conversion, walk, fallbacks)."""

from __future__ import annotations

import copy
import csv
import glob
import os

import pytest
import yaml

from conftest import need_shared

pytest.importorskip("cel", reason="common-expression-language (module `cel`) is not installed")

from kustgen.schemas.cel import CelResult, CelRules  # noqa: E402

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CACHE: dict = {}


def _docs(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.load_all(f, Loader=_LOADER) if isinstance(d, dict)]


def crd_rules(rel: str, version: str) -> CelRules:
    """CelRules of one version of a CRD under ../shared/crds (compiled once per session)."""
    key = (rel, version)
    if key not in _CACHE:
        path = need_shared("crds", *rel.split("/"))
        (crd,) = [d for d in _docs(path) if d.get("kind") == "CustomResourceDefinition"]
        (ver,) = [v for v in crd["spec"]["versions"] if v["name"] == version]
        _CACHE[key] = CelRules(ver["schema"]["openAPIV3Schema"])
    return _CACHE[key]


def example(rel: str, kind: str) -> dict:
    path = need_shared("examples", "provider-aws", *rel.split("/"))
    (doc,) = [d for d in _docs(path) if d.get("kind") == kind]
    return doc


SGR_CRD = "provider-aws/upjet/ec2.aws.upbound.io_securitygrouprules.yaml"
SGR_EXAMPLE = "ec2/cluster/v1beta1/securitygrouprule.yaml"
FROM_PORT_MSG = "spec.forProvider.fromPort is a required parameter"


def _sgr():
    return crd_rules(SGR_CRD, "v1beta1"), example(SGR_EXAMPLE, "SecurityGroupRule")


# ---- real upjet rules ------------------------------------------------------------------

def test_upjet_rules_all_compile():
    rules = crd_rules(SGR_CRD, "v1beta1")
    assert len(rules.rules) == 4
    assert all(r.program is not None for r in rules.rules)


def test_valid_example_passes():
    rules, obj = _sgr()
    assert rules.evaluate(obj) == []


def test_missing_required_parameter_fails_with_crd_message_and_path():
    rules, obj = _sgr()
    obj = copy.deepcopy(obj)
    del obj["spec"]["forProvider"]["fromPort"]
    res = rules.evaluate(obj)
    assert len(res) == 1
    (r,) = res
    assert isinstance(r, CelResult)
    assert r.evaluated is True
    assert r.path == "/spec"
    assert r.message == FROM_PORT_MSG
    assert "has(self.forProvider.fromPort)" in r.rule
    assert r.reason == "FieldValueInvalid"


def test_observe_only_management_policies_make_rule_pass():
    rules, obj = _sgr()
    obj = copy.deepcopy(obj)
    del obj["spec"]["forProvider"]["fromPort"]
    obj["spec"]["managementPolicies"] = ["Observe"]
    assert rules.evaluate(obj) == []
    obj["spec"]["managementPolicies"] = ["Observe", "Create"]
    assert [r.message for r in rules.evaluate(obj)] == [FROM_PORT_MSG]


def test_init_provider_satisfies_required_parameter():
    rules, obj = _sgr()
    obj = copy.deepcopy(obj)
    obj["spec"]["initProvider"] = {"fromPort": obj["spec"]["forProvider"].pop("fromPort")}
    assert rules.evaluate(obj) == []


def test_evaluate_does_not_mutate_input():
    rules, obj = _sgr()
    before = copy.deepcopy(obj)
    rules.evaluate(obj)
    assert obj == before  # defaults (managementPolicies) go into a private copy


def _examples_with_rules():
    """(example file, apiVersion, kind) for every provider-aws example whose CRD has rules."""
    index = need_shared("crds", "INDEX.tsv")
    with open(index, encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["has_cel_rules"] == "yes"
                and r["file"].startswith("provider-aws/upjet/")]
    crds = {(r["group"], r["kind"]): r for r in rows}
    root = need_shared("examples", "provider-aws")
    out = []
    for path in sorted(glob.glob(os.path.join(root, "*", "*", "*", "*.yaml"))):
        for i, d in enumerate(_docs(path)):
            group, _, version = str(d.get("apiVersion", "")).partition("/")
            row = crds.get((group, d.get("kind")))
            if row and version in row["versions"].split(","):
                out.append((os.path.relpath(path, root), i, row["file"], version))
    return out


def test_every_upjet_example_passes_all_rules():
    cases = _examples_with_rules()
    assert len(cases) > 50
    root = need_shared("examples", "provider-aws")
    for rel, i, crd, version in cases:
        obj = _docs(os.path.join(root, rel))[i]
        assert crd_rules(crd, version).evaluate(obj) == [], rel


def test_known_invalid_example_is_caught():
    path = need_shared("examples", "known-invalid", "provider-aws", "iam", "cluster", "v1beta1",
                       "signingcertificate.yaml")
    (obj,) = [d for d in _docs(path) if d.get("kind") == "SigningCertificate"]
    rules = crd_rules("provider-aws/upjet/iam.aws.upbound.io_signingcertificates.yaml", "v1beta1")
    assert [(r.path, r.message, r.evaluated) for r in rules.evaluate(obj)] == [
        ("/spec", "spec.forProvider.userName is a required parameter", True)]


def test_duration_rules_on_nested_nodes():
    rules = crd_rules("provider-aws/upjet/aws.m.upbound.io_clusterproviderconfigs.yaml", "v1beta1")
    base = {"apiVersion": "aws.m.upbound.io/v1beta1", "kind": "ClusterProviderConfig",
            "metadata": {"name": "x"}, "spec": {"credentials": {"source": "IRSA"}}}
    assert rules.evaluate(base) == []
    obj = copy.deepcopy(base)
    obj["spec"]["reconciliationPolicy"] = {"exponentialFailureRateLimiter": {"baseDelay": "500ms",
                                                                             "maxDelay": "2m"}}
    assert [(r.path, r.message) for r in rules.evaluate(obj)] == [
        ("/spec/reconciliationPolicy/exponentialFailureRateLimiter/baseDelay", "baseDelay must be at least 1s")]
    obj["spec"]["reconciliationPolicy"]["exponentialFailureRateLimiter"] = {"baseDelay": "5m"}
    assert [r.message for r in rules.evaluate(obj)] == [
        "when maxDelay is omitted it defaults to 60s; baseDelay must be <= 60s"]


def test_crossplane_lower_ascii_rule_and_old_self_rules_skipped():
    rules = crd_rules("crossplane/apiextensions.crossplane.io_compositeresourcedefinitions.yaml", "v1")
    assert not any("oldSelf" in r.rule for r in rules.rules)
    names = {"plural": "xbuckets", "singular": "xbucket", "kind": "XBucket", "listKind": "XBucketList"}
    obj = {"apiVersion": "apiextensions.crossplane.io/v1", "kind": "CompositeResourceDefinition",
           "metadata": {"name": "xbuckets.example.org"},
           "spec": {"group": "example.org", "names": dict(names), "versions": []}}
    res = rules.evaluate(obj)
    assert [r for r in res if r.evaluated] == []
    obj["spec"]["names"]["plural"] = "XBuckets"
    assert [(r.path, r.message) for r in rules.evaluate(obj) if r.evaluated] == [
        ("/spec/names", "Plural name must be lowercase")]


# ---- synthetic schemas -----------------------------------------------------------------

def _obj_schema(rules=None, **props):
    s = {"type": "object", "properties": props}
    if rules:
        s["x-kubernetes-validations"] = rules
    return s


def test_uncompilable_rule_is_not_evaluated_not_an_error():
    rules = CelRules(_obj_schema([{"rule": "self.a ==", "message": "m"}], a={"type": "string"}))
    (r,) = rules.evaluate({"a": "x"})
    assert r.evaluated is False and r.path == "" and r.message.startswith("not evaluated: cannot compile")


def test_unknown_function_is_not_evaluated():
    rules = CelRules(_obj_schema([{"rule": "isURL(self.a)"},
                                  {"rule": "self.a.split('/').size() == 2"}], a={"type": "string"}))
    res = rules.evaluate({"a": "x"})
    assert [r.evaluated for r in res] == [False, False]
    assert all(r.message.startswith("not evaluated:") for r in res)


def test_missing_field_access_is_not_evaluated_and_has_is_false():
    rules = CelRules(_obj_schema([{"rule": "self.a == 'x'"}, {"rule": "!has(self.a)", "message": "no a"}],
                                 a={"type": "string"}))
    (r,) = rules.evaluate({})
    assert r.evaluated is False and r.rule == "self.a == 'x'"
    assert [(r.message, r.evaluated) for r in rules.evaluate({"a": "x"})] == [("no a", True)]


def test_non_bool_result_is_not_evaluated():
    (r,) = CelRules(_obj_schema([{"rule": "'s'"}])).evaluate({})
    assert r.evaluated is False and "not a bool" in r.message


def test_old_self_transition_rules_skipped():
    schema = _obj_schema([{"rule": "self == oldSelf", "message": "immutable"}], a={"type": "string"})
    rules = CelRules(schema)
    assert rules.rules == []
    assert rules.evaluate({"a": "x"}) == []
    schema["x-kubernetes-validations"] = [{"rule": "!oldSelf.hasValue() || self == oldSelf.value()",
                                           "optionalOldSelf": True}]
    (r,) = CelRules(schema).evaluate({"a": "x"})
    assert r.evaluated is False


def test_default_message_field_path_reason_and_message_expression():
    schema = _obj_schema(
        [{"rule": "self.n < 3"},
         {"rule": "self.n < 2", "fieldPath": ".n", "reason": "FieldValueForbidden", "message": "static"},
         {"rule": "self.n < 1", "fieldPath": ".m['a.b']", "messageExpression": "'n is ' + string(self.n)"},
         {"rule": "self.n < 0", "message": "fallback", "messageExpression": "self.nope"}],
        n={"type": "integer"}, m={"type": "object", "additionalProperties": {"type": "string"}})
    res = CelRules(schema).evaluate({"n": 5})
    assert [(r.path, r.message, r.reason) for r in res] == [
        ("", "failed rule: self.n < 3", "FieldValueInvalid"),
        ("/n", "static", "FieldValueForbidden"),
        ("/m/a.b", "n is 5", "FieldValueInvalid"),
        ("", "fallback", "FieldValueInvalid")]
    assert all(r.evaluated for r in res)


def test_walks_items_and_additional_properties_with_smallest_self():
    item = _obj_schema([{"rule": "self.v > 0", "message": "item"}], v={"type": "integer"})
    value = {"type": "string", "x-kubernetes-validations": [{"rule": "self.size() <= 3", "message": "val"}]}
    schema = _obj_schema(list={"type": "array", "items": item},
                         map={"type": "object", "additionalProperties": value},
                         absent=_obj_schema([{"rule": "false", "message": "never"}]))
    res = CelRules(schema).evaluate({"list": [{"v": 1}, {"v": 0}, {"v": 2}],
                                     "map": {"ok": "abc", "a/b": "abcd"}})
    assert [(r.path, r.message) for r in res] == [("/list/1", "item"), ("/map/a~1b", "val")]


def test_number_fields_become_doubles_and_defaults_apply():
    schema = _obj_schema([{"rule": "self.x == 2.0 && type(self.x) == double", "message": "x"},
                          {"rule": "type(self.i) == int", "message": "i"},
                          {"rule": "self.d == 'dflt'", "message": "d"},
                          {"rule": "!has(self.n)", "message": "n"}],
                         x={"type": "number"}, i={"type": "integer"},
                         d={"type": "string", "default": "dflt"}, n={"type": "string"})
    assert CelRules(schema).evaluate({"x": 2, "i": 7, "n": None}) == []


def test_int_outside_int64_is_not_evaluated():
    rules = CelRules(_obj_schema([{"rule": "self.i > 0"}], i={"type": "integer"}))
    (r,) = rules.evaluate({"i": 2 ** 64})
    assert r.evaluated is False and "int64" in r.message
    assert rules.evaluate({"i": 2 ** 63 - 1}) == []


def test_unknown_fields_pruned_and_preserved_where_declared():
    schema = _obj_schema([{"rule": "!has(self.extra)", "message": "pruned"},
                          {"rule": "has(self.free.anything)", "message": "kept"}],
                         free={"type": "object", "x-kubernetes-preserve-unknown-fields": True})
    assert CelRules(schema).evaluate({"extra": 1, "free": {"anything": 1}}) == []


def test_schema_without_rules():
    rules = CelRules(_obj_schema(a={"type": "string"}))
    assert rules.rules == [] and rules.evaluate({"a": 1}) == []


def test_property_names_escaped_like_kubernetes():
    schema = _obj_schema([{"rule": "has(self.a__dash__b) && self.__namespace__ == 'ns' && "
                                   "self.x__underscores__y__dot__z == 1 && !has(self.n)", "message": "esc"},
                          {"rule": "self.m['a-b'] == 'raw'", "message": "map keys stay raw"}],
                         **{"a-b": {"type": "string"}, "namespace": {"type": "string"},
                            "x__y.z": {"type": "integer"}, "n": {"type": "string", "default": "d"},
                            "m": {"type": "object", "additionalProperties": {"type": "string"}}})
    rules = CelRules(schema)
    obj = {"a-b": "x", "namespace": "ns", "x__y.z": 1, "m": {"a-b": "raw"}}
    # `n` is defaulted, so `!has(self.n)` fails: the only failure
    assert [(r.message, r.evaluated) for r in rules.evaluate(obj)] == [("esc", True)]
    del schema["properties"]["n"]["default"]
    assert CelRules(schema).evaluate(obj) == []


def test_extension_functions_and_wrong_argument_types():
    schema = _obj_schema([{"rule": "self.s.upperAscii() == 'ABC' && self.l.join('-') == 'x-y'", "message": "ext"},
                          {"rule": "self.l.lowerAscii() == 'x'"}],
                         s={"type": "string"}, l={"type": "array", "items": {"type": "string"}})
    res = CelRules(schema).evaluate({"s": "abc", "l": ["x", "y"]})
    assert [(r.rule, r.evaluated) for r in res] == [("self.l.lowerAscii() == 'x'", False)]
    res = CelRules(schema).evaluate({"s": "abd", "l": ["x", "y"]})
    assert [(r.message, r.evaluated) for r in res][0] == ("ext", True)


def test_equality_over_set_lists_is_not_evaluated():
    schema = _obj_schema([{"rule": "self.s == ['a', 'b']"}, {"rule": "'a' in self.s", "message": "has a"}],
                         s={"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}})
    res = CelRules(schema).evaluate({"s": ["b", "a"]})
    assert [(r.rule, r.evaluated) for r in res] == [("self.s == ['a', 'b']", False)]
    assert [(r.message, r.evaluated) for r in CelRules(schema).evaluate({"s": ["b"]})][1] == ("has a", True)


def test_null_values_do_not_run_rules():
    schema = _obj_schema(o=_obj_schema([{"rule": "false", "message": "never"}]) | {"nullable": True})
    assert CelRules(schema).evaluate({"o": None}) == []
    assert [r.message for r in CelRules(schema).evaluate({"o": {}})] == ["never"]


def test_defaults_for_absent_nullable_fields_and_nested_defaults():
    inner = _obj_schema([{"rule": "self.k == 'v'", "message": "inner"}], k={"type": "string", "default": "w"})
    schema = _obj_schema([{"rule": "self.z == 'dz'", "message": "z"}],
                         z={"type": "string", "nullable": True, "default": "dz"},
                         o=inner | {"default": {}})
    res = CelRules(schema).evaluate({})
    assert [(r.path, r.message) for r in res] == [("/o", "inner")]
    assert [r.message for r in CelRules(schema).evaluate({"z": None, "o": {"k": "v"}})] == ["z"]


def test_self_reduced_to_fields_read_without_changing_results():
    from kustgen.schemas.cel import _self_reads
    assert _self_reads(["has(self.a.b) || self.c.size() > 0 || self.d.all(x, x)"]) == {
        "a": {"b": None}, "c": None, "d": None}
    assert _self_reads(["size(self) == 2"]) is None
    assert _self_reads(["has(self.a) && has(self.a.b)"]) == {"a": None}
    schema = _obj_schema([{"rule": "size(self) == 2", "message": "whole"},
                          {"rule": "has(self.a.b)", "message": "a.b"}],
                         a=_obj_schema(b={"type": "string"}), c={"type": "string"})
    assert CelRules(schema).evaluate({"a": {"b": "x"}, "c": "y"}) == []
    schema["x-kubernetes-validations"] = [{"rule": "has(self.a.b) && self.c == 'y'", "message": "m",
                                           "messageExpression": "'c is ' + self.c"}]
    assert [r.message for r in CelRules(schema).evaluate({"a": {}, "c": "y"})] == ["c is y"]
