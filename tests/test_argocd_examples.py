"""Argo CD's own examples (../shared/examples/argocd, see ../shared/examples/README.md,
section argocd/) validated against the Argo CRDs in ../shared/crds/argo, driven by
argocd/INDEX.tsv: one row per YAML document, with the reference result in lenient and in
strict mode.

The folder is validated as plain manifests (kustgen runs in an empty folder, so no
kustomization root of its own claims the path), with --offline and an empty --cache: no
network, and the user's schema cache is not touched. One run per mode serves every
per-document test."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest

from conftest import REPO, SHARED, need_shared

ARGO_GROUP = "argoproj.io/"
SCHEMA_RULES = ("schema", "cel")
MODES = {"strict": "--strict", "lenient": "--no-strict"}
COLUMN = {"strict": "schema_strict", "lenient": "schema_lenient"}


def _index_rows() -> list[dict]:
    """INDEX.tsv as dicts (empty when ../shared is missing: the tests that need it skip
    or fail through need_shared)."""
    p = os.path.join(SHARED, "examples", "argocd", "INDEX.tsv")
    if not os.path.exists(p):
        return []
    with open(p, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


ROWS = _index_rows()
ARGO_ROWS = [r for r in ROWS if r["apiVersion"].startswith(ARGO_GROUP)]


def _params(result: str):
    out = []
    for mode in MODES:
        for r in ARGO_ROWS:
            if r[COLUMN[mode]] == result:
                out.append(pytest.param(mode, r, id="%s-%s" % (mode, r["file"].replace(
                    "argo-cd/applicationset/examples/", "").replace("argo-cd/", ""))))
    return out


def run(args, cwd):
    env = dict(os.environ, PYTHONPATH=REPO, NO_COLOR="1")
    p = subprocess.run([sys.executable, "-m", "kustgen", "validate", "--format", "json",
                        "--offline", "--cache", os.path.join(str(cwd), "empty-cache"), *args],
                       cwd=str(cwd), capture_output=True, text=True, env=env, timeout=120)
    data = json.loads(p.stdout) if p.stdout.strip().startswith("{") else None
    return p, data


class Run:
    """One validation of the whole argocd folder; findings keyed by file relative to it."""

    def __init__(self, p, data, root):
        self.p, self.data, self.root = p, data, root
        self.by_file: dict = {}
        for f in data["findings"]:
            rel = os.path.relpath(os.path.realpath(f["file"]), root) if f["file"] else ""
            self.by_file.setdefault(rel, []).append(f)

    def findings(self, rel, rules=None):
        return [f for f in self.by_file.get(rel, []) if rules is None or f["rule"] in rules]

    def coverage(self, kind):
        return [c for c in self.data["coverage"] if c["kind"] == kind]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = os.path.realpath(need_shared("examples", "argocd"))
    crds = need_shared("crds", "argo")
    out = {}
    for mode, flag in MODES.items():
        cwd = tmp_path_factory.mktemp("argocd-" + mode)
        p, data = run([root, "--crds", crds, flag], cwd)
        assert data is not None, (p.returncode, p.stdout[-2000:], p.stderr[-2000:])
        out[mode] = Run(p, data, root)
    return out


def test_index_is_there():
    need_shared("examples", "argocd", "INDEX.tsv")
    assert len(ARGO_ROWS) == 52
    assert sum(r["schema_strict"] == "ok" for r in ARGO_ROWS) == 42
    assert sum(r["schema_strict"] == "FAIL" for r in ARGO_ROWS) == 10


@pytest.mark.parametrize("mode", list(MODES))
def test_the_run_completes_and_every_argo_object_is_validated_by_the_given_crds(runs, mode):
    r = runs[mode]
    # findings (the 10 failing ApplicationSets, the Helm templates, ...), but no
    # configuration or render error: exit 1, not 2
    assert r.p.returncode == 1, r.p.stderr
    expected = {}
    for row in ARGO_ROWS:
        expected[row["kind"]] = expected.get(row["kind"], 0) + 1
    assert expected == {"ApplicationSet": 50, "Application": 1, "AppProject": 1}
    for kind, n in expected.items():
        cov = r.coverage(kind)
        assert len(cov) == 1 and cov[0]["validated"] == n and cov[0]["skipped"] == 0, cov
        assert os.path.join("argo", "argo-cd") in cov[0]["source"], cov[0]["source"]
    assert not any(f["rule"] in ("render-error", "schema-source")
                   for f in r.data["findings"]), r.data["findings"]


@pytest.mark.parametrize("mode, row", _params("ok"))
def test_ok_rows_have_no_schema_finding(runs, mode, row):
    got = runs[mode].findings(row["file"], SCHEMA_RULES + ("invalid-manifest", "invalid-name",
                                                           "missing-schema"))
    assert got == [], "%s (%s %s) is ok in INDEX.tsv (%s) but kustgen reports: %s" % (
        row["file"], row["kind"], row["name"], mode,
        ["%s:%s %s" % (f["line"], f["rule"], f["message"]) for f in got])


@pytest.mark.parametrize("mode, row", _params("FAIL"))
def test_fail_rows_get_schema_errors(runs, mode, row):
    got = runs[mode].findings(row["file"], SCHEMA_RULES)
    assert got, "%s (%s %s) fails in INDEX.tsv (%s) but kustgen reports no schema error" % (
        row["file"], row["kind"], row["name"], mode)
    for f in got:
        assert f["severity"] == "error"
        assert f["line"] > 0 and f["path"].startswith("/spec"), f
        assert f["resource"]["kind"] == row["kind"] and f["resource"]["name"] == row["name"]


def _messages(run, rel):
    return {(f["path"], f["message"]) for f in run.findings(rel, SCHEMA_RULES)}


@pytest.mark.parametrize("mode", list(MODES))
def test_design_doc_lacks_project_and_git_revision(runs, mode):
    r = runs[mode]
    design = [row["file"] for row in ARGO_ROWS if "/design-doc/" in row["file"]
              and row[COLUMN[mode]] == "FAIL"]
    assert len(design) == 9
    for rel in design:
        msgs = _messages(r, rel)
        assert ("/spec/template/spec", 'spec.template.spec: missing required field "project"') \
            in msgs, (rel, msgs)
        gits = [row for row in ARGO_ROWS if row["file"] == rel and "git" in row["generators"]]
        if gits:
            assert any(p.endswith("/git") and 'missing required field "revision"' in m
                       for p, m in msgs), (rel, msgs)


def test_filters_are_unknown_fields_in_strict_mode_only(runs):
    rel = "argo-cd/applicationset/examples/design-doc/proposal/filters.yaml"
    strict = {p for p, _ in _messages(runs["strict"], rel)}
    lenient = {p for p, _ in _messages(runs["lenient"], rel)}
    unknown = {"/spec/generators/0/clusters/filters", "/spec/generators/1/git/filters"}
    assert unknown <= strict, strict
    assert not unknown & lenient, lenient
    assert lenient and lenient < strict


def test_operator_manual_applicationset_fails_more_in_strict_mode(runs):
    rel = "argo-cd/docs/operator-manual/applicationset.yaml"
    strict = _messages(runs["strict"], rel)
    lenient = _messages(runs["lenient"], rel)
    # the reference file's placeholders: matrix has no generators (a null here)
    assert any(p == "/spec/generators/6/matrix/generators" for p, _ in lenient), lenient
    assert lenient < strict
    extra = {p for p, _ in strict - lenient}
    for p in ("/spec/generators/0/list/template/spec/source/revision",
              "/spec/generators/3/scmProvider/github/values"):
        assert p in extra, sorted(extra)
    assert all("unknown field" in m for _, m in strict - lenient), sorted(strict - lenient)


@pytest.mark.parametrize("mode", list(MODES))
def test_application_and_appproject_reference_manifests_are_valid(runs, mode):
    for rel in ("argo-cd/docs/operator-manual/application.yaml",
                "argo-cd/docs/operator-manual/project.yaml"):
        assert runs[mode].findings(rel) == [], runs[mode].findings(rel)


# ------------------------------------------------------------------ inputs PyYAML rejects

TAB_FILES = [r["file"] for r in ROWS if r["parses_with_pyyaml"].startswith("no")
             and "/templates/" not in r["file"]]
HELM_TEMPLATES = [r["file"] for r in ROWS if r["parses_with_pyyaml"].startswith("no")
                  and "/templates/" in r["file"]]


def test_pyyaml_failures_are_the_documented_five():
    need_shared("examples", "argocd", "INDEX.tsv")
    assert len(TAB_FILES) == 3 and all(f.endswith("guestbook-ui-svc.yaml") for f in TAB_FILES)
    assert sorted(os.path.basename(f) for f in HELM_TEMPLATES) == ["deployment.yaml",
                                                                  "service.yaml"]


@pytest.mark.parametrize("rel", TAB_FILES)
def test_trailing_tabs_parse_like_go_yaml(rel, tmp_path):
    """PyYAML stops at the TAB after each value; go-yaml (kustomize, kubectl, Argo CD)
    reads them as trailing white space. kustgen's reader follows go-yaml: the Service
    loads, its name and ports carry no TAB, and it is valid."""
    path = os.path.join(need_shared("examples", "argocd"), rel)
    with open(path, "rb") as f:
        assert b"\t\n" in f.read()
    p, data = run([path], tmp_path)
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert data["findings"] == []     # no invalid-manifest, no invalid-name "guestbook-ui\t"
    assert data["summary"]["resourcesChecked"] == 1
    assert [(c["kind"], c["validated"]) for c in data["coverage"]] == [("Service", 1)]


@pytest.mark.parametrize("mode", list(MODES))
def test_trailing_tab_files_in_the_folder_run(runs, mode):
    for rel in TAB_FILES:
        assert runs[mode].findings(rel, ("invalid-manifest", "schema", "invalid-name")) == []


def test_overlay_reading_a_trailing_tab_file_renders(tmp_path):
    overlay = need_shared("examples", "argocd", "argo-cd", "applicationset", "examples",
                          "template-override", "default")
    p, data = run([overlay], tmp_path)
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert data["findings"] == []
    assert sorted((c["kind"], c["validated"]) for c in data["coverage"]) == [
        ("Deployment", 1), ("Service", 1)]


@pytest.mark.parametrize("mode", list(MODES))
def test_helm_templates_are_invalid_manifests_naming_the_file(runs, mode):
    r = runs[mode]
    for rel in HELM_TEMPLATES:
        got = r.findings(rel)
        assert [f["rule"] for f in got] == ["invalid-manifest"], got
        assert got[0]["severity"] == "error" and got[0]["line"] > 0
        assert os.path.realpath(got[0]["file"]) == os.path.join(r.root, rel)
    # and the run went on past them: the files beside them were validated
    assert r.data["summary"]["resourcesChecked"] >= len(ARGO_ROWS)


@pytest.mark.parametrize("mode", list(MODES))
def test_elements_yaml_data_is_not_a_kubernetes_object(runs, mode):
    rel = "argo-cd/applicationset/examples/list-generator/list-elementsYaml-example.yaml"
    got = runs[mode].findings(rel)
    assert len(got) == 1, got
    assert got[0]["rule"] == "invalid-manifest" and got[0]["severity"] == "error"
    assert got[0]["message"] in ("missing 'kind' key", "missing 'apiVersion' key"), got


@pytest.mark.parametrize("mode", list(MODES))
def test_v1beta1_crds_have_no_schema(runs, mode):
    """apiextensions.k8s.io/v1beta1 is no longer served (removed in Kubernetes 1.22): no
    schema, so a missing-schema warning per CRD, not a validation against v1's schema."""
    rows = [r for r in ROWS if r["apiVersion"] == "apiextensions.k8s.io/v1beta1"]
    assert len(rows) == 5
    rel = rows[0]["file"]
    got = runs[mode].findings(rel)
    assert [f["rule"] for f in got] == ["missing-schema"] * 5, got
    assert all(f["severity"] == "warning" for f in got)
    assert sorted(f["resource"]["name"] for f in got) == sorted(r["name"] for r in rows)
    cov = [c for c in runs[mode].data["coverage"]
           if c["apiVersion"] == "apiextensions.k8s.io/v1beta1"]
    assert cov and cov[0]["validated"] == 0 and cov[0]["skipped"] == 5


def test_the_folder_validated_from_inside_still_covers_the_argo_objects(tmp_path):
    """Run where the examples are (`kustgen validate .` in argocd/): the folder also holds
    six kustomization roots (rendered as overlays); the ApplicationSets, Application and
    AppProject beside them are read by none of them and must still be validated as plain
    manifests, not dropped."""
    root = need_shared("examples", "argocd")
    crds = os.path.realpath(need_shared("crds", "argo"))
    env = dict(os.environ, PYTHONPATH=REPO, NO_COLOR="1")
    p = subprocess.run([sys.executable, "-m", "kustgen", "validate", "--format", "json",
                        "--offline", "--cache", str(tmp_path / "cache"), "--crds", crds, "."],
                       cwd=root, capture_output=True, text=True, env=env, timeout=120)
    data = json.loads(p.stdout)
    validated = {c["kind"]: c["validated"] for c in data["coverage"]
                 if c["apiVersion"].startswith(ARGO_GROUP)}
    assert validated == {"ApplicationSet": 50, "Application": 1, "AppProject": 1}, (
        validated, data["summary"])
