#!/usr/bin/env python3
"""Generate a synthetic Crossplane GitOps repository for benchmarks.

    python bench/genrepo.py DIR [--envs 50] [--resources 100] [--seed 1]

Layout written under DIR:

    base/kustomization.yaml          resources, labels, commonAnnotations, configMapGenerator
    base/platform/*.yaml             Function, ProviderConfig, XRD + Composition pairs
    base/managed/<app>.yaml          upjet managed resources (cluster-scoped and namespaced)
    base/claims/<app>.yaml           claims of the generated XRDs
    base/config/<name>.env           files read by configMapGenerator (envs:/files:)
    overlays/env-NNN/kustomization.yaml
    overlays/env-NNN/patches/*.yaml  strategic-merge patch files

The base renders exactly ``--resources`` objects (ConfigMaps produced by the
generator included). Each overlay adds a namespace and a namePrefix, labels,
its own configMapGenerator (one new ConfigMap + a merge into a base one) and
2-3 patches: JSON6902 with a target selector, strategic merge with a target
selector, and a strategic-merge file patching one named resource.

This is a load shape, not a layout to copy: an overlay-wide ``namespace:``
also lands on cluster-scoped Crossplane objects (Kustomize does not know they
are cluster scoped), and a namePrefix renames XRDs. Both are fine for
measuring a renderer against ``kustomize build``.

The output depends only on the arguments (seeded ``random.Random``; no clock,
no environment).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from typing import Any, Callable

import yaml

# ---------------------------------------------------------------- YAML output


class _Dumper(yaml.SafeDumper):
    """Block style, multi-line strings as ``|`` literals, keys in given order."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_representer)


def dump_docs(docs: list[dict], header: str = "") -> str:
    body = yaml.dump_all(docs, Dumper=_Dumper, sort_keys=False, default_flow_style=False,
                         explicit_start=False, width=100)
    head = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return head + body


def write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


# --------------------------------------------------------------- vocabulary

APPS = ["billing", "checkout", "catalog", "search", "payments", "ledger", "identity",
        "notifications", "shipping", "inventory", "pricing", "reviews", "analytics",
        "reports", "gateway", "media", "fraud", "loyalty", "orders", "returns"]
REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-1"]
TIERS = ["dev", "staging", "prod"]
SIZES = ["small", "medium", "large"]
GROUP = "platform.example.org"
APP_LABEL = "bench.platform.example.org/app"
CLAIM_LABEL = "bench.platform.example.org/claim-kind"


def _tags(rng: random.Random, app: str, name: str) -> dict:
    tags = {"Name": name, "app": app, "cost-center": f"cc-{rng.randint(1000, 9999)}"}
    if rng.random() < 0.4:
        tags["data-classification"] = rng.choice(["internal", "confidential", "public"])
    return tags


def _meta(name: str, app: str, rng: random.Random, namespace: str | None = None,
          extra_labels: dict | None = None) -> dict:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    labels = {APP_LABEL: app}
    if extra_labels:
        labels.update(extra_labels)
    meta["labels"] = labels
    if rng.random() < 0.3:
        meta["annotations"] = {"crossplane.io/external-name": name}
    return meta


def _pcref(namespaced: bool = False) -> dict:
    if namespaced:
        return {"kind": "ClusterProviderConfig", "name": "default"}
    return {"name": "default"}


# ------------------------------------------------- managed resource templates
# Each returns one object; field names follow the CRDs in shared/crds/provider-aws/upjet.


def mr_bucket(rng, name, app, region):
    return {"apiVersion": "s3.aws.upbound.io/v1beta2", "kind": "Bucket",
            "metadata": _meta(name, app, rng),
            "spec": {"forProvider": {"region": region, "forceDestroy": False,
                                     "tags": _tags(rng, app, name)},
                     "providerConfigRef": _pcref()}}


