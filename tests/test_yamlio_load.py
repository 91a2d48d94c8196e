"""kustgen.yamlio.load: the data kustomize (v5.5.0) sees in a YAML stream, with positions.

The tables were checked against ``kubectl kustomize``; the ``*_kubectl`` tests re-check them
against the installed kubectl (skipped, or failed in CI, when it is absent).
"""

from __future__ import annotations

import subprocess
import time

import pytest
import yaml

from kustgen import yamlio
from kustgen.model import YamlError

H = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"


def kustomize(kubectl, tmp_path, text, ok=True):
    (tmp_path / "a.yaml").write_bytes(text if isinstance(text, bytes) else text.encode())
    (tmp_path / "kustomization.yaml").write_text("resources:\n- a.yaml\n")
    p = subprocess.run(kubectl + [str(tmp_path)], capture_output=True)
    if ok:
        assert p.returncode == 0, p.stderr.decode("utf-8", "replace")
    return p


# -- scalar resolution ---------------------------------------------------------------------

RESOLUTION = [
    # (YAML scalar as written, value kustomize carries)
    ("0777", 511), ("0o17", 15), ("0O17", 15), ("0x1F", 31), ("0X1F", 31), ("-0x1F", -31), ("0B101", 5),
    ("-0b11", -3), ("+0o17", 15), ("0b-101", -5), ("1_000", 1000), ("1__0", 10), ("1_", 1), ("+1", 1),
    ("-0", 0), ("08", 8), ("09", 9), ("1.0", 1), ("1.", 1), ("1e3", 1000), ("1e+5", 100000), ("0e0", 0),
    ("-0.0", 0), ("1.50", 1.5), (".5", 0.5), (".5_0", 0.5), ("-.5e+3", -500), ("0.1", 0.1),
    ("100.25", 100.25), ("1e20", 1e20), ("99999999999999999999", 1e20), ("0.5e21", 5e20), ("1e21", 1e21),
    ("0.000001", 1e-06), ("1e-5", 1e-05), ("-1e-7", -1e-07), ("0.0001", 0.0001), ("1234567.5", 1234567.5),
    ("123456.7", 123456.7), ("3e19", 3e19), ("1e19", 10000000000000000000),
    ("1234567890123456789.0", 1234567890123456800), ("-12345678901234567890.0", -1.2345678901234567e19),
    ("12345678901234567890", 12345678901234567890), ("18446744073709551615", 18446744073709551615),
    ("18446744073709551616", 1.8446744073709552e19), ("9223372036854775807", 9223372036854775807),
    ("-9223372036854775808", -9223372036854775808), ("-9223372036854775809", -9.223372036854776e18),
    ("123456789012345678901234", 1.2345678901234569e23), ("1.7976931348623157e308", 1.7976931348623157e308),
    ("4.9e-324", 5e-324), (".1e-400", 0),
    ("1e999", "1e999"), ("1e1000000000000", "1e1000000000000"), ("0x1FFFFFFFFFFFFFFFF", "0x1FFFFFFFFFFFFFFFF"),
    ("0b", "0b"), ("0x", "0x"), ("1:20", "1:20"), ("02001-12-14", "02001-12-14"), ("1.5e", "1.5e"),
    ("~", None), ("null", None), ("Null", None), ("NULL", None), ("nULL", "nULL"), ("", None),
    ("true", True), ("True", True), ("TRUE", True), ("false", False), ("FALSE", False), ("tRue", "tRue"),
    ("yes", "yes"), ("Yes", "Yes"), ("on", "on"), ("y", "y"), ("n", "n"), ("off", "off"),
    ("<<", "<<"), ("=", "="),
    ("2001-12-14", "2001-12-14T00:00:00Z"), ("2001-1-2 3:4:5", "2001-01-02T03:04:05Z"),
    ("2001-12-14  21:59:43", "2001-12-14T21:59:43Z"),
    ("2001-12-14T21:59:43.10-05:00", "2001-12-14T21:59:43.1-05:00"),
    ("2001-12-14t21:59:43,5Z", "2001-12-14T21:59:43.5Z"),
    ("2001-12-14T21:59:43.1234567891234Z", "2001-12-14T21:59:43.123456789Z"),
    ("2001-12-14T21:59:43+00:00", "2001-12-14T21:59:43Z"), ("2001-12-14T21:59:43.000Z", "2001-12-14T21:59:43Z"),
    ("2001-12-14T21:59:43+23:59", "2001-12-14T21:59:43+23:59"),
    ("2001-12-14T21:59:43-00:30", "2001-12-14T21:59:43-00:30"), ("0001-01-01", "0001-01-01T00:00:00Z"),
    ("2000-02-29", "2000-02-29T00:00:00Z"),
    ("2001-12-14 21:59:43.10 -5", "2001-12-14 21:59:43.10 -5"), ("2001-02-30", "2001-02-30"),
    ("1900-02-29", "1900-02-29"), ("2001-12-14T24:00:00Z", "2001-12-14T24:00:00Z"),
    ("2001-12-14T21:59:60Z", "2001-12-14T21:59:60Z"),
    ('"2001-12-14"', "2001-12-14"), ("'0777'", "0777"), ('"true"', "true"), ("'~'", "~"), ('""', ""),
    ("!!str 2001-12-14", "2001-12-14"), ("!!str 1", "1"), ("!!str ~", "~"), ("!!str yes", "yes"),
    ("!<tag:yaml.org,2002:str> 12", "12"), ('!!int "12"', 12), ("!!int 0x10", 16), ('!!float "1"', 1),
    ("!!float 1e3", 1000), ("!!float 0x10", 16), ('!!float "1.5"', 1.5), ('!!bool "true"', True),
    ('!!null ""', None), ("!!null ~", None), ("!!timestamp 2001-12-14", "2001-12-14T00:00:00Z"),
    ('!!timestamp "2001-12-14"', "2001-12-14T00:00:00Z"), ("!foo 12", "12"), ("!foo true", "true"),
    ("!foo ~", "~"), ("! 12", 12), ("!!merge <<", "<<"),
    ("!!binary aGVsbG8=", "hello"), ("!!binary aGVsbG8K", "hello\n"), ('!!binary ""', ""),
    ("!!binary YeKCYu2ggGP/", "a\ufffd\ufffdb\ufffd\ufffd\ufffdc\ufffd"),
    ('"x\\Ny"', "x y"), ('"a \\N\\N b"', "a\nb"), ('"\\Nlead"', " lead"), ('"tail\\N"', "tail "),
    ('"a\\N\\N\\Nb"', "a\n\nb"), ('"a\\N---"', "a ---"), ("'1 \\u0085 2'", "1 \\u0085 2"),
    ('"\\x01\\b"', "\x01\b"), ('"\\ud7ff\\ue000"', "\ud7ff\ue000"),
]


