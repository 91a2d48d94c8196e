"""Skeleton resources from a kind's schema (the engine behind ``kustgen add KIND NAME``).

:func:`skeleton` builds the smallest resource the schema asks for: ``apiVersion``, ``kind``,
``metadata.name`` (and ``namespace``), then every required field, recursively. A required
field gets its schema ``default``, else its first ``enum`` value, else a value of the right
type that satisfies the schema when one exists without user knowledge (numbers at their
lower bound, ``false``, ``minItems`` items, the required fields of an object). Strings the
user must supply become *placeholders* (``"<fill-me: spec.forProvider.bucketName
(string)>"``), unless ``conventions`` give a value for that path.

Besides ``required`` lists, the skeleton honours what CRDs require through CEL:

* Upjet (Crossplane provider) managed resources declare most required parameters as
  ``x-kubernetes-validations`` on ``spec`` (``... || has(self.forProvider.region) || ...``,
  message ``spec.forProvider.region is a required parameter``): those are required fields
  of ``spec.forProvider``;
* rules made only of ``has(self.field)`` joined by ``&&`` (all of them are required) or by
  ``||`` (one of them is: a scalar one is preferred).

The YAML text carries the shortened schema description above each field and, with
``optional=True``, the optional fields of the main parameter object as commented-out lines.
It parses back (``kustgen.yamlio.load_documents``) to exactly ``Skeleton.obj``.
"""

from __future__ import annotations

import copy
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from kustgen.model.placeholder import PLACEHOLDER_PREFIX, is_placeholder

__all__ = ["PLACEHOLDER_PREFIX", "placeholder", "is_placeholder", "required_fields",
           "upjet_required_params", "shorten_description", "Skeleton", "skeleton",
           "MAX_OPTIONAL", "MAX_DESCRIPTION"]

MAX_OPTIONAL = 40           # optional fields listed (commented out) before "... N more"
MAX_DESCRIPTION = 100       # characters of a description comment

# root fields the skeleton writes itself (apiVersion/kind/metadata) or never (status)
_ROOT_OWN = ("apiVersion", "kind", "metadata", "status")


# --------------------------------------------------------------------------------------
# placeholders
# --------------------------------------------------------------------------------------

def placeholder(path: str, hint: str = "") -> str:
    """``<fill-me: PATH (HINT)>``: a value the user must replace (never valid-looking)."""
    return "%s: %s%s>" % (PLACEHOLDER_PREFIX, path, " (%s)" % hint if hint else "")



# --------------------------------------------------------------------------------------
# schema helpers
# --------------------------------------------------------------------------------------

def _props(s: Any) -> dict:
    p = s.get("properties") if isinstance(s, dict) else None
    return p if isinstance(p, dict) else {}


def _type(s: dict) -> str:
    """'object', 'array', 'string', 'integer', 'number', 'boolean', 'int-or-string' or ''."""
    if s.get("x-kubernetes-int-or-string"):
        return "int-or-string"
    t = s.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), "")
    if t:
        return str(t)
    if "properties" in s or isinstance(s.get("additionalProperties"), dict):
        return "object"
    if isinstance(s.get("items"), dict):
        return "array"
    return ""


def _type_text(s: dict) -> str:
    """Short type for comments and placeholder hints: 'string', '[]object', 'map[string]'."""
    t = _type(s)
    if t == "array":
        it = s.get("items") if isinstance(s.get("items"), dict) else {}
        return "[]" + (_type_text(it) or "any")
    if t == "object" and not _props(s) and isinstance(s.get("additionalProperties"), dict):
        return "map[%s]" % (_type_text(s["additionalProperties"]) or "any")
    out = t or "any"
    if t == "string" and s.get("format"):
        out += ", format %s" % s["format"]
    enum = s.get("enum")
    if isinstance(enum, list) and enum:
        shown = "|".join(str(e) for e in enum[:6]) + ("|..." if len(enum) > 6 else "")
        out += ": " + shown
    return out


