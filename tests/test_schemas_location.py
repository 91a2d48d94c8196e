"""kubeconform-compatible schema locations (kustgen.schemas.sources.location) and the
schema fetcher with its disk cache (kustgen.schemas.fetch).

Network tests talk to a real HTTP server on 127.0.0.1 that serves files from a tmp dir
and counts the requests it gets.
"""

from __future__ import annotations

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
from kustgen.schemas.fetch import FetchError, Fetcher, default_cache_dir
from kustgen.schemas.registry import Registry, validate_object
from kustgen.schemas.sources.location import (DEFAULT_LOCATION, LocationSource,
                                              normalize_location, template_values)

RAW = "https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master"
STANDALONE = RAW + ("/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}"
                    "/{{ .ResourceKind }}{{ .KindSuffix }}.json")
NON_STANDALONE = RAW + "/{{ .NormalizedKubernetesVersion }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
LAYOUT = ("{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/"
          "{{ .ResourceKind }}{{ .KindSuffix }}.json")


def sha(s) -> str:
    return hashlib.sha256(s.encode() if isinstance(s, str) else s).hexdigest()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    # requests to 127.0.0.1 must not go through a proxy from the environment
    for v in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
              "all_proxy"):
        monkeypatch.delenv(v, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def kc(*parts: str) -> str:
    return need_shared("examples", "kubeconform", *parts)


def load(path: str) -> list:
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


# --------------------------------------------------------------------------------------
# a real HTTP server
# --------------------------------------------------------------------------------------

Server = LocalServer


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    s = Server(str(root))
    yield s
    s.stop()


DEPLOYMENT_SCHEMA = {
    "type": "object",
    "required": ["apiVersion", "kind"],
    "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {
            "type": "object",
            "properties": {"replicas": {"type": "integer"}},
        },
    },
}

DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
              "spec": {"replicas": 2}}


def deployment_rel(strict: bool = False) -> str:
    return "master-standalone%s/deployment-apps-v1.json" % ("-strict" if strict else "")


# --------------------------------------------------------------------------------------
# template expansion
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("api_version,kind,expect", [
    ("v1", "ReplicationController",
     {"ResourceKind": "replicationcontroller", "ResourceAPIVersion": "v1", "Group": "v1",
      "KindSuffix": "-v1"}),
    ("apps/v1", "Deployment",
     {"ResourceKind": "deployment", "ResourceAPIVersion": "v1", "Group": "apps",
      "KindSuffix": "-apps-v1"}),
    ("sagemaker.aws.amazon.com/v1", "TrainingJob",
     {"ResourceKind": "trainingjob", "ResourceAPIVersion": "v1",
      "Group": "sagemaker.aws.amazon.com", "KindSuffix": "-sagemaker-v1"}),
    ("Networking.K8s.io/V1Beta1", "Ingress",
     {"ResourceKind": "ingress", "ResourceAPIVersion": "V1Beta1",
      "Group": "Networking.K8s.io", "KindSuffix": "-networking-v1beta1"}),
])
def test_template_values(api_version, kind, expect):
    vals = template_values(api_version, kind)
    for k, v in expect.items():
        assert vals[k] == v, k


def test_all_fields_expand_in_one_template():
    tpl = ("/s/{{.NormalizedKubernetesVersion}}|{{ .StrictSuffix }}|{{  .ResourceKind  }}|"
           "{{ .ResourceAPIVersion }}|{{ .Group }}|{{ .KindSuffix }}.json")
    src = LocationSource(tpl, kubernetes_version="1.32.0", strict=True)
    assert src.url_for("apps/v1", "Deployment") == \
        "/s/v1.32.0|-strict|deployment|v1|apps|-apps-v1.json"


def test_default_preset():
    assert normalize_location("default") == DEFAULT_LOCATION == STANDALONE
    src = LocationSource("default")
    assert src.url_for("apps/v1", "Deployment") == \
        RAW + "/master-standalone-strict/deployment-apps-v1.json"
    assert src.url_for("v1", "ReplicationController") == \
        RAW + "/master-standalone-strict/replicationcontroller-v1.json"