@pytest.mark.parametrize("text,want", RESOLUTION, ids=[r[0] for r in RESOLUTION])
def test_resolution(text, want):
    got = yamlio.load_one(H + "v: " + text + "\n", "r.yaml")["v"]
    assert got == want and type(got) is type(want)


def test_resolution_matches_kubectl(kubectl, tmp_path):
    text = H + "".join("k%03d: %s\n" % (i, t) for i, (t, _) in enumerate(RESOLUTION))
    out = kustomize(kubectl, tmp_path, text).stdout.decode()
    assert out == yamlio.dump(yamlio.load_one(text, "a.yaml"))
    table = {"k%03d" % i: v for i, (_, v) in enumerate(RESOLUTION)}
    assert out == yamlio.dump({**table, "apiVersion": "v1", "kind": "ConfigMap",
                               "metadata": {"name": "x"}})


def test_top_level_keys_keep_their_text(kubectl, tmp_path):
    # (not "01" with "0x10" and "1.5": go-yaml's key order is cyclic for those, so Go
    # prints them in random order)
    text = H + "1.5: a\ntrue: b\n0x10: c\n2001-12-14: d\n~x: e\n\"q\": f\n"
    data = yamlio.load_one(text, "a.yaml")
    assert [k for k in data if k not in ("apiVersion", "kind", "metadata")] == \
        ["1.5", "true", "0x10", "2001-12-14", "~x", "q"]
    assert kustomize(kubectl, tmp_path, text).stdout.decode() == yamlio.dump(data)


# -- errors ---------------------------------------------------------------------------------

