"""kustgen schemas import (kustgen.schemas.vendor) and the catalog source it feeds
(kustgen.schemas.sources.catalog), on real upstream CRDs and examples from ../shared."""

from __future__ import annotations

import copy
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from conftest import REPO, need_shared
from local_http import LocalServer
from kustgen.model.errors import ConfigError, KustgenError
from kustgen.schemas import validate_object
from kustgen.schemas.sources.catalog import CatalogSource
from kustgen.schemas.vendor import LOCK_NAME, import_crds, read_lock

BUCKET = "s3.aws.upbound.io/bucket_v1beta1.json"


def crd(*parts: str) -> str:
    return need_shared("crds", *parts)


def bucket_crd() -> str:
    return crd("provider-aws", "upjet", "s3.aws.upbound.io_buckets.yaml")


def s3_crds() -> list[str]:
    files = sorted(glob.glob(os.path.join(crd("provider-aws", "upjet"),
                                          "s3.aws.upbound.io_*.yaml")))
    assert len(files) > 5
    return files


def sha(path) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def snapshot(d) -> dict:
    out = {}
    for root, _, names in os.walk(d):
        for n in names:
            p = os.path.join(root, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, d)] = (f.read(), os.stat(p).st_mtime_ns)
    return out


def run(args, cwd, input=None, env=None):
    e = dict(os.environ, PYTHONPATH=REPO, **(env or {}))
    return subprocess.run([sys.executable, "-m", "kustgen"] + list(args), cwd=str(cwd),
                          input=input, capture_output=True, env=e, timeout=300)


def example_docs(kind=None) -> list[dict]:
    d = need_shared("examples", "provider-aws", "s3", "cluster", "v1beta1")
    out = []
    for p in sorted(glob.glob(os.path.join(d, "*.yaml"))):
        with open(p) as f:
            for doc in yaml.safe_load_all(f):
                if isinstance(doc, dict) and (kind is None or doc.get("kind") == kind):
                    out.append(doc)
    return out


# --------------------------------------------------------------------------------------
# import
# --------------------------------------------------------------------------------------

def test_import_file_writes_catalog_and_lock(tmp_path):
    dest = tmp_path / "schemas"
    res = import_crds([bucket_crd()], str(dest))
    assert res.ok and res.skipped == 0
    assert sorted(res.added) == [BUCKET, "s3.aws.upbound.io/bucket_v1beta2.json"]
    assert not res.updated and not res.unchanged

    with open(bucket_crd()) as f:
        src = yaml.safe_load(f)
    v1 = next(v for v in src["spec"]["versions"] if v["name"] == "v1beta1")
    path = dest / BUCKET
    text = path.read_text()
    assert text.endswith("}\n")
    data = json.loads(text)
    # the raw openAPIV3Schema, Kubernetes extensions included, nothing added at the root
    assert data == v1["schema"]["openAPIV3Schema"]
    assert text == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert '"x-kubernetes-list-type"' in text and '"x-kubernetes-map-type"' in text

    lock = json.loads((dest / LOCK_NAME).read_text())
    assert lock["version"] == 1
    assert sorted(lock["schemas"]) == sorted(res.added)
    e = lock["schemas"][BUCKET]
    assert e == {"apiVersion": "s3.aws.upbound.io/v1beta1", "kind": "Bucket",
                 "scope": "Cluster", "crd": "buckets.s3.aws.upbound.io",
                 "source": bucket_crd(), "sha256": sha(path)}
    assert (dest / LOCK_NAME).read_text() == json.dumps(lock, sort_keys=True, indent=2) + "\n"
    assert read_lock(str(dest)) == lock
    assert read_lock(str(tmp_path / "nothing")) == {"version": 1, "schemas": {}}
    # no temporary files left behind
    assert not [p for p in snapshot(dest) if os.path.basename(p).startswith(".")]