def test_location_without_json_suffix_gets_catalogue_layout():
    assert normalize_location("https://example.com/schemas") == \
        "https://example.com/schemas/" + LAYOUT
    assert normalize_location("https://example.com/schemas/") == \
        "https://example.com/schemas/" + LAYOUT
    src = LocationSource("https://example.com/schemas", strict=False,
                         kubernetes_version="1.32.0")
    assert src.url_for("sagemaker.aws.amazon.com/v1", "TrainingJob") == \
        "https://example.com/schemas/v1.32.0-standalone/trainingjob-sagemaker-v1.json"
    # a ".json" location is taken as is
    assert normalize_location("./x/{{ .ResourceKind }}.json") == "./x/{{ .ResourceKind }}.json"


@pytest.mark.parametrize("strict,version,expect", [
    (True, "master", "/master-standalone-strict/"),
    (False, "master", "/master-standalone/"),
    (True, "1.32.0", "/v1.32.0-standalone-strict/"),
    (False, "1.32.0", "/v1.32.0-standalone/"),
    (False, "v1.32.0", "/v1.32.0-standalone/"),
])
def test_strict_suffix_and_kubernetes_version(strict, version, expect):
    src = LocationSource(STANDALONE, strict=strict, kubernetes_version=version)
    assert src.url_for("v1", "ReplicationController") == \
        RAW + expect + "replicationcontroller-v1.json"


def test_local_template_relative_to_base_dir(tmp_path):
    src = LocationSource("schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json",
                         base_dir=str(tmp_path))
    assert src.url_for("apps/v1", "Deployment") == \
        str(tmp_path / "schemas" / "deployment-apps-v1.json")
    assert src.describe() == "schema location schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json"


@pytest.mark.parametrize("tpl,problem", [
    ("foo {{ .Foo }}", "Foo"),
    ("x/{{ if .Group }}a{{ end }}.json", "if .Group"),
    ("x/{{ .ResourceKind }.json", "unclosed"),
    ("x/{{ ResourceKind }}.json", "ResourceKind"),
])
def test_invalid_template_is_a_config_error(tpl, problem):
    with pytest.raises(ConfigError) as ei:
        LocationSource(tpl)
    msg = str(ei.value)
    assert msg.startswith("failed initialising schema location")
    assert problem in msg
    assert tpl.split("{{")[0] in msg  # names the template
    assert isinstance(ei.value, KustgenError)


# --------------------------------------------------------------------------------------
# local registries (the kubeconform fixtures)
# --------------------------------------------------------------------------------------

def test_local_registry_finds_trainingjob_and_validates():
    base = kc()
    src = LocationSource("./fixtures/registry/{{ .ResourceKind }}{{ .KindSuffix }}.json",
                         base_dir=base)
    doc = load(kc("fixtures", "test_crd.yaml"))[0]
    entry = src.lookup(doc["apiVersion"], doc["kind"])
    assert entry is not None
    assert entry.source == kc("fixtures", "registry", "trainingjob-sagemaker-v1.json")
    assert validate_object(entry, doc) == []
    # a broken copy of it is reported
    bad = json.loads(json.dumps(doc))
    bad["spec"]["roleArn"] = 42
    errs = validate_object(entry, bad)
    assert [e.path for e in errs] == ["/spec/roleArn"]
    assert src.lookup(doc["apiVersion"], doc["kind"]) is entry  # memoized
    assert src.lookup("v1", "ConfigMap") is None
    assert src.errors == []


def test_local_registry_relative_to_cwd(monkeypatch):
    monkeypatch.chdir(kc())
    src = LocationSource("./fixtures/registry/{{ .ResourceKind }}{{ .KindSuffix }}.json")
    assert src.lookup("sagemaker.aws.amazon.com/v1", "TrainingJob") is not None


def test_locations_are_tried_in_order():
    base = kc()
    first = LocationSource("fixtures/{{ .ResourceKind }}.json", base_dir=base)
    second = LocationSource("./fixtures/registry/{{ .ResourceKind }}{{ .KindSuffix }}.json",
                            base_dir=base)
    reg = Registry([first, second])
    doc = load(kc("fixtures", "test_crd.yaml"))[0]
    assert first.lookup(doc["apiVersion"], doc["kind"]) is None
    assert reg.validate(doc) == []
    assert reg.lookup(doc["apiVersion"], doc["kind"]).source.endswith(
        "trainingjob-sagemaker-v1.json")
    assert first.errors == [] and second.errors == []