def mr_bucket_versioning(rng, name, app, region):
    return {"apiVersion": "s3.aws.upbound.io/v1beta2", "kind": "BucketVersioning",
            "metadata": _meta(name, app, rng),
            "spec": {"forProvider": {"region": region,
                                     "bucketSelector": {"matchLabels": {APP_LABEL: app}},
                                     "versioningConfiguration": {"status": "Enabled"}},
                     "providerConfigRef": _pcref()}}


def mr_bucket_pab(rng, name, app, region):
    return {"apiVersion": "s3.aws.upbound.io/v1beta1", "kind": "BucketPublicAccessBlock",
            "metadata": _meta(name, app, rng),
            "spec": {"forProvider": {"region": region,
                                     "bucketSelector": {"matchLabels": {APP_LABEL: app}},
                                     "blockPublicAcls": True, "blockPublicPolicy": True,
                                     "ignorePublicAcls": True, "restrictPublicBuckets": True},
                     "providerConfigRef": _pcref()}}


def mr_queue(rng, name, app, region):
    fp: dict[str, Any] = {"region": region, "name": name,
                          "delaySeconds": rng.choice([0, 5, 30]),
                          "messageRetentionSeconds": rng.choice([86400, 345600, 1209600]),
                          "visibilityTimeoutSeconds": rng.choice([30, 60, 300]),
                          "sqsManagedSseEnabled": True,
                          "tags": _tags(rng, app, name)}
    if rng.random() < 0.5:
        fp["redrivePolicy"] = json.dumps(
            {"deadLetterTargetArn": f"arn:aws:sqs:{region}:123456789012:{name}-dlq",
             "maxReceiveCount": rng.randint(3, 10)})
    return {"apiVersion": "sqs.aws.upbound.io/v1beta1", "kind": "Queue",
            "metadata": _meta(name, app, rng), "spec": {"forProvider": fp,
                                                        "providerConfigRef": _pcref()}}


def mr_queue_namespaced(rng, name, app, region):
    obj = mr_queue(rng, name, app, region)
    obj["apiVersion"] = "sqs.aws.m.upbound.io/v1beta1"
    obj["metadata"]["namespace"] = "apps"
    obj["spec"]["providerConfigRef"] = _pcref(namespaced=True)
    return obj


def mr_topic(rng, name, app, region):
    return {"apiVersion": "sns.aws.upbound.io/v1beta1", "kind": "Topic",
            "metadata": _meta(name, app, rng),
            "spec": {"forProvider": {"region": region, "displayName": f"{app} events",
                                     "fifoTopic": False, "tags": _tags(rng, app, name)},
                     "providerConfigRef": _pcref()}}


def mr_table(rng, name, app, region):
    fp: dict[str, Any] = {"region": region, "billingMode": "PAY_PER_REQUEST",
                          "hashKey": "pk", "rangeKey": "sk",
                          "attribute": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "S"}],
                          "pointInTimeRecovery": {"enabled": True},
                          "tags": _tags(rng, app, name)}
    if rng.random() < 0.5:
        fp["ttl"] = {"attributeName": "expiresAt", "enabled": True}
    return {"apiVersion": "dynamodb.aws.upbound.io/v1beta2", "kind": "Table",
            "metadata": _meta(name, app, rng),
            "spec": {"forProvider": fp, "providerConfigRef": _pcref()}}


def mr_key(rng, name, app, region):
    return {"apiVersion": "kms.aws.upbound.io/v1beta1", "kind": "Key",
            "metadata": _meta(name, app, rng),
            "spec": {"forProvider": {"region": region, "description": f"{app} data key",
                                     "deletionWindowInDays": rng.choice([7, 14, 30]),
                                     "enableKeyRotation": True, "tags": _tags(rng, app, name)},
                     "providerConfigRef": _pcref()}}


def mr_role(rng, name, app, region):
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
        "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks."
                                   f"{region}.amazonaws.com/id/EXAMPLE"},
        "Condition": {"StringEquals": {
            f"oidc.eks.{region}.amazonaws.com/id/EXAMPLE:sub": f"system:serviceaccount:{app}:{app}"}}}]},
        indent=2) + "\n"
    return {"apiVersion": "iam.aws.upbound.io/v1beta1", "kind": "Role",
            "metadata": _meta(name, app, rng),
            "spec": {"forProvider": {"assumeRolePolicy": policy, "path": f"/{app}/",
                                     "maxSessionDuration": 3600, "tags": _tags(rng, app, name)},
                     "providerConfigRef": _pcref()}}