def test_import_folder_recursive(tmp_path):
    src = tmp_path / "crds"
    (src / "nested").mkdir(parents=True)
    files = s3_crds()[:4]
    for i, f in enumerate(files):
        shutil.copy(f, (src / "nested" if i % 2 else src) / os.path.basename(f))
    (src / "notes.txt").write_text("not yaml at all: [")
    (src / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    dest = tmp_path / "out"
    res = import_crds([str(src)], str(dest))
    assert res.ok, res.errors
    assert res.skipped == 1                       # the ConfigMap; notes.txt is not read
    lock = read_lock(str(dest))["schemas"]
    assert sorted(lock) == sorted(res.added)
    groups = {p.split("/")[0] for p in res.added}
    assert groups == {"s3.aws.upbound.io"}
    assert len(res.added) >= 4
    for rel, e in lock.items():
        assert e["source"].startswith(str(src)) and e["source"].endswith(".yaml")
        assert sha(dest / rel) == e["sha256"]
        kind, version = rel.split("/")[1][:-5].split("_")
        assert kind == e["kind"].lower() and e["apiVersion"].endswith("/" + version)


def test_import_stdin_list_via_cli(tmp_path):
    items = []
    for f in [bucket_crd(), crd("provider-aws", "upjet", "s3.aws.upbound.io_objects.yaml")]:
        with open(f) as fh:
            d = yaml.safe_load(fh)
        d["metadata"]["resourceVersion"] = "123"          # as kubectl prints them
        d["status"] = {"acceptedNames": d["spec"]["names"], "storedVersions": ["v1beta1"]}
        items.append(d)
    text = yaml.safe_dump({"apiVersion": "v1", "kind": "List", "metadata": {},
                           "items": items})
    r = run(["schemas", "import", "-", "--to", "cat"], tmp_path, input=text.encode())
    assert r.returncode == 0, r.stderr.decode()
    out = r.stdout.decode().splitlines()
    assert "added      %s" % BUCKET in out
    assert any(line.startswith("added") and "object_v1beta1.json" in line for line in out)
    assert out[-1].startswith("4 added, 0 updated, 0 unchanged")
    lock = read_lock(str(tmp_path / "cat"))["schemas"]
    assert lock[BUCKET]["source"] == "stdin"
    assert sha(tmp_path / "cat" / BUCKET) == lock[BUCKET]["sha256"]
    # the same CRD from a file gives the same schema file: only the lock's source changes
    before = (tmp_path / "cat" / BUCKET).read_bytes()
    r = run(["schemas", "import", bucket_crd(), "--to", "cat"], tmp_path)
    assert r.returncode == 0
    assert "updated    %s" % BUCKET in r.stdout.decode().splitlines()
    assert (tmp_path / "cat" / BUCKET).read_bytes() == before
    assert read_lock(str(tmp_path / "cat"))["schemas"][BUCKET]["source"] == bucket_crd()

    # multi-document stdin works too
    multi = "---\n".join(yaml.safe_dump(d) for d in items)
    r = run(["schemas", "import", "-", "--to", "cat2", "--kinds", "Object"], tmp_path,
            input=multi.encode())
    assert r.returncode == 0, r.stderr.decode()
    assert sorted(read_lock(str(tmp_path / "cat2"))["schemas"]) == [
        "s3.aws.upbound.io/object_v1beta1.json", "s3.aws.upbound.io/object_v1beta2.json"]


@pytest.fixture
def http_dir(tmp_path, monkeypatch):
    root = tmp_path / "www"
    root.mkdir()
    for k in [k for k in os.environ if k.lower() in ("http_proxy", "https_proxy", "all_proxy")]:
        monkeypatch.delenv(k)

    with LocalServer(root) as srv:
        yield root, srv.url


def test_import_url(tmp_path, http_dir):
    from kustgen.schemas.fetch import Fetcher
    root, base = http_dir
    shutil.copy(bucket_crd(), root / "buckets.yaml")
    url = base + "/buckets.yaml"
    fetcher = Fetcher(str(tmp_path / "cache"))
    res = import_crds([url, base + "/missing.yaml"], str(tmp_path / "out"), fetcher=fetcher)
    assert sorted(res.added) == [BUCKET, "s3.aws.upbound.io/bucket_v1beta2.json"]
    assert len(res.errors) == 1 and "missing.yaml" in str(res.errors[0])
    assert "404" in str(res.errors[0])
    lock = read_lock(str(tmp_path / "out"))["schemas"]
    assert lock[BUCKET]["source"] == url
    with open(bucket_crd(), "rb") as f:
        assert fetcher.get(url) == f.read()

    # the CLI goes through the default cache ($KUSTGEN_CACHE_DIR): once filled, --offline
    # works with the server gone
    env = {"KUSTGEN_CACHE_DIR": str(tmp_path / "cli-cache"), "NO_PROXY": "*"}
    r = run(["schemas", "import", url, "--to", "cli"], tmp_path, env=env)
    assert r.returncode == 0, r.stderr.decode()
    assert os.listdir(tmp_path / "cli-cache")
    (root / "buckets.yaml").unlink()
    r = run(["schemas", "import", url, "--to", "cli", "--offline"], tmp_path, env=env)
    assert r.returncode == 0, r.stderr.decode()
    assert "unchanged  %s" % BUCKET in r.stdout.decode().splitlines()
    r = run(["schemas", "import", base + "/other.yaml", "--to", "cli", "--offline"],
            tmp_path, env=env)
    assert r.returncode == 1
    err = r.stderr.decode()
    assert err.startswith("kustgen: ") and "offline" in err and "Traceback" not in err


def test_idempotent(tmp_path):
    dest = tmp_path / "s"
    r = run(["schemas", "import", bucket_crd(), "--to", "s"], tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    before = snapshot(dest)
    r = run(["schemas", "import", bucket_crd(), "--to", "s"], tmp_path)
    assert r.returncode == 0
    assert r.stdout.decode().splitlines() == [
        "unchanged  " + BUCKET, "unchanged  s3.aws.upbound.io/bucket_v1beta2.json",
        "0 added, 0 updated, 2 unchanged in s"]
    assert snapshot(dest) == before           # same bytes, not even rewritten
    res = import_crds([bucket_crd()], str(dest))
    assert sorted(res.unchanged) == sorted(before_keys(before)) and not res.added
    assert snapshot(dest) == before


def before_keys(snap) -> list[str]:
    return [k.replace(os.sep, "/") for k in snap if k != LOCK_NAME]


def test_hand_edited_file_needs_force(tmp_path):
    dest = tmp_path / "s"
    import_crds([bucket_crd()], str(dest))
    path = dest / BUCKET
    original = path.read_bytes()
    edited = original.replace(b'"type": "object"', b'"type": "object", "title": "mine"', 1)
    path.write_bytes(edited)
    lock_before = (dest / LOCK_NAME).read_bytes()

    r = run(["schemas", "import", bucket_crd(), "--to", "s"], tmp_path)
    assert r.returncode == 1
    err = r.stderr.decode()
    assert "bucket_v1beta1.json" in err and "--force" in err and "Traceback" not in err
    assert path.read_bytes() == edited
    assert (dest / LOCK_NAME).read_bytes() == lock_before
    assert "unchanged  s3.aws.upbound.io/bucket_v1beta2.json" in r.stdout.decode()
    assert "1 conflicts" in r.stdout.decode().splitlines()[-1]

    r = run(["schemas", "import", bucket_crd(), "--to", "s", "--force"], tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    assert "updated    " + BUCKET in r.stdout.decode().splitlines()
    assert path.read_bytes() == original
    assert read_lock(str(dest))["schemas"][BUCKET]["sha256"] == sha(path)

    # a file not recorded in the lock is not overwritten either
    other = dest / "s3.aws.upbound.io" / "object_v1beta1.json"
    other.write_text("{}\n")
    res = import_crds([crd("provider-aws", "upjet", "s3.aws.upbound.io_objects.yaml")],
                      str(dest))
    assert res.conflicts == ["s3.aws.upbound.io/object_v1beta1.json"]
    assert other.read_text() == "{}\n"


def test_new_content_updates_pristine_file(tmp_path):
    with open(bucket_crd()) as f:
        d = yaml.safe_load(f)
    src = tmp_path / "b.yaml"
    src.write_text(yaml.safe_dump(d))
    dest = tmp_path / "s"
    import_crds([str(src)], str(dest))
    d["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["description"] = "changed"
    src.write_text(yaml.safe_dump(d))
    res = import_crds([str(src)], str(dest))
    assert res.updated == [BUCKET] and res.unchanged == ["s3.aws.upbound.io/bucket_v1beta2.json"]
    assert json.loads((dest / BUCKET).read_text())["description"] == "changed"
    assert read_lock(str(dest))["schemas"][BUCKET]["sha256"] == sha(dest / BUCKET)


def test_kinds_filter(tmp_path):
    res = import_crds(s3_crds(), str(tmp_path / "a"), kinds=["Bucket"])
    assert sorted(res.added) == [BUCKET, "s3.aws.upbound.io/bucket_v1beta2.json"]
    assert res.filtered > 0
    res = import_crds(s3_crds(), str(tmp_path / "b"), kinds=["s3.aws.upbound.io/BucketV*"])
    assert res.added and all("/bucketversioning_" in p for p in res.added)
    r = run(["schemas", "import", *s3_crds(), "--to", "c", "--kinds", "object,bucketacl",
             "--kinds", "nothing*"], tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    kinds = {p.split("/")[1].split("_")[0] for p in read_lock(str(tmp_path / "c"))["schemas"]}
    assert kinds == {"object", "bucketacl"}


def test_broken_file_reported_others_imported(tmp_path):
    src = tmp_path / "crds"
    src.mkdir()
    shutil.copy(bucket_crd(), src / "a.yaml")
    (src / "broken.yaml").write_text("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: [1, 2\n")
    res = import_crds([str(src), str(tmp_path / "absent.yaml")], str(tmp_path / "out"))
    assert len(res.added) == 2
    assert len(res.errors) == 2
    broken = res.errors[0]
    assert isinstance(broken, KustgenError)
    assert broken.file == str(src / "broken.yaml") and broken.line
    assert str(broken).startswith("%s:%d" % (src / "broken.yaml", broken.line))
    assert res.errors[1].file == str(tmp_path / "absent.yaml")

    r = run(["schemas", "import", "crds", "--to", "out2"], tmp_path)
    assert r.returncode == 1
    err = r.stderr.decode().splitlines()
    assert len(err) == 1 and err[0].startswith("kustgen: crds/broken.yaml:")
    assert "Traceback" not in r.stderr.decode()
    assert (tmp_path / "out2" / BUCKET).is_file()
    assert "1 errors" in r.stdout.decode().splitlines()[-1]


def test_cli_usage_errors(tmp_path):
    r = run(["schemas", "import", "--to", "x"], tmp_path)
    assert r.returncode == 2
    (tmp_path / "file").write_text("")
    r = run(["schemas", "import", bucket_crd(), "--to", "file"], tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr.decode()
    with pytest.raises(ConfigError, match="not a directory"):
        import_crds([bucket_crd()], str(tmp_path / "file"))
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / LOCK_NAME).write_text("{not json")
    r = run(["schemas", "import", bucket_crd(), "--to", "d"], tmp_path)
    assert r.returncode == 2
    assert r.stderr.decode().startswith("kustgen: ") and LOCK_NAME in r.stderr.decode()
    assert "Traceback" not in r.stderr.decode()
    assert not (tmp_path / "d" / "s3.aws.upbound.io").exists()
    r = run(["schemas", "--help"], tmp_path)
    assert r.returncode == 0 and "import" in r.stdout.decode()


def test_crd_without_schema_and_unsafe_names(tmp_path):
    docs = [
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
         "metadata": {"name": "things.example.com"},
         "spec": {"group": "example.com", "scope": "Namespaced",
                  "names": {"kind": "Thing", "plural": "things"},
                  "versions": [{"name": "v1", "served": True, "storage": True},
                               {"name": "v0", "served": False}]}},
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
         "metadata": {"name": "evil"},
         "spec": {"group": "../../etc", "names": {"kind": "X"},
                  "versions": [{"name": "v1", "served": True}]}},
    ]
    res = import_crds(["-"], str(tmp_path / "s"),
                      stdin_text="---\n".join(yaml.safe_dump(d) for d in docs))
    assert res.added == ["example.com/thing_v1.json"]
    assert len(res.errors) == 1 and "spec.group" in str(res.errors[0])
    assert json.loads((tmp_path / "s" / "example.com" / "thing_v1.json").read_text()) == {
        "type": "object", "x-kubernetes-preserve-unknown-fields": True}
    assert not (tmp_path / "etc").exists()


# --------------------------------------------------------------------------------------
# the catalog source
# --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def s3_catalog(tmp_path_factory):
    dest = tmp_path_factory.mktemp("catalog") / "schemas"
    res = import_crds(s3_crds(), str(dest))
    assert res.ok, res.errors
    return str(dest)


def test_catalog_validates_real_examples(s3_catalog):
    src = CatalogSource(s3_catalog)
    buckets = example_docs("Bucket")
    assert len(buckets) >= 2
    entry = src.lookup("s3.aws.upbound.io/v1beta1", "Bucket")
    assert entry is not None
    assert entry.source == os.path.join(s3_catalog, "s3.aws.upbound.io", "bucket_v1beta1.json")
    assert src.lookup("s3.aws.upbound.io/v1beta1", "Bucket") is entry      # memoized
    for doc in buckets:
        assert validate_object(entry, doc) == []
    # every other s3 example with a schema in the catalog is valid too
    n = 0
    for doc in example_docs():
        e = src.lookup(doc["apiVersion"], doc["kind"])
        if e is not None:
            assert validate_object(e, doc) == [], doc["kind"]
            n += 1
    assert n > len(buckets)
    assert not src.errors


def test_catalog_keeps_api_server_semantics(s3_catalog):
    entry = CatalogSource(s3_catalog).lookup("s3.aws.upbound.io/v1beta1", "Bucket")
    doc = copy.deepcopy(example_docs("Bucket")[0])
    doc["spec"]["forProvider"]["bucketNmae"] = "typo"          # unknown: strict closing
    doc["spec"]["forProvider"]["objectLockEnabled"] = "yes"    # wrong type
    errs = validate_object(entry, doc)
    assert {(e.path, e.keyword) for e in errs} == {
        ("/spec/forProvider/bucketNmae", "additionalProperties"),
        ("/spec/forProvider/objectLockEnabled", "type")}
    # strict=False: unknown fields allowed, types still checked
    loose = CatalogSource(s3_catalog, strict=False).lookup("s3.aws.upbound.io/v1beta1",
                                                          "Bucket")
    assert [e.keyword for e in validate_object(loose, doc)] == ["type"]


def test_catalog_keeps_cel_rules(s3_catalog):
    from kustgen.schemas.cel import CelRules
    entry = CatalogSource(s3_catalog).lookup("s3.aws.upbound.io/v1beta1", "BucketVersioning")
    docs = example_docs("BucketVersioning")
    assert docs
    rules = CelRules(entry.openapi)
    for doc in docs:
        assert validate_object(entry, doc) == []
        assert [r for r in rules.evaluate(doc) if r.evaluated] == []
    bad = copy.deepcopy(docs[0])
    del bad["spec"]["forProvider"]["versioningConfiguration"]
    assert validate_object(entry, bad) == []          # only the CEL rule catches it
    failed = [r for r in rules.evaluate(bad) if r.evaluated]
    assert [r.message for r in failed] == [
        "spec.forProvider.versioningConfiguration is a required parameter"]


def test_catalog_file_is_plain_json_schema(s3_catalog):
    jsonschema = pytest.importorskip("jsonschema")
    with open(os.path.join(s3_catalog, BUCKET)) as f:
        schema = json.load(f)
    v = jsonschema.Draft7Validator(schema)
    for doc in example_docs("Bucket"):
        assert list(v.iter_errors(doc)) == []
    bad = copy.deepcopy(example_docs("Bucket")[0])
    bad["spec"]["forProvider"]["objectLockEnabled"] = "yes"
    assert [e.validator for e in v.iter_errors(bad)] == ["type"]


def test_catalog_lookup_misses_and_errors(tmp_path, s3_catalog):
    src = CatalogSource(s3_catalog)
    assert src.lookup("v1", "ConfigMap") is None
    assert src.lookup("s3.aws.upbound.io/v9", "Bucket") is None
    assert src.lookup("s3.aws.upbound.io/../v1", "Bucket") is None
    assert src.lookup("example.com/v1", "Nothing") is None
    assert not src.errors
    assert CatalogSource(str(tmp_path / "absent")).lookup("a.b/v1", "X") is None

    d = tmp_path / "bad"
    (d / "example.com").mkdir(parents=True)
    (d / "example.com" / "thing_v1.json").write_text('{"type": "object",\n  oops}\n')
    bad = CatalogSource(str(d))
    assert bad.lookup("example.com/v1", "Thing") is None
    assert len(bad.errors) == 1
    e = bad.errors[0]
    assert e.file == str(d / "example.com" / "thing_v1.json") and e.line == 2
    assert bad.lookup("example.com/v1", "Thing") is None and len(bad.errors) == 1


def test_catalog_is_lazy(tmp_path):
    d = tmp_path / "late"
    src = CatalogSource(str(d))            # folder does not exist yet: nothing listed
    import_crds([bucket_crd()], str(d))
    assert src.lookup("s3.aws.upbound.io/v1beta2", "Bucket") is not None


def test_catalog_entries(tmp_path, s3_catalog):
    src = CatalogSource(s3_catalog)
    entries = src.entries()
    lock = read_lock(s3_catalog)["schemas"]
    assert len(entries) == len(lock)
    by_path = {p: (a, k, e) for (a, k, p), e in zip(entries, entries)}
    p = os.path.join(s3_catalog, "s3.aws.upbound.io", "bucket_v1beta1.json")
    a, k, e = by_path[p]
    assert (a, k, e.scope) == ("s3.aws.upbound.io/v1beta1", "Bucket", "Cluster")

    # without a lock (e.g. a datree catalog checkout): walk the folder
    copy_dir = tmp_path / "nolock"
    shutil.copytree(s3_catalog, copy_dir)
    (copy_dir / LOCK_NAME).unlink()
    (copy_dir / "README.md").write_text("hi")
    walked = CatalogSource(str(copy_dir)).entries()
    assert len(walked) == len(entries)
    assert ("s3.aws.upbound.io/v1beta1", "bucket",
            str(copy_dir / "s3.aws.upbound.io" / "bucket_v1beta1.json")) in walked
    assert all(w.scope is None for w in walked)
