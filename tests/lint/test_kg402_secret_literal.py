"""KG402 secret-literal."""

from __future__ import annotations

from lintkit import lint_tree, messages, where

CONFIG = """\
apiVersion: kustgen.dev/v1alpha1
kind: Config
environments:
  - name: dev
    local: true
  - name: staging
  - name: prod
    protected: true
"""
SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: db-password
  namespace: crossplane-system
type: Opaque
stringData:
  password: hunter2-not-real
  username: admin
"""
GEN = """\
resources:
  - ../../base
secretGenerator:
  - name: api-token
    namespace: crossplane-system
    literals:
      - token=s3cr3t-value
      - endpoint=https://api.example.com
"""
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  region: eu-west-1\n"


def tree(config=CONFIG, **extra):
    t = {"kustgen.yaml": config,
         "base/kustomization.yaml": "resources:\n  - cm.yaml\n",
         "base/cm.yaml": CM}
    for env in ("dev", "staging", "prod"):
        t["overlays/%s/kustomization.yaml" % env] = "resources:\n  - ../../base\n"
    t.update(extra)
    return t


def run(d, files, **kw):
    return lint_tree(d, files, select=["KG402"], **kw)


def test_generator_literals_in_prod(tmp_path):
    res = run(tmp_path, tree(**{"overlays/prod/kustomization.yaml": GEN,
                                "overlays/staging/kustomization.yaml": GEN}))
    # staging is not protected: generator literals are only reported for protected envs
    assert where(res, "KG402", tmp_path) == [("overlays/prod/kustomization.yaml", 6)]
    [m] = messages(res, "KG402")
    assert "token, endpoint" in m and "prod" in m
    assert "s3cr3t" not in m and "api.example.com" not in m


def test_generator_in_shared_component_built_by_prod(tmp_path):
    files = tree(**{
        "components/creds/kustomization.yaml":
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
            "secretGenerator:\n  - name: api-token\n    literals:\n      - token=abc\n",
        "overlays/prod/kustomization.yaml":
            "resources:\n  - ../../base\ncomponents:\n  - ../../components/creds\n"})
    res = run(tmp_path, files)
    assert where(res, "KG402", tmp_path) == [("components/creds/kustomization.yaml", 5)]


def test_allow_keys_option(tmp_path):
    cfg = CONFIG + "rules:\n  KG402:\n    options:\n      allowKeys: [endpoint, username]\n"
    res = run(tmp_path, tree(cfg, **{"overlays/prod/kustomization.yaml": GEN}))
    assert messages(res, "KG402") and "endpoint" not in messages(res, "KG402")[0]
    gen = GEN.replace("      - token=s3cr3t-value\n", "")
    d = tmp_path / "only-allowed"
    assert where(run(d, tree(cfg, **{"overlays/prod/kustomization.yaml": gen})),
                 "KG402", d) == []


def test_secret_manifest_in_base(tmp_path):
    files = tree(**{"base/kustomization.yaml": "resources:\n  - cm.yaml\n  - secret.yaml\n",
                    "base/secret.yaml": SECRET})
    res = run(tmp_path, files)
    assert where(res, "KG402", tmp_path) == [("base/secret.yaml", 8)]
    [m] = messages(res, "KG402")
    assert "password, username" in m and "hunter2" not in m and "admin" not in m


def test_local_environment_is_exempt(tmp_path):
    files = tree(**{"overlays/dev/kustomization.yaml":
                    "resources:\n  - ../../base\n  - secret.yaml\n",
                    "overlays/dev/secret.yaml": SECRET})
    assert where(run(tmp_path, files), "KG402", tmp_path) == []
    files["overlays/staging/kustomization.yaml"] = \
        "resources:\n  - ../../base\n  - secret.yaml\n"
    files["overlays/staging/secret.yaml"] = SECRET
    d = tmp_path / "staging"
    assert where(run(d, files), "KG402", d) == [("overlays/staging/secret.yaml", 8)]


def test_data_placeholders_and_empty(tmp_path):
    sec = SECRET.replace("stringData:\n  password: hunter2-not-real\n  username: admin\n",
                         "data:\n  password: ''\n  token: ${TOKEN}\n")
    files = tree(**{"base/kustomization.yaml": "resources:\n  - secret.yaml\n",
                    "base/secret.yaml": sec})
    assert where(run(tmp_path, files), "KG402", tmp_path) == []
    sec2 = SECRET.replace("stringData:\n  password: hunter2-not-real\n  username: admin\n",
                          "data:\n  password: aHVudGVyMg==\n")
    files["base/secret.yaml"] = sec2
    d = tmp_path / "b64"
    res = run(d, files)
    assert where(res, "KG402", d) == [("base/secret.yaml", 8)]
    assert "base64" in messages(res, "KG402")[0]


def test_plain_manifest(tmp_path):
    res = run(tmp_path, {"secret.yaml": SECRET}, paths=["secret.yaml"])
    assert where(res, "KG402", tmp_path) == [("secret.yaml", 8)]


def test_environment_setting(tmp_path):
    cfg = CONFIG + "rules:\n  KG402:\n    environments: [protected]\n"
    files = tree(cfg, **{"overlays/staging/kustomization.yaml":
                         "resources:\n  - ../../base\n  - secret.yaml\n",
                         "overlays/staging/secret.yaml": SECRET})
    assert where(run(tmp_path, files), "KG402", tmp_path) == []


def test_two_protected_environments_one_finding(tmp_path):
    cfg = CONFIG.replace("  - name: staging\n", "  - name: staging\n    protected: true\n")
    comp = {"components/creds/kustomization.yaml":
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
            "secretGenerator:\n  - name: api-token\n    literals:\n      - token=abc\n"}
    for env in ("staging", "prod"):
        comp["overlays/%s/kustomization.yaml" % env] = \
            "resources:\n  - ../../base\ncomponents:\n  - ../../components/creds\n"
    res = run(tmp_path, tree(cfg, **comp))
    assert where(res, "KG402", tmp_path) == [("components/creds/kustomization.yaml", 5)]
    assert "environments prod, staging build it" in messages(res, "KG402")[0]
