"""kubeconform's own fixtures (../shared/examples/kubeconform, expectations.md): kustgen
validate behaves as kubeconform does, row by row, where it should; each deliberate
difference is a test of its own, with the reason."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys

import pytest

from conftest import REPO, need_shared
from local_http import LocalServer


def validate(*args, cwd=None, **kw):
    """kw goes to subprocess.run (input=... for rows on stdin, stdin=...)."""
    root = cwd or need_shared("examples", "kubeconform")
    env = dict(os.environ, PYTHONPATH=REPO, NO_COLOR="1")
    p = subprocess.run([sys.executable, "-m", "kustgen", "validate", "--format", "json", *args],
                       cwd=root, capture_output=True, text=True, env=env, timeout=120, **kw)
    data = json.loads(p.stdout) if p.stdout.strip().startswith("{") else None
    return p, data


# (row in expectations.md, fixture, extra flags, exit, resources, message substring)
SAME = [
    ("3", "fixtures/valid.yaml", [], 0, 1, None),
    ("4", "fixtures/folder", [], 0, 7, None),
    ("5", "fixtures/int_or_string.yaml", [], 0, 1, None),
    ("6", "fixtures/valid.json", ["--kubernetes-version", "1.25.0"], 0, 1, None),
    ("7", "fixtures/generate_name.yaml", [], 0, 1, None),
    ("8", "fixtures/quantity.yaml", [], 0, 1, None),
    ("9", "fixtures/null_string.yaml", [], 0, 1, None),
    ("11", "fixtures/multi_valid.yaml", [], 0, 6, None),
    ("12", "fixtures/multi_invalid.yaml", [], 1, 6, "is not of type"),
    ("13", "fixtures/invalid.yaml", [], 1, 1, 'unknown field "templates"'),
    ("15", "fixtures/blank.yaml", [], 0, 0, None),
    ("16", "fixtures/comment.yaml", [], 0, 0, None),
    ("17", "fixtures/missing_kind.yaml", [], 1, 0, "missing 'kind' key"),
    ("18", "fixtures/missing_apiversion.yaml", [], 1, 0, "missing 'apiVersion' key"),
    ("19", "fixtures/missing_kind_value.yaml", [], 1, 0, "missing 'kind' key"),
    ("23", "fixtures/extra_property.yaml", ["--kubernetes-version", "1.25.0"], 1, 1,
     'unknown field "replicas"'),
    ("24", "fixtures/duplicate_property.yaml", [], 1, 0, 'mapping key "containers" already defined'),
    ("50", "fixtures/list_valid.yaml", [], 0, 6, None),
    ("52", "fixtures/list_invalid.yaml", [], 1, 2, "is not of type 'null' or 'integer'"),
    ("54", "fixtures/list_empty_valid.yaml", [], 0, 0, None),
    ("55", "fixtures/multi_with_list.yaml", [], 0, 2, None),
]


@pytest.mark.parametrize("row, fixture, flags, code, n, text", SAME, ids=[r[0] for r in SAME])
def test_like_kubeconform(row, fixture, flags, code, n, text):
    p, data = validate(fixture, *flags)
    assert p.returncode == code, (p.stdout, p.stderr)
    assert data["summary"]["resourcesChecked"] == n
    if text:
        assert any(text in f["message"] for f in data["findings"]), data["findings"]
        located = [f for f in data["findings"] if f["severity"] == "error"]
        assert all(f["file"] and f["line"] for f in located)
    else:
        assert data["findings"] == []


def test_row14_missing_path_is_an_error_naming_it():
    p, data = validate("fixtures/not-here")
    assert p.returncode == 1
    assert data["findings"][0]["file"].endswith("not-here")
    assert "no such file" in data["findings"][0]["message"]


def test_row22_differs_strict_is_our_default():
    """kubeconform allows unknown properties unless -strict; the API server silently
    drops them, which on this platform hides typos until sync time, so kustgen is strict
    by default and --no-strict gives kubeconform's answer."""
    p, _ = validate("fixtures/extra_property.yaml")
    assert p.returncode == 1
    p, data = validate("fixtures/extra_property.yaml", "--no-strict")
    assert p.returncode == 0 and data["findings"] == []