def mr_policy(rng, name, app, region):
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
        "Resource": f"arn:aws:s3:::{app}-*/*"}]}, indent=2) + "\n"
    return {"apiVersion": "iam.aws.upbound.io/v1beta1", "kind": "Policy",
            "metadata": _meta(name, app, rng),
            "spec": {"forProvider": {"policy": policy, "description": f"{app} object access",
                                     "tags": _tags(rng, app, name)},
                     "providerConfigRef": _pcref()}}


def mr_vpc(rng, name, app, region):
    return {"apiVersion": "ec2.aws.upbound.io/v1beta1", "kind": "VPC",
            "metadata": _meta(name, app, rng),
            "spec": {"forProvider": {"region": region,
                                     "cidrBlock": f"10.{rng.randint(0, 255)}.0.0/16",
                                     "enableDnsSupport": True, "enableDnsHostnames": True,
                                     "tags": _tags(rng, app, name)},
                     "providerConfigRef": _pcref()}}


def mr_subnet(rng, name, app, region):
    return {"apiVersion": "ec2.aws.upbound.io/v1beta1", "kind": "Subnet",
            "metadata": _meta(name, app, rng, extra_labels={"networking.platform.example.org/tier": "private"}),
            "spec": {"forProvider": {"region": region,
                                     "availabilityZone": region + rng.choice("abc"),
                                     "cidrBlock": f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.0/24",
                                     "vpcIdSelector": {"matchLabels": {APP_LABEL: app}},
                                     "mapPublicIpOnLaunch": False,
                                     "tags": _tags(rng, app, name)},
                     "providerConfigRef": _pcref()}}


def mr_security_group(rng, name, app, region):
    return {"apiVersion": "ec2.aws.upbound.io/v1beta1", "kind": "SecurityGroup",
            "metadata": _meta(name, app, rng),
            "spec": {"forProvider": {"region": region, "name": name,
                                     "description": f"{app} service traffic",
                                     "vpcIdSelector": {"matchLabels": {APP_LABEL: app}},
                                     "tags": _tags(rng, app, name)},
                     "providerConfigRef": _pcref()}}


def mr_ingress_rule(rng, name, app, region):
    port = rng.choice([443, 5432, 6379, 8080])
    return {"apiVersion": "ec2.aws.upbound.io/v1beta1", "kind": "SecurityGroupIngressRule",
            "metadata": _meta(name, app, rng),
            "spec": {"forProvider": {"region": region, "ipProtocol": "tcp", "fromPort": port,
                                     "toPort": port, "cidrIpv4": "10.0.0.0/8",
                                     "securityGroupIdSelector": {"matchLabels": {APP_LABEL: app}}},
                     "providerConfigRef": _pcref()}}


def mr_db_subnet_group(rng, name, app, region):
    return {"apiVersion": "rds.aws.upbound.io/v1beta1", "kind": "SubnetGroup",
            "metadata": _meta(name, app, rng),
            "spec": {"forProvider": {"region": region, "description": f"{app} databases",
                                     "subnetIdSelector": {"matchLabels": {
                                         APP_LABEL: app,
                                         "networking.platform.example.org/tier": "private"}},
                                     "tags": _tags(rng, app, name)},
                     "providerConfigRef": _pcref()}}


# (template, weight, short name used in resource names)
MR_TEMPLATES: list[tuple[Callable, int, str]] = [
    (mr_bucket, 5, "bucket"), (mr_bucket_versioning, 2, "versioning"),
    (mr_bucket_pab, 2, "pab"), (mr_queue, 4, "queue"), (mr_queue_namespaced, 2, "nsqueue"),
    (mr_topic, 3, "topic"), (mr_table, 3, "table"), (mr_key, 2, "key"), (mr_role, 3, "role"),
    (mr_policy, 2, "policy"), (mr_vpc, 1, "vpc"), (mr_subnet, 2, "subnet"),
    (mr_security_group, 2, "sg"), (mr_ingress_rule, 2, "ingress"),
    (mr_db_subnet_group, 1, "dbsubnets"),
]