_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)[.!?](?=\s+[A-Z0-9\"'(\[`]|\s*$)")


def shorten_description(text: Any, limit: int = MAX_DESCRIPTION) -> str:
    """First sentence, whitespace collapsed, at most ``limit`` characters ("..." if cut)."""
    if not isinstance(text, str):
        return ""
    s = " ".join(text.split())
    m = _SENTENCE_END.search(s)
    if m:
        s = s[:m.end()]
    if len(s) > limit:
        cut = s[:limit - 3]
        sp = cut.rfind(" ")
        if sp > limit // 2:
            cut = cut[:sp]
        s = cut.rstrip(" ,;:") + "..."
    return s


# --------------------------------------------------------------------------------------
# what is required
# --------------------------------------------------------------------------------------

# the Upjet form: [!(<management policies>) ||] has(self.forProvider.X) [|| (has(self.initProvider) && has(self.initProvider.X))]
_UPJET_RULE = re.compile(
    r"^\s*(?:!\([^()]*managementPolicies[^()]*\)\s*\|\|\s*)?has\(self\.forProvider\.([A-Za-z0-9_]+)\)"
    r"(?:\s*\|\|\s*\(\s*has\(self\.initProvider\)\s*&&\s*has\(self\.initProvider\.\1\)\s*\))?\s*$")
_HAS = re.compile(r"^\(?\s*has\(self\.([A-Za-z_][A-Za-z0-9_]*)\)\s*\)?$")


def upjet_required_params(openapi: dict) -> list[str]:
    """Names of the ``spec.forProvider`` parameters an Upjet CRD requires through CEL rules
    on ``spec`` (in rule order)."""
    spec = _props(openapi).get("spec")
    out: list[str] = []
    for r in (spec or {}).get("x-kubernetes-validations") or ():
        if not isinstance(r, dict) or not isinstance(r.get("rule"), str):
            continue
        m = _UPJET_RULE.match(" ".join(r["rule"].split()))
        if m and m.group(1) not in out:
            out.append(m.group(1))
    return out


def _split_top(expr: str, op: str) -> list[str]:
    """``expr`` split on ``op`` ('||' or '&&') outside parentheses and quotes."""
    parts, depth, quote, start, i = [], 0, "", 0, 0
    while i < len(expr):
        c = expr[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif depth == 0 and expr.startswith(op, i):
            parts.append(expr[start:i].strip())
            start = i + len(op)
            i += len(op)
            continue
        i += 1
    parts.append(expr[start:].strip())
    return parts


def _cel_presence(s: dict) -> tuple[list[str], list[list[str]]]:
    """From the rules on one object node: fields all required (``has(self.a) && ...``
    conjuncts) and groups of which one is required (rules ``has(self.a) || has(self.b)``).
    Rules of other shapes are ignored; the Upjet form is handled apart."""
    props = _props(s)
    always: list[str] = []
    one_of: list[list[str]] = []
    for r in s.get("x-kubernetes-validations") or ():
        if not isinstance(r, dict) or not isinstance(r.get("rule"), str):
            continue
        rule = " ".join(r["rule"].split())
        if "oldSelf" in rule or _UPJET_RULE.match(rule):
            continue
        disj = _split_top(rule, "||")
        if len(disj) == 1:
            for c in _split_top(rule, "&&"):
                m = _HAS.match(c)
                if m and m.group(1) in props and m.group(1) not in always:
                    always.append(m.group(1))
            continue
        names = []
        for d in disj:
            m = _HAS.match(d)
            if not m or m.group(1) not in props:
                names = []
                break
            names.append(m.group(1))
        if names:
            one_of.append(names)
    return always, one_of


def required_fields(openapi: dict) -> list[str]:
    """Dotted paths of the fields a skeleton must hold: ``required`` lists followed
    recursively through required objects (``[]`` marks array items), plus the CEL-required
    fields (Upjet ``spec.forProvider`` parameters, ``has()`` rules). Root ``apiVersion``,
    ``kind``, ``metadata`` and ``status`` are left out."""
    out: list[str] = []
    extra = {("spec", "forProvider"): upjet_required_params(openapi)}

    def walk(s: Any, parts: tuple, prefix: str, depth: int) -> None:
        if not isinstance(s, dict) or depth > 30:
            return
        t = _type(s)
        if t == "array":
            walk(s.get("items"), parts + ("[]",), prefix + "[]", depth + 1)
            return
        props = _props(s)
        always, one_of = _cel_presence(s)
        names = _required_names(s, parts, extra, always, one_of)
        for n in names:
            if not parts and n in _ROOT_OWN:
                continue
            p = "%s.%s" % (prefix, n) if prefix else n
            out.append(p)
            walk(props.get(n), parts + (n,), p, depth + 1)

    walk(openapi, (), "", 0)
    return out


def _required_names(s: dict, parts: tuple, extra: dict, always: list, one_of: list,
                    present: tuple = ()) -> list[str]:
    props = _props(s)
    want = set(n for n in (s.get("required") or ()) if isinstance(n, str))
    want.update(n for n in extra.get(parts, ()) if n in props)
    want.update(always)
    for group in one_of:
        if any(n in want or n in present for n in group):
            continue
        scalar = [n for n in group if _type(props[n]) not in ("object", "array", "")]
        want.add((scalar or group)[0])
    order = list(props) + sorted(n for n in want if n not in props)
    return [n for n in order if n in want]


# --------------------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------------------

_SIZE_RULE = re.compile(r"^size\(self\)\s*(>=|>|!=)\s*(\d+)$")


def _cel_min_size(s: dict) -> int:
    """Least size asked by rules ``size(self) > N`` / ``>= N`` / ``!= 0`` on the node."""
    n = 0
    for r in s.get("x-kubernetes-validations") or ():
        m = _SIZE_RULE.match(" ".join(str((r or {}).get("rule", "")).split())) if isinstance(r, dict) else None
        if m:
            k = int(m.group(2))
            n = max(n, k + 1 if m.group(1) == ">" else k if m.group(1) == ">=" else 1 if k == 0 else 0)
    return n


def _num(v: Any) -> float | None:
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _number(s: dict, integer: bool) -> int | float:
    """The value nearest 0 from above that the bounds allow (``max(minimum, 0)``, past an
    exclusive bound, on a ``multipleOf``, at most ``maximum``)."""
    lo, hi = _num(s.get("minimum")), _num(s.get("maximum"))
    ex_lo, ex_hi = s.get("exclusiveMinimum"), s.get("exclusiveMaximum")
    if _num(ex_lo) is not None:            # JSON Schema draft 6+ numeric form
        lo, ex_lo = ex_lo, True
    if _num(ex_hi) is not None:
        hi, ex_hi = ex_hi, True
    step = _num(s.get("multipleOf"))
    if step is not None and step <= 0:
        step = None
    v: float = 0
    if lo is not None and (lo > 0 or (lo == 0 and ex_lo)):
        v = lo + (step or 1) if ex_lo else lo
    if hi is not None and (v > hi or (ex_hi and v >= hi)):
        v = hi - 1 if ex_hi else hi
        if lo is not None and (v < lo or (ex_lo and v <= lo)):
            v = (lo + hi) / 2
    if step is not None and v != 0:
        cand = math.ceil(v / step - 1e-9) * step
        if ex_lo and lo is not None and cand <= lo:
            cand += step
        if hi is None or cand < hi or (cand == hi and not ex_hi):
            v = cand
    if integer:
        v = math.ceil(v)
    return int(v) if float(v).is_integer() else float(v)


class _Builder:
    """Builds the values; ``extra``: parts tuple -> names required by Upjet CEL rules."""

    def __init__(self, extra: dict):
        self.extra = extra              # parts tuple -> CEL-required names
        self.placeholders: list[str] = []

    def value(self, s: Any, parts: tuple, forced: Any, cel_required: bool = False,
              depth: int = 0) -> Any:
        from kustgen.schemas.registry import dotted, pointer
        if isinstance(forced, _Leaf):
            return copy.deepcopy(forced.value)
        if not isinstance(s, dict):
            s = {}
        t = _type(s)
        if not forced:
            if "default" in s and s["default"] is not None:
                return copy.deepcopy(s["default"])
            enum = [e for e in (s.get("enum") or ()) if e is not None]
            if enum:
                return copy.deepcopy(enum[0])
        if t == "object" or (forced and t == ""):
            return self.object(s, parts, forced or {}, depth)
        if t == "array":
            n = s.get("minItems") if isinstance(s.get("minItems"), int) else 0
            n = max(n, _cel_min_size(s))
            if cel_required:
                n = max(n, 1)
            it = s.get("items") if isinstance(s.get("items"), dict) else {}
            return [self.value(it, parts + (i,), None, depth=depth + 1) for i in range(n)]
        if t == "boolean":
            return False
        if t in ("integer", "number"):
            return _number(s, t == "integer")
        if t == "int-or-string":
            return _number(s, True)
        if t == "" and s.get("x-kubernetes-preserve-unknown-fields"):
            return {}
        self.placeholders.append(pointer(parts))
        return placeholder(dotted(parts), _type_text(s) if t else "")

    def object(self, s: dict, parts: tuple, forced: dict, depth: int) -> dict:
        out: dict = {}
        if depth > 40:
            return out
        props = _props(s)
        always, one_of = _cel_presence(s)
        names = _required_names(s, parts, self.extra, always, one_of,
                                present=tuple(forced))
        if not parts:
            names = [n for n in names if n not in _ROOT_OWN]
        cel = set(always) | set(self.extra.get(parts, ())) | {n for g in one_of for n in g}
        for n in list(props) + [k for k in names if k not in props]:
            if n in names or n in forced:
                out[n] = self.value(props.get(n), parts + (n,), forced.get(n),
                                    cel_required=n in cel, depth=depth + 1)
        return out


@dataclass
class _Leaf:
    value: Any


def _path_parts(path: str) -> list[str]:
    if path.startswith("/"):
        return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]
    return [p for p in path.split(".") if p]


def _schema_at(openapi: dict, parts: list[str]) -> bool:
    s: Any = openapi
    for p in parts:
        s = _props(s).get(p)
        if not isinstance(s, dict):
            return False
    return True


def _forced_tree(openapi: dict, conventions: dict) -> dict:
    tree: dict = {}
    for path, value in conventions.items():
        parts = _path_parts(str(path))
        if not parts or parts[0] in _ROOT_OWN or not _schema_at(openapi, parts):
            continue
        node = tree
        for p in parts[:-1]:
            nxt = node.get(p)
            if isinstance(nxt, _Leaf):
                break
            node = node.setdefault(p, {})
        else:
            node[parts[-1]] = _Leaf(value)
    return tree


def _is_managed(openapi: dict) -> bool:
    sp = _props(_props(openapi).get("spec"))
    return "forProvider" in sp and "providerConfigRef" in sp


def _main_params(openapi: dict) -> tuple[str, ...] | None:
    spec = _props(openapi).get("spec")
    if not isinstance(spec, dict):
        return None
    sp = _props(spec)
    if "forProvider" in sp and "providerConfigRef" in sp:
        return ("spec", "forProvider")
    if isinstance(sp.get("parameters"), dict) and _props(sp["parameters"]):
        return ("spec", "parameters")
    return ("spec",) if sp else None


# --------------------------------------------------------------------------------------
# text
# --------------------------------------------------------------------------------------



def _scalar(v: Any) -> str:
    from kustgen.yamlio import dump
    if isinstance(v, str):
        d = dump(v)
        if d.endswith("\n"):
            d = d[:-1]
        if "\n" in d or d[:1] in "|>":
            return json.dumps(v, ensure_ascii=False)
        return d
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return dump(v).strip()
    return json.dumps(v, ensure_ascii=False)


def _key(k: Any) -> str:
    return _scalar(str(k))


def _comment(text: str, indent: int, out: list) -> None:
    if text:
        out.append(" " * indent + "# " + text)


class _Writer:
    def __init__(self, main: tuple | None, optional: bool):
        self.main = main
        self.optional = optional

    def map(self, d: dict, s: Any, parts: tuple, indent: int, out: list) -> None:
        props = _props(s)
        addl = s.get("additionalProperties") if isinstance(s, dict) else None
        for k, v in d.items():
            sub = props.get(k, addl if isinstance(addl, dict) else {})
            if not isinstance(sub, dict):
                sub = {}
            if not (parts == () and k in _ROOT_OWN):
                # (every kind's apiVersion/kind/metadata say the same: no comment)
                _comment(shorten_description(sub.get("description")), indent, out)
            self.entry(_key(k) + ":", v, sub, parts + (k,), indent, out)
        if self.optional and parts == self.main:
            self.optional_lines(d, s, indent, out)

    def entry(self, head: str, v: Any, s: dict, parts: tuple, indent: int, out: list) -> None:
        pad = " " * indent
        if isinstance(v, dict) and v:
            out.append(pad + head)
            self.map(v, s, parts, indent + 2, out)
        elif isinstance(v, list) and v:
            out.append(pad + head)
            self.seq(v, s, parts, indent + 2, out)
        elif isinstance(v, dict):
            out.append(pad + head + " {}")
            if self.optional and parts == self.main:
                self.optional_lines(v, s, indent + 2, out)
        elif isinstance(v, list):
            out.append(pad + head + " []")
        else:
            out.append(pad + head + " " + _scalar(v))

    def seq(self, items: list, s: dict, parts: tuple, indent: int, out: list) -> None:
        it = s.get("items") if isinstance(s.get("items"), dict) else {}
        for i, v in enumerate(items):
            if (isinstance(v, dict) or isinstance(v, list)) and v:
                sub: list = []
                if isinstance(v, dict):
                    self.map(v, it, parts + (i,), indent + 2, sub)
                else:
                    self.seq(v, it, parts + (i,), indent + 2, sub)
                for j, line in enumerate(sub):
                    if not line.lstrip().startswith("#"):
                        sub[j] = " " * indent + "- " + line[indent + 2:]
                        break
                out.extend(sub)
            else:
                self.entry("-", v, it, parts + (i,), indent, out)

    def optional_lines(self, d: dict, s: dict, indent: int, out: list) -> None:
        rest = [(n, p) for n, p in _props(s).items() if n not in d and isinstance(p, dict)]
        if not rest:
            return
        pad = " " * indent
        out.append(pad + "# optional:")
        for n, p in rest[:MAX_OPTIONAL]:
            desc = shorten_description(p.get("description"))
            out.append(pad + "# %s: <%s>%s" % (n, _type_text(p), "  # " + desc if desc else ""))
        if len(rest) > MAX_OPTIONAL:
            out.append(pad + "# ... %d more, see the CRD" % (len(rest) - MAX_OPTIONAL))


# --------------------------------------------------------------------------------------
# the skeleton
# --------------------------------------------------------------------------------------

@dataclass
class Skeleton:
    obj: dict                                   # the resource
    text: str                                   # YAML with comments, parses to obj
    placeholders: list[str] = field(default_factory=list)   # JSON pointers to fill


def skeleton(api_version: str, kind: str, openapi: dict, name: str, *,
             namespace: str | None = None, namespaced: bool = False,
             conventions: dict | None = None, optional: bool = True) -> Skeleton:
    """The skeleton resource of ``kind`` named ``name`` from its ``openAPIV3Schema``.

    ``conventions``: JSON pointer or dotted path -> value, used wherever the path exists
    in the schema (required or not), e.g. ``{"spec.forProvider.region": "us-east-1"}``.
    ``namespaced``: the kind's scope (``metadata.namespace`` is written only then, and only
    when ``namespace`` is given). ``optional``: list the optional fields of the main
    parameter object as comments."""
    openapi = openapi if isinstance(openapi, dict) else {}
    conventions = dict(conventions or {})
    if _is_managed(openapi):
        pcr = _props(_props(openapi)["spec"]).get("providerConfigRef")
        if isinstance(pcr, dict) and "name" in _props(pcr) and not any(
                _path_parts(str(k)) == ["spec", "providerConfigRef", "name"] for k in conventions):
            conventions["spec.providerConfigRef.name"] = "default"
    forced = _forced_tree(openapi, conventions)
    main = _main_params(openapi)
    if optional and main is not None:
        # show the main parameter object (with its required fields) even when optional
        node, s = forced, openapi
        for p in main:
            s = _props(s).get(p)
            if not isinstance(s, dict) or _type(s) != "object" or isinstance(node.get(p), _Leaf):
                break
            node = node.setdefault(p, {})
    extra = {("spec", "forProvider"): upjet_required_params(openapi)}
    b = _Builder(extra)
    body = b.object(openapi, (), forced, 0)

    meta: dict = {"name": name}
    if namespaced and namespace:
        meta["namespace"] = namespace
    obj: dict = {"apiVersion": api_version, "kind": kind, "metadata": meta}
    obj.update(body)

    out: list[str] = ["# %s %s" % (api_version, kind)]
    if b.placeholders:
        out.append("# Replace every value starting with %r (%d)." % (PLACEHOLDER_PREFIX, len(b.placeholders)))
    _Writer(main, optional).map(obj, openapi, (), 0, out)
    return Skeleton(obj, "\n".join(out) + "\n", b.placeholders)
