"""One-call helpers for the lint tests: write a file tree, lint it, read the findings."""

from __future__ import annotations

import os
import textwrap


def write_tree(root, files: dict) -> None:
    """Write {relative path: text} under root (text is dedented)."""
    for rel, text in files.items():
        p = os.path.join(str(root), rel)
        os.makedirs(os.path.dirname(p) or ".", exist_ok=True)
        with open(p, "w") as fh:
            fh.write(textwrap.dedent(text))


def lint_tree(root, files: dict | None = None, paths=None, select=(), ignore=()):
    """Write `files` under `root` (if given), then lint from `root` as the working folder
    (kustgen.yaml is found there when the tree has one). Returns api.LintResult."""
    from kustgen import api
    from kustgen.config import load_config
    if files:
        write_tree(root, files)
    old = os.getcwd()
    os.chdir(str(root))          # (contextlib.chdir needs Python 3.11)
    try:
        return api.lint(list(paths) if paths else None, config=load_config("."),
                        select=list(select), ignore=list(ignore))
    finally:
        os.chdir(old)


def where(result, rule: str, root=None, suppressed: bool = False) -> list[tuple[str, int]]:
    """[(file relative to root, line)] of the findings of `rule` (active ones unless
    `suppressed`), sorted."""
    out = []
    for f in result.findings:
        if f.rule != rule or bool(f.suppressed) != suppressed:
            continue
        fl = f.origin.file
        if root is not None and fl and os.path.isabs(fl):
            fl = os.path.relpath(fl, str(root)).replace(os.sep, "/")
        out.append((fl, f.origin.line))
    return sorted(out)


def messages(result, rule: str) -> list[str]:
    return [f.message for f in result.findings if f.rule == rule and not f.suppressed]