def test_not_a_template_and_not_http_finds_nothing(tmp_path):
    src = LocationSource("foo", base_dir=str(tmp_path))
    assert src.lookup("v1", "ReplicationController") is None
    assert src.errors == []


def test_plain_json_file_applies_to_every_kind():
    src = LocationSource("./fixtures/grafanaalertrulegroup_v1beta1.json", base_dir=kc())
    docs = load(kc("fixtures", "grafana-alert-rule-group-sample.yaml"))
    for d in docs:
        entry = src.lookup(d["apiVersion"], d["kind"])
        assert validate_object(entry, d) == []
    assert src.lookup("v1", "Anything") is not None


def test_local_relative_ref_resolves_next_to_the_schema(tmp_path):
    d = tmp_path / "schemas"
    d.mkdir()
    (d / "defs.json").write_text(json.dumps(
        {"definitions": {"spec": {"type": "object",
                                  "properties": {"replicas": {"type": "integer"}}}}}))
    (d / "deployment-apps-v1.json").write_text(json.dumps(
        {"type": "object", "properties": {"spec": {"$ref": "defs.json#/definitions/spec"}}}))
    src = LocationSource("schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json",
                         base_dir=str(tmp_path))
    entry = src.lookup("apps/v1", "Deployment")
    assert validate_object(entry, DEPLOYMENT) == []
    bad = dict(DEPLOYMENT, spec={"replicas": "two"})
    assert [e.path for e in validate_object(entry, bad)] == ["/spec/replicas"]


def test_local_file_that_is_not_json_is_recorded_and_falls_through(tmp_path):
    (tmp_path / "deployment.json").write_text("kind: [not json")
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "deployment.json").write_text(json.dumps(DEPLOYMENT_SCHEMA))
    bad = LocationSource("{{ .ResourceKind }}.json", base_dir=str(tmp_path))
    good = LocationSource("ok/{{ .ResourceKind }}.json", base_dir=str(tmp_path))
    reg = Registry([bad, good])
    assert reg.validate(DEPLOYMENT) == []
    assert len(bad.errors) == 1
    assert str(tmp_path / "deployment.json") in str(bad.errors[0])
    assert "not valid JSON" in str(bad.errors[0])


def test_unresolvable_ref_is_recorded(tmp_path):
    (tmp_path / "deployment.json").write_text(json.dumps(
        {"properties": {"spec": {"$ref": "nowhere.json#/x"}}}))
    src = LocationSource("{{ .ResourceKind }}.json", base_dir=str(tmp_path))
    assert src.lookup("apps/v1", "Deployment") is None
    assert len(src.errors) == 1
    assert "nowhere.json" in str(src.errors[0])


# --------------------------------------------------------------------------------------
# kubeconform's cache layout
# --------------------------------------------------------------------------------------

@pytest.fixture
def kc_cache(tmp_path):
    dst = tmp_path / "kc-cache"
    shutil.copytree(kc("fixtures", "cache"), dst)
    return str(dst)


def test_kubeconform_cache_standalone(kc_cache):
    f = Fetcher(cache_dir=kc_cache, offline=True)
    src = LocationSource(STANDALONE, kubernetes_version="master", strict=False, fetcher=f)
    entry = src.lookup("v1", "ReplicationController")
    assert entry is not None, src.errors
    assert entry.source == RAW + "/master-standalone/replicationcontroller-v1.json"
    assert sha(entry.source) == "6dd0c06492c957fe2118a16dae1c5b9e76be072b527a9a45fd1044bd54237334"
    assert validate_object(entry, load(kc("fixtures", "valid.yaml"))[0]) == []
    errs = validate_object(entry, load(kc("fixtures", "invalid.yaml"))[0])
    assert errs and "/spec/replicas" in [e.path for e in errs]
    assert f.stats["network"] == 0 and f.stats["cache"] == 1


def test_kubeconform_cache_ref_to_definitions(kc_cache):
    f = Fetcher(cache_dir=kc_cache, offline=True)
    src = LocationSource(NON_STANDALONE, strict=False, fetcher=f)
    entry = src.lookup("v1", "ReplicationController")
    assert entry is not None, src.errors
    assert src.errors == []
    assert validate_object(entry, load(kc("fixtures", "valid.yaml"))[0]) == []
    errs = validate_object(entry, load(kc("fixtures", "invalid.yaml"))[0])
    assert [e.path for e in errs] == ["/spec/replicas"]
    # the schema and its _definitions.json both came from the cache, none from the network
    assert f.stats == {"network": 0, "cache": 2, "missing_cached": 0}


