"""KG207 claim-xrd-not-served."""

from __future__ import annotations

from lintkit import lint_tree, messages, where

XRD = """\
apiVersion: apiextensions.crossplane.io/%s
kind: CompositeResourceDefinition
metadata:
  name: xqueues.platform.example.org
spec:
  group: platform.example.org
%s  names:
    kind: XQueue
    plural: xqueues
%s  versions:
    - name: v1alpha1
      served: %s
      referenceable: %s
    - name: v1beta1
      served: true
      referenceable: false
"""
CLAIMS = "  claimNames:\n    kind: Queue\n    plural: queues\n"


def xrd(api="v1", scope="", claims=CLAIMS, served="true", referenceable="true"):
    return XRD % (api, scope, claims, served, referenceable)


def resource(av="platform.example.org/v1alpha1", kind="Queue") -> str:
    return """\
apiVersion: %s
kind: %s
metadata:
  name: events
  namespace: orders
spec:
  region: eu-west-1
""" % (av, kind)


def run(tmp_path, xrd_text, res_text):
    return lint_tree(tmp_path, {
        "kustomization.yaml": "resources:\n  - xrd.yaml\n  - queue.yaml\n",
        "xrd.yaml": xrd_text,
        "queue.yaml": res_text,
    }, select=["KG207"])


def test_served_versions_are_clean(tmp_path):
    for av in ("platform.example.org/v1alpha1", "platform.example.org/v1beta1"):
        for kind in ("Queue", "XQueue"):
            res = run(tmp_path, xrd(), resource(av, kind))
            assert where(res, "KG207", tmp_path) == [], (av, kind)


def test_unserved_version(tmp_path):
    res = run(tmp_path, xrd(served="false", referenceable="false").replace(
        "referenceable: false\n", "referenceable: true\n", 2), resource())
    assert where(res, "KG207", tmp_path) == [("queue.yaml", 1)]
    msg = messages(res, "KG207")[0]
    assert "does not serve version v1alpha1" in msg and "platform.example.org/v1beta1" in msg


def test_undefined_version_of_composite(tmp_path):
    res = run(tmp_path, xrd(), resource("platform.example.org/v2", "XQueue"))
    assert where(res, "KG207", tmp_path) == [("queue.yaml", 1)]
    assert "composite resource XQueue events" in messages(res, "KG207")[0]


def test_no_referenceable_version(tmp_path):
    res = run(tmp_path, xrd(referenceable="false"), resource())
    assert where(res, "KG207", tmp_path) == [("queue.yaml", 1)]
    assert "referenceable" in messages(res, "KG207")[0]


def test_claim_of_xrd_without_claim_names(tmp_path):
    res = run(tmp_path, xrd(claims=""), resource())
    assert where(res, "KG207", tmp_path) == [("queue.yaml", 2)]
    assert "has no spec.claimNames" in messages(res, "KG207")[0]


def test_claim_of_v2_xrd(tmp_path):
    res = run(tmp_path, xrd(api="v2"), resource())
    assert where(res, "KG207", tmp_path) == [("queue.yaml", 2)]
    assert "apiextensions.crossplane.io/v2" in messages(res, "KG207")[0]


def test_claim_of_namespaced_scope(tmp_path):
    res = run(tmp_path, xrd(scope="  scope: Cluster\n"), resource())
    assert where(res, "KG207", tmp_path) == [("queue.yaml", 2)]
    assert "only LegacyCluster" in messages(res, "KG207")[0]


def test_xrd_not_in_repository(tmp_path):
    res = lint_tree(tmp_path, {
        "overlays/dev/kustomization.yaml": "resources:\n  - queue.yaml\n",
        "overlays/dev/queue.yaml": resource("platform.example.org/v9"),
    }, select=["KG207"])
    assert where(res, "KG207", tmp_path) == []


def test_xrd_in_another_file_and_overlay(tmp_path):
    res = lint_tree(tmp_path, {
        "platform/xrd.yaml": xrd(served="false", referenceable="false"),
        "overlays/prod/kustomization.yaml": "resources:\n  - queue.yaml\n",
        "overlays/prod/queue.yaml": resource(),
    }, select=["KG207"])
    assert where(res, "KG207", tmp_path) == [("overlays/prod/queue.yaml", 1)]
