"""KG106 duplicate-across-components: one resource defined by two components used
together, or by a component and the kustomization using it."""

from __future__ import annotations

from lintkit import lint_tree, messages, where

COMPONENT = """\
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources:
  - provider-config.yaml
"""


def provider_config(source: str, name: str = "default") -> str:
    return """\
apiVersion: aws.upbound.io/v1beta1
kind: ProviderConfig
metadata:
  name: %s
spec:
  credentials:
    source: %s
""" % (name, source)


def components(**extra) -> dict:
    files = {
        "components/localstack/kustomization.yaml": COMPONENT,
        "components/localstack/provider-config.yaml": provider_config("Secret"),
        "components/aws/kustomization.yaml": COMPONENT,
        "components/aws/provider-config.yaml": "# IRSA\n" + provider_config("IRSA"),
    }
    files.update(extra)
    return files


def test_two_components_of_one_overlay(tmp_path):
    files = components(**{"overlays/dev/kustomization.yaml": """\
components:
  - ../../components/localstack
  - ../../components/aws
"""})
    res = lint_tree(tmp_path, files, select=["KG106"])
    assert where(res, "KG106", tmp_path) == [("components/aws/provider-config.yaml", 2)]
    [msg] = messages(res, "KG106")
    assert "ProviderConfig default (aws.upbound.io)" in msg
    assert "components/localstack/provider-config.yaml:1" in msg
    assert "overlays/dev/kustomization.yaml uses both" in msg


def test_alternative_components_are_clean(tmp_path):
    files = components(**{
        "overlays/dev/kustomization.yaml": "components:\n  - ../../components/localstack\n",
        "overlays/prod/kustomization.yaml": "components:\n  - ../../components/aws\n",
    })
    res = lint_tree(tmp_path, files, select=["KG106"])
    assert where(res, "KG106", tmp_path) == []
    assert res.render_errors == 0


def test_different_names_are_clean(tmp_path):
    files = components(**{
        "components/aws/provider-config.yaml": provider_config("IRSA", "aws"),
        "overlays/dev/kustomization.yaml": """\
components:
  - ../../components/localstack
  - ../../components/aws
""",
    })
    res = lint_tree(tmp_path, files, select=["KG106"])
    assert where(res, "KG106", tmp_path) == []


def test_component_repeating_a_resource_of_the_base(tmp_path):
    files = components(**{
        "base/kustomization.yaml": "resources:\n  - provider-config.yaml\n",
        "base/provider-config.yaml": provider_config("InjectedIdentity"),
        "overlays/dev/kustomization.yaml": """\
resources:
  - ../../base
components:
  - ../../components/localstack
""",
    })
    res = lint_tree(tmp_path, files, select=["KG106"])
    assert where(res, "KG106", tmp_path) == [("components/localstack/provider-config.yaml", 1)]
    [msg] = messages(res, "KG106")
    assert "already in the resources of the kustomization that adds this component" in msg
    assert "base/provider-config.yaml:1" in msg


def test_one_finding_for_several_overlays(tmp_path):
    both = "components:\n  - ../../components/localstack\n  - ../../components/aws\n"
    files = components(**{"overlays/dev/kustomization.yaml": both,
                          "overlays/staging/kustomization.yaml": both})
    res = lint_tree(tmp_path, files, select=["KG106"])
    assert where(res, "KG106", tmp_path) == [("components/aws/provider-config.yaml", 2)]
    [msg] = messages(res, "KG106")
    assert "overlays/dev/kustomization.yaml, overlays/staging/kustomization.yaml" in msg


def test_environment_scope_from_settings(tmp_path):
    files = components(**{
        "kustgen.yaml": """\
apiVersion: kustgen.dev/v1alpha1
kind: Config
environments:
  - name: dev
    path: overlays/dev
  - name: prod
    path: overlays/prod
    protected: true
rules:
  KG106:
    environments: [protected]
""",
        "overlays/dev/kustomization.yaml":
            "components:\n  - ../../components/localstack\n  - ../../components/aws\n",
    })
    res = lint_tree(tmp_path, files, select=["KG106"])
    assert where(res, "KG106", tmp_path) == []
    files["overlays/prod/kustomization.yaml"] = \
        "components:\n  - ../../components/aws\n  - ../../components/localstack\n"
    del files["overlays/dev/kustomization.yaml"]
    import shutil
    shutil.rmtree(tmp_path / "overlays" / "dev")
    res = lint_tree(tmp_path, files, select=["KG106"])
    assert where(res, "KG106", tmp_path) == [("components/localstack/provider-config.yaml", 1)]
