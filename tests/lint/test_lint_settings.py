"""kustgen.yaml `rules:`: enable/disable, severity per rule and per environment,
environments, options, excludes; every mistake is reported at its line."""

from __future__ import annotations

import pytest

from kustgen.config import parse_config
from kustgen.lint import settings
from kustgen.model import ConfigError, Severity
from lintkit import lint_tree

CONFIG = """\
apiVersion: kustgen.dev/v1alpha1
kind: Config
environments:
  - name: dev
  - name: prod
    protected: true
rules:
{rules}
"""

TREE = {
    "base/kustomization.yaml": "resources:\n  - cm.yaml\n",
    "base/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n",
    "overlays/dev/kustomization.yaml": "bases:\n  - ../../base\n",
    "overlays/prod/kustomization.yaml": "bases:\n  - ../../base\n",
}


def _lint(tmp_path, rules: str, **kw):
    files = dict(TREE, **{"kustgen.yaml": CONFIG.format(rules=rules)})
    return lint_tree(tmp_path, files, **kw)


def _sev(res, rule="KG101"):
    return {f.origin.file.rsplit("overlays/", 1)[-1]: str(f.severity)
            for f in res.active if f.rule == rule}


def test_defaults(tmp_path):
    res = _lint(tmp_path, "  {}")
    assert _sev(res) == {"dev/kustomization.yaml": "warning",
                         "prod/kustomization.yaml": "warning"}


def test_severity_per_environment(tmp_path):
    res = _lint(tmp_path, "  KG101:\n    severity: {default: info, prod: error}")
    assert _sev(res) == {"dev/kustomization.yaml": "info", "prod/kustomization.yaml": "error"}


def test_off_in_one_environment(tmp_path):
    res = _lint(tmp_path, "  deprecated-kustomize-field:\n    severity: {dev: off}")
    assert _sev(res) == {"prod/kustomization.yaml": "warning"}


def test_environments_limit(tmp_path):
    res = _lint(tmp_path, "  KG101: {severity: error, environments: [prod]}")
    assert _sev(res) == {"prod/kustomization.yaml": "error"}


def test_disabled_and_shorthands(tmp_path):
    assert _sev(_lint(tmp_path, "  KG101: off")) == {}
    assert _sev(_lint(tmp_path, "  KG101: false")) == {}
    assert set(_sev(_lint(tmp_path, "  KG101: error")).values()) == {"error"}
    assert _sev(_lint(tmp_path, "  KG101: {enabled: false}")) == {}


def test_disabled_rule_runs_when_asked_for(tmp_path):
    res = _lint(tmp_path, "  KG101: off", select=["KG101"])
    assert len(_sev(res)) == 2


def test_excludes(tmp_path):
    assert _sev(_lint(tmp_path, "  exclude: [overlays/dev/**]")) == {
        "prod/kustomization.yaml": "warning"}
    assert _sev(_lint(tmp_path, "  KG101: {exclude: [overlays/prod]}")) == {
        "dev/kustomization.yaml": "warning"}


def test_ignore_on_the_command_line(tmp_path):
    assert _sev(_lint(tmp_path, "  {}", ignore=["KG101"])) == {}


@pytest.mark.parametrize("rules, line, text", [
    ("  KG999: off", 8, "no rule 'KG999'"),
    ("  deprecated-kustomize-feild: off", 8, "did you mean deprecated-kustomize-field"),
    ("  KG101: loud", 8, "unknown severity 'loud'"),
    ("  KG101:\n    severity: {staging: error}", 9, "no environment 'staging'"),
    ("  KG101:\n    environments: [qa]", 9, "no environment 'qa'"),
    ("  KG101:\n    colour: red", 9, "unknown key 'colour'"),
    ("  KG101:\n    options: {x: 1}", 9, "KG101 has no option 'x'"),
    ("  KG101:\n    enabled: maybe", 9, "enabled is true or false"),
    ("  exclude: 3", 8, "a list of strings"),
])
def test_mistakes_are_config_errors_at_their_line(tmp_path, rules, line, text):
    cfg = parse_config(CONFIG.format(rules=rules), str(tmp_path / "kustgen.yaml"))
    with pytest.raises(ConfigError) as e:
        settings.parse(cfg)
    assert e.value.line == line
    assert text in e.value.message


def test_parse_result():
    cfg = parse_config(CONFIG.format(rules="  KG101: {severity: {default: warning, prod: "
                                     "error}, exclude: legacy/**}"))
    rs = settings.parse(cfg).of("KG101")
    assert rs.severity is Severity.WARNING and rs.by_env == {"prod": Severity.ERROR}
    assert rs.exclude == ["legacy/**"]


def test_json_schema_accepts_what_the_parser_accepts():
    import json
    import os

    import jsonschema
    import yaml
    from conftest import REPO
    with open(os.path.join(REPO, "schemas", "kustgen.schema.json")) as fh:
        schema = json.load(fh)
    good = yaml.safe_load(CONFIG.format(rules=(
        "  exclude: [legacy/**]\n  KG101: off\n  KG202: warning\n"
        "  deletion-policy-delete:\n    severity: {default: warning, prod: error}\n"
        "    environments: [prod]\n    options: {}\n    exclude: [x/**]")))
    jsonschema.validate(good, schema)
    for bad in ("  KG101: {colour: red}", "  KG101: loud", "  KG101: {enabled: maybe}"):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(yaml.safe_load(CONFIG.format(rules=bad)), schema)
