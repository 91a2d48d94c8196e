"""CRD openAPIV3Schema → JSON Schema conversion rules (kustgen.schemas.convert), and the
validation helper (kustgen.schemas.registry.validate_object).

Every case runs twice: through kustgen (jsonschema-rs, defaults, list-map keys) and through
python-jsonschema on the same converted schema and defaulted object (the oracle); both must
agree on validity and on the failing keywords.
"""

from __future__ import annotations

import copy

import jsonschema
import pytest

from kustgen.schemas import (Registry, SchemaEntry, SchemaError, apply_defaults,
                             crd_version_to_json_schema, validate_object)
from kustgen.schemas.convert import K8S_FORMATS, is_byte, is_date_time, list_map_locations
from kustgen.schemas.registry import dotted, pointer
from kustgen.schemas.sources.crd import CrdSource


FORMATS = jsonschema.FormatChecker(formats=())
for _name, _fn in K8S_FORMATS.items():
    FORMATS.checks(_name)(_fn)


def root(spec_schema: dict) -> dict:
    return {"type": "object", "properties": {
        "apiVersion": {"type": "string"}, "kind": {"type": "string"},
        "metadata": {"type": "object"}, "spec": spec_schema}}


def obj(spec) -> dict:
    return {"apiVersion": "example.org/v1", "kind": "Thing", "metadata": {"name": "a"},
            "spec": spec}


def run(spec_schema: dict, spec, *, strict: bool = True) -> list[SchemaError]:
    """kustgen's errors, after checking python-jsonschema agrees on validity and keywords."""
    openapi = root(spec_schema)
    before = copy.deepcopy(openapi)
    o = obj(spec)
    o_before = copy.deepcopy(o)
    entry = SchemaEntry("example.org/v1", "Thing", "test", openapi=openapi, strict=strict)
    errs = validate_object(entry, o)
    assert openapi == before and o == o_before, "inputs must not be modified"
    converted = crd_version_to_json_schema(openapi, strict=strict)
    jsonschema.Draft7Validator.check_schema(converted)
    oracle = list(jsonschema.Draft7Validator(converted, format_checker=FORMATS).iter_errors(
        apply_defaults(openapi, o)))
    mine = {{"nullable": "type"}.get(e.keyword, e.keyword) for e in errs
            if e.keyword != "listMapKeys"}
    assert mine == {e.validator for e in oracle}, (errs, [e.message for e in oracle])
    return errs


def kinds(errs):
    return [(e.path, e.keyword) for e in errs]


# --- types, strict mode -------------------------------------------------------------------

S = {"type": "object", "properties": {
    "forProvider": {"type": "object", "required": ["region"], "properties": {
        "region": {"type": "string"}, "size": {"type": "integer"},
        "policy": {"type": "string", "enum": ["Delete", "Orphan"]}}}}}


def test_valid():
    assert run(S, {"forProvider": {"region": "eu-west-1", "size": 3}}) == []


def test_wrong_type_message():
    errs = run(S, {"forProvider": {"region": 1}})
    assert errs == [SchemaError("/spec/forProvider/region",
                                "spec.forProvider.region: 1 is not of type 'string'", "type")]


def test_unknown_field_strict_and_lenient():
    errs = run(S, {"forProvider": {"region": "x", "regoin": "y", "zone": 1}})
    assert [e.message for e in errs] == ['spec.forProvider: unknown field "regoin"',
                                         'spec.forProvider: unknown field "zone"']
    assert kinds(errs) == [("/spec/forProvider/regoin", "additionalProperties"),
                           ("/spec/forProvider/zone", "additionalProperties")]
    assert run(S, {"forProvider": {"region": "x", "regoin": "y"}}, strict=False) == []


def test_unknown_top_level_field():
    entry = SchemaEntry("example.org/v1", "Thing", "t", openapi=root(S))
    errs = validate_object(entry, {**obj({"forProvider": {"region": "x"}}), "extra": 1})
    assert [e.message for e in errs] == ['unknown field "extra"']


def test_missing_required():
    errs = run(S, {"forProvider": {"size": 1}})
    assert errs == [SchemaError("/spec/forProvider",
                                'spec.forProvider: missing required field "region"', "required")]


def test_enum():
    errs = run(S, {"forProvider": {"region": "x", "policy": "Keep"}})
    assert [e.message for e in errs] == [
        'spec.forProvider.policy: "Keep" is not one of "Delete", "Orphan"']
    assert errs[0].keyword == "enum"


def test_every_error_is_reported():
    errs = run(S, {"forProvider": {"size": "big", "policy": "Keep", "x": 1}})
    assert sorted(e.keyword for e in errs) == ["additionalProperties", "enum", "required",
                                               "type"]


