"""Mutation tests: a real upstream example in a base, an overlay patching it; one error is
injected at a time in the base file or in the patch. kustgen reports exactly that error, at
that file and line, and nothing else."""

from __future__ import annotations

import os
import re

import pytest

from conftest import need_shared
from kustgen import api

SGR_CRD = ("crds", "provider-aws", "upjet", "ec2.aws.upbound.io_securitygrouprules.yaml")
SGR_EXAMPLE = ("examples", "provider-aws", "ec2", "cluster", "v1beta1", "securitygrouprule.yaml")

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
"""

PATCH = """apiVersion: ec2.aws.upbound.io/v1beta1
kind: SecurityGroupRule
metadata:
  name: securitygrouprule
spec:
  forProvider:
    toPort: 443
"""


def make(tmp_path):
    with open(need_shared(*SGR_EXAMPLE)) as fh:
        example = fh.read().split("\n---\n")[0] + "\n"
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "sgr.yaml").write_text(example)
    (tmp_path / "base" / "svc.yaml").write_text(SERVICE)
    (tmp_path / "base" / "kustomization.yaml").write_text("resources:\n- sgr.yaml\n- svc.yaml\n")
    (tmp_path / "prod").mkdir()
    (tmp_path / "prod" / "patch.yaml").write_text(PATCH)
    (tmp_path / "prod" / "kustomization.yaml").write_text(
        "resources:\n- ../base\npatches:\n- path: patch.yaml\n")


def edit(path, old, new):
    text = path.read_text()
    assert re.search(old, text, re.M), (old, text)
    text = re.sub(old, new, text, count=1, flags=re.M)
    path.write_text(text)
    return text


def line_of(text, needle):
    return next(i for i, l in enumerate(text.splitlines(), 1) if needle in l)


def errors_of(tmp_path):
    res = api.validate([str(tmp_path / "prod")], crds=[need_shared(*SGR_CRD)])
    return [f for f in res.findings if f.severity >= 3], res


def test_unmutated_is_clean(tmp_path):
    make(tmp_path)
    errs, res = errors_of(tmp_path)
    assert errs == [] and res.stats["validated"] == 2


# (name, file, regex to replace, replacement, needle for the expected line, rule, message part)
MUTATIONS = [
    ("wrong type", "base/sgr.yaml", r"^(\s+)fromPort: 0$", r"\1fromPort: zero", "fromPort:",
     "schema", "fromPort"),
    ("unknown field", "base/sgr.yaml", r"^(\s+)region: (.*)$", r"\1region: \2\n\1descripton: x",
     "descripton:", "schema", 'unknown field "descripton"'),
    ("missing required field (CEL)", "base/sgr.yaml", r"^\s+fromPort: 0\n", "", "spec:",
     "cel", "fromPort is a required parameter"),
    ("enum violation", "base/sgr.yaml", r"^spec:$", "spec:\n  deletionPolicy: Keep",
     "deletionPolicy:", "schema", "Keep"),
    ("null where not nullable", "base/sgr.yaml", r"^(\s+)cidrBlocks:\n\s+- 10.0.0.0/16$",
     r"\1cidrBlocks: null", "cidrBlocks:", "schema", "cidrBlocks"),
    ("bad int-or-string", "base/svc.yaml", r"targetPort: 8080", "targetPort: [8080]",
     "targetPort:", "schema", "targetPort"),
    ("wrong type in a patch", "prod/patch.yaml", r"toPort: 443", "toPort: all", "toPort:",
     "schema", "toPort"),
    ("unknown field in a patch", "prod/patch.yaml", r"^(\s+)toPort: 443$",
     r"\1toPort: 443\n\1toPrt: 80", "toPrt:", "schema", 'unknown field "toPrt"'),
]


@pytest.mark.parametrize("name, rel, old, new, needle, rule, part", MUTATIONS,
                         ids=[m[0] for m in MUTATIONS])
def test_one_injected_error_is_reported_exactly(tmp_path, name, rel, old, new, needle, rule, part):
    make(tmp_path)
    text = edit(tmp_path / rel, old, new)
    errs, _ = errors_of(tmp_path)
    assert len(errs) == 1, [(f.rule, f.message, f.origin) for f in errs]
    f = errs[0]
    assert f.rule == rule and part in f.message, f
    assert os.path.realpath(f.origin.file) == os.path.realpath(tmp_path / rel), f.origin
    assert f.origin.line == line_of(text, needle), (f.origin, text)
