"""kustgen lint / rules / explain / check end to end: exit codes, formats, suppressed
findings, and one render per overlay in `check`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO, copy_example
from kustgen.lint import registry
from lintkit import write_tree


def kg(cwd, *args):
    env = dict(os.environ, PYTHONPATH=REPO, NO_COLOR="1")
    p = subprocess.run([sys.executable, "-m", "kustgen", *args], cwd=cwd, capture_output=True,
                       text=True, env=env, timeout=300)
    assert "Traceback" not in p.stderr, p.stderr
    return p


@pytest.fixture
def repo(tmp_path):
    return copy_example(tmp_path / "infra")


def test_lint_example_repo_is_clean(repo):
    p = kg(repo, "lint", "--offline")
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.startswith("0 errors, 0 warnings in 0 files (57 resources checked)")


def _deprecate(repo):
    k = repo / "overlays" / "prod" / "kustomization.yaml"
    text = k.read_text()
    assert "resources:\n  - ../../base\n" in text
    k.write_text(text.replace("resources:\n  - ../../base\n", "bases:\n  - ../../base\n", 1))
    line = k.read_text().splitlines().index("bases:") + 1
    return k, line


def test_findings_exit_1_at_fail_on(repo):
    _, line = _deprecate(repo)
    p = kg(repo, "lint", "--offline")
    assert p.returncode == 0                     # a warning; --fail-on error by default
    assert "overlays/prod/kustomization.yaml:%d:1: warning KG101: 'bases' is deprecated" \
        % line in p.stdout
    assert kg(repo, "lint", "--offline", "--fail-on", "warning").returncode == 1
    cfg = repo / "kustgen.yaml"
    cfg.write_text(cfg.read_text() + "  KG101:\n    severity: {prod: error}\n")
    p = kg(repo, "lint", "--offline")
    assert p.returncode == 1 and "error KG101" in p.stdout


def test_suppressed_findings_are_counted_and_listed_on_request(repo):
    k, line = _deprecate(repo)
    k.write_text(k.read_text().replace("bases:\n", "bases:  # kustgen: ignore[KG101] the "
                                       "release branch still builds with kustomize 3\n", 1))
    p = kg(repo, "lint", "--offline", "--fail-on", "warning")
    assert p.returncode == 0, p.stdout
    assert "KG101" not in p.stdout and "1 suppressed finding" in p.stdout
    p = kg(repo, "lint", "--offline", "--fail-on", "warning", "--show-suppressed")
    assert p.returncode == 0
    assert "KG101: 'bases' is deprecated" in p.stdout
    assert "(suppressed: the release branch still builds with kustomize 3)" in p.stdout
    p = kg(repo, "lint", "--offline", "--show-suppressed", "--format", "json", "--format",
           "sarif", "--output", "r.sarif")
    doc = json.loads(p.stdout)
    assert doc["summary"]["suppressed"] == 1 and doc["summary"]["warnings"] == 0
    assert doc["findings"][0]["suppressed"].startswith("the release branch")
    sarif = json.loads((repo / "r.sarif").read_text())
    (result,) = sarif["runs"][0]["results"]
    assert result["suppressions"][0]["kind"] == "inSource"


def test_render_error_exits_2(repo):
    (repo / "overlays" / "dev" / "kustomization.yaml").write_text("resources:\n  - nope.yaml\n")
    p = kg(repo, "lint", "--offline")
    assert p.returncode == 2, p.stdout + p.stderr
    assert "overlays/dev/kustomization.yaml" in p.stdout


def test_config_error_exits_2_with_its_line(repo):
    cfg = repo / "kustgen.yaml"
    text = cfg.read_text() + "  KG1O1: off\n"
    cfg.write_text(text)
    p = kg(repo, "lint")
    assert p.returncode == 2
    assert p.stderr.strip() == "kustgen: kustgen.yaml:%d: rules.KG1O1: no rule 'KG1O1'; " \
        "did you mean KG101? (`kustgen rules` lists them)" % len(text.splitlines())


def test_rules_lists_every_rule(repo):
    p = kg(repo, "rules", "--format", "json")
    doc = json.loads(p.stdout)
    assert [r["id"] for r in doc["rules"]] == [r.id for r in registry.all_rules()]
    text = kg(repo, "rules").stdout
    for r in registry.all_rules():
        assert r.id in text and r.name in text


def test_rules_shows_this_repos_settings(repo):
    cfg = repo / "kustgen.yaml"
    cfg.write_text(cfg.read_text() + "  KG101: {severity: {prod: error}}\n")
    line = [l for l in kg(repo, "rules").stdout.splitlines() if l.startswith("KG101")][0]
    assert "error in prod" in line
    doc = json.loads(kg(repo, "rules", "--format", "json").stdout)
    kg101 = [r for r in doc["rules"] if r["id"] == "KG101"][0]
    assert kg101["configured"] == {"severityByEnvironment": {"prod": "error"}}


def test_explain(repo):
    p = kg(repo, "explain", "deprecated-kustomize-field")
    assert p.returncode == 0
    assert p.stdout.startswith("KG101 deprecated-kustomize-field (kustomize)")
    assert "Bad (the rule fires):" in p.stdout and "Good:" in p.stdout
    assert "# kustomization.yaml\nbases:" in p.stdout
    p = kg(repo, "explain", "KG1O1")
    assert p.returncode == 2 and "did you mean KG101?" in p.stderr


def test_docs_rules_md_is_generated_from_the_rules():
    """docs/rules.md is `kustgen rules --format markdown` (regenerate it with that)."""
    from kustgen.lint.docs import markdown
    with open(os.path.join(REPO, "docs", "rules.md")) as fh:
        assert fh.read() == markdown(registry.all_rules()), \
            "docs/rules.md is stale: kustgen rules --format markdown > docs/rules.md"


def test_check_renders_each_overlay_once_and_reports_all_checks(repo, monkeypatch):
    from kustgen import api
    from kustgen.config import load_config
    from kustgen.kustomize.pipeline import BuildSession
    _deprecate(repo)
    vpc = repo / "base" / "network" / "vpc.yaml"
    vpc.write_text(vpc.read_text().replace("enableDnsSupport: true", "enableDnsSupport: 1"))
    builds = []
    real = BuildSession.build

    def counting(self, path, *a, **kw):
        builds.append(os.path.relpath(path, str(repo)))
        return real(self, path, *a, **kw)
    monkeypatch.setattr(BuildSession, "build", counting)
    monkeypatch.chdir(repo)
    res = api.check(config=load_config("."), offline=True)
    assert sorted(builds) == ["overlays/dev", "overlays/prod", "overlays/staging"]
    rules = {f.rule for f in res.findings}
    assert {"schema", "KG101"} <= rules
    assert res.render_errors == 0


def test_check_cli_exit_codes(repo):
    assert kg(repo, "check", "--offline").returncode == 0
    _deprecate(repo)
    p = kg(repo, "check", "--offline", "--fail-on", "warning")
    assert p.returncode == 1 and "KG101" in p.stdout


def test_lint_a_plain_manifest(tmp_path):
    write_tree(tmp_path, {"k/kustomization.yaml": "commonLabels:\n  a: b\n"})
    p = kg(tmp_path, "lint", "k", "--format", "json")
    doc = json.loads(p.stdout)
    assert [(f["rule"], f["file"], f["line"]) for f in doc["findings"]] == [
        ("KG101", "k/kustomization.yaml", 1)]