def test_open_object_without_properties_is_not_closed():
    assert run({"type": "object"}, {"anything": {"goes": 1}}) == []


def test_map_values_checked():
    m = {"type": "object", "properties": {"tags": {
        "type": "object", "additionalProperties": {"type": "string"}}}}
    assert run(m, {"tags": {"a": "b"}}) == []
    assert kinds(run(m, {"tags": {"a": 1}})) == [("/spec/tags/a", "type")]


def test_items_closed():
    s = {"type": "object", "properties": {"rules": {"type": "array", "items": {
        "type": "object", "properties": {"port": {"type": "integer"}}}}}}
    assert kinds(run(s, {"rules": [{"port": 1}, {"prot": 2}]})) == [
        ("/spec/rules/1/prot", "additionalProperties")]


# --- nullable -------------------------------------------------------------------------------

def test_null_rejected_when_not_nullable():
    errs = run(S, {"forProvider": {"region": None}})
    assert kinds(errs) == [("/spec/forProvider/region", "nullable")]
    assert "not nullable" in errs[0].message


def test_nullable_allows_null():
    s = {"type": "object", "properties": {
        "a": {"type": "string", "nullable": True},
        "b": {"type": "string", "nullable": True, "enum": ["x"]},
        "c": {"type": "object", "nullable": True, "properties": {"d": {"type": "string"}}},
        "e": {"type": "integer", "nullable": True, "oneOf": [{"minimum": 1}, {"maximum": 0}]}}}
    assert run(s, {"a": None, "b": None, "c": None, "e": None}) == []
    assert kinds(run(s, {"b": "y"})) == [("/spec/b", "enum")]
    assert kinds(run(s, {"c": {"z": 1}})) == [("/spec/c/z", "additionalProperties")]


def test_null_with_default_gets_the_default():
    s = {"type": "object", "properties": {"p": {"type": "string", "default": "Delete"}}}
    assert run(s, {"p": None}) == []


# --- int-or-string ----------------------------------------------------------------------------

@pytest.mark.parametrize("form", [
    {"x-kubernetes-int-or-string": True},
    {"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}]},
    {"anyOf": [{"type": "integer"}, {"type": "string"}]},
])
def test_int_or_string(form):
    s = {"type": "object", "properties": {"port": form}}
    assert run(s, {"port": 80}) == []
    assert run(s, {"port": "http"}) == []
    assert run(s, {"port": True}) != []
    assert run(s, {"port": 1.5}) != []


def test_int_or_string_not_null_unless_nullable():
    s = {"type": "object", "properties": {"port": {"x-kubernetes-int-or-string": True}}}
    assert kinds(run(s, {"port": None})) == [("/spec/port", "nullable")]
    s["properties"]["port"]["nullable"] = True
    assert run(s, {"port": None}) == []


# --- preserve-unknown-fields, embedded resources ------------------------------------------------

def test_preserve_unknown_fields():
    s = {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "properties": {
        "known": {"type": "string"},
        "nested": {"type": "object", "properties": {"a": {"type": "string"}}}}}
    assert run(s, {"known": "x", "whatever": {"x": 1}}) == []
    assert kinds(run(s, {"known": 1})) == [("/spec/known", "type")]
    # not inherited: the API server prunes below a nested node that declares properties
    assert kinds(run(s, {"nested": {"b": 1}})) == [("/spec/nested/b", "additionalProperties")]


def test_preserve_unknown_fields_without_type():
    s = {"type": "object", "properties": {"raw": {"x-kubernetes-preserve-unknown-fields": True}}}
    for v in ({"a": 1}, [1, "x"], "s", 3, None):
        assert run(s, {"raw": v}) == []


def test_embedded_resource():
    s = {"type": "object", "properties": {"base": {
        "type": "object", "x-kubernetes-embedded-resource": True,
        "x-kubernetes-preserve-unknown-fields": True}}}
    good = {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "x", "labels": {"a": "b"}}, "data": {"k": "v"}}
    assert run(s, {"base": good}) == []
    assert kinds(run(s, {"base": {"kind": "ConfigMap"}})) == [("/spec/base", "required")]
    assert kinds(run(s, {"base": {**good, "metadata": {"labels": {"a": 1}}}})) == [
        ("/spec/base/metadata/labels/a", "type")]


def test_embedded_resource_closed_keeps_apiversion_kind_metadata():
    s = {"type": "object", "properties": {"base": {
        "type": "object", "x-kubernetes-embedded-resource": True,
        "properties": {"data": {"type": "object"}}}}}
    good = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {}}
    assert run(s, {"base": good}) == []
    assert kinds(run(s, {"base": {**good, "other": 1}})) == [
        ("/spec/base/other", "additionalProperties")]


