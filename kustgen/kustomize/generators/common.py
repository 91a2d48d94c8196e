"""What ConfigMap and Secret generators share: reading literals, files and env files into
key/value pairs, and generator options."""

from __future__ import annotations

import os
import re

from kustgen.model import LoadError, RenderError

_KEY_RE = re.compile(r"^[-._a-zA-Z0-9]+$")


def _parse_literal(s: str, gname: str) -> tuple[str, str]:
    if "=" not in s:
        raise RenderError("invalid literal source %s in generator %r: expected key=value" % (s, gname))
    k, v = s.split("=", 1)
    if len(v) >= 2 and v[0] == v[-1] and v[0] in ("'", '"'):
        v = v[1:-1]
    return k, v


def _parse_file_source(s: str) -> tuple[str, str]:
    if "=" in s:
        k, p = s.split("=", 1)
        if not k:
            raise RenderError("key names or file paths cannot be empty: %r" % s)
        return k, p
    return os.path.basename(s.rstrip("/")), s


def parse_env_text(text: str, where: str) -> list[tuple[str, str]]:
    out = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.lstrip()
        if n == 1:
            line = line.lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        if "=" in line:
            k, v = line.split("=", 1)
            if " " in k or "\t" in k:
                raise RenderError("env file %s:%d: invalid key %r: keys may not contain spaces"
                                  % (where, n, k))
            out.append((k, v))
        else:
            v = os.environ.get(line.strip())  # Kustomize: a bare KEY takes its value from the environment
            if v is not None:
                out.append((line.strip(), v))
    return out


def collect_pairs(loader, args: dict, gname: str) -> list[tuple[str, bytes | str]]:
    """Key/value pairs in Kustomize's order: envs, literals, then files."""
    pairs: list[tuple[str, bytes | str]] = []
    for env in args.get("envs") or []:
        b = loader.read(str(env))
        try:
            text = b.decode("utf-8")
        except UnicodeDecodeError:
            raise LoadError("env file %s is not valid UTF-8" % env) from None
        pairs.extend(parse_env_text(text, str(env)))
    for lit in args.get("literals") or []:
        pairs.append(_parse_literal(str(lit), gname))
    for fsrc in args.get("files") or []:
        key, path = _parse_file_source(str(fsrc))
        if loader.fs.is_dir(os.path.normpath(os.path.join(loader.root, path))):
            raise LoadError("%s is a directory: generator file sources must be files" % path)
        pairs.append((key, loader.read(path)))
    seen: set[str] = set()
    for k, _ in pairs:
        if not _KEY_RE.match(k):
            raise RenderError("%r is not a valid key name for a %s: keys must consist of "
                              "alphanumeric characters, '-', '_' or '.'" % (k, gname))
        if k in seen:
            raise RenderError("generator %r illegally repeats the key `%s`" % (gname, k))
        seen.add(k)
    return pairs


def merge_options(global_opts: dict | None, own: dict | None) -> dict:
    g = global_opts or {}
    o = own or {}
    labels = dict(g.get("labels") or {})
    labels.update(o.get("labels") or {})
    ann = dict(g.get("annotations") or {})
    ann.update(o.get("annotations") or {})
    return {
        "labels": {str(k): "" if v is None else str(v) for k, v in labels.items()},
        "annotations": {str(k): "" if v is None else str(v) for k, v in ann.items()},
        "disableNameSuffixHash": bool(g.get("disableNameSuffixHash") or o.get("disableNameSuffixHash")),
        "immutable": bool(g.get("immutable") or o.get("immutable")),
    }


def base_object(kind: str, args: dict, opts: dict) -> dict:
    if not args.get("name"):
        raise RenderError("a %s generator needs a name: add `name:` to the entry" % kind)
    md: dict = {"name": str(args.get("name") or "")}
    if args.get("namespace"):
        md["namespace"] = str(args["namespace"])
    if opts["labels"]:
        md["labels"] = dict(opts["labels"])
    if opts["annotations"]:
        md["annotations"] = dict(opts["annotations"])
    return {"apiVersion": "v1", "kind": kind, "metadata": md}