ERRORS = [
    ("data:\n  a: .inf\n", ".inf cannot be represented", 6, 6),
    ("data:\n  a: -.Inf\n", "-.Inf cannot be represented", 6, 6),
    ("data:\n  a: .nan\n", ".nan cannot be represented", 6, 6),
    ("data:\n  a: !!float .inf\n", ".inf cannot be represented", 6, 6),
    ("data:\n  name: a\n  x: 1\n  name: b\n", 'mapping key "name" already defined at line 6', 8, 3),
    ("data:\n  y: 1\n  \"y\": 2\n", 'mapping key "y" already defined at line 6', 7, 3),
    ("data:\n  a: 1\n  <<: {a: 2}\n  a: 3\n", 'mapping key "a" already defined at line 6', 8, 3),
    ("data:\n  <<: {a: 1}\n  <<: {b: 2}\n", 'duplicate merge key "<<" (first at line 6)', 7, 3),
    ("data:\n  <<: 5\n", "map merge requires map or sequence of maps", 6, 7),
    ("data:\n  <<: [{a: 1}, 5]\n", "map merge requires map or sequence of maps", 6, 7),
    ("data:\n  <<: ~\n", "map merge requires map or sequence of maps", 6, 7),
    ("data:\n  1: a\n", "mapping key 1 is a int", 6, 3),
    ("data:\n  true: a\n", "mapping key true is a bool", 6, 3),
    ("data:\n  1.5: a\n", "mapping key 1.5 is a float", 6, 3),
    ("data:\n  2001-12-14: a\n", "mapping key 2001-12-14 is a timestamp", 6, 3),
    ("data:\n  ~: a\n", "null mapping key", 6, 3),
    ("list:\n- 1: a\n", "mapping key 1 is a int", 6, 3),
    ("data:\n  [a]: b\n", "invalid map key: a sequence cannot be a key", 6, 3),
    ("data:\n  {a: 1}: b\n", "invalid map key: a mapping cannot be a key", 6, 3),
    ("~: a\n", "null mapping key", 5, 1),
    ("[a]: b\n", "invalid map key", 5, 1),
    ("data:\n  a: !!int \"abc\"\n", "cannot decode !!str `abc` as a !!int", 6, 6),
    ("data:\n  a: !!int 1.0\n", "cannot decode !!float `1.0` as a !!int", 6, 6),
    ("data:\n  a: !!bool \"yes\"\n", "cannot decode !!str `yes` as a !!bool", 6, 6),
    ("data:\n  a: !!bool 1\n", "cannot decode !!int `1` as a !!bool", 6, 6),
    ("data:\n  a: !!null \"x\"\n", "cannot decode !!str `x` as a !!null", 6, 6),
    ("data:\n  a: !!timestamp 12\n", "cannot decode !!int `12` as a !!timestamp", 6, 6),
    ("data:\n  a: !!float \"1e999\"\n", "cannot decode !!str `1e999` as a !!float", 6, 6),
    ("data:\n  a: !!binary \"aGVs bG8=\"\n", "invalid base64", 6, 6),
    ("data:\n  a: 2001-12-14T21:59:43+24:00\n", "timezone hour outside of range", 6, 6),
    ("data:\n  a: \"x\\x7fy\"\n", "control character U+007F", 6, 6),
    ("data:\n  a: \"\\u0080\"\n", "control character U+0080", 6, 6),
    ("data:\n  a: \"\\uFFFE\"\n", "control character U+FFFE", 6, 6),
    ("data:\n  \"a\\Nb\": x\n", "U+0085 (NEL) in a mapping key", 6, 3),
    ("data:\n  a: \"a\\N\\N--- b\"\n", "found unexpected document indicator", 6, 6),
    ("data:\n  a: &a [1, *a]\n", "recursive alias", 6, 6),
    ("data:\n  a: *nope\n", "found undefined alias", 6, 6),
    ("data:\n  a: b\n   c: d\n", "mapping values are not allowed", 7, 5),
    ("data:\n\ta: b\n", "indent with spaces, not tabs", 6, 1),
    ("data:\n  a: [1, 2\n", "expected ',' or ']'", 7, 1),
    ("data:\n  a: \"\\ud800\"\n", "invalid Unicode character escape", 6, 9),
]


@pytest.mark.parametrize("body,message,line,column", ERRORS, ids=[e[1][:40] for e in ERRORS])
def test_errors(body, message, line, column):
    with pytest.raises(YamlError) as ei:
        yamlio.load_documents(H + body, "e.yaml")
    e = ei.value
    assert message in e.message
    assert (e.file, e.line, e.column) == ("e.yaml", line, column)
    assert "\n" not in str(e)


def test_errors_also_fail_in_kubectl(kubectl, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    def run(i):
        d = tmp_path / ("e%02d" % i)
        d.mkdir()
        return kustomize(kubectl, d, H + ERRORS[i][0], ok=False).returncode

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(run, range(len(ERRORS))))
    assert [e[1] for e, rc in zip(ERRORS, codes) if rc == 0] == []


def test_invalid_utf8():
    with pytest.raises(YamlError) as ei:
        yamlio.load_documents(b"a: 1\nb: caf\xe9\n", "u.yaml")
    e = ei.value
    assert (e.line, e.column) == (2, 7)
    assert "invalid UTF-8" in e.message and "byte offset 11" in e.message