def test_root_metadata_is_open_but_typed():
    entry = SchemaEntry("example.org/v1", "Thing", "t", openapi=root({"type": "object"}))
    o = obj({})
    o["metadata"] = {"name": "a", "namespace": "n", "uid": "u", "labels": {"x": "y"},
                     "annotations": None}
    assert validate_object(entry, o) == []
    o["metadata"] = {"name": 5}
    assert kinds(validate_object(entry, o)) == [("/metadata/name", "type")]


def test_root_without_apiversion_kind_metadata_declared():
    entry = SchemaEntry("example.org/v1", "Thing", "t", openapi={
        "type": "object", "properties": {"spec": {"type": "object"}}})
    assert validate_object(entry, obj({})) == []


# --- list types --------------------------------------------------------------------------------

def test_list_type_set():
    s = {"type": "object", "properties": {"tags": {
        "type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}}}}
    assert run(s, {"tags": ["a", "b"]}) == []
    assert kinds(run(s, {"tags": ["a", "a"]})) == [("/spec/tags", "uniqueItems")]


LM = {"type": "object", "properties": {"ports": {
    "type": "array", "x-kubernetes-list-type": "map",
    "x-kubernetes-list-map-keys": ["port", "protocol"],
    "items": {"type": "object", "required": ["port"], "properties": {
        "port": {"type": "integer"}, "protocol": {"type": "string", "default": "TCP"}}}}}}


def test_list_type_map():
    assert run(LM, {"ports": [{"port": 80}, {"port": 80, "protocol": "UDP"}]}) == []
    # the default makes the two entries equal
    errs = run(LM, {"ports": [{"port": 80}, {"port": 80, "protocol": "TCP"}]})
    assert kinds(errs) == [("/spec/ports/1", "listMapKeys")]
    assert errs[0].message.startswith("spec.ports[1]: duplicate entry (port=80, "
                                      'protocol="TCP"), also at index 0')


def test_list_map_locations_nested():
    item = {"type": "object", "properties": {"l": LM["properties"]["ports"]}}
    s = {"type": "object", "properties": {"m": {"type": "object", "additionalProperties": {
        "type": "array", "items": item}}}}
    assert list_map_locations(s) == [(("m", "**", "*", "l"), ("port", "protocol"))]
    entry = SchemaEntry("g/v1", "K", "t", openapi=root(s))
    dup = [{"port": 1}, {"port": 1}]
    errs = validate_object(entry, obj({"m": {"k": [{"l": dup}]}}))
    assert kinds(errs) == [("/spec/m/k/0/l/1", "listMapKeys")]


# --- format -----------------------------------------------------------------------------------

def test_number_formats_are_not_checked():
    s = {"type": "object", "properties": {
        "i": {"type": "integer", "format": "int32"},
        "j": {"type": "integer", "format": "int64"},
        "f": {"type": "number", "format": "double"},
        "h": {"type": "string", "format": "hostname"}}}
    assert run(s, {"i": 1 << 40, "j": 1 << 70, "f": 1, "h": "not a host name!"}) == []
    conv = crd_version_to_json_schema(root(s))
    assert all("format" not in p for p in conv["properties"]["spec"]["properties"].values())


def test_byte_and_date_time_are_checked_like_the_api_server():
    s = {"type": "object", "properties": {
        "b": {"type": "string", "format": "byte"},
        "t": {"type": "string", "format": "date-time", "nullable": True},
        "n": {"x-kubernetes-int-or-string": True, "format": "date-time"}}}
    assert run(s, {"b": "aGVsbG8=", "t": "2020-01-01T10:00:00Z", "n": 5}) == []
    assert run(s, {"b": "", "t": None}) == []
    errs = run(s, {"b": "hello!", "t": "2020-01-01"})
    assert [(e.path, e.keyword, e.message) for e in errs] == [
        ("/spec/b", "format", 'spec.b: "hello!" is not a valid byte'),
        ("/spec/t", "format", 'spec.t: "2020-01-01" is not a valid date-time')]


@pytest.mark.parametrize("value,ok", [
    ("aGVsbG8=", True), ("aGVsbA==", True), ("aGVs", True), ("", True), ("aGVs\nbG8=", True),
    ("aGVsbG8", False), ("aGVsbG8===", False), ("a-_b", False), ("hello world", False),
])
def test_is_byte(value, ok):
    assert is_byte(value) is ok


@pytest.mark.parametrize("value,ok", [
    ("2020-01-01T10:00:00Z", True), ("2020-01-01t10:00:00z", True),
    ("2020-01-01T10:00:00.123+02:00", True), ("2020-02-29T23:59:59-05:00", True),
    ("2020-01-01", False), ("2020-01-01 10:00:00Z", False), ("2020-01-01T10:00:00", False),
    ("2021-02-29T10:00:00Z", False), ("2020-01-01T24:00:00Z", False),
    ("2020-13-01T10:00:00Z", False), ("T", False),
])
def test_is_date_time(value, ok):
    assert is_date_time(value) is ok


# --- defaults -----------------------------------------------------------------------------------

def test_apply_defaults():
    s = root({"type": "object", "properties": {
        "managementPolicies": {"type": "array", "items": {"type": "string"}, "default": ["*"]},
        "deletionPolicy": {"type": "string", "default": "Delete"},
        "nullableWithDefault": {"type": "string", "nullable": True, "default": "d"},
        "provider": {"type": "object", "default": {}, "properties": {
            "name": {"type": "string", "default": "default"}}},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "w": {"type": "integer", "default": 1}}}},
        "map": {"type": "object", "additionalProperties": {"type": "object", "properties": {
            "x": {"type": "string", "default": "y"}}}}}})
    o = obj({"deletionPolicy": None, "nullableWithDefault": None,
             "items": [{}, {"w": 5}], "map": {"a": {}}})
    before = copy.deepcopy(o)
    d = apply_defaults(s, o)
    assert o == before
    assert d["spec"] == {
        "managementPolicies": ["*"], "deletionPolicy": "Delete", "nullableWithDefault": None,
        "provider": {"name": "default"}, "items": [{"w": 1}, {"w": 5}], "map": {"a": {"x": "y"}}}
    # the converted schema defaults the same way
    assert apply_defaults(crd_version_to_json_schema(s), o) == d


