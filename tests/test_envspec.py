"""What is environment-specific (kustgen/envspec.py): paths, rules, files, configuration."""

from __future__ import annotations

import pytest

from kustgen.config import parse_config
from kustgen.envspec import EnvSpecific, FieldRule, parse_path
from kustgen.model.errors import ConfigError


@pytest.mark.parametrize("text, path", [
    ("spec.forProvider.region", ("spec", "forProvider", "region")),
    ('metadata.annotations["crossplane.io/external-name"]',
     ("metadata", "annotations", "crossplane.io/external-name")),
    ("metadata.annotations['a.b/c']", ("metadata", "annotations", "a.b/c")),
    ("spec.items[0].name", ("spec", "items", 0, "name")),
    ("spec.items[*].name", ("spec", "items", "*", "name")),
    ("/spec/forProvider/tags/team~1x", ("spec", "forProvider", "tags", "team/x")),
])
def test_paths(text, path):
    assert parse_path(text) == path


@pytest.mark.parametrize("bad", ["", "spec..x", 'a["unterminated]'])
def test_bad_paths(bad):
    with pytest.raises(ConfigError):
        parse_path(bad)


def test_defaults_fit_crossplane():
    e = EnvSpecific()
    assert e.is_field("Bucket", ("spec", "forProvider", "region"))
    assert e.is_field("Instance", ("spec", "providerConfigRef", "name"))   # below the rule
    assert e.is_field("Bucket", ("metadata", "annotations", "crossplane.io/external-name"))
    assert not e.is_field("Bucket", ("spec", "forProvider", "tags"))
    assert not e.is_field("Bucket", ("spec",))
    assert e.touches("Bucket", ("spec",))            # spec as a whole holds the region
    assert e.is_file("provider-config.yaml") and e.is_file("sub/provider-config.yaml")
    assert e.is_file("creds.yaml", [{"kind": "Secret"}, {"kind": "ProviderConfig"}])
    assert not e.is_file("bucket.yaml", [{"kind": "Bucket"}, {"kind": "Secret"}])


def test_rules_for_some_kinds_and_wildcards():
    r = FieldRule(parse_path("spec.forProvider.instanceClass"), ("Instance",))
    assert r.matches("Instance", ("spec", "forProvider", "instanceClass"))
    assert not r.matches("Cluster", ("spec", "forProvider", "instanceClass"))
    w = FieldRule(parse_path("spec.rules[*].cidr"))
    assert w.matches("X", ("spec", "rules", 3, "cidr"))


def test_from_kustgen_yaml_replaces_or_keeps_defaults():
    cfg = parse_config(
        "promotion:\n  envSpecificFiles: [regional.yaml]\n  envSpecificFields:\n"
        "    - spec.forProvider.instanceClass\n"
        "    - {path: spec.parameters.size, kinds: [Database]}\n", "kustgen.yaml")
    e = EnvSpecific.from_config(cfg)
    assert e.is_file("regional.yaml") and not e.is_file("provider-config.yaml")
    assert e.is_field("Instance", ("spec", "forProvider", "instanceClass"))
    assert e.is_field("Database", ("spec", "parameters", "size"))
    assert not e.is_field("Bucket", ("spec", "parameters", "size"))
    assert not e.is_field("Bucket", ("spec", "forProvider", "region"))   # replaced
    cfg = parse_config("promotion:\n  envSpecificDefaults: true\n  envSpecificFields: "
                       "[spec.x]\n", "kustgen.yaml")
    e = EnvSpecific.from_config(cfg)
    assert e.is_field("A", ("spec", "x")) and e.is_field("A", ("spec", "forProvider", "region"))


def test_bad_configuration_names_the_file():
    cfg = parse_config("promotion:\n  envSpecificFields: [{kinds: [A]}]\n", "kustgen.yaml")
    with pytest.raises(ConfigError) as e:
        EnvSpecific.from_config(cfg)
    assert e.value.file == "kustgen.yaml"
    with pytest.raises(ConfigError):
        parse_config("promotion:\n  envSpecificFeilds: []\n", "kustgen.yaml")