def test_row25_differs_duplicate_keys_are_always_errors():
    """kubeconform tolerates a repeated key without -strict; Kustomize (go-yaml v3) refuses
    such a file, so it could never be applied through a kustomization: always an error."""
    p, _ = validate("fixtures/duplicate_property.yaml", "--no-strict")
    assert p.returncode == 1


def test_rows20_21_differ_missing_schema_is_a_warning_by_default(tmp_path):
    """kubeconform fails on a kind it has no schema for (row 20) unless
    -ignore-missing-schemas (row 21). kustgen warns by default (repos carry many CRDs it
    may not have been given) and fails with --fail-on warning."""
    src = need_shared("examples", "kubeconform", "fixtures", "test_crd.yaml")
    alone = tmp_path / "test_crd.yaml"
    alone.write_bytes(open(src, "rb").read())
    p, data = validate(str(alone), cwd=str(tmp_path))
    assert p.returncode == 0
    assert [f["rule"] for f in data["findings"]] == ["missing-schema"]
    assert data["findings"][0]["severity"] == "warning"
    p, _ = validate(str(alone), "--fail-on", "warning", cwd=str(tmp_path))
    assert p.returncode == 1


def test_row20_differs_crds_in_the_repo_are_found():
    """Run where kubeconform's fixtures are, kustgen finds the TrainingJob CRD that sits in
    the same tree (fixtures/crd_schema.yaml, fixtures/registry/...) and
    validates against it, where kubeconform reports a missing schema: CRDs in the
    repository count as schemas."""
    p, data = validate("fixtures/test_crd.yaml", "--summary")
    assert p.returncode == 0, p.stdout
    assert data["findings"] == []
    cov = {c["kind"]: c for c in data["coverage"]}
    assert cov["TrainingJob"]["validated"] == 1
    assert "CRD trainingjobs.sagemaker.aws.amazon.com" in cov["TrainingJob"]["source"]


# --------------------------------------------------------------------------------------
# schema locations and the cache (rows 26-32, 45-48, N1-N5, 61)
# --------------------------------------------------------------------------------------

RAW = "https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master"
STANDALONE = ("/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}"
              "/{{ .ResourceKind }}{{ .KindSuffix }}.json")
NON_STANDALONE = ("/{{ .NormalizedKubernetesVersion }}{{ .StrictSuffix }}"
                  "/{{ .ResourceKind }}{{ .KindSuffix }}.json")
# fixtures/cache holds the master, non-strict schemas only (expectations.md, fixtures/cache)
MASTER = ["--kubernetes-version", "master", "--no-strict"]
BUILTIN = "built-in Kubernetes"


def source_of(data, kind):
    cov = [c for c in data["coverage"] if c["kind"] == kind]
    assert len(cov) == 1 and cov[0]["validated"] >= 1, data["coverage"]
    return cov[0]["source"]


def cache_copy(tmp_path):
    """A writable copy of fixtures/cache (kubeconform's layout: files named sha256(url))."""
    dst = tmp_path / "kc-cache"
    shutil.copytree(need_shared("examples", "kubeconform", "fixtures", "cache"), dst)
    for p in [dst, *dst.iterdir()]:
        p.chmod(p.stat().st_mode | stat.S_IWUSR)
    return dst


def files_below(d):
    return sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d)
                  for f in fs)


class SchemaServer(LocalServer):
    """yannh/kubernetes-json-schema as fixtures/cache knows it, on 127.0.0.1: GET <path>
    answers the cache file named sha256(RAW + path), with RAW rewritten to this server's
    URL inside it (so the `$ref`s of the non-standalone schema come back here too);
    anything else is a 404. `requests` lists the paths asked for."""

    def __init__(self):
        cache = need_shared("examples", "kubeconform", "fixtures", "cache")

        def answer(path):
            f = os.path.join(cache, hashlib.sha256((RAW + path).encode()).hexdigest())
            if not os.path.isfile(f):
                return None
            with open(f, "rb") as fh:
                return fh.read().replace(RAW.encode(), self.url.encode())

        super().__init__(answer=answer)