def test_no_defaults_returns_same_object():
    o = obj({"forProvider": {"region": "x"}})
    assert apply_defaults(root(S), o) is o


def test_required_satisfied_by_default():
    s = {"type": "object", "required": ["p"], "properties": {
        "p": {"type": "string", "default": "x"}}}
    assert run(s, {}) == []


# --- CEL rules stay on the nodes ------------------------------------------------------------------

def test_cel_rules_kept_and_ignored():
    rule = [{"rule": "self.a == 'never'", "message": "m"}]
    s = {"type": "object", "x-kubernetes-validations": rule,
         "properties": {"a": {"type": "string"}}}
    conv = crd_version_to_json_schema(root(s))
    assert conv["properties"]["spec"]["x-kubernetes-validations"] == rule
    assert run(s, {"a": "b"}) == []


def test_junctions_are_not_closed():
    s = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
         "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
         "anyOf": [{"properties": {"a": {"minLength": 1}}}, {"required": ["b"]}]}
    conv = crd_version_to_json_schema(root(s))
    assert "additionalProperties" not in conv["properties"]["spec"]["anyOf"][0]
    assert run(s, {"a": "x"}) == []
    assert kinds(run(s, {"a": "x", "b": "y"})) == [("/spec", "oneOf")]


# --- paths, registry, source ----------------------------------------------------------------------

def test_pointer_and_dotted():
    parts = ["metadata", "labels", "app.kubernetes.io/name"]
    assert pointer(parts) == "/metadata/labels/app.kubernetes.io~1name"
    assert dotted(parts) == 'metadata.labels["app.kubernetes.io/name"]'
    assert dotted(["spec", "rules", 0, "name"]) == "spec.rules[0].name"
    assert pointer([]) == "" and dotted([]) == ""


def crd(group, kind, versions):
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "things." + group},
            "spec": {"group": group, "names": {"kind": kind, "plural": "things"},
                     "scope": "Namespaced", "versions": [
                         {"name": v, "served": served, "storage": False,
                          "schema": {"openAPIV3Schema": root(S)}} for v, served in versions]}}


