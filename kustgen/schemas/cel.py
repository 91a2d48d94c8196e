"""Evaluate a CRD's `x-kubernetes-validations` (CEL) rules against a resource.

`CelRules(openapi_v3_schema)` collects every rule of one CRD version schema and compiles it
once with `common-expression-language` (the Rust `cel` crate behind a Python binding);
`evaluate(obj)` returns one `CelResult` per failed rule and per rule that could not be
evaluated. Passing rules return nothing.

What the API server does before CEL runs, and what we mirror on a private copy of the
object: non-nullable `null`s are dropped, unknown fields are pruned (unless
`x-kubernetes-preserve-unknown-fields`), schema `default`s are applied (so
`spec.managementPolicies` is `["*"]` when omitted), `number` values become doubles,
`integer` values must fit int64, declared property names are escaped as Kubernetes does
(`a-b` -> `a__dash__b`, `namespace` -> `__namespace__`; names CEL cannot spell are
hidden), root `metadata` shows only `name` and `generateName`, and rules never run on a
null value.

Never a false error: a rule that does not compile, reads a missing field, calls a function
the library lacks (Kubernetes' string/list/quantity/URL extensions beyond the exact ones
registered below), returns a non-bool, or sees a value that cannot be converted faithfully,
yields `evaluated=False` with the reason; so does a rule using ==/!= without a scalar
literal operand on a node holding `x-kubernetes-list-type` set/map lists (Kubernetes
compares those ignoring order). Transition rules (referencing `oldSelf`) need the old
object, which we never have: they are skipped (no result, as on create in Kubernetes),
except `optionalOldSelf: true` rules, which Kubernetes runs on create too: those are
reported as not evaluated.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

class _LazyCel:
    """The Rust extension of `common-expression-language`, loaded on first use.

    The `cel` package's own __init__ also imports its interactive CLI (prompt_toolkit,
    typer, rich: ~0.4 s); we load only the compiled extension module when we can."""

    _mod = None
    _tried = False

    def get(self):
        if not self._tried:
            _LazyCel._tried = True
            _LazyCel._mod = _load_cel_extension()
        return self._mod


def _load_cel_extension():
    import importlib.machinery
    import importlib.util
    import sys
    spec = importlib.util.find_spec("cel")
    if spec is None:
        return None
    if "cel" in sys.modules:             # already imported the normal way
        return sys.modules["cel"]
    for loc in spec.submodule_search_locations or ():
        import os
        for name in os.listdir(loc):
            if name.startswith("cel.") and name.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
                ext = importlib.util.spec_from_file_location("cel.cel", os.path.join(loc, name))
                if ext is not None and ext.loader is not None:
                    if "cel.cel" in sys.modules:
                        return sys.modules["cel.cel"]
                    mod = importlib.util.module_from_spec(ext)
                    # registered under its real name, so a later `import cel` reuses it
                    # instead of initialising the extension a second time
                    sys.modules["cel.cel"] = mod
                    try:
                        ext.loader.exec_module(mod)
                        return mod
                    except ImportError:
                        del sys.modules["cel.cel"]
                        break
    try:
        import cel
        return cel
    except ImportError:  # pragma: no cover - exercised only without the dependency
        return None


_LAZY = _LazyCel()

INT64_MIN = -(2 ** 63)
INT64_MAX = 2 ** 63 - 1
DEFAULT_REASON = "FieldValueInvalid"

_OLDSELF = re.compile(r"\boldSelf\b")


@dataclass(frozen=True, order=True)
class CelResult:
    """One failed (evaluated=True) or not-evaluated (evaluated=False) rule on one node."""

    path: str          # JSON pointer of the node the rule sits on, or of its fieldPath
    message: str       # message / messageExpression result / "failed rule: <rule>" / "not evaluated: <why>"
    rule: str
    reason: str        # the rule's reason, Kubernetes' default FieldValueInvalid when unset
    evaluated: bool


class _Unconvertible(Exception):
    """A value that has no faithful CEL counterpart (e.g. an int outside int64)."""


@dataclass(frozen=True)
class _Rule:
    rule: str
    message: str | None
    message_expression: str | None
    field_path: str | None
    reason: str
    program: Any               # compiled rule, or None
    message_program: Any       # compiled messageExpression, or None
    compile_error: str | None  # why the rule cannot be evaluated at all


class _Node:
    """Schema node carrying rules itself or below: the pruned walk tree."""

    __slots__ = ("schema", "rules", "needed", "properties", "items", "additional")

    def __init__(self, schema: dict) -> None:
        self.schema = schema
        self.needed: dict | None = None  # the part of `self` the rules can read (None: all)
        self.rules: list[_Rule] = []
        self.properties: dict[str, _Node] = {}
        self.items: _Node | None = None
        self.additional: _Node | None = None


_LIT_AFTER = re.compile(r"""\s*(?:['"]|[-+]?\d|(?:true|false|null)\b)""")
_LIT_BEFORE = re.compile(r"""(?:['"]|(?<![\w.])\d+(?:\.\d+)?[uU]?|(?<![\w.])(?:true|false|null))\s*$""")


def _list_equality_possible(src: str) -> bool:
    """Is there an ==/!= without a scalar literal on either side (so maybe over lists)?"""
    for m in re.finditer(r"==|!=", src):
        if _LIT_AFTER.match(src, m.end()) or _LIT_BEFORE.search(src[:m.start()]):
            continue
        return True
    return False


_SELF = re.compile(r"(?<![\w.])self(?!\w)")
_FIELD = re.compile(r"\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)")
_CALL = re.compile(r"\s*\(")


def _self_reads(sources: list[str]) -> dict | None:
    """Which part of `self` these CEL sources can read, as a trie of field names (a None leaf:
    the whole value below); None when they may read all of it.

    Every `self` token must start a `.field.field...` chain (a trailing `.f(` is a method
    call on what precedes it); anything else (`self` alone, `self[...]`, `self.all(...)`)
    means all of `self`. Handing the library only these fields makes the conversion of
    `self`, most of the cost of an evaluation, smaller without changing any result.
    """
    trie: dict = {}
    for src in sources:
        for m in _SELF.finditer(src):
            pos, chain = m.end(), []
            while True:
                f = _FIELD.match(src, pos)
                if not f:
                    break
                chain.append(f.group(1))
                pos = f.end()
            if chain and _CALL.match(src, pos):
                chain.pop()
            if not chain:
                return None
            node = trie
            for name in chain[:-1]:
                if name in node and node[name] is None:
                    break  # already whole
                node = node.setdefault(name, {})
            else:
                node[chain[-1]] = None
    return trie


def _prune(value: Any, needed: dict | None) -> Any:
    if needed is None or not isinstance(value, dict):
        return value
    return {k: _prune(value[k], sub) for k, sub in needed.items() if k in value}


def _has_unordered_list(schema: Any) -> bool:
    """Does this schema or any below it declare an x-kubernetes-list-type set or map?"""
    stack = [schema]
    while stack:
        s = stack.pop()
        if not isinstance(s, dict):
            continue
        if s.get("x-kubernetes-list-type") in ("set", "map"):
            return True
        props = s.get("properties")
        if isinstance(props, dict):
            stack.extend(props.values())
        stack.append(s.get("items"))
        stack.append(s.get("additionalProperties"))
    return False


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


_FIELD_PATH_TOKEN = re.compile(r"\.([A-Za-z_$][A-Za-z0-9_$-]*)|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*(\d+)\s*\]")


def _field_path_pointer(field_path: str) -> str | None:
    """`.spec.a['b.c'][0]` -> `/spec/a/b.c/0`; None when the syntax is not understood."""
    out = []
    pos = 0
    fp = field_path.strip()
    while pos < len(fp):
        m = _FIELD_PATH_TOKEN.match(fp, pos)
        if not m:
            return None
        if m.group(1) is not None:
            tok = m.group(1)
        elif m.group(2) is not None:
            tok = re.sub(r"\\(.)", r"\1", m.group(2))
        else:
            tok = m.group(3)
        out.append("/" + _escape(tok))
        pos = m.end()
    return "".join(out)


def _compile(src: str):
    """(program, error) for one CEL source."""
    _cel = _LAZY.get()
    if _cel is None:
        return None, "the CEL library (common-expression-language) is not installed"
    try:
        return _cel.compile(src), None
    except Exception as e:  # noqa: BLE001 - any library failure means "cannot evaluate"
        return None, "cannot compile: %s" % _first_line(e)


def _first_line(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    return text.splitlines()[0]


class CelRules:
    """All x-kubernetes-validations of one CRD version schema (the openAPIV3Schema dict, raw), compiled once."""

    def __init__(self, openapi_v3_schema: dict):
        self._schema = openapi_v3_schema if isinstance(openapi_v3_schema, dict) else {}
        self._tree = self._build(self._schema)
        self.rules: list[_Rule] = []   # every collected rule, for inspection and benchmarks
        self._collect(self._tree, self.rules)

    # ---- schema side -------------------------------------------------------------------

    def _build(self, schema: Any) -> _Node | None:
        if not isinstance(schema, dict):
            return None
        node = _Node(schema)
        raws = schema.get("x-kubernetes-validations") or ()
        unordered = bool(raws) and _has_unordered_list(schema)
        for raw in raws:
            r = self._make_rule(raw, unordered)
            if r is not None:
                node.rules.append(r)
        if node.rules:
            node.needed = _self_reads([src for r in node.rules
                                       for src in (r.rule, r.message_expression) if src])
        for name, sub in (schema.get("properties") or {}).items():
            child = self._build(sub)
            if child is not None:
                node.properties[name] = child
        node.items = self._build(schema.get("items")) if isinstance(schema.get("items"), dict) else None
        addl = schema.get("additionalProperties")
        node.additional = self._build(addl) if isinstance(addl, dict) else None
        if node.rules or node.properties or node.items or node.additional:
            return node
        return None

    @staticmethod
    def _make_rule(raw: Any, unordered: bool = False) -> _Rule | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("rule"), str):
            return None
        src = raw["rule"]
        optional_old_self = bool(raw.get("optionalOldSelf"))
        if _OLDSELF.search(src) and not optional_old_self:
            return None  # transition rule: only runs on update, we have no old object
        message = raw.get("message") if isinstance(raw.get("message"), str) else None
        mexpr = raw.get("messageExpression") if isinstance(raw.get("messageExpression"), str) else None
        field_path = raw.get("fieldPath") if isinstance(raw.get("fieldPath"), str) else None
        reason = raw.get("reason") if isinstance(raw.get("reason"), str) and raw.get("reason") else DEFAULT_REASON
        if optional_old_self and _OLDSELF.search(src):
            program, err = None, "transition rule (optionalOldSelf) needs the old object and optional types"
        elif unordered and _list_equality_possible(src):
            # Kubernetes compares x-kubernetes-list-type set/map lists ignoring order
            program, err = None, "compares values that hold x-kubernetes-list-type set/map lists"
        else:
            program, err = _compile(src)
        mprog = None
        if mexpr and program is not None:
            mprog, _ = _compile(mexpr)
        return _Rule(src, message, mexpr, field_path, reason, program, mprog, err)

    @staticmethod
    def _collect(node: _Node | None, out: list) -> None:
        if node is None:
            return
        out.extend(node.rules)
        for child in node.properties.values():
            CelRules._collect(child, out)
        CelRules._collect(node.items, out)
        CelRules._collect(node.additional, out)

    # ---- instance side -----------------------------------------------------------------

    def evaluate(self, obj: dict) -> list[CelResult]:
        """Failed and not-evaluated rules for `obj`, in schema walk order."""
        results: list[CelResult] = []
        if self._tree is not None:
            self._walk(self._tree, obj, "", results, root=True)
        return results

    def _walk(self, node: _Node, raw: Any, ptr: str, out: list, root: bool = False) -> None:
        """Walk the raw object along the rule tree; convert a value only where rules sit."""
        if raw is None:
            return  # like the API server: rules never run on null values
        if node.rules:
            try:
                value, bad = _convert(raw, node.schema, root=root, needed=node.needed), None
            except _Unconvertible as e:
                value, bad = None, str(e)
            self._run(node.rules, value, bad, ptr, out)
        if isinstance(raw, dict):
            for name, child in node.properties.items():
                v = raw.get(name)
                if _absent(raw, name, child.schema):
                    if "default" not in child.schema:
                        continue  # absent (or a pruned null): its rules do not run
                    v = copy.deepcopy(child.schema["default"])
                self._walk(child, v, ptr + "/" + _escape(name), out)
            if node.additional is not None:
                for key, v in raw.items():
                    if key not in node.properties and not (v is None and not node.additional.schema.get("nullable")):
                        self._walk(node.additional, v, ptr + "/" + _escape(str(key)), out)
        elif isinstance(raw, list) and node.items is not None:
            for i, v in enumerate(raw):
                self._walk(node.items, v, "%s/%d" % (ptr, i), out)

    @staticmethod
    def _run(rules: list[_Rule], value: Any, bad: str | None, ptr: str, out: list) -> None:
        ctx = None
        for r in rules:
            path = ptr
            if r.field_path:
                fp = _field_path_pointer(r.field_path)
                if fp is not None:
                    path = ptr + fp
            if r.program is None:
                out.append(CelResult(path, "not evaluated: %s" % r.compile_error, r.rule, r.reason, False))
                continue
            if bad is not None:
                out.append(CelResult(path, "not evaluated: %s" % bad, r.rule, r.reason, False))
                continue
            if ctx is None:
                ctx = _LAZY.get().Context(variables={"self": value}, functions=_EXTENSIONS)
            try:
                ok = r.program.execute(ctx)
            except Exception as e:  # noqa: BLE001 - never turn a library failure into an error
                out.append(CelResult(path, "not evaluated: %s" % _first_line(e), r.rule, r.reason, False))
                continue
            if ok is True:
                continue
            if ok is not False:
                out.append(CelResult(path, "not evaluated: rule returned %s, not a bool" % type(ok).__name__,
                                     r.rule, r.reason, False))
                continue
            out.append(CelResult(path, _message(r, ctx), r.rule, r.reason, True))


# ---- Kubernetes CEL extension functions the library lacks, exact ones only ---------------
# (receiver style `s.lowerAscii()` reaches these as `lowerAscii(s)`). Anything else
# unknown to the library fails at run time and the rule is reported as not evaluated.

_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
_UPPER = {c + 32: c for c in range(ord("A"), ord("Z") + 1)}


def _lower_ascii(s: Any) -> str:
    if not isinstance(s, str):
        raise TypeError("lowerAscii() needs a string")
    return s.translate(_LOWER)


def _upper_ascii(s: Any) -> str:
    if not isinstance(s, str):
        raise TypeError("upperAscii() needs a string")
    return s.translate(_UPPER)


def _join(items: Any, sep: Any = "") -> str:
    if not isinstance(items, list) or not isinstance(sep, str) or not all(isinstance(i, str) for i in items):
        raise TypeError("join() needs a list of strings and a string separator")
    return sep.join(items)


_EXTENSIONS = {"lowerAscii": _lower_ascii, "upperAscii": _upper_ascii, "join": _join}


def _message(r: _Rule, ctx: Any) -> str:
    if r.message_program is not None:
        try:
            m = r.message_program.execute(ctx)
        except Exception:  # noqa: BLE001 - Kubernetes falls back to message as well
            m = None
        if isinstance(m, str) and m.strip() and "\n" not in m:
            return m
    if r.message:
        return r.message
    return "failed rule: %s" % r.rule


# ---- value conversion (what the API server does before CEL) ----------------------------

def _types(schema: dict) -> str | None:
    t = schema.get("type")
    return t if isinstance(t, str) else None


def _convert(value: Any, schema: Any, root: bool = False, needed: dict | None = None) -> Any:
    """A copy of `value` shaped as the API server hands it to CEL (see module doc), reduced to
    the `needed` fields when `value` is an object (see `_self_reads`)."""
    if not isinstance(schema, dict):
        schema = {}
    if schema.get("x-kubernetes-int-or-string"):
        return _checked(value)
    t = _types(schema)
    if isinstance(value, dict):
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        addl = schema.get("additionalProperties")
        preserve = bool(schema.get("x-kubernetes-preserve-unknown-fields")) or addl is True
        if not props and not isinstance(addl, dict) and (preserve or t is None):
            return _checked(_prune(value, needed))  # untyped subtree: handed over as is
        out: dict = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise _Unconvertible("map key %r is not a string" % (k,))
            name = _cel_name(k) if k in props else k
            if needed is not None and name not in needed:
                continue
            sub_needed = needed[name] if needed is not None else None
            if root and k == "metadata" and isinstance(v, dict):
                # CEL sees only name and generateName of the root metadata
                out[k] = {m: v[m] for m in ("name", "generateName") if isinstance(v.get(m), str)}
            elif k in props:
                sub = props[k] if isinstance(props[k], dict) else {}
                if v is None and not sub.get("nullable"):
                    continue  # non-nullable nulls are pruned, then defaulted
                if name is not None:
                    out[name] = _convert(v, sub, needed=sub_needed)
            elif isinstance(addl, dict):
                if v is None and not addl.get("nullable"):
                    continue
                out[k] = _convert(v, addl, needed=sub_needed)
            elif preserve:
                out[k] = _checked(_prune(v, sub_needed))
            # else: unknown field, pruned by the API server
        for k, sub in props.items():
            if isinstance(sub, dict) and "default" in sub and _absent(value, k, sub):
                name = _cel_name(k)
                if name is not None and (needed is None or name in needed):
                    out[name] = _convert(copy.deepcopy(sub["default"]), sub,
                                         needed=needed[name] if needed is not None else None)
        return out
    if isinstance(value, list):
        items = schema.get("items")
        return [_convert(v, items) for v in value]
    if t == "number" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if t == "integer" and isinstance(value, float) and value.is_integer() and INT64_MIN <= value <= INT64_MAX:
        return int(value)
    return _checked(value)


_RESERVED = frozenset((
    "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function",
    "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"))
_ESCAPES = {"__": "__underscores__", ".": "__dot__", "-": "__dash__", "/": "__slash__"}
_ESCAPE_RE = re.compile(r"__|[-./]")
_CEL_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _cel_name(name: str) -> str | None:
    """The field name Kubernetes CEL gives a declared property, None when inaccessible."""
    if name in _RESERVED:
        return "__%s__" % name
    escaped = _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], name)
    return escaped if _CEL_IDENT.fullmatch(escaped) else None


def _absent(obj: dict, key: str, schema: dict) -> bool:
    """Absent for the API server: missing, or a null where the schema is not nullable."""
    return key not in obj or (obj[key] is None and not schema.get("nullable"))


def _checked(value: Any) -> Any:
    bad = _find_unconvertible(value)
    if bad is not None:
        raise _Unconvertible(bad)
    return value


def _find_unconvertible(value: Any) -> str | None:
    """Why `value` cannot be handed to the library faithfully, or None."""
    stack = [value]
    while stack:
        v = stack.pop()
        if v is None or isinstance(v, (bool, str, float)):
            continue
        if isinstance(v, int):
            if not INT64_MIN <= v <= INT64_MAX:
                return "integer %d is outside int64" % v
            continue
        if isinstance(v, dict):
            for k, x in v.items():
                if not isinstance(k, str):
                    return "map key %r is not a string" % (k,)
                stack.append(x)
            continue
        if isinstance(v, list):
            stack.extend(v)
            continue
        return "value of type %s has no CEL counterpart" % type(v).__name__
    return None