@pytest.fixture
def no_proxy(monkeypatch):
    # requests to 127.0.0.1 must not go through a proxy from the environment
    for v in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
              "all_proxy"):
        monkeypatch.delenv(v, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def server(no_proxy):
    s = SchemaServer()
    yield s
    s.stop()


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_row26_default_preset_reads_kubeconforms_cache(tmp_path):
    """`default` is the yannh/kubernetes-json-schema template; its master, non-strict
    expansion is exactly the URL whose sha256 names a fixtures/cache file, so offline the
    ReplicationController schema comes from that cache file."""
    cache = cache_copy(tmp_path)
    before = files_below(cache)
    p, data = validate("fixtures/valid.yaml", "--schema-location", "default", *MASTER,
                       "--offline", "--cache", str(cache))
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert data["findings"] == []
    assert source_of(data, "ReplicationController") == \
        RAW + "/master-standalone/replicationcontroller-v1.json"
    assert files_below(cache) == before


def test_rowN2_differs_the_default_registry_is_asked_only_when_named(tmp_path):
    """kubeconform's -cache alone finds the schema (its default location is implicit).
    kustgen's built-in schemas replace the default registry: a cache is only read for the
    locations given. With `--schema-location default --kubernetes-version master
    --no-strict` the URL hashed in the cache is reproduced (row 26); strict (the default)
    asks for master-standalone-strict, which is not cached: a schema-source warning, and
    the built-in schemas validate instead."""
    cache = cache_copy(tmp_path)
    p, data = validate("fixtures/valid.yaml", "--offline", "--cache", str(cache))
    assert p.returncode == 0 and data["findings"] == []
    assert source_of(data, "ReplicationController").startswith(BUILTIN)
    p, data = validate("fixtures/valid.yaml", "--offline", "--cache", str(cache),
                       "--schema-location", "default", "--kubernetes-version", "master")
    assert p.returncode == 0
    assert [f["rule"] for f in data["findings"]] == ["schema-source"]
    assert RAW + "/master-standalone-strict/replicationcontroller-v1.json" in \
        data["findings"][0]["message"]
    assert "offline" in data["findings"][0]["message"]
    assert source_of(data, "ReplicationController").startswith(BUILTIN)


def test_rowN1_differs_offline_with_an_empty_cache_uses_the_builtin_schemas(tmp_path):
    """kubeconform has no schema without network or cache (exit 1). kustgen ships the
    Kubernetes schemas: offline and with an empty cache the ReplicationController is still
    validated, and nothing is downloaded into the cache (only kustgen's own self-contained
    copies of the built-in schemas go there, under builtin/)."""
    empty = tmp_path / "empty"
    empty.mkdir()
    p, data = validate("fixtures/valid.yaml", "--offline", "--cache", str(empty))
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert data["findings"] == []
    assert source_of(data, "ReplicationController").startswith(BUILTIN)
    assert set(os.listdir(empty)) <= {"builtin"}, files_below(empty)
    p, data = validate("fixtures/invalid.yaml", "--offline", "--cache", str(empty))
    assert p.returncode == 1 and {f["rule"] for f in data["findings"]} == {"schema"}


def test_row27_explicit_standalone_template_over_http(server, tmp_path):
    cache = tmp_path / "cache"
    p, data = validate("fixtures/valid.yaml", "--schema-location", server.url + STANDALONE,
                       *MASTER, "--cache", str(cache))
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert data["findings"] == []
    assert source_of(data, "ReplicationController") == \
        server.url + "/master-standalone/replicationcontroller-v1.json"
    assert server.requests == ["/master-standalone/replicationcontroller-v1.json"]


def test_rows28_48_refs_are_fetched_and_cached_too(server, tmp_path):
    """The non-standalone schema `$ref`s _definitions.json on the same server: it is
    fetched, and both documents land in the cache (row 48: 2 files in kubeconform's)."""
    cache = tmp_path / "cache"
    p, data = validate("fixtures/valid.yaml", "--schema-location",
                       server.url + NON_STANDALONE, *MASTER, "--cache", str(cache))
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert data["findings"] == []
    assert source_of(data, "ReplicationController") == \
        server.url + "/master/replicationcontroller-v1.json"
    assert sorted(set(server.requests)) == ["/master/_definitions.json",
                                            "/master/replicationcontroller-v1.json"]
    assert len(os.listdir(cache / "urls")) == 2 and len(os.listdir(cache / "objects")) == 2
    urls = {json.loads((cache / "urls" / n).read_text())["url"]
            for n in os.listdir(cache / "urls")}
    assert urls == {server.url + "/master/_definitions.json",
                    server.url + "/master/replicationcontroller-v1.json"}
    # the $ref is resolved for real: an invalid document fails against the referenced spec
    p, data = validate("fixtures/invalid.yaml", "--schema-location",
                       server.url + NON_STANDALONE, *MASTER, "--cache", str(cache))
    assert p.returncode == 1
    assert any(f["rule"] == "schema" and f["path"] == "/spec/replicas"
               for f in data["findings"]), data["findings"]


def test_rows45_47_cache_fills_then_serves_without_the_server(server, tmp_path):
    """Row 45: the first run downloads into --cache (kustgen's objects/ + urls/ layout);
    a second run with the server gone is still validated against that schema. Row 47
    differs: kubeconform refuses a cache folder that does not exist, kustgen creates it
    (as it does its default ~/.cache/kustgen/schemas)."""
    cache = tmp_path / "not" / "there" / "yet"
    loc = server.url + STANDALONE
    url = server.url + "/master-standalone/replicationcontroller-v1.json"
    p, data = validate("fixtures/valid.yaml", "--schema-location", loc, *MASTER,
                       "--cache", str(cache))
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert source_of(data, "ReplicationController") == url
    assert len(os.listdir(cache / "objects")) == 1 and len(os.listdir(cache / "urls")) == 1
    ref = json.loads((cache / "urls" / os.listdir(cache / "urls")[0]).read_text())
    assert ref["url"] == url
    assert ref["sha256"] == os.listdir(cache / "objects")[0]
    server.stop()
    n = len(server.requests)
    for extra in ([], ["--offline"]):
        p, data = validate("fixtures/valid.yaml", "--schema-location", loc, *MASTER,
                           "--cache", str(cache), *extra)
        assert p.returncode == 0, (p.stdout, p.stderr)
        assert data["findings"] == [], data["findings"]
        assert source_of(data, "ReplicationController") == url
    assert len(server.requests) == n


def test_row46_a_404_is_no_schema_and_is_not_cached_as_one(server, tmp_path):
    """kubeconform: "could not find schema" (exit 1). kustgen: the location has no schema
    (a 404 is not an error, no schema-source finding), the built-in schemas validate the
    ReplicationController instead, and no schema is cached (only the 404 is remembered,
    under missing/)."""
    cache = tmp_path / "cache"
    loc = server.url + "/nowhere" + STANDALONE
    p, data = validate("fixtures/valid.yaml", "--schema-location", loc, *MASTER,
                       "--cache", str(cache))
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert data["findings"] == []
    assert source_of(data, "ReplicationController").startswith(BUILTIN)
    assert server.requests == ["/nowhere/master-standalone/replicationcontroller-v1.json"]
    assert not os.path.exists(cache / "objects") or os.listdir(cache / "objects") == []
    assert not os.path.exists(cache / "urls") or os.listdir(cache / "urls") == []


def test_row29_differs_unreachable_location_is_a_warning_and_builtins_validate(tmp_path):
    """kubeconform finds no schema (exit 1). kustgen reports the unreachable location as
    a schema-source warning naming the URL and falls through to its built-in schemas; the
    warning fails the run with --fail-on warning."""
    loc = "http://127.0.0.1:%d" % closed_port()
    args = ["fixtures/valid.yaml", "--schema-location", loc, "--cache",
            str(tmp_path / "cache")]
    p, data = validate(*args)
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert [f["rule"] for f in data["findings"]] == ["schema-source"]
    f = data["findings"][0]
    assert f["severity"] == "warning"
    assert loc + "/v1.32.0-standalone-strict/replicationcontroller-v1.json" in f["message"]
    assert "cannot fetch" in f["message"]
    assert source_of(data, "ReplicationController").startswith(BUILTIN)
    p, _ = validate(*args, "--fail-on", "warning")
    assert p.returncode == 1


def test_row30_foo_is_a_local_folder_template(tmp_path):
    """A location that is neither http(s) nor ends in json is a folder: the catalogue's
    layout is appended (as kubeconform does). Without such a folder there is no schema
    there (the built-ins validate); with the file in place, it is used."""
    p, data = validate(os.path.join(need_shared("examples", "kubeconform"),
                                    "fixtures", "valid.yaml"),
                       "--schema-location", "foo", *MASTER, "--offline",
                       "--cache", str(tmp_path / "cache"), cwd=str(tmp_path))
    assert p.returncode == 0 and data["findings"] == []
    assert source_of(data, "ReplicationController").startswith(BUILTIN)
    d = tmp_path / "foo" / "master-standalone"
    d.mkdir(parents=True)
    cached = need_shared("examples", "kubeconform", "fixtures", "cache",
                         hashlib.sha256((RAW + "/master-standalone/replicationcontroller-v1"
                                         ".json").encode()).hexdigest())
    shutil.copy(cached, d / "replicationcontroller-v1.json")
    p, data = validate(os.path.join(need_shared("examples", "kubeconform"),
                                    "fixtures", "valid.yaml"),
                       "--schema-location", "foo", *MASTER, "--offline",
                       "--cache", str(tmp_path / "cache"), cwd=str(tmp_path))
    assert p.returncode == 0 and data["findings"] == []
    assert source_of(data, "ReplicationController") == \
        str(d / "replicationcontroller-v1.json")


def test_row31_bad_template_is_a_config_error_in_one_line():
    """kubeconform prints one line starting "failed initialising"; kustgen's errors are
    one line "kustgen: ..." on stderr, exit 2 (a configuration error, not a bug)."""
    p, _ = validate("fixtures/valid.yaml", "--schema-location", "foo {{ .Foo }}")
    assert p.returncode == 2
    assert p.stdout == ""
    lines = p.stderr.splitlines()
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("kustgen:") and "failed initialising" in lines[0]
    assert "Foo" in lines[0]
    assert "internal error" not in lines[0] and "please report" not in lines[0], lines[0]


def test_row32_partial_kubernetes_version_is_a_usage_error():
    p, _ = validate("fixtures/valid.yaml", "--kubernetes-version", "1.25")
    assert p.returncode == 2
    assert p.stdout == ""
    err = p.stderr
    assert "1.25" in err and "x.y.z" in err and "master" in err, err
    assert "Traceback" not in err
    assert "internal error" not in err and "please report" not in err, err


@pytest.mark.parametrize("row, flags", [
    ("40-42", ["--skip", "ReplicationController"]),
    ("43", ["--reject", "ReplicationController"]),
    ("44", ["--ignore-filename-pattern", ".*invalid.*"]),
])
def test_rows40_44_differ_no_skip_reject_or_filename_patterns(row, flags):
    """Deliberate difference: no -skip/-reject/-ignore-filename-pattern; kinds without a
    schema follow the per-group missing-schema policy of kustgen.yaml (schemas.missing)
    instead, and files are chosen by PATHS. The flags are refused as unknown options."""
    p, _ = validate("fixtures/valid.yaml", *flags)
    assert p.returncode == 2
    assert "No such option '%s'" % flags[0] in p.stderr, p.stderr


def test_rowN3_local_registry_template():
    p, data = validate("fixtures/test_crd.yaml", "--offline", "--schema-location",
                       "./fixtures/registry/{{ .ResourceKind }}{{ .KindSuffix }}.json")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert data["findings"] == []
    assert os.path.realpath(source_of(data, "TrainingJob")) == os.path.realpath(os.path.join(
        need_shared("examples", "kubeconform"), "fixtures", "registry",
        "trainingjob-sagemaker-v1.json"))


def test_rowN4_locations_are_tried_in_order(tmp_path):
    """The first location has no trainingjob.json, the second has the file; run from a
    copy, so a schema that the first template would find can be added."""
    src = need_shared("examples", "kubeconform", "fixtures")
    root = tmp_path / "kc"
    (root / "fixtures").mkdir(parents=True)
    shutil.copy(os.path.join(src, "test_crd.yaml"), root / "fixtures")
    shutil.copytree(os.path.join(src, "registry"), root / "fixtures" / "registry")
    first, second = "fixtures/{{ .ResourceKind }}.json", \
        "./fixtures/registry/{{ .ResourceKind }}{{ .KindSuffix }}.json"
    args = ["fixtures/test_crd.yaml", "--offline", "--cache", str(tmp_path / "cache"),
            "--schema-location", first, "--schema-location", second]
    p, data = validate(*args, cwd=str(root))
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert data["findings"] == []
    assert source_of(data, "TrainingJob") == str(
        root / "fixtures" / "registry" / "trainingjob-sagemaker-v1.json")
    # a schema at the first location wins (one requiring a field the TrainingJob lacks)
    (root / "fixtures" / "trainingjob.json").write_text(json.dumps(
        {"type": "object", "required": ["notThere"]}))
    p, data = validate(*args, cwd=str(root))
    assert source_of(data, "TrainingJob") == str(root / "fixtures" / "trainingjob.json")
    assert p.returncode == 1 and [f["rule"] for f in data["findings"]] == ["schema"]


def test_rowN5_non_standalone_schema_and_its_ref_from_the_cache(tmp_path):
    cache = cache_copy(tmp_path)
    p, data = validate("fixtures/valid.yaml", "--offline", "--cache", str(cache), *MASTER,
                       "--schema-location", RAW + NON_STANDALONE)
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert data["findings"] == []     # the $ref to _definitions.json came from the cache
    assert source_of(data, "ReplicationController") == \
        RAW + "/master/replicationcontroller-v1.json"
    p, data = validate("fixtures/invalid.yaml", "--offline", "--cache", str(cache), *MASTER,
                       "--schema-location", RAW + NON_STANDALONE)
    assert p.returncode == 1
    assert any(f["path"] == "/spec/replicas" for f in data["findings"]), data["findings"]
    # without _definitions.json the reference cannot be resolved: reported, not ignored
    os.unlink(cache / hashlib.sha256((RAW + "/master/_definitions.json").encode()).hexdigest())
    p, data = validate("fixtures/valid.yaml", "--offline", "--cache", str(cache), *MASTER,
                       "--schema-location", RAW + NON_STANDALONE)
    assert [f["rule"] for f in data["findings"]] == ["schema-source"], data["findings"]
    assert "_definitions.json" in data["findings"][0]["message"]


def test_row61_plain_local_json_file_as_location(tmp_path):
    """Not a template: one schema file for the kind; a Go-style duration ("5m") passes."""
    p, data = validate("fixtures/grafana-alert-rule-group-sample.yaml", "--offline",
                       "--cache", str(tmp_path / "cache"), "--schema-location",
                       "./fixtures/grafanaalertrulegroup_v1beta1.json")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert data["findings"] == []
    assert os.path.realpath(source_of(data, "GrafanaAlertRuleGroup")) == os.path.realpath(
        os.path.join(need_shared("examples", "kubeconform"), "fixtures",
                     "grafanaalertrulegroup_v1beta1.json"))


# --------------------------------------------------------------------------------------
# standard input (rows 35-39, 51, 53) and List kinds (row 52)
# --------------------------------------------------------------------------------------

def fixture_text(name):
    with open(need_shared("examples", "kubeconform", "fixtures", name), encoding="utf-8") as f:
        return f.read()


@pytest.mark.parametrize("row, fixture, code, n", [
    ("35-36", "valid.yaml", 0, 1),
    ("37", "invalid.yaml", 1, 1),
    ("51", "list_valid.yaml", 0, 6),
    ("53", "list_invalid.yaml", 1, 2),
])
def test_stdin_dash(row, fixture, code, n, tmp_path):
    p, data = validate("-", "--offline", "--cache", str(tmp_path / "cache"),
                       input=fixture_text(fixture))
    assert p.returncode == code, (p.stdout, p.stderr)
    assert data["summary"]["resourcesChecked"] == n
    if code:
        errs = [f for f in data["findings"] if f["severity"] == "error"]
        assert errs and all(f["file"] == "stdin" and f["line"] > 0 for f in errs), errs
    else:
        assert data["findings"] == []


def test_row52_list_item_error_names_path_file_and_line(tmp_path):
    p, data = validate("fixtures/list_invalid.yaml", "--offline",
                       "--cache", str(tmp_path / "cache"))
    assert p.returncode == 1
    f = [f for f in data["findings"] if f["path"] == "/spec/replicas"]
    assert len(f) == 1, data["findings"]
    f = f[0]
    assert f["rule"] == "schema" and "integer" in f["message"]
    assert f["file"] == "fixtures/list_invalid.yaml" and f["line"] == 26, f
    assert f["resource"]["kind"] == "ReplicationController" and f["resource"]["name"] == "bob"
    p, data = validate("-", "--offline", "--cache", str(tmp_path / "cache"),
                       input=fixture_text("list_invalid.yaml"))
    assert [(g["file"], g["line"]) for g in data["findings"] if g["path"] == "/spec/replicas"] \
        == [("stdin", 26)]


def test_row35_differs_stdin_is_read_only_for_dash(tmp_path):
    """kubeconform reads stdin when given no file. kustgen without PATHS validates the
    environments of kustgen.yaml (else the kustomization roots below the current folder):
    here, an empty folder, nothing; stdin needs an explicit `-`."""
    p, data = validate("--offline", "--cache", str(tmp_path / "cache"), cwd=str(tmp_path),
                       input=fixture_text("valid.yaml"))
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert data["summary"]["resourcesChecked"] == 0


def test_rows38_39_differ_empty_stdin_is_an_empty_input(tmp_path):
    """kubeconform fails when nothing is piped. kustgen: `-` with an empty (or closed)
    standard input is an empty manifest, 0 resources, exit 0, like an empty file (row
    15); only a terminal on stdin is refused (next test)."""
    p, data = validate("-", "--offline", "--cache", str(tmp_path / "cache"),
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert data["summary"]["resourcesChecked"] == 0 and data["findings"] == []


def test_row39_dash_on_a_terminal_is_a_usage_error():
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    try:
        p, data = validate("-", stdin=slave)
    finally:
        os.close(slave)
        os.close(master)
    assert p.returncode == 2
    assert data is None
    assert "nothing is piped in" in p.stderr, p.stderr


# --------------------------------------------------------------------------------------
# fixtures that no acceptance test uses
# --------------------------------------------------------------------------------------

# (fixture, kind, name as the message shows it, line of the first of the two)
DUPLICATES = [
    ("duplicates.yaml", "ReplicationController", "bob", 3),
    ("duplicates-with-namespace.yaml", "ReplicationController", "x/bob", 3),
    ("duplicates-non-namespaced.yaml", "PersistentVolume", "pv0003", 3),
    # same group, kind and name, another version: one object in the cluster
    ("same-kind-different-api.yaml", "Deployment", "nginx-deployment", 7),
]


@pytest.mark.parametrize("fixture, kind, name, first", DUPLICATES,
                         ids=[d[0] for d in DUPLICATES])
def test_duplicates_are_errors(fixture, kind, name, first, tmp_path):
    p, data = validate("fixtures/" + fixture, "--offline", "--cache", str(tmp_path / "c"))
    assert p.returncode == 1
    dup = [f for f in data["findings"] if f["rule"] == "duplicate-resource"]
    assert len(dup) == 1, data["findings"]
    assert dup[0]["severity"] == "error"
    assert dup[0]["file"] == "fixtures/" + fixture and dup[0]["line"] > 1
    assert "%s %s is defined twice" % (kind, name) in dup[0]["message"]
    # the message says where the first one is
    assert re.search(r"(line |:)%d\b" % first, dup[0]["message"]), dup[0]["message"]
    assert data["summary"]["resourcesChecked"] == 2


@pytest.mark.parametrize("fixture", [
    "same-object-different-namespace.yaml",
    "same-object-different-namespace-default.yaml",
    # one of the two has no namespace: where it lands depends on the target namespace, so
    # it is not provably the same object
    "duplicates-with-namespace-default.yaml",
])
def test_not_provably_the_same_object_is_no_duplicate(fixture, tmp_path):
    p, data = validate("fixtures/" + fixture, "--offline", "--cache", str(tmp_path / "c"))
    assert p.returncode == 0, data["findings"]
    assert data["findings"] == []
    assert data["summary"]["resourcesChecked"] == 2


@pytest.mark.parametrize("fixture, n", [
    ("full_domain_group.yaml", 1),
    ("valid_version.yaml", 1),
    ("null_array.yaml", 1),
    ("multi_valid_source.yaml", 6),
])
def test_unused_fixtures_that_are_valid(fixture, n, tmp_path):
    p, data = validate("fixtures/" + fixture, "--offline", "--cache", str(tmp_path / "c"))
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert data["findings"] == []
    assert data["summary"]["resourcesChecked"] == n


def test_unconventional_keys_plain_manifest_is_validated(tmp_path):
    """`data` keys written as 5, 3.14 and true. As a plain manifest (what kubectl apply or
    an Argo CD directory app reads, through sigs.k8s.io/yaml) the keys become the strings
    "5", "3.14", "true" and the ConfigMap is valid, as kubeconform says: no error, the
    ConfigMap is validated (a warning that kustomize would refuse it is fine)."""
    p, data = validate("fixtures/unconventional_keys.yaml", "--offline",
                       "--cache", str(tmp_path / "c"))
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    assert errors == [], errors
    assert p.returncode == 0
    assert data["summary"]["resourcesChecked"] == 1


def test_unconventional_keys_read_by_a_kustomization_are_a_render_error(tmp_path):
    """kustomize itself refuses non-string keys below the top level (`kubectl kustomize`:
    "json: unsupported type: map[interface {}]interface {}"): through an overlay the same
    file is a render-error at the first such key, exit 2."""
    shutil.copy(need_shared("examples", "kubeconform", "fixtures", "unconventional_keys.yaml"),
                tmp_path / "cm.yaml")
    (tmp_path / "kustomization.yaml").write_text("resources:\n- cm.yaml\n")
    p, data = validate(".", "--offline", "--cache", str(tmp_path / "c"), cwd=str(tmp_path))
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert [(f["rule"], f["file"], f["line"]) for f in data["findings"]] == \
        [("render-error", "cm.yaml", 6)]
    assert '"5"' in data["findings"][0]["message"]


def test_multi_invalid_resources_five_missing_kind_errors(tmp_path):
    p, data = validate("fixtures/multi_invalid_resources.yaml", "--offline",
                       "--cache", str(tmp_path / "c"))
    assert p.returncode == 1
    assert [(f["rule"], f["message"]) for f in data["findings"]] == \
        [("invalid-manifest", "missing 'kind' key")] * 5
    assert len({f["line"] for f in data["findings"]}) == 5
    assert data["summary"]["resourcesChecked"] == 0