def test_encodings():
    want = {"a": "é"}
    assert yamlio.load_one("a: é\n".encode("utf-16"), "x") == want
    assert yamlio.load_one(b"\xef\xbb\xbfa: \xc3\xa9\n", "x") == want
    assert yamlio.load_one("a: é\n", "x") == want


def test_control_character_in_source():
    with pytest.raises(YamlError) as ei:
        yamlio.load_documents(b"a: 1\nb: x\x01y\n", "c.yaml")
    assert (ei.value.line, ei.value.column) == (2, 5)
    assert "U+0001" in ei.value.message


def test_syntax_error_has_line_in_later_document():
    with pytest.raises(YamlError) as ei:
        yamlio.load_documents("a: 1\n---\nb: 2\nc: [1,\n", "s.yaml")
    assert ei.value.line == 5 and "invalid YAML" in ei.value.message


def test_yaml_bomb_is_refused_quickly():
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append("a%d: &a%d [%s]" % (i, i, ",".join(["*a%d" % (i - 1)] * 9)))
    t0 = time.perf_counter()
    with pytest.raises(YamlError) as ei:
        yamlio.load_documents("\n".join(lines) + "\n", "bomb.yaml")
    assert time.perf_counter() - t0 < 1.0
    assert "expand to more than %d nodes" % yamlio.MAX_ALIAS_NODES in ei.value.message


def test_aliases_within_budget_are_copies():
    d = yamlio.load_one("a: &x {k: [1, 2]}\nb: *x\nc: [*x, *x]\n", "a.yaml")
    assert d == {"a": {"k": [1, 2]}, "b": {"k": [1, 2]}, "c": [{"k": [1, 2]}, {"k": [1, 2]}]}
    d["b"]["k"].append(3)
    assert d["a"] == {"k": [1, 2]} and d["c"][0] == {"k": [1, 2]}


def test_nesting_limit():
    t0 = time.perf_counter()
    with pytest.raises(YamlError) as ei:  # libyaml's composer would crash the interpreter
        yamlio.load_documents("[" * 50_000 + "]" * 50_000, "deep.yaml")
    assert "deeper than %d" % yamlio.MAX_DEPTH in ei.value.message
    assert time.perf_counter() - t0 < 5
    deep = yamlio.load_one("- " * 3000 + "x\n", "ok.yaml")  # go-yaml accepts this
    for _ in range(2999):
        deep = deep[0]
    assert deep == ["x"]


# -- documents -----------------------------------------------------------------------------

def test_documents_index_line_and_empty_ones():
    text = "# c\n---\n---\na: 1\n---\n~\n---\nnull\n---\n{}\n---\n\n\nb:\n  - x\n"
    docs = yamlio.load_documents(text, "d.yaml")
    assert [(d.index, d.line, d.data) for d in docs] == [
        (1, 4, {"a": 1}), (4, 10, {}), (5, 14, {"b": ["x"]})]
    assert all(d.path == "d.yaml" for d in docs)
    assert docs[2].positions[("b", 0)] == (15, 5)


def test_stream_splitting_like_kustomize(kubectl, tmp_path):
    # CRLF is fine; "--- # comment" is a separator; a second document inside one piece (after
    # "..." or after a line ended by U+2029 or a lone CR) is ignored, as kustomize does.
    def names(text):
        return [d.data["metadata"]["name"] for d in yamlio.load_documents(text, "s.yaml")]

    def kubectl_names(text):
        out = kustomize(kubectl, tmp_path, text).stdout.decode()
        return [d.data["metadata"]["name"] for d in yamlio.load_documents(out, "out.yaml")]

    a, b = H.replace("name: x", "name: a"), H.replace("name: x", "name: b")
    cases = [
        (a + "---\n" + b).replace("\n", "\r\n"),
        a + "--- # next\n" + b,
        a + "...\n" + b,
        a.replace("\n", "\r") + "---\r" + b.replace("\n", "\r"),
        a + 'x: "y\u2029"\n'.replace('"y\u2029"', "|\n  y\u2029") + "---\n" + b,
        "---\n---\n" + a + "---\n---\n" + b,
    ]
    for text in cases:
        assert names(text) == kubectl_names(text), repr(text)
    with pytest.raises(YamlError) as ei:
        yamlio.load_documents(a + "--- !tag\n" + b, "s.yaml")
    assert ei.value.line == 5 and "invalid document separator" in ei.value.message
    assert kustomize(kubectl, tmp_path, a + "--- !tag\n" + b, ok=False).returncode != 0


