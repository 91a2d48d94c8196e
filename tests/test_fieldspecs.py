"""Kustomize v5.5.0 default field specs and configuration merge rules."""

import pytest

from kustgen.kustomize.fieldspecs import (
    COMMON_LABELS,
    DEFAULT_CONFIG,
    IMAGES,
    NAME_REFERENCE,
    NAMESPACE,
    TEMPLATE_LABELS,
    FieldSpec,
    FieldSpecError,
    NameBackRef,
    TransformerConfig,
    go_sort,
    legacy_sort_key,
    make_transformer_config,
    merge_fieldspecs,
    merge_name_reference,
    name_refs_from_crd_openapi,
    parse_fieldspecs,
    parse_name_reference,
    parse_transformer_config_text,
)


def _ref(kind, version="", group=""):
    for n in NAME_REFERENCE:
        if (n.kind, n.version, n.group) == (kind, version, group):
            return n
    raise AssertionError("no nameReference entry for %s" % kind)


def test_configmap_referenced_from_deployment_volumes():
    cm = _ref("ConfigMap", "v1")
    assert FieldSpec("spec/template/spec/volumes/configMap/name", kind="Deployment") in cm.referrers
    assert FieldSpec("spec/volumes/configMap/name", version="v1", kind="Pod") in cm.referrers
    assert len(cm.referrers) == 52


def test_upstream_details_kept():
    secret = _ref("Secret", "v1")
    assert len(secret.referrers) == 70
    # escaped slash in an annotation key, duplicate kept as upstream
    assert FieldSpec("metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret",
                     kind="Ingress") in secret.referrers
    assert sum(1 for f in secret.referrers if f.path == "spec/tls/secretName") == 2
    # v5.5.0 has ValidatingAdmissionPolicy but not yet HTTPRoute backendRefs
    assert _ref("ValidatingAdmissionPolicy", "", "admissionregistration.k8s.io")
    assert not any(f.kind == "HTTPRoute" for n in NAME_REFERENCE for f in n.referrers)
    assert _ref("IngressClass", "v1", "networking.k8s.io/v1")  # sic, upstream
    assert len(NAME_REFERENCE) == 16
    assert FieldSpec("spec/volumeClaimTemplates[]/metadata/labels", group="apps",
                     kind="StatefulSet", create=True) in COMMON_LABELS
    assert COMMON_LABELS[-10:] == TEMPLATE_LABELS
    assert IMAGES[0] == FieldSpec("spec/containers[]/image", create=True)
    assert NAMESPACE[0] == FieldSpec("metadata/name", kind="Namespace", create=True)


def test_default_config_is_sorted_like_kustomize():
    # Order reported by kustomize v5.5.0 in its replicas error message.
    assert [f.kind for f in DEFAULT_CONFIG.replicas] == [
        "Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"]
    kinds = [n.kind for n in DEFAULT_CONFIG.name_reference]
    assert kinds[:4] == ["StorageClass", "ServiceAccount", "Role", "ClusterRole"]
    assert TransformerConfig().merge(DEFAULT_CONFIG) == DEFAULT_CONFIG


def test_parse_and_merge_user_configuration():
    user = parse_transformer_config_text("""
commonLabels:
- path: spec/selector/matchLabels   # generic: already covered by Deployment's spec
  create: true
- path: spec/labelSelector
  kind: MyKind
  create: true
nameReference:
- kind: ConfigMap
  version: v1
  fieldSpecs:
  - path: spec/configRef/name
    kind: MyKind
- kind: Bee
  fieldSpecs:
  - path: spec/beeRef/name
    kind: MyKind
""")
    merged = DEFAULT_CONFIG.merge(user)
    paths = {(f.path, f.kind) for f in merged.common_labels}
    assert ("spec/labelSelector", "MyKind") in paths
    assert ("spec/selector/matchLabels", "") not in paths  # dropped as a duplicate
    cm = [n for n in merged.name_reference if n.kind == "ConfigMap"]
    assert len(cm) == 1 and cm[0].referrers[-1] == FieldSpec("spec/configRef/name", kind="MyKind")
    assert any(n.kind == "Bee" for n in merged.name_reference)


