"""Crossplane manifests of a team repository: the AWS providers (upjet family providers),
the ProviderConfig of each environment (LocalStack for local ones) and the
DeploymentRuntimeConfig that gives provider pods a cloud identity.

Pure functions returning plain data; every result validates against the Crossplane and
provider-upjet-aws CRDs (``../shared/crds``).
"""

from __future__ import annotations

import re

from kustgen.model.errors import ConfigError
from kustgen.scaffold.argocd import check_name

__all__ = ["PROVIDER_FAMILIES", "PROVIDER_VERSION", "PROVIDER_REGISTRY", "LOCALSTACK_URL",
           "LOCALSTACK_SERVICES", "LOCALSTACK_CREDENTIALS", "providers", "provider_config",
           "deployment_runtime_config"]

# Family providers of provider-upjet-aws (each installs the CRDs of one AWS service;
# provider-family-aws comes in as their dependency and owns the ProviderConfig type).
PROVIDER_FAMILIES = ("s3", "ec2", "rds", "iam", "sqs", "sns", "dynamodb", "kms", "lambda",
                     "eks", "ecr", "route53", "cloudwatchlogs", "secretsmanager",
                     "elasticache")

# provider-upjet-aws v2 (the CRDs in ../shared/crds/provider-aws/upjet are v2: both the
# cluster-scoped *.aws.upbound.io and the namespaced *.aws.m.upbound.io groups), published
# by crossplane-contrib on the Crossplane registry, as in base/packages/providers.yaml.
PROVIDER_VERSION = "v2.0.0"
PROVIDER_REGISTRY = "xpkg.crossplane.io/crossplane-contrib"

LOCALSTACK_URL = "http://localstack.localstack.svc.cluster.local:4566"
# AWS services whose calls go to LocalStack (endpoint.services of the ProviderConfig).
LOCALSTACK_SERVICES = ("dynamodb", "ec2", "iam", "kms", "lambda", "rds", "s3", "sns", "sqs",
                       "sts")
# LocalStack accepts any credentials; these are its documented dummy values, not a secret.
# The provider reads an AWS shared-credentials file from the Secret key.
LOCALSTACK_CREDENTIALS = "[default]\naws_access_key_id = test\naws_secret_access_key = test\n"

_FAMILY = re.compile(r"^[a-z][a-z0-9]*$")
_ENV = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def providers(families: tuple = ("s3", "ec2", "rds", "iam"), *,
              version: str = PROVIDER_VERSION, registry: str = PROVIDER_REGISTRY,
              runtime_config: str | None = None) -> list[dict]:
    """One ``pkg.crossplane.io/v1`` ``Provider`` per family: ``provider-aws-<family>``.

    ``runtime_config``: name of a DeploymentRuntimeConfig the provider pods use
    (``spec.runtimeConfigRef``), e.g. the IRSA one of :func:`deployment_runtime_config`.
    Families are checked for shape only (upjet has far more than PROVIDER_FAMILIES);
    duplicates are dropped.
    """
    if isinstance(families, str):
        families = (families,)
    if not families:
        raise ConfigError("at least one provider family is needed")
    if not isinstance(version, str) or not version or any(c in version for c in ":@/ "):
        raise ConfigError("provider version %r is not a package tag (e.g. %s)"
                          % (version, PROVIDER_VERSION))
    registry = (registry or "").rstrip("/")
    if "/" not in registry or "." not in registry.split("/", 1)[0]:
        raise ConfigError("provider registry %r must be <registry host>/<organisation>, "
                          "e.g. %s" % (registry, PROVIDER_REGISTRY))
    if runtime_config is not None:
        check_name(runtime_config, "DeploymentRuntimeConfig name")
    out: list[dict] = []
    seen: set = set()
    for fam in families:
        if not isinstance(fam, str) or not _FAMILY.match(fam):
            raise ConfigError("provider family %r is not a family name (lower-case letters "
                              "and digits, e.g. %s)" % (fam, ", ".join(PROVIDER_FAMILIES[:4])))
        if fam in seen:
            continue
        seen.add(fam)
        name = "provider-aws-%s" % fam
        spec: dict = {
            "package": "%s/%s:%s" % (registry, name, version),
            "packagePullPolicy": "IfNotPresent",
            "revisionActivationPolicy": "Automatic",
            "revisionHistoryLimit": 1,
        }
        if runtime_config:
            spec["runtimeConfigRef"] = {"apiVersion": "pkg.crossplane.io/v1beta1",
                                        "kind": "DeploymentRuntimeConfig",
                                        "name": runtime_config}
        out.append({
            "apiVersion": "pkg.crossplane.io/v1",
            "kind": "Provider",
            "metadata": {"name": name},
            "spec": spec,
        })
    return out


