"""ApplicationSet generators: the parameter sets they produce, where that can be known
statically (git directories/files generators read through a FileSystem; list, matrix and
merge generators combined)."""

from __future__ import annotations

import json
import os
import re

GLOB_CACHE: dict[str, re.Pattern] = {}


def glob_regex(pattern: str) -> re.Pattern:
    """A glob as Argo CD matches git generator paths: ``*`` and ``?`` stay within one
    path segment, ``**`` crosses them, ``[...]`` is a character class."""
    if pattern in GLOB_CACHE:
        return GLOB_CACHE[pattern]
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                i += 2
                if i < n and pattern[i] == "/":
                    out.append("(?:.*/)?")
                    i += 1
                else:
                    out.append(".*")
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1:j]
                if body.startswith("!") or body.startswith("^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    rx = re.compile("^" + "".join(out) + "$")
    GLOB_CACHE[pattern] = rx
    return rx


def glob_match(pattern: str, path: str) -> bool:
    return bool(glob_regex(pattern.strip("/") if pattern not in ("/", "") else "").match(path))


def _flatten(prefix: str, v, out: dict) -> None:
    if isinstance(v, dict):
        for k, x in v.items():
            _flatten("%s.%s" % (prefix, k) if prefix else str(k), x, out)
    elif isinstance(v, list):
        out[prefix] = json.dumps(v)
        for i, x in enumerate(v):
            _flatten("%s[%d]" % (prefix, i), x, out)
    else:
        out[prefix] = "" if v is None else (json.dumps(v) if isinstance(v, bool) else str(v))


def path_params(path: str, key: str = "path") -> dict:
    segs = path.split("/") if path else []
    base = segs[-1] if segs else ""
    norm = re.sub(r"[^a-zA-Z0-9-]", "-", base).lower()
    p = {key: path, key + ".path": path, key + ".basename": base,
         key + ".basenameNormalized": norm}
    for i, s in enumerate(segs):
        p["%s[%d]" % (key, i)] = s
        p["%s.segments[%d]" % (key, i)] = s
    return p


def dir_params(path: str) -> dict:
    return path_params(path)


def file_params(rel: str, content) -> dict:
    p = {}
    _flatten("", content, p)
    d = os.path.dirname(rel)
    p.update(path_params(d))
    fname = os.path.basename(rel)
    p["path.filename"] = fname
    p["path.filenameNormalized"] = re.sub(r"[^a-zA-Z0-9.-]", "-", fname).lower()
    return p


_VAR = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def substitute(s, params: dict):
    """``{{key}}`` / ``{{.key}}`` replaced from ``params``; None when a placeholder cannot
    be resolved statically (a function, a pipe, an unknown key)."""
    if not isinstance(s, str):
        return s
    missing = []

    def rep(m):
        k = m.group(1)
        if k.startswith("."):
            k = k[1:]
        if k in params:
            return params[k]
        missing.append(k)
        return m.group(0)

    out = _VAR.sub(rep, s)
    return None if missing else out


def templated(s) -> bool:
    return isinstance(s, str) and "{{" in s


class GenContext:
    """What evaluating generators needs: ``git_fs(gen, pos) -> (fs, root, label) | None``
    (None: not this repository, or the revision is unknown) and a place for findings."""

    def __init__(self, git_fs):
        self.git_fs = git_fs


def git_match(paths: list[str], entries: list) -> tuple[list[str], list, list]:
    """What an Argo CD git generator (`directories` or `files`) yields from the
    repository's folders or files: (matched, include globs, exclude globs)."""
    inc = [e["path"] for e in entries if isinstance(e, dict) and not e.get("exclude")
           and isinstance(e.get("path"), str)]
    exc = [e["path"] for e in entries if isinstance(e, dict) and e.get("exclude")
           and isinstance(e.get("path"), str)]
    out = [p for p in paths if any(glob_match(g, p) for g in inc)
           and not any(glob_match(g, p) for g in exc)]
    return out, inc, exc