def test_crd_source_and_registry_fall_through():
    a = CrdSource([crd("a.example.org", "Thing", [("v1", True), ("v2", False)])])
    b = CrdSource([crd("b.example.org", "Thing", [("v1", True)]),
                   crd("a.example.org", "Thing", [("v1", True)])])
    assert a.lookup("a.example.org/v1", "Thing") is not None
    assert a.lookup("a.example.org/v2", "Thing") is None  # not served
    calls = []

    class Counting:
        def lookup(self, av, k):
            calls.append((av, k))
            return None

    reg = Registry([Counting(), a, b])
    e = reg.lookup("a.example.org/v1", "Thing")
    assert e is a.lookup("a.example.org/v1", "Thing")
    assert reg.lookup("b.example.org/v1", "Thing") is b.lookup("b.example.org/v1", "Thing")
    assert reg.lookup("c.example.org/v1", "Thing") is None
    reg.lookup("a.example.org/v1", "Thing")
    reg.lookup("c.example.org/v1", "Thing")
    assert len(calls) == 3  # cached, found or not
    assert reg.validate({"apiVersion": "c.example.org/v1", "kind": "Thing"}) is None
    assert reg.validate({**obj({"forProvider": {}}), "apiVersion": "a.example.org/v1"}) == [
        SchemaError("/spec/forProvider", 'spec.forProvider: missing required field "region"',
                    "required")]
    assert e.validator is e.validator  # compiled once
    assert validate_object(e, obj({"forProvider": {"region": "x"}})) == []


def test_crd_source_from_files(tmp_path):
    import yaml
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "crd.yaml").write_text(
        yaml.safe_dump(crd("a.example.org", "Thing", [("v1", True)])) + "---\n"
        + yaml.safe_dump({"apiVersion": "v1", "kind": "ConfigMap"}))
    (tmp_path / "broken.yaml").write_text("a: [\n")
    (tmp_path / "notes.txt").write_text("a: [\n")
    src = CrdSource([str(tmp_path)])
    assert src.keys() == [("a.example.org/v1", "Thing")]
    assert len(src.errors) == 1 and "broken.yaml" in str(src.errors[0])
    assert "crd.yaml" in src.lookup("a.example.org/v1", "Thing").source


def test_version_without_schema_accepts_anything():
    c = crd("a.example.org", "Thing", [("v1", True)])
    del c["spec"]["versions"][0]["schema"]
    e = CrdSource([c]).lookup("a.example.org/v1", "Thing")
    assert validate_object(e, obj({"x": {"y": 1}})) == []


def test_type_message_for_several_types_and_null():
    s = {"type": "object", "properties": {"port": {"x-kubernetes-int-or-string": True}}}
    assert [e.message for e in run(s, {"port": True})] == [
        "spec.port: true is not of type 'integer' or 'string'"]
    assert [e.message for e in run(s, {"port": None})] == [
        "spec.port: null is not allowed, the field is not nullable "
        "(expected 'integer' or 'string')"]


def test_root_declares_nullable_apiversion():
    entry = SchemaEntry("g/v1", "K", "t", openapi={"type": "object", "properties": {
        "apiVersion": {"type": "string", "nullable": True}, "spec": {"type": "object"}}})
    assert entry.schema["properties"]["apiVersion"]["type"] == ["string", "null"]
    assert kinds(validate_object(entry, {**obj({}), "kind": 3})) == [("/kind", "type")]


def test_entry_from_a_ready_json_schema():
    """Sources with JSON Schemas already (built-in kinds) use the same entry and checks."""
    schema = {"type": "object", "properties": {
        "apiVersion": {"type": "string"}, "kind": {"type": "string"},
        "data": {"type": "object", "additionalProperties": {"type": "string", "format": "byte"}},
        "count": {"type": "integer", "format": "int32", "default": 1}},
        "additionalProperties": False}
    entry = SchemaEntry("v1", "Secret", "builtin", schema=schema)
    assert entry.schema is schema
    ok = {"apiVersion": "v1", "kind": "Secret", "data": {"a": "aGVsbG8="}}
    assert validate_object(entry, ok) == []
    assert kinds(validate_object(entry, {**ok, "data": {"a": "hello"}, "x": 1})) == [
        ("/data/a", "format"), ("/x", "additionalProperties")]
    with pytest.raises(ValueError):
        SchemaEntry("v1", "Secret", "nothing")


def test_openapi_boolean_exclusive_bounds_become_draft7_bounds():
    """A CRD's `exclusiveMinimum: true` (OpenAPI v3) is the draft-7 `exclusiveMinimum: 0`:
    0 is rejected, 1 accepted, and the schema compiles."""
    from kustgen.schemas.registry import SchemaEntry, validate_object
    openapi = {"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "replicas": {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
        "ratio": {"type": "number", "maximum": 1, "exclusiveMaximum": True}}}}}
    e = SchemaEntry("example.org/v1", "W", "t", openapi=openapi)

    def errs(spec):
        return [x.path for x in validate_object(e, {"apiVersion": "example.org/v1", "kind": "W",
                                                    "metadata": {"name": "w"}, "spec": spec})]
    assert errs({"replicas": 1, "ratio": 0.5}) == []
    assert errs({"replicas": 0}) == ["/spec/replicas"]
    assert errs({"ratio": 1}) == ["/spec/ratio"]
