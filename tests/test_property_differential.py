"""Property: random small kustomization trees render byte-identically with kustgen's
embedded engine and with `kubectl kustomize` (or both fail)."""

from __future__ import annotations

import os
import subprocess
import tempfile

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import need_kubectl
from kustgen import api

NAMES = st.sampled_from(["web", "db", "cache", "bucket", "net", "queue"])
LABEL_KEYS = st.sampled_from(["app", "team", "env", "tier", "app.kubernetes.io/part-of"])
LABEL_VALUES = st.sampled_from(["a", "b", "prod", "dev", "x-1", "true", "8080", ""])
WORDS = st.sampled_from(["alpha", "beta", "eu-west-1", "us-east-1", "yes", "0777", "1.5",
                         "hello world", "a: b", "#x", "", "line1\nline2\n"])


def deployment(name, cm):
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": {
                         "containers": [{"name": name, "image": "nginx:1.25",
                                         "envFrom": [{"configMapRef": {"name": cm}}]}],
                         "volumes": [{"name": "cfg", "configMap": {"name": cm}}]}}}}


def service(name):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"selector": {"app": name}, "ports": [{"port": 80, "targetPort": 8080}]}}


def bucket(name, region):
    return {"apiVersion": "s3.aws.upbound.io/v1beta1", "kind": "Bucket",
            "metadata": {"name": name},
            "spec": {"forProvider": {"region": region}, "providerConfigRef": {"name": "default"}}}


def configmap(name, data):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