def test_kubeconform_cache_miss_offline(kc_cache):
    f = Fetcher(cache_dir=kc_cache, offline=True)
    src = LocationSource(STANDALONE, strict=True, fetcher=f)  # -strict is not cached
    assert src.lookup("v1", "ReplicationController") is None
    assert len(src.errors) == 1
    err = src.errors[0]
    assert isinstance(err, FetchError)
    assert RAW + "/master-standalone-strict/replicationcontroller-v1.json" in str(err)
    assert "--offline" in str(err) and "kustgen schemas import" in str(err)


# --------------------------------------------------------------------------------------
# HTTP: download, cache, offline, 404 memory, 5xx, $ref, corruption
# --------------------------------------------------------------------------------------

def test_download_then_cache_with_server_stopped(server, tmp_path):
    server.put(deployment_rel(), DEPLOYMENT_SCHEMA)
    cache = tmp_path / "cache"
    f1 = Fetcher(cache_dir=str(cache))
    src = LocationSource(server.url, strict=False, fetcher=f1)
    entry = src.lookup("apps/v1", "Deployment")
    assert entry is not None, src.errors
    url = server.url + "/" + deployment_rel()
    assert entry.source == url
    assert server.count("/" + deployment_rel()) == 1
    assert server.user_agents[0].startswith("kustgen")
    assert validate_object(entry, DEPLOYMENT) == []
    # the cache gained one object and one url entry
    objects = os.listdir(cache / "objects")
    urls = os.listdir(cache / "urls")
    assert len(objects) == 1 and len(urls) == 1
    assert urls[0] == sha(url)
    with open(cache / "objects" / objects[0], "rb") as fh:
        assert objects[0] == sha(fh.read())
    assert json.loads((cache / "urls" / urls[0]).read_text())["sha256"] == objects[0]
    # same source again: memoized, no new request
    assert src.lookup("apps/v1", "Deployment") is entry
    assert server.count() == 1

    server.stop()
    f2 = Fetcher(cache_dir=str(cache))
    src2 = LocationSource(server.url, strict=False, fetcher=f2)
    entry2 = src2.lookup("apps/v1", "Deployment")
    assert entry2 is not None, src2.errors
    assert entry2.schema == DEPLOYMENT_SCHEMA
    assert f2.stats == {"network": 0, "cache": 1, "missing_cached": 0}
    assert server.count() == 1
    # offline works from the cache too
    f3 = Fetcher(cache_dir=str(cache), offline=True)
    assert f3.get_json(url) == DEPLOYMENT_SCHEMA


def test_server_down_is_a_fetch_error(server, tmp_path):
    server.stop()
    src = LocationSource(server.url, strict=False, fetcher=Fetcher(str(tmp_path / "c")))
    assert src.lookup("apps/v1", "Deployment") is None
    assert len(src.errors) == 1 and isinstance(src.errors[0], FetchError)
    assert server.url in str(src.errors[0])


def test_offline_with_empty_cache_never_connects(server, tmp_path):
    server.put(deployment_rel(), DEPLOYMENT_SCHEMA)
    f = Fetcher(cache_dir=str(tmp_path / "empty"), offline=True)
    url = server.url + "/" + deployment_rel()
    with pytest.raises(FetchError) as ei:
        f.get(url)
    assert url in str(ei.value)
    assert "not in the schema cache" in str(ei.value)
    assert "without --offline" in str(ei.value)
    src = LocationSource(server.url, strict=False, fetcher=f)
    assert src.lookup("apps/v1", "Deployment") is None
    assert len(src.errors) == 1
    assert server.count() == 0
    assert f.stats["network"] == 0


