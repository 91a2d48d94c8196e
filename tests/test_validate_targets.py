"""kustgen validate on a whole repository: which overlays a path stands for, kustgen.yaml's
environments and schema settings, plain manifests, stdin, duplicates, the coverage
summary, remote schema locations with their cache, and the example repo (README's main
job) validating clean and offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO, copy_example, need_shared
from local_http import LocalServer


def run(cwd, *args, stdin=None, env=None):
    e = dict(os.environ, PYTHONPATH=REPO, NO_COLOR="1")
    e.update(env or {})
    p = subprocess.run([sys.executable, "-m", "kustgen", "validate", *args], cwd=cwd,
                       capture_output=True, text=True, env=e, input=stdin, timeout=300)
    assert "Traceback" not in p.stderr, p.stderr
    return p


def run_json(cwd, *args, **kw):
    p = run(cwd, "--format", "json", *args, **kw)
    return p, json.loads(p.stdout)


@pytest.fixture
def repo(tmp_path):
    """A copy of the example repo (kustgen.yaml, vendored schemas, base, overlays)."""
    root = copy_example(tmp_path / "infra")
    (root / ".git").mkdir()
    return root


def overlays_of(data):
    return sorted({f["overlay"] for f in data["findings"]})


def break_vpc(root):
    p = root / "base" / "network" / "vpc.yaml"
    text = p.read_text()
    assert "enableDnsSupport: true" in text
    p.write_text(text.replace("enableDnsSupport: true", "enableDnsSupport: \"yes\""))
    line = next(i for i, l in enumerate(p.read_text().splitlines(), 1) if "enableDnsSupport" in l)
    return p, line


def test_example_repo_validates_clean_offline_with_every_kind_covered():
    """README's main job: `kustgen validate` at the repo root, offline, nothing to report,
    and no kind left without a schema."""
    p, data = run_json(REPO, "--offline", "--summary")
    assert p.returncode == 0, p.stdout + p.stderr
    assert data["findings"] == []
    assert data["summary"]["resourcesChecked"] >= 50
    skipped = [c for c in data["coverage"] if c["skipped"]]
    assert skipped == []
    sources = {c["kind"]: c["source"] for c in data["coverage"]}
    assert sources["Subnet"].endswith("ec2.aws.upbound.io/subnet_v1beta1.json")
    assert sources["Bucket"].startswith("XRD ")
    assert "built-in Kubernetes" in sources["Namespace"]


def test_vendored_schemas_are_what_schemas_import_makes_of_the_upstream_crds(tmp_path):
    """schemas/ was written by `kustgen schemas import` from ../shared/crds: importing the
    same CRDs again gives byte-identical files (so the catalog is neither stale nor edited)."""
    lock = json.loads(open(os.path.join(REPO, "schemas", "schemas.lock.json")).read())
    sources = sorted({e["source"] for e in lock["schemas"].values()})
    assert all(s.startswith("../shared/crds/") for s in sources), sources
    need_shared("crds")
    out = tmp_path / "fresh"
    e = dict(os.environ, PYTHONPATH=REPO)
    p = subprocess.run([sys.executable, "-m", "kustgen", "schemas", "import", *sources,
                        "--to", str(out)], cwd=REPO, capture_output=True, text=True, env=e)
    assert p.returncode == 0, p.stderr
    for rel, entry in lock["schemas"].items():
        mine = open(os.path.join(REPO, "schemas", *rel.split("/")), "rb").read()
        fresh = (out / rel).read_bytes()
        assert mine == fresh, rel


def test_a_base_file_stands_for_every_overlay_that_includes_it(repo):
    path, line = break_vpc(repo)
    p, data = run_json(repo, "base/network/vpc.yaml")
    assert p.returncode == 1
    assert overlays_of(data) == ["overlays/dev", "overlays/prod", "overlays/staging"]
    for f in data["findings"]:
        assert (f["file"], f["line"], f["rule"]) == ("base/network/vpc.yaml", line, "schema")
        assert f["path"] == "/spec/forProvider/enableDnsSupport"


def test_a_patch_file_stands_for_its_overlay_only(repo):
    p = repo / "overlays" / "prod" / "patches" / "orders-db.yaml"
    text = p.read_text()
    assert "storageGB: 200" in text
    p.write_text(text.replace("storageGB: 200", "storageGB: lots"))
    line = next(i for i, l in enumerate(p.read_text().splitlines(), 1) if "storageGB" in l)
    r, data = run_json(repo, "overlays/prod/patches/orders-db.yaml")
    assert r.returncode == 1
    assert [(f["overlay"], f["file"], f["line"], f["path"]) for f in data["findings"]] == [
        ("overlays/prod", "overlays/prod/patches/orders-db.yaml", line,
         "/spec/parameters/storageGB")]
    assert data["summary"]["resourcesChecked"] == run_json(repo, "overlays/prod")[1][
        "summary"]["resourcesChecked"]


def test_a_folder_stands_for_the_overlays_reading_files_below_it(repo):
    _, line = break_vpc(repo)
    p, data = run_json(repo, "base/network")
    assert overlays_of(data) == ["overlays/dev", "overlays/prod", "overlays/staging"]
    p, data = run_json(repo, "overlays/staging")
    assert overlays_of(data) == ["overlays/staging"]


def test_no_paths_means_the_environments_of_kustgen_yaml(repo):
    _, line = break_vpc(repo)
    p, data = run_json(repo)
    assert p.returncode == 1
    assert overlays_of(data) == ["overlays/dev", "overlays/prod", "overlays/staging"]
    cfg = repo / "kustgen.yaml"
    cfg.write_text(cfg.read_text().replace("  - name: staging\n", "  - name: staging\n"
                                           "  - name: qa\n"))
    p, data = run_json(repo)
    assert p.returncode == 2          # an environment without an overlay cannot render
    qa = [f for f in data["findings"] if f["rule"] == "render-error"]
    assert len(qa) == 1 and qa[0]["file"] == "kustgen.yaml" and qa[0]["line"] > 0
    assert "overlays/qa" in qa[0]["message"] and "env add qa" in qa[0]["message"]


def test_a_file_no_kustomization_reads_is_validated_as_a_plain_manifest(repo):
    extra = repo / "scratch"
    extra.mkdir()
    (extra / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: 1\n")
    p, data = run_json(repo, "scratch/cm.yaml")
    assert p.returncode == 1
    [f] = data["findings"]
    assert (f["file"], f["line"], f["overlay"], f["path"]) == ("scratch/cm.yaml", 6, "",
                                                               "/data/a")
    assert data["summary"]["resourcesChecked"] == 1


def test_standard_input(repo):
    doc = ("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
           "  ports:\n  - port: \"eighty\"\n")
    p, data = run_json(repo, "-", stdin=doc)
    assert p.returncode == 1
    [f] = data["findings"]
    assert (f["file"], f["line"], f["path"]) == ("stdin", 7, "/spec/ports/0/port")


def test_duplicate_resources_in_one_file(tmp_path):
    """Documents of one file are applied together: the same object twice is an error.
    Separate files (often independent examples) are not compared."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: ns\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n  namespace: ns\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: ns\n")
    (tmp_path / "b.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: ns\n")
    p, data = run_json(tmp_path, ".")
    assert p.returncode == 1
    [f] = data["findings"]
    assert (f["rule"], f["file"], f["line"]) == ("duplicate-resource", "a.yaml", 13)
    assert "line 1" in f["message"]