@st.composite
def trees(draw):
    names = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
    base_res = []
    for n in names:
        kind = draw(st.sampled_from(["deploy", "svc", "bucket", "cm"]))
        if kind == "deploy":
            base_res.append(deployment(n, "settings"))
        elif kind == "svc":
            base_res.append(service(n))
        elif kind == "bucket":
            base_res.append(bucket(n, draw(WORDS)))
        else:
            base_res.append(configmap(n, draw(st.dictionaries(
                st.sampled_from(["k1", "k2", "region"]), WORDS, max_size=2))))
    if draw(st.booleans()):
        base_res.append({"apiVersion": "v1", "kind": "ServiceAccount",
                         "metadata": {"name": "runner"}})
        base_res.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                         "metadata": {"name": "runner"},
                         "roleRef": {"apiGroup": "rbac.authorization.k8s.io",
                                     "kind": "ClusterRole", "name": "view"},
                         "subjects": [{"kind": "ServiceAccount", "name": "runner",
                                       "namespace": draw(st.sampled_from(["default", "ops"]))},
                                      {"kind": "ServiceAccount", "name": "default"}]})
    files = {"base/resources.yaml": yaml.safe_dump_all(base_res, sort_keys=False)}
    base_k = {"resources": ["resources.yaml"]}
    services = [r["metadata"]["name"] for r in base_res if r["kind"] == "Service"]
    deploys_b = [r for r in base_res if r["kind"] == "Deployment"]
    if services and deploys_b and draw(st.booleans()):
        base_k["vars"] = [{"name": "SVC", "objref": {"kind": "Service", "name": services[0],
                                                    "apiVersion": "v1"}}]
        deploys_b[0]["spec"]["template"]["spec"]["containers"][0]["args"] = [
            "--upstream=$(SVC):80", "$(UNKNOWN)", "$$(SVC)"]
        files["base/resources.yaml"] = yaml.safe_dump_all(base_res, sort_keys=False)
    if draw(st.booleans()):
        base_k["configMapGenerator"] = [{"name": "settings", "literals": [
            "%s=%s" % (k, v) for k, v in draw(st.dictionaries(
                st.sampled_from(["a", "b", "c"]), st.sampled_from(["1", "x", "true"]),
                min_size=1, max_size=3)).items()]}]
    if draw(st.booleans()):
        base_k["commonLabels"] = draw(st.dictionaries(LABEL_KEYS, LABEL_VALUES, max_size=2))
    files["base/kustomization.yaml"] = yaml.safe_dump(base_k, sort_keys=False)

    ov: dict = {"resources": ["../base"]}
    if draw(st.booleans()):
        ov["namePrefix"] = draw(st.sampled_from(["dev-", "prod-", "p"]))
    if draw(st.booleans()):
        ov["nameSuffix"] = draw(st.sampled_from(["-v2", "-x"]))
    if draw(st.booleans()):
        ov["namespace"] = draw(st.sampled_from(["team-a", "crossplane-system"]))
    if draw(st.booleans()):
        ov["labels"] = [{"pairs": draw(st.dictionaries(LABEL_KEYS, LABEL_VALUES, min_size=1,
                                                       max_size=2)),
                         "includeSelectors": draw(st.booleans()),
                         "includeTemplates": draw(st.booleans())}]
    if draw(st.booleans()):
        ov["commonAnnotations"] = draw(st.dictionaries(
            st.sampled_from(["note", "owner"]), WORDS, min_size=1, max_size=2))
    patches = []
    for res in base_res:
        if not draw(st.booleans()):
            continue
        kind, name = res["kind"], res["metadata"]["name"]
        style = draw(st.sampled_from(["smp-file", "smp-target", "json"]))
        if kind == "Deployment":
            smp = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
                   "spec": {"replicas": draw(st.integers(0, 5)), "template": {"spec": {
                       "containers": [{"name": name, "image": "nginx:1.27"}]}}}}
            ops = [{"op": "replace", "path": "/spec/replicas", "value": draw(st.integers(0, 5))}]
        elif kind == "Bucket":
            smp = {"apiVersion": res["apiVersion"], "kind": kind, "metadata": {"name": name},
                   "spec": {"deletionPolicy": "Orphan", "forProvider": {"region": draw(WORDS)}}}
            ops = [{"op": "add", "path": "/spec/forProvider/tags",
                    "value": {"env": draw(LABEL_VALUES)}}]
        elif kind == "Service":
            smp = {"apiVersion": "v1", "kind": kind, "metadata": {"name": name},
                   "spec": {"ports": [{"port": 80, "targetPort": 9090}]}}
            ops = [{"op": "add", "path": "/metadata/annotations", "value": {"x": "y"}}]
        else:
            smp = {"apiVersion": "v1", "kind": kind, "metadata": {"name": name},
                   "data": {"k1": draw(WORDS), "k2": None}}
            ops = [{"op": "add", "path": "/data/new", "value": draw(WORDS)}]
        i = len(patches)
        if style == "smp-file":
            files["overlay/patch%d.yaml" % i] = yaml.safe_dump(smp, sort_keys=False)
            patches.append({"path": "patch%d.yaml" % i})
        elif style == "smp-target":
            del smp["metadata"]["name"]
            smp["metadata"]["name"] = "ignored"
            patches.append({"patch": yaml.safe_dump(smp, sort_keys=False),
                            "target": {"kind": kind, "name": name}})
        else:
            patches.append({"patch": yaml.safe_dump(ops, sort_keys=False),
                            "target": {"kind": kind, "name": name}})
    if patches:
        ov["patches"] = patches
    if draw(st.booleans()):
        files["comp/kustomization.yaml"] = yaml.safe_dump({
            "apiVersion": "kustomize.config.k8s.io/v1alpha1", "kind": "Component",
            "commonAnnotations": {"component": "on"},
            "configMapGenerator": [{"name": "comp-settings", "literals": ["on=yes"]}]})
        ov["components"] = ["../comp"]
    if draw(st.booleans()):
        ov["configMapGenerator"] = [{"name": "env", "literals": ["region=%s" % draw(
            st.sampled_from(["eu-west-1", "us-east-1"]))]}]
    if draw(st.booleans()):
        ov["secretGenerator"] = [{"name": "creds", "literals": [
            "aws_access_key_id=test", "aws_secret_access_key=%s" % draw(WORDS).replace("\n", "")]}]
    if draw(st.booleans()):
        ov["images"] = [{"name": "nginx", "newName": draw(st.sampled_from(
            ["registry.example.org/nginx", "nginx"])), "newTag": draw(st.sampled_from(
                ["1.27", "stable-alpine"]))}]
    deploys = [r["metadata"]["name"] for r in base_res if r["kind"] == "Deployment"]
    if deploys and draw(st.booleans()):
        ov["replicas"] = [{"name": draw(st.sampled_from(deploys)), "count": draw(st.integers(0, 9))}]
    buckets = [r["metadata"]["name"] for r in base_res if r["kind"] == "Bucket"]
    if buckets and "configMapGenerator" in ov and draw(st.booleans()):
        ov["replacements"] = [{"source": {"kind": "ConfigMap", "name": "env",
                                          "fieldPath": "data.region"},
                               "targets": [{"select": {"kind": "Bucket"},
                                            "fieldPaths": ["spec.forProvider.region"]}]}]
    if draw(st.booleans()):
        victim = draw(st.sampled_from(base_res))
        files["overlay/delete.yaml"] = yaml.safe_dump({
            "apiVersion": victim["apiVersion"], "kind": victim["kind"],
            "metadata": {"name": victim["metadata"]["name"]}, "$patch": "delete"})
        ov["patchesStrategicMerge"] = ["delete.yaml"]
    files["overlay/kustomization.yaml"] = yaml.safe_dump(ov, sort_keys=False)
    return files


@settings(max_examples=int(os.environ.get("KUSTGEN_PROPERTY_EXAMPLES", "40")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees())
def test_random_trees_render_like_kubectl(files):
    ref = need_kubectl()
    with tempfile.TemporaryDirectory() as d:
        for rel, text in files.items():
            p = os.path.join(d, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as fh:
                fh.write(text)
        overlay = os.path.join(d, "overlay")
        k = subprocess.run(ref + [overlay], capture_output=True, text=True)
        r = api.render([overlay], fallback=False)[0]
        if k.returncode != 0:
            assert r.error is not None, "kubectl failed (%s) but kustgen rendered:\n%s" % (
                k.stderr, r.text)
            return
        assert r.error is None, "kustgen failed: %s\nfiles: %s" % (r.error, files)
        assert r.text == k.stdout, "files: %s" % files