def test_404_is_remembered_within_ttl(server, tmp_path):
    cache = str(tmp_path / "cache")
    url = server.url + "/" + deployment_rel()
    f1 = Fetcher(cache_dir=cache, missing_ttl=3600)
    src = LocationSource(server.url, strict=False, fetcher=f1)
    assert src.lookup("apps/v1", "Deployment") is None
    assert src.errors == []  # not found is not an error
    assert server.count() == 1
    assert os.listdir(os.path.join(cache, "missing")) == [sha(url)]
    # another run within the ttl: no request
    f2 = Fetcher(cache_dir=cache, missing_ttl=3600)
    assert f2.get(url) is None
    assert server.count() == 1
    assert f2.stats["missing_cached"] == 1
    # even offline the remembered 404 is an answer
    assert Fetcher(cache_dir=cache, offline=True).get(url) is None
    # after the ttl it asks again, and now finds it
    server.put(deployment_rel(), DEPLOYMENT_SCHEMA)
    f3 = Fetcher(cache_dir=cache, missing_ttl=0)
    assert json.loads(f3.get(url)) == DEPLOYMENT_SCHEMA
    assert server.count() == 2
    assert os.listdir(os.path.join(cache, "missing")) == []


def test_410_counts_as_missing(server, tmp_path):
    server.status["/gone.json"] = 410
    f = Fetcher(cache_dir=str(tmp_path / "c"))
    assert f.get(server.url + "/gone.json") is None
    assert f.get(server.url + "/gone.json") is None
    assert server.count() == 1


def test_5xx_is_an_error_and_not_cached(server, tmp_path):
    cache = str(tmp_path / "cache")
    path = "/" + deployment_rel()
    server.put(deployment_rel(), DEPLOYMENT_SCHEMA)
    server.status[path] = 503
    f1 = Fetcher(cache_dir=cache)
    src = LocationSource(server.url, strict=False, fetcher=f1)
    assert src.lookup("apps/v1", "Deployment") is None
    assert len(src.errors) == 1
    assert "503" in str(src.errors[0]) and server.url + path in str(src.errors[0])
    assert not os.path.exists(os.path.join(cache, "missing"))
    assert server.count() == 1
    # the server recovers: the next run asks again and succeeds
    del server.status[path]
    f2 = Fetcher(cache_dir=cache)
    src2 = LocationSource(server.url, strict=False, fetcher=f2)
    assert src2.lookup("apps/v1", "Deployment") is not None
    assert server.count() == 2


