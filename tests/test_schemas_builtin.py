"""Built-in Kubernetes kinds validate offline from kubernetes-validate's schemas."""

from __future__ import annotations

import jsonschema
import jsonschema_rs
import pytest

from kustgen.schemas.sources.builtin import BuiltinSchemas, file_name, resolve_version

DEPLOY = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
          "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                   "template": {"metadata": {"labels": {"app": "web"}},
                                "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}


def test_file_names_follow_the_package_layout():
    assert file_name("v1", "ConfigMap") == "configmap-v1.json"
    assert file_name("apps/v1", "Deployment") == "deployment-apps-v1.json"
    assert file_name("rbac.authorization.k8s.io/v1", "RoleBinding") == "rolebinding-rbac-v1.json"


def test_version_resolution_takes_the_newest_not_newer():
    assert resolve_version("1.32") == "1.32.0"
    assert resolve_version("v1.32.4") == "1.32.0"
    assert resolve_version("1.10") is None


def test_valid_deployment_has_no_errors_and_agrees_with_python_jsonschema():
    s = BuiltinSchemas("1.32").schema("apps/v1", "Deployment")
    assert list(jsonschema_rs.validator_for(s).iter_errors(DEPLOY)) == []
    jsonschema.Draft202012Validator(s).validate(DEPLOY)


def test_wrong_type_and_unknown_field_are_caught_with_paths():
    bad = {**DEPLOY, "spec": {**DEPLOY["spec"], "replicas": "two"}}
    bad["spec"]["template"] = {"spec": {"containers": [{"name": "web", "image": "x", "imagePullPolicy": "Always", "bogus": 1}]}}
    s = BuiltinSchemas("1.32", strict=True).schema("apps/v1", "Deployment")
    errs = sorted((list(e.instance_path), e.message) for e in jsonschema_rs.validator_for(s).iter_errors(bad))
    paths = [p for p, _ in errs]
    assert ["spec", "replicas"] in paths
    assert ["spec", "template", "spec", "containers", 0] in paths
    oracle = {tuple(e.absolute_path) for e in jsonschema.Draft202012Validator(s).iter_errors(bad)}
    assert {tuple(p) for p in paths} == oracle


def test_not_strict_allows_unknown_fields():
    bad = {**DEPLOY, "spec": {**DEPLOY["spec"], "bogus": True}}
    s = BuiltinSchemas("1.32", strict=False).schema("apps/v1", "Deployment")
    assert list(jsonschema_rs.validator_for(s).iter_errors(bad)) == []


@pytest.mark.parametrize("api_version, kind", [("s3.aws.upbound.io/v1beta1", "Bucket"),
                                               ("apps.example.org/v1", "Deployment")])
def test_custom_kinds_are_not_built_in(api_version, kind):
    assert BuiltinSchemas("1.32").schema(api_version, kind) is None