def test_coverage_summary_in_text(repo):
    p = run(repo, "overlays/dev", "--summary")
    assert p.returncode == 0
    lines = p.stdout.splitlines()
    head = next(i for i, l in enumerate(lines) if l.startswith("kind "))
    rows = {l.split()[1]: l.split() for l in lines[head + 1:] if l.strip()}
    assert rows["VPC"][2:4] == ["1", "0"]
    assert rows["Bucket"][2] == "1"


# --------------------------------------------------------------------------------------
# remote schema locations: a real HTTP server on 127.0.0.1
# --------------------------------------------------------------------------------------
WIDGET_SCHEMA = {
    "type": "object",
    "required": ["spec"],
    "properties": {
        "apiVersion": {"type": "string"}, "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {"type": "object", "additionalProperties": False,
                 "properties": {"size": {"type": "integer"}}},
    },
}


def test_remote_schema_location_downloads_once_then_works_from_the_cache(tmp_path):
    served = tmp_path / "served" / "example.org"
    served.mkdir(parents=True)
    (served / "widget_v1.json").write_text(json.dumps(WIDGET_SCHEMA))
    work = tmp_path / "work"
    work.mkdir()
    (work / ".git").mkdir()
    (work / "w.yaml").write_text("apiVersion: example.org/v1\nkind: Widget\nmetadata:\n"
                                 "  name: w\nspec:\n  size: big\n")
    cache = tmp_path / "cache"
    srv = LocalServer(tmp_path / "served")
    template = ("http://127.0.0.1:%d/{{ .Group }}/{{ .ResourceKind }}_"
                "{{ .ResourceAPIVersion }}.json" % srv.port)
    env = {"NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    try:
        p, first = run_json(work, "w.yaml", "--schema-location", template, "--cache", str(cache),
                            env=env)
        assert srv.requests == ["/example.org/widget_v1.json"]
        assert p.returncode == 1
        assert [(f["rule"], f["line"], f["path"]) for f in first["findings"]] == [
            ("schema", 6, "/spec/size")]
        assert any(cache.rglob("*")), "the download is cached on disk"
    finally:
        srv.stop()
    # server gone: the cache answers
    p, second = run_json(work, "w.yaml", "--schema-location", template, "--cache", str(cache),
                         env=env)
    assert second["findings"] == first["findings"]
    # --offline with an empty cache never connects: the schema is reported missing
    srv2 = LocalServer(tmp_path / "served")
    try:
        template2 = template.replace(str(srv.port), str(srv2.port))
        p, off = run_json(work, "w.yaml", "--offline", "--schema-location", template2,
                          "--cache", str(tmp_path / "empty-cache"), env=env)
        assert srv2.requests == []
        rules = sorted(f["rule"] for f in off["findings"])
        assert rules == ["missing-schema", "schema-source"]
        assert any("--offline" in f["message"] or "cache" in f["message"]
                   for f in off["findings"] if f["rule"] == "schema-source")
    finally:
        srv2.stop()


def test_schema_locations_from_kustgen_yaml(tmp_path):
    reg = tmp_path / "registry" / "example.org"
    reg.mkdir(parents=True)
    (reg / "widget_v1.json").write_text(json.dumps(WIDGET_SCHEMA))
    (tmp_path / ".git").mkdir()
    (tmp_path / "kustgen.yaml").write_text(
        "apiVersion: kustgen.dev/v1alpha1\nkind: Config\nschemas:\n  locations:\n"
        "    - registry/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json\n"
        "  missing: {default: error}\n")
    (tmp_path / "w.yaml").write_text("apiVersion: example.org/v1\nkind: Widget\nmetadata:\n"
                                     "  name: w\nspec:\n  sise: 1\n")
    (tmp_path / "g.yaml").write_text("apiVersion: example.org/v1\nkind: Gadget\nmetadata:\n"
                                     "  name: g\n")
    p, data = run_json(tmp_path, "w.yaml", "g.yaml")
    got = sorted((f["file"], f["rule"], f["severity"]) for f in data["findings"])
    assert got == [("g.yaml", "missing-schema", "error"), ("w.yaml", "schema", "error")]


def test_upstream_examples_validate_through_the_cli():
    """`kustgen validate` on every provider-aws and provider-aws-classic example with
    ../shared/crds: no finding for any document that has a CRD (strict mode, CEL on).
    Names with uptest's `${Rand.RFC1123Subdomain}` placeholder are checked with the
    placeholder filled in. What is reported is true: three v1 Secrets carry the text
    `<REPLACEME>` under `data`, which is not base64, and the API server rejects them."""
    ex = need_shared("examples")
    crds = need_shared("crds")
    p, data = run_json(REPO, os.path.join(ex, "provider-aws"),
                       os.path.join(ex, "provider-aws-classic"), "--crds", crds)
    assert data["summary"]["resourcesChecked"] > 500
    left = [(f["resource"]["kind"], f["path"], f["message"]) for f in data["findings"]]
    assert left and all(k == "Secret" and path == "/data/credentials" and "<REPLACEME>" in m
                        for k, path, m in left), left
    p, data = run_json(REPO, os.path.join(ex, "known-invalid"), "--crds", crds)
    by_file = {}
    for f in data["findings"]:
        by_file.setdefault(f["file"].split("known-invalid/")[1], []).append(
            (f["rule"], f["message"]))
    assert len(by_file) == 7
    assert ("cel", "spec.forProvider.userName is a required parameter") in by_file[
        "provider-aws/iam/cluster/v1beta1/signingcertificate.yaml"]
    assert any('unknown field "dbProxyEndpointName"' in m for _, m in by_file[
        "provider-aws/rds/cluster/v1beta1/proxyendpoint.yaml"])
    assert [r for r, _ in by_file["provider-aws/storeconfig/namespaced/v1beta1/vault.yaml"]] == [
        "missing-schema"]