def test_positions():
    text = (
        "apiVersion: v1\n"          # 1
        "kind: Pod\n"               # 2
        "metadata:\n"               # 3
        "  name: p\n"               # 4
        "  labels: {app: web,\n"    # 5
        "    tier: x}\n"            # 6
        "spec:\n"                   # 7
        "  containers:\n"           # 8
        "  - name: c\n"             # 9
        "    ports:\n"              # 10
        "      - containerPort: 80\n"  # 11
        "    args: [a, b]\n"        # 12
    )
    doc = yamlio.load_documents("---\n" + text, "p.yaml")[0]
    p = doc.positions
    assert doc.line == 2 and p[()] == (2, 1)
    assert p[("apiVersion",)] == (2, 1)
    assert p[("metadata", "name")] == (5, 3)
    assert p[("metadata", "labels", "app")] == (6, 12)
    assert p[("metadata", "labels", "tier")] == (7, 5)
    assert p[("spec", "containers")] == (9, 3)
    assert p[("spec", "containers", 0)] == (10, 5)
    assert p[("spec", "containers", 0, "name")] == (10, 5)
    assert p[("spec", "containers", 0, "ports", 0)] == (12, 9)
    assert p[("spec", "containers", 0, "ports", 0, "containerPort")] == (12, 9)
    assert p[("spec", "containers", 0, "args", 1)] == (13, 15)
    assert len(p) == 18


def test_merge_keys(kubectl, tmp_path):
    text = H + (
        "root: &root {r: 1, s: 1}\n"
        "base: &base\n  <<: *root\n  b: 2\n  s: 2\n"
        "m1:\n  <<: *base\n  c: 3\n"
        "m2:\n  <<: [{x: 1, s: 9}, *base]\n  x: 0\n"
        "m3:\n  a: first\n  <<: {a: second, n: null}\n"
        "m4:\n  \"<<\": {dropped: true}\n  k: v\n"
        "m5:\n  !!merge <<: {a: 1}\n"
    )
    doc = yamlio.load_documents(text, "m.yaml")[0]
    d = doc.data
    assert d["m1"] == {"r": 1, "s": 2, "b": 2, "c": 3}
    assert d["m2"] == {"x": 0, "s": 9, "r": 1, "b": 2}
    assert d["m3"] == {"a": "first", "n": None}
    assert d["m4"] == {"k": "v"}
    assert d["m5"] == {"a": 1}
    # merged keys point at their source; explicit keys keep their own position
    assert doc.positions[("m1", "r")] == (5, 14)
    assert doc.positions[("m1", "c")] == (12, 3)
    assert doc.positions[("m3", "a")] == (17, 3)
    assert kustomize(kubectl, tmp_path, text).stdout.decode() == yamlio.dump(d)


def test_anchor_redefinition(kubectl, tmp_path):
    text = H + "a: &x 1\nb: &x 2\nc: *x\n"
    d = yamlio.load_one(text, "a.yaml")
    assert (d["a"], d["b"], d["c"]) == (1, 2, 2)
    assert kustomize(kubectl, tmp_path, text).stdout.decode() == yamlio.dump(d)


def test_load_one():
    assert yamlio.load_one("a: 1\n", "o.yaml") == {"a": 1}
    with pytest.raises(YamlError, match="found 0"):
        yamlio.load_one("# nothing\n", "o.yaml")
    with pytest.raises(YamlError, match="found 2") as ei:
        yamlio.load_one("a: 1\n---\nb: 2\n", "o.yaml")
    assert ei.value.line == 3


def test_document_is_small():
    d = yamlio.Document({"a": 1}, "f.yaml", 2, 7, {})
    assert (d.data, d.path, d.index, d.line, d.positions) == ({"a": 1}, "f.yaml", 2, 7, {})
    with pytest.raises(AttributeError):
        d.other = 1


def test_load_speed_close_to_pyyaml_c_loader():
    """Positions included, loading stays within a small factor of yaml.load_all(CSafeLoader)."""
    doc = H + "spec:\n" + "".join(
        "  k%d:\n    name: item-%d\n    value: %d\n    list: [a, b, 1.5, true]\n"
        "    text: \"some words here\"\n    nested: {x: {y: [1, 2, {z: null}]}}\n" % (i, i, i)
        for i in range(150))
    text = ("---\n".join(doc.replace("name: x", "name: x%d" % j) for j in range(4))).encode()

    def best(fn):
        t = []
        for _ in range(3):
            t0 = time.perf_counter()
            fn()
            t.append(time.perf_counter() - t0)
        return min(t)

    base = best(lambda: list(yaml.load_all(text, Loader=yaml.CSafeLoader)))
    ours = best(lambda: yamlio.load_documents(text, "speed.yaml"))
    assert ours < 2.5 * base, (ours, base)