def test_ref_to_sibling_is_fetched_and_cached(server, tmp_path):
    server.put("master/_definitions.json", {"definitions": {"spec": {
        "type": "object", "properties": {"replicas": {"type": "integer"}}}}})
    server.put("master/deployment-apps-v1.json", {
        "type": "object",
        "properties": {"spec": {"$ref": "_definitions.json#/definitions/spec"},
                       "metadata": {"$ref": "_definitions.json#/definitions/spec"}}})
    tpl = server.url + "/{{ .NormalizedKubernetesVersion }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
    cache = str(tmp_path / "cache")
    f1 = Fetcher(cache_dir=cache)
    src = LocationSource(tpl, strict=False, fetcher=f1)
    entry = src.lookup("apps/v1", "Deployment")
    assert entry is not None, src.errors
    assert server.count("/master/deployment-apps-v1.json") == 1
    assert server.count("/master/_definitions.json") == 1
    bad = {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": "3"}}
    errs = validate_object(entry, bad)
    assert [(e.path, e.keyword) for e in errs] == [("/spec/replicas", "type")]
    assert "spec.replicas" in errs[0].message
    assert len(os.listdir(os.path.join(cache, "urls"))) == 2

    server.stop()
    f2 = Fetcher(cache_dir=cache, offline=True)
    entry2 = LocationSource(tpl, strict=False, fetcher=f2).lookup("apps/v1", "Deployment")
    assert entry2 is not None
    assert validate_object(entry2, bad) == errs
    assert f2.stats == {"network": 0, "cache": 2, "missing_cached": 0}


def test_remote_schema_cannot_refer_to_local_files(server, tmp_path):
    secret = tmp_path / "local.json"
    secret.write_text(json.dumps({"type": "object"}))
    server.put("deployment.json", {"properties": {"spec": {"$ref": secret.as_uri()}}})
    src = LocationSource(server.url + "/{{ .ResourceKind }}.json", fetcher=Fetcher())
    assert src.lookup("apps/v1", "Deployment") is None
    assert "not an http(s) URL" in str(src.errors[0])


def test_corrupted_cache_object_is_refetched(server, tmp_path):
    server.put(deployment_rel(), DEPLOYMENT_SCHEMA)
    cache = tmp_path / "cache"
    url = server.url + "/" + deployment_rel()
    assert Fetcher(str(cache)).get_json(url) == DEPLOYMENT_SCHEMA
    assert server.count() == 1
    obj = cache / "objects" / os.listdir(cache / "objects")[0]
    obj.write_bytes(obj.read_bytes().replace(b"integer", b"string!"))
    f2 = Fetcher(str(cache))
    assert f2.get_json(url) == DEPLOYMENT_SCHEMA
    assert server.count() == 2
    assert f2.stats == {"network": 1, "cache": 0, "missing_cached": 0}
    # and the cache is repaired
    f3 = Fetcher(str(cache), offline=True)
    assert f3.get_json(url) == DEPLOYMENT_SCHEMA


def test_bad_content_is_recorded_and_next_source_tried(server, tmp_path):
    server.put("a/deployment.json", "<html>oops</html>")
    server.put("b/deployment.json", DEPLOYMENT_SCHEMA)
    f = Fetcher(str(tmp_path / "cache"))
    a = LocationSource(server.url + "/a/{{ .ResourceKind }}.json", fetcher=f)
    b = LocationSource(server.url + "/b/{{ .ResourceKind }}.json", fetcher=f)
    reg = Registry([a, b])
    assert reg.validate(dict(DEPLOYMENT, spec={"replicas": "x"})) == \
        validate_object(b.lookup("apps/v1", "Deployment"), dict(DEPLOYMENT, spec={"replicas": "x"}))
    assert len(a.errors) == 1
    assert server.url + "/a/deployment.json" in str(a.errors[0])
    assert "not valid JSON" in str(a.errors[0])


def test_served_schema_reports_type_error(server):
    server.put(deployment_rel(strict=True), DEPLOYMENT_SCHEMA)
    src = LocationSource(server.url, fetcher=Fetcher())  # memory only
    entry = src.lookup("apps/v1", "Deployment")
    errs = validate_object(entry, dict(DEPLOYMENT, spec={"replicas": "three"}))
    assert len(errs) == 1
    assert errs[0].path == "/spec/replicas"
    assert errs[0].keyword == "type"
    assert '"three"' in errs[0].message and "integer" in errs[0].message


def test_unwritable_cache_dir_still_works(server, tmp_path):
    server.put(deployment_rel(), DEPLOYMENT_SCHEMA)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    f = Fetcher(cache_dir=str(blocker / "cache"))
    url = server.url + "/" + deployment_rel()
    assert f.get_json(url) == DEPLOYMENT_SCHEMA
    assert f.get_json(url) == DEPLOYMENT_SCHEMA
    assert server.count() == 1  # kept in memory


# --------------------------------------------------------------------------------------
# fetcher odds and ends
# --------------------------------------------------------------------------------------

def test_file_urls_and_paths(tmp_path):
    p = tmp_path / "s p.json"
    p.write_text('{"type": "object"}')
    f = Fetcher(str(tmp_path / "cache"))
    assert f.get_json(str(p)) == {"type": "object"}
    assert f.get_json(p.as_uri()) == {"type": "object"}
    assert f.get_json(p.as_uri() + "#/definitions/x") == {"type": "object"}
    assert f.get(str(tmp_path / "nope.json")) is None
    assert not (tmp_path / "cache").exists()  # local files are not cached
    (tmp_path / "list.json").write_text("[1, 2]")
    with pytest.raises(FetchError, match="not a JSON object"):
        f.get_json(str(tmp_path / "list.json"))


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("KUSTGEN_CACHE_DIR", str(tmp_path / "k"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == str(tmp_path / "k")
    monkeypatch.delenv("KUSTGEN_CACHE_DIR")
    assert default_cache_dir() == os.path.join(str(tmp_path / "xdg"), "kustgen", "schemas")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == os.path.join(str(tmp_path / "home"), ".cache", "kustgen",
                                               "schemas")


def test_import_does_not_load_network_modules():
    code = ("import sys, kustgen.schemas.fetch, kustgen.schemas.sources.location; "
            "print(sorted(m for m in ('urllib.request', 'http.client', 'ssl', "
            "'jsonschema_rs') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "[]"
