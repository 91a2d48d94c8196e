"""Remembered validation results (kustgen/schemas/results.py): a re-run gives the same
findings without recompiling, and any change to the resource or its schema is seen."""

from __future__ import annotations

import json

from kustgen import api
from kustgen.config import Config

SCHEMA = {
    "type": "object",
    "properties": {
        "apiVersion": {"type": "string"}, "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {"type": "object", "properties": {"size": {"type": "integer"}},
                 "x-kubernetes-validations": [
                     {"rule": "self.size < 10", "message": "size must stay below 10"}]},
    },
}


def setup(tmp_path, size):
    (tmp_path / ".git").mkdir(exist_ok=True)
    cat = tmp_path / "schemas" / "example.org"
    cat.mkdir(parents=True, exist_ok=True)
    (cat / "widget_v1.json").write_text(json.dumps(SCHEMA))
    (tmp_path / "w.yaml").write_text("apiVersion: example.org/v1\nkind: Widget\nmetadata:\n"
                                     "  name: w\nspec:\n  size: %s\n" % size)
    return Config(root=str(tmp_path), schema_vendor=str(tmp_path / "schemas"))


def findings(tmp_path, cfg):
    res = api.validate([str(tmp_path / "w.yaml")], config=cfg)
    return [(f.rule, f.origin.line, f.path, f.message) for f in res.findings]


def test_rerun_gives_the_same_findings_from_the_cache(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("KUSTGEN_CACHE_DIR", str(cache))
    cfg = setup(tmp_path, 12)
    first = findings(tmp_path, cfg)
    assert first == [("cel", 5, "/spec", "size must stay below 10")]
    stored = list((cache / "results").rglob("*"))
    assert any(p.is_file() for p in stored)
    assert findings(tmp_path, cfg) == first


def test_a_changed_resource_or_schema_is_validated_again(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("KUSTGEN_CACHE_DIR", str(cache))
    cfg = setup(tmp_path, 12)
    assert findings(tmp_path, cfg)
    setup(tmp_path, 3)                          # the resource is fixed
    assert findings(tmp_path, cfg) == []
    schema = dict(SCHEMA)
    schema["properties"] = dict(SCHEMA["properties"])
    schema["properties"]["spec"] = {"type": "object",
                                    "properties": {"size": {"type": "string"}}}
    (tmp_path / "schemas" / "example.org" / "widget_v1.json").write_text(json.dumps(schema))
    got = findings(tmp_path, cfg)         # the schema changed: size is now a string
    assert [(r, p) for r, _, p, _ in got] == [("schema", "/spec/size")]


def test_findings_point_at_the_current_file_lines(tmp_path, monkeypatch):
    """Results are remembered per resource content; where they are reported is worked out
    on every run, so an edit that only moves the resource moves the finding."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("KUSTGEN_CACHE_DIR", str(cache))
    cfg = setup(tmp_path, 12)
    assert findings(tmp_path, cfg)[0][1] == 5
    w = tmp_path / "w.yaml"
    w.write_text("# a comment\n# another\n" + w.read_text())
    assert findings(tmp_path, cfg)[0][1] == 7