# ------------------------------------------------------------- platform APIs

# (composite kind, claim kind, composed resource templates)
XRD_TEMPLATES = [
    ("XBucket", "Bucket", [mr_bucket, mr_bucket_versioning, mr_bucket_pab]),
    ("XDatabase", "Database", [mr_db_subnet_group]),
    ("XQueue", "Queue", [mr_queue]),
    ("XTopic", "Topic", [mr_topic]),
    ("XTable", "Table", [mr_table]),
    ("XNetwork", "Network", [mr_vpc, mr_subnet, mr_security_group]),
    ("XServiceRole", "ServiceRole", [mr_role, mr_policy]),
]


def xrd_names(index: int) -> tuple[str, str, str, str]:
    """(group, composite kind, claim kind, plural of composite) for the index-th XRD."""
    xkind, ckind, _ = XRD_TEMPLATES[index % len(XRD_TEMPLATES)]
    cycle = index // len(XRD_TEMPLATES)
    group = GROUP if cycle == 0 else f"v{cycle}.{GROUP}"
    return group, xkind, ckind, xkind.lower() + "s"


def composition_name(index: int) -> str:
    _group, _xkind, _ckind, plural = xrd_names(index)
    cycle = index // len(XRD_TEMPLATES)
    return f"{plural}-aws" if cycle == 0 else f"{plural}-v{cycle}-aws"


def make_xrd(index: int) -> dict:
    group, xkind, ckind, plural = xrd_names(index)
    params = {
        "region": {"type": "string", "description": "AWS region of the composed resources."},
        "size": {"type": "string", "enum": SIZES, "default": "small"},
        "providerConfigName": {"type": "string", "default": "default"},
        "deletionPolicy": {"type": "string", "enum": ["Delete", "Orphan"], "default": "Delete"},
    }
    return {
        "apiVersion": "apiextensions.crossplane.io/v1", "kind": "CompositeResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {
            "group": group, "scope": "LegacyCluster",
            "names": {"kind": xkind, "plural": plural},
            "claimNames": {"kind": ckind, "plural": ckind.lower() + "s"},
            "defaultCompositionRef": {"name": composition_name(index)},
            "versions": [{
                "name": "v1alpha1", "served": True, "referenceable": True,
                "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "properties": {
                        "spec": {"type": "object", "properties": {
                            "parameters": {"type": "object", "properties": params,
                                           "required": ["region"]}},
                            "required": ["parameters"]},
                        "status": {"type": "object", "properties": {
                            "arn": {"type": "string"}}}}}}}]}}


def make_composition(index: int, rng: random.Random) -> dict:
    group, xkind, _ckind, plural = xrd_names(index)
    _, _, templates = XRD_TEMPLATES[index % len(XRD_TEMPLATES)]
    resources = []
    for t in templates:
        base = t(rng, "placeholder", "composed", "eu-west-1")
        base.pop("metadata")
        base["spec"].pop("providerConfigRef", None)
        short = t.__name__.removeprefix("mr_").replace("_", "-")
        patches: list[dict] = [{"type": "PatchSet", "patchSetName": "common"}]
        if t is mr_role or t is mr_policy:  # IAM is global: no region to patch
            patches = [{"type": "FromCompositeFieldPath", "fromFieldPath": f"spec.parameters.{f}",
                        "toFieldPath": to} for f, to in (
                ("providerConfigName", "spec.providerConfigRef.name"),
                ("deletionPolicy", "spec.deletionPolicy"))]
        resources.append({"name": short, "base": base, "patches": patches})
    return {
        "apiVersion": "apiextensions.crossplane.io/v1", "kind": "Composition",
        "metadata": {"name": composition_name(index), "labels": {"platform.example.org/provider": "aws"}},
        "spec": {
            "compositeTypeRef": {"apiVersion": f"{group}/v1alpha1", "kind": xkind},
            "mode": "Pipeline",
            "pipeline": [{
                "step": "patch-and-transform",
                "functionRef": {"name": "function-patch-and-transform"},
                "input": {
                    "apiVersion": "pt.fn.crossplane.io/v1beta1", "kind": "Resources",
                    "patchSets": [{"name": "common", "patches": [
                        {"type": "FromCompositeFieldPath", "fromFieldPath": "spec.parameters.region",
                         "toFieldPath": "spec.forProvider.region"},
                        {"type": "FromCompositeFieldPath",
                         "fromFieldPath": "spec.parameters.providerConfigName",
                         "toFieldPath": "spec.providerConfigRef.name"},
                        {"type": "FromCompositeFieldPath",
                         "fromFieldPath": "spec.parameters.deletionPolicy",
                         "toFieldPath": "spec.deletionPolicy"}]}],
                    "resources": resources}}]}}