def test_merge_rules():
    a = (FieldSpec("spec/x", kind="K", create=True),)
    assert merge_fieldspecs(a, (FieldSpec("spec/x", create=True),)) == a
    assert merge_fieldspecs(a, (FieldSpec("spec/x", kind="L"),))[-1].kind == "L"
    with pytest.raises(FieldSpecError, match="conflicting fieldspecs"):
        merge_fieldspecs(a, (FieldSpec("spec/x", kind="K"),))
    user = parse_transformer_config_text("commonLabels:\n- path: metadata/labels\n  create: false\n")
    with pytest.raises(FieldSpecError, match="failed to merge CommonLabels fieldSpec: conflicting fieldspecs"):
        DEFAULT_CONFIG.merge(user)
    # nameReference: exact gvk merges referrers, otherwise a new entry
    base = (NameBackRef("", "v1", "ConfigMap", (FieldSpec("a", kind="X"),)),)
    got = merge_name_reference(base, (NameBackRef("", "", "ConfigMap", (FieldSpec("b"),)),))
    assert len(got) == 2
    got = merge_name_reference(base, (NameBackRef("", "v1", "ConfigMap", (FieldSpec("b"),)),))
    assert len(got) == 1 and [f.path for f in got[0].referrers] == ["a", "b"]


def test_parse_is_strict():
    with pytest.raises(FieldSpecError, match='json: unknown field "bogus"'):
        parse_transformer_config_text("bogus:\n- path: x\n")
    with pytest.raises(FieldSpecError, match='unknown field "paths"'):
        parse_fieldspecs([{"paths": "x"}])
    assert parse_name_reference([{"kind": "K", "fieldSpecs": [{"path": "p", "kind": "R"}]}]) == (
        NameBackRef("", "", "K", (FieldSpec("p", kind="R"),)),)


def test_make_transformer_config_inline_and_files():
    files = {"c.yaml": "images:\n- path: spec/img\n  kind: Foo\n"}
    tc = make_transformer_config(
        ["c.yaml", "varReference:\n- path: spec/v\n  kind: Foo\n"], files.__getitem__)
    assert FieldSpec("spec/img", kind="Foo") in tc.images
    assert FieldSpec("spec/v", kind="Foo") in tc.var_reference
    assert make_transformer_config([], files.__getitem__) is DEFAULT_CONFIG


def test_crd_openapi_name_references():
    doc = {
        "example.com/v1.MyKind": {"Schema": {"properties": {
            "apiVersion": {"type": "string"}, "kind": {"type": "string"},
            "metadata": {"$ref": "meta.ObjectMeta"},
            "spec": {"$ref": "example.com/v1.MyKindSpec"}}}},
        "example.com/v1.MyKindSpec": {"Schema": {"properties": {
            "secretRef": {"x-kubernetes-object-ref-api-version": "v1",
                          "x-kubernetes-object-ref-kind": "Secret"},
            "beeRef": {"x-kubernetes-object-ref-api-version": "v1beta1",
                       "x-kubernetes-object-ref-kind": "Bee",
                       "x-kubernetes-object-ref-name-key": "beeName"}}}},
    }
    refs = {(n.kind, n.version): n.referrers for n in name_refs_from_crd_openapi(doc)}
    assert refs[("Secret", "v1")] == (FieldSpec("spec/secretRef/name", kind="MyKind"),)
    assert refs[("Bee", "v1beta1")] == (FieldSpec("spec/beeRef/beeName", kind="MyKind"),)


def test_go_sort_matches_go():
    # Output of Go's sort.Sort for keys (i*7)%3, i in 0..39 (indices of the result).
    keys = [(i * 7) % 3 for i in range(40)]
    got = [i for _, i in go_sort([(k, i) for i, k in enumerate(keys)], lambda a, b: a[0] < b[0])]
    assert got == [15, 39, 36, 3, 33, 30, 6, 27, 24, 9, 0, 21, 12, 18, 10, 4, 16, 1, 13, 19,
                   37, 34, 22, 31, 28, 25, 7, 14, 8, 29, 5, 23, 32, 26, 11, 35, 2, 20, 38, 17]
    small = [(1, "a"), (0, "b"), (1, "c"), (0, "d")]  # <= 12 items: insertion sort, stable
    assert go_sort(small, lambda a, b: a[0] < b[0]) == [(0, "b"), (0, "d"), (1, "a"), (1, "c")]


def test_legacy_sort_key():
    ids = [("", "v1", "Service", "", "a"), ("", "v1", "Service", "zz", "a"),
           ("", "v1", "Pod", "", "p"), ("foo", "v1", "Pod", "", "p"),
           ("apps", "v1", "Deployment", "", "d"), ("", "v1", "Namespace", "", "n"),
           ("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "", "v"),
           ("example.com", "v1", "Zed", "", "z")]
    out = sorted(ids, key=lambda t: legacy_sort_key(*t))
    assert [(t[2], t[3]) for t in out] == [
        ("Namespace", ""), ("Service", "zz"), ("Service", ""), ("Deployment", ""),
        ("Zed", ""), ("Pod", ""), ("Pod", ""), ("ValidatingWebhookConfiguration", "")]
    assert out[5][0] == "foo"  # foo_v1_Pod < ~G_v1_Pod
