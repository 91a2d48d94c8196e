"""Suppression comments and annotations, through `kustgen lint` on real trees."""

from __future__ import annotations

from kustgen.lint.suppress import from_annotation, scan_text
from kustgen.model import Origin
from lintkit import lint_tree, where

BASE = {
    "base/kustomization.yaml": "resources:\n  - cm.yaml\n",
    "base/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
                    "data:\n  region: eu-west-1\n",
}


def test_line_comment_suppresses_that_line_only(tmp_path):
    res = lint_tree(tmp_path, dict(BASE, **{"overlays/dev/kustomization.yaml": (
        "bases:  # kustgen: ignore[KG101] kustomize 4 still builds this repo\n"
        "  - ../../base\n"
        "commonLabels:\n"
        "  team: platform\n")}), select=["KG101"])
    assert where(res, "KG101", tmp_path) == [("overlays/dev/kustomization.yaml", 3)]
    assert where(res, "KG101", tmp_path, suppressed=True) == [
        ("overlays/dev/kustomization.yaml", 1)]
    (f,) = res.suppressed
    assert f.suppressed == "kustomize 4 still builds this repo"
    assert where(res, "KG001", tmp_path) == []


def test_own_line_comment_covers_the_next_line(tmp_path):
    res = lint_tree(tmp_path, dict(BASE, **{"overlays/dev/kustomization.yaml": (
        "resources:\n  - ../../base\n"
        "# kustgen: ignore[deprecated-kustomize-field] migrating in PLAT-12\n"
        "commonLabels:\n"
        "  team: platform\n")}), select=["KG101"])
    assert where(res, "KG101", tmp_path) == []
    assert where(res, "KG101", tmp_path, suppressed=True) == [
        ("overlays/dev/kustomization.yaml", 4)]


def test_document_comment_covers_the_whole_document(tmp_path):
    res = lint_tree(tmp_path, dict(BASE, **{"overlays/dev/kustomization.yaml": (
        "# kustgen: ignore[KG101] legacy layout, see README\n"
        "bases:\n  - ../../base\n"
        "commonLabels:\n"
        "  team: platform\n")}), select=["KG101"])
    assert where(res, "KG101", tmp_path) == []
    assert len(where(res, "KG101", tmp_path, suppressed=True)) == 2


def test_suppression_without_reason_suppresses_and_is_reported(tmp_path):
    res = lint_tree(tmp_path, dict(BASE, **{"overlays/dev/kustomization.yaml": (
        "bases:  # kustgen: ignore[KG101]\n  - ../../base\n")}), select=["KG101", "KG001"])
    assert where(res, "KG101", tmp_path) == []
    assert where(res, "KG001", tmp_path) == [("overlays/dev/kustomization.yaml", 1)]
    assert "without a reason" in res.active[0].message


def test_unknown_rule_in_suppression_is_reported(tmp_path):
    res = lint_tree(tmp_path, dict(BASE, **{"overlays/dev/kustomization.yaml": (
        "bases:  # kustgen: ignore[KG110] typo in the id\n  - ../../base\n")}),
        select=["KG101", "KG001"])
    assert where(res, "KG101", tmp_path) == [("overlays/dev/kustomization.yaml", 1)]
    (msg,) = [f.message for f in res.active if f.rule == "KG001"]
    assert "KG110".lower() in msg.lower() and "no known rule" in msg


def test_annotation_suppresses_findings_about_the_resource(tmp_path):
    files = {
        "overlays/dev/kustomization.yaml": "resources:\n  - cm.yaml\n",
        "overlays/dev/cm.yaml": (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
            "  annotations:\n    kustgen.io/ignore: KG001\n"),
    }
    # a reasonless annotation is itself a KG001 finding, which the annotation cannot hide
    # (KG001 is about the suppression, not about the resource)
    res = lint_tree(tmp_path, files, select=["KG001"])
    assert where(res, "KG001", tmp_path) == [("overlays/dev/cm.yaml", 6)]


def test_scan_text_lines():
    text = ("# kustgen: ignore[KG202] document level\n"
            "apiVersion: v1\n"
            "kind: ConfigMap   # kustgen: ignore[KG401,KG402] both\n"
            "---\n"
            "a: 1\n"
            "  # kustgen: ignore[all] everything on the next line\n"
            "b: 2\n"
            "c: 3 # not kustgen: ignore[KG1] (the # is not a comment start)\n")
    got = [(s.kind, s.rules, s.first, s.last, s.reason) for s in scan_text("f", text)]
    assert got == [
        ("document", ("kg202",), 1, 3, "document level"),
        ("line", ("kg401", "kg402"), 3, 3, "both"),
        ("line", ("all",), 7, 7, "everything on the next line"),
    ]


def test_annotation_values():
    o = Origin("f", 3)
    assert from_annotation("KG202 restored from backup", o).rules == ("kg202",)
    s = from_annotation("KG202, KG203: imported by hand", o)
    assert (s.rules, s.reason) == (("kg202", "kg203"), "imported by hand")
    assert from_annotation("KG202", o).reason == ""
    assert from_annotation("", o).malformed


def test_unused_suppression_is_reported_only_when_everything_is_linted(tmp_path):
    files = dict(BASE, **{"overlays/dev/kustomization.yaml": (
        "resources:  # kustgen: ignore[KG101] kustomize 3 still builds this\n"
        "  - ../../base\n"
        "namePrefix: dev-  # kustgen: ignore[KG999] no such rule\n")})
    res = lint_tree(tmp_path, files)
    assert where(res, "KG002", tmp_path) == [("overlays/dev/kustomization.yaml", 1)]
    # the unknown rule is KG001's business, not KG002's
    assert where(res, "KG001", tmp_path) == [("overlays/dev/kustomization.yaml", 3)]
    # narrowed runs cannot know: no KG002
    assert where(lint_tree(tmp_path, paths=["overlays/dev"]), "KG002", tmp_path) == []
    assert where(lint_tree(tmp_path, ignore=["KG101"]), "KG002", tmp_path) == []
    # in use again: no KG002
    k = tmp_path / "overlays/dev/kustomization.yaml"
    k.write_text(k.read_text().replace("resources:", "bases:"))
    res = lint_tree(tmp_path)
    assert where(res, "KG002", tmp_path) == []
    assert where(res, "KG101", tmp_path, suppressed=True) == [
        ("overlays/dev/kustomization.yaml", 1)]