def make_claim(rng: random.Random, index: int, name: str, app: str, region: str) -> dict:
    group, _xkind, ckind, _plural = xrd_names(index)
    return {"apiVersion": f"{group}/v1alpha1", "kind": ckind,
            "metadata": {"name": name, "labels": {APP_LABEL: app, CLAIM_LABEL: ckind.lower()}},
            "spec": {"parameters": {"region": region, "size": rng.choice(SIZES),
                                    "providerConfigName": "default",
                                    "deletionPolicy": "Delete"}}}


# ---------------------------------------------------------------- the repo


def _split(total: int) -> dict[str, int]:
    """How many of each family make up `total` rendered base objects."""
    counts = {"function": 1 if total >= 4 else 0, "providerconfig": 1 if total >= 8 else 0}
    rest = total - sum(counts.values())
    counts["xrd"] = max(1, rest // 20) if rest >= 6 else 0           # XRD + Composition pairs
    counts["configmap"] = max(1, rest // 10) if rest >= 3 else 0
    counts["claim"] = max(1, rest // 5) if counts["xrd"] else 0
    counts["mr"] = rest - 2 * counts["xrd"] - counts["configmap"] - counts["claim"]
    if counts["mr"] < 0:  # tiny repos: drop the extras
        counts = {"function": 0, "providerconfig": 0, "xrd": 0, "configmap": 0, "claim": 0,
                  "mr": total}
    return counts


def generate(root: str, envs: int = 50, resources: int = 100, seed: int = 1) -> list[str]:
    """Write the repository under `root`; return the overlay directories (absolute)."""
    if resources < 1 or envs < 1:
        raise ValueError("--envs and --resources must be >= 1")
    rng = random.Random(f"kustgen-bench:{seed}:{envs}:{resources}")
    root = os.path.abspath(root)
    base = os.path.join(root, "base")
    counts = _split(resources)
    files: list[str] = []
    mr_names: list[tuple[str, str, str]] = []          # (apiVersion, kind, name) of regional MRs
    tagged: list[tuple[str, str, str]] = []            # those of them that have tags

    # platform: Function, ProviderConfig, XRDs and Compositions
    platform_docs: list[dict] = []
    if counts["function"]:
        platform_docs.append({
            "apiVersion": "pkg.crossplane.io/v1", "kind": "Function",
            "metadata": {"name": "function-patch-and-transform"},
            "spec": {"package": "xpkg.crossplane.io/crossplane-contrib/"
                                "function-patch-and-transform:v0.8.2"}})
    if counts["providerconfig"]:
        platform_docs.append({
            "apiVersion": "aws.upbound.io/v1beta1", "kind": "ProviderConfig",
            "metadata": {"name": "default"},
            "spec": {"credentials": {"source": "IRSA"}}})
    if platform_docs:
        write(os.path.join(base, "platform", "packages.yaml"),
              dump_docs(platform_docs, "Crossplane packages and the default ProviderConfig."))
        files.append("platform/packages.yaml")
    for i in range(counts["xrd"]):
        _group, xkind, _ckind, plural = xrd_names(i)
        write(os.path.join(base, "platform", f"{plural}-{i}.yaml"),
              dump_docs([make_xrd(i), make_composition(i, rng)],
                        f"Platform API {xkind}: definition and its AWS composition."))
        files.append(f"platform/{plural}-{i}.yaml")

    # managed resources, grouped by application (one file per app)
    weights = [w for _, w, _ in MR_TEMPLATES]
    by_app: dict[str, list[dict]] = {}
    for i in range(counts["mr"]):
        template, _, short = rng.choices(MR_TEMPLATES, weights=weights)[0]
        app = APPS[i % len(APPS)]
        name = f"{app}-{short}-{i:04d}"
        obj = template(rng, name, app, rng.choice(REGIONS))
        by_app.setdefault(app, []).append(obj)
        if "region" in obj["spec"]["forProvider"] and "namespace" not in obj["metadata"]:
            mr_names.append((obj["apiVersion"], obj["kind"], name))
            if "tags" in obj["spec"]["forProvider"]:
                tagged.append((obj["apiVersion"], obj["kind"], name))
    for app in sorted(by_app):
        write(os.path.join(base, "managed", f"{app}.yaml"),
              dump_docs(by_app[app], f"Managed resources of the {app} service."))
        files.append(f"managed/{app}.yaml")

    # claims of the generated XRDs
    by_app = {}
    claim_kinds: set[tuple[str, str]] = set()
    for i in range(counts["claim"]):
        app = APPS[(i * 7) % len(APPS)]
        xi = i % counts["xrd"]
        claim = make_claim(rng, xi, f"{app}-claim-{i:04d}", app, rng.choice(REGIONS))
        claim_kinds.add((claim["apiVersion"], claim["kind"]))
        by_app.setdefault(app, []).append(claim)
    for app in sorted(by_app):
        write(os.path.join(base, "claims", f"{app}.yaml"),
              dump_docs(by_app[app], f"What the {app} team asks the platform for."))
        files.append(f"claims/{app}.yaml")

    # configMapGenerator entries: literals, env files and plain files
    generators = []
    for i in range(counts["configmap"]):
        app = APPS[(i * 3) % len(APPS)]
        name = f"{app}-settings-{i:03d}"
        kind = i % 3
        gen: dict[str, Any] = {"name": name}
        if kind == 0:
            gen["literals"] = [f"LOG_LEVEL={rng.choice(['info', 'debug', 'warn'])}",
                               f"REGION={rng.choice(REGIONS)}",
                               f"FEATURE_FLAGS={','.join(rng.sample(['a', 'b', 'c', 'd', 'e'], 3))}",
                               f"TIMEOUT_SECONDS={rng.randint(1, 120)}"]
        elif kind == 1:
            env_file = f"config/{name}.env"
            write(os.path.join(base, env_file),
                  "".join(f"{k}={v}\n" for k, v in [
                      ("SERVICE", app), ("REPLICA_HINT", rng.randint(1, 9)),
                      ("ENDPOINT", f"https://{app}.internal.example.org"),
                      ("RETRIES", rng.randint(0, 5))]))
            gen["envs"] = [env_file]
        else:
            data_file = f"config/{name}.json"
            write(os.path.join(base, data_file),
                  json.dumps({"service": app, "limits": {"rps": rng.randint(10, 5000)},
                              "owners": [f"{app}-oncall@example.org"]}, indent=2) + "\n")
            gen["files"] = [f"settings.json={data_file}"]
            gen["literals"] = [f"OWNER={app}"]
        generators.append(gen)

    kust: dict[str, Any] = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
        "resources": files,
        "labels": [{"pairs": {"platform.example.org/repo": "bench",
                              "app.kubernetes.io/part-of": "bench-platform"},
                    "includeSelectors": False}],
        "commonAnnotations": {"platform.example.org/owner": "platform-team@example.org"},
    }
    if generators:
        kust["configMapGenerator"] = generators
    write(os.path.join(base, "kustomization.yaml"),
          dump_docs([kust], f"Generated base: {resources} objects (seed {seed})."))

    # overlays
    overlay_dirs = []
    sorted_claim_kinds = sorted(claim_kinds)
    for e in range(envs):
        env = f"env-{e:03d}"
        tier = TIERS[e % len(TIERS)]
        region = REGIONS[e % len(REGIONS)]
        odir = os.path.join(root, "overlays", env)
        overlay_dirs.append(odir)
        patches: list[dict] = []
        # 1. JSON6902 with a target: region (+ Orphan in prod) on one upjet group/kind
        if mr_names:
            api, kind, _ = mr_names[rng.randrange(len(mr_names))]
            group, version = api.split("/")
            ops = [{"op": "replace", "path": "/spec/forProvider/region", "value": region},
                   {"op": "add", "path": "/spec/providerConfigRef/name", "value": f"aws-{tier}"}]
            if tier == "prod":
                ops.append({"op": "add", "path": "/spec/deletionPolicy", "value": "Orphan"})
            patches.append({"target": {"group": group, "version": version, "kind": kind},
                            "patch": yaml.dump(ops, Dumper=_Dumper, sort_keys=False).rstrip("\n")})
        # 2. strategic merge with a target selector (label selector) on claims
        if sorted_claim_kinds:
            api, ckind = sorted_claim_kinds[e % len(sorted_claim_kinds)]
            smp = {"apiVersion": api, "kind": ckind, "metadata": {"name": "any"},
                   "spec": {"parameters": {"size": SIZES[e % len(SIZES)],
                                           "providerConfigName": f"aws-{tier}"}}}
            patches.append({"target": {"group": api.split("/")[0], "kind": ckind,
                                       "labelSelector": f"{CLAIM_LABEL}={ckind.lower()}"},
                            "patch": yaml.dump(smp, Dumper=_Dumper, sort_keys=False).rstrip("\n")})
        # 3. (two envs in three) a strategic-merge file on one named resource
        if tagged and e % 3 != 2:
            api, kind, name = tagged[rng.randrange(len(tagged))]
            smp = {"apiVersion": api, "kind": kind, "metadata": {
                "name": name, "annotations": {"platform.example.org/patched-by": env}},
                "spec": {"forProvider": {"tags": {"environment": env, "tier": tier}}}}
            rel = f"patches/{name}.yaml"
            write(os.path.join(odir, rel),
                  dump_docs([smp], f"{env}: environment tags on {kind} {name}."))
            patches.append({"path": rel})

        cmg: list[dict] = [{"name": "env-settings", "literals": [
            f"ENVIRONMENT={env}", f"TIER={tier}", f"REGION={region}",
            f"PROVIDER_CONFIG=aws-{tier}"]}]
        if generators:
            target = generators[e % len(generators)]
            cmg.append({"name": target["name"], "behavior": "merge",
                        "literals": [f"ENVIRONMENT={env}", f"LOG_LEVEL={'warn' if tier == 'prod' else 'debug'}"]})
        okust: dict[str, Any] = {
            "apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
            "resources": ["../../base"],
            "namespace": env,
            "namePrefix": f"{env}-",
            "labels": [{"pairs": {"platform.example.org/environment": env,
                                  "platform.example.org/tier": tier},
                        "includeSelectors": False}],
        }
        if tier == "prod":
            okust["commonAnnotations"] = {"argocd.argoproj.io/sync-options": "Delete=false"}
        okust["configMapGenerator"] = cmg
        okust["patches"] = patches
        write(os.path.join(odir, "kustomization.yaml"),
              dump_docs([okust], f"Environment {env} ({tier}, {region})."))
    return overlay_dirs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", help="output directory (created; existing files are overwritten)")
    ap.add_argument("--envs", type=int, default=50, help="number of overlays (default 50)")
    ap.add_argument("--resources", type=int, default=100,
                    help="objects rendered by the base (default 100)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    dirs = generate(args.dir, args.envs, args.resources, args.seed)
    print(f"wrote {os.path.join(os.path.abspath(args.dir), 'base')} and {len(dirs)} overlays")
    return 0


if __name__ == "__main__":
    sys.exit(main())