def provider_config(env: str, *, local: bool, name: str | None = None,
                    secret_namespace: str = "crossplane-system",
                    localstack_url: str = LOCALSTACK_URL,
                    services: tuple = LOCALSTACK_SERVICES) -> list[dict]:
    """The ``aws.upbound.io/v1beta1`` ``ProviderConfig`` of environment ``env``, named
    ``aws-<env>`` (or ``name``).

    ``local=True`` (LocalStack): every call of ``services`` goes to ``localstack_url``
    (static endpoint, immutable host name, path-style S3), the checks LocalStack cannot
    answer are skipped, and the credentials come from a Secret of LocalStack's dummy
    values; returns ``[ProviderConfig, Secret]``.

    ``local=False``: the credentials come from the Secret ``<name>-creds`` (key
    ``credentials``, an AWS shared-credentials file) in ``secret_namespace``; returns
    ``[ProviderConfig]`` only: real credentials are never generated into Git, the Secret is
    created out of band (sealed/external secret, or by hand).
    """
    if not isinstance(env, str) or not _ENV.match(env) or len(env) > 63:
        raise ConfigError("environment name %r is not valid (lower-case letters, digits and "
                          "'-', starting and ending with a letter or digit)" % (env,))
    pc_name = check_name(name if name is not None else "aws-%s" % env, "ProviderConfig name")
    check_name(secret_namespace, "Secret namespace")
    secret_name = check_name("%s-creds" % pc_name, "Secret name")
    spec: dict = {
        "credentials": {
            "source": "Secret",
            "secretRef": {"namespace": secret_namespace, "name": secret_name,
                          "key": "credentials"},
        },
    }
    if not local:
        return [_provider_config(pc_name, spec)]

    if not isinstance(localstack_url, str) or not re.match(r"^https?://[^/\s]+", localstack_url):
        raise ConfigError("LocalStack URL %r is not an http(s) URL" % (localstack_url,))
    svc = list(dict.fromkeys(services))
    if not svc or not all(isinstance(s, str) and _FAMILY.match(s) for s in svc):
        raise ConfigError("LocalStack services %r must be AWS service names" % (services,))
    spec["endpoint"] = {
        "url": {"type": "Static", "static": localstack_url},
        # one host for every service and region: do not prefix it with bucket names etc.
        "hostnameImmutable": True,
        "services": svc,
    }
    # LocalStack has no IMDS, no STS account lookup, no region list, and serves S3 on
    # path-style URLs.
    spec["skip_credentials_validation"] = True
    spec["skip_metadata_api_check"] = True
    spec["skip_region_validation"] = True
    spec["skip_requesting_account_id"] = True
    spec["s3_use_path_style"] = True
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": secret_name, "namespace": secret_namespace},
        "type": "Opaque",
        "stringData": {"credentials": LOCALSTACK_CREDENTIALS},
    }
    return [_provider_config(pc_name, spec), secret]


def _provider_config(name: str, spec: dict) -> dict:
    return {
        "apiVersion": "aws.upbound.io/v1beta1",
        "kind": "ProviderConfig",
        "metadata": {"name": name},
        "spec": spec,
    }


def deployment_runtime_config(name: str, *, service_account_annotations: dict) -> dict:
    """A ``pkg.crossplane.io/v1beta1`` ``DeploymentRuntimeConfig`` annotating the provider
    pods' service account, e.g. ``{"eks.amazonaws.com/role-arn": "arn:aws:iam::...:role/x"}``
    for EKS IRSA (then use ``credentials.source: IRSA`` in the ProviderConfig)."""
    check_name(name, "DeploymentRuntimeConfig name")
    if not isinstance(service_account_annotations, dict) or not service_account_annotations:
        raise ConfigError("DeploymentRuntimeConfig %s needs at least one service account "
                          "annotation" % name)
    annotations = {}
    for k, v in service_account_annotations.items():
        if not isinstance(k, str) or not k:
            raise ConfigError("annotation key %r must be a non-empty string" % (k,))
        annotations[k] = str(v)
    return {
        "apiVersion": "pkg.crossplane.io/v1beta1",
        "kind": "DeploymentRuntimeConfig",
        "metadata": {"name": name},
        "spec": {"serviceAccountTemplate": {"metadata": {"annotations": annotations}}},
    }
