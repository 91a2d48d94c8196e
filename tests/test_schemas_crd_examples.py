"""Real upstream examples against real upstream CRDs (../shared), strict mode.

- every document of ../shared/examples/provider-aws and provider-aws-classic that has a CRD
  validates with zero errors (no false positives); documents whose kind has no CRD (v1
  Secrets) are skipped and counted;
- every file of ../shared/examples/known-invalid is caught, with the reason the examples'
  README gives;
- every verdict agrees with the reference check in VALIDATION.tsv (strict column), Argo CD
  examples included.

Compile and validation speed are printed (run with -s to see them); not asserted.
"""

from __future__ import annotations

import csv
import os
import re
import time

import pytest

from conftest import need_shared
from kustgen.schemas import Registry, validate_object
from kustgen.schemas.sources.crd import CrdSource
from kustgen.yamlio import load_documents


@pytest.fixture(scope="module")
def aws_registry():
    src = CrdSource([need_shared("crds", "provider-aws")], strict=True)
    assert not src.errors
    return Registry([src])


@pytest.fixture(scope="module")
def validation_tsv():
    path = os.path.join(need_shared("examples"), "VALIDATION.tsv")
    with open(path, newline="") as f:
        return {(r["file"], int(r["doc"])): r for r in csv.DictReader(f, delimiter="\t")
                if r["doc"].isdigit()}


def yaml_files(root: str) -> list[str]:
    out = []
    for d, _, names in os.walk(root):
        out.extend(os.path.join(d, n) for n in names if n.endswith((".yaml", ".yml")))
    return sorted(out)


def documents(root: str):
    for p in (yaml_files(root) if os.path.isdir(root) else [root]):
        with open(p, "rb") as f:
            for d in load_documents(f.read(), p):
                if isinstance(d.data, dict):
                    yield p, d


def rel(p: str) -> str:
    return os.path.relpath(p, need_shared("examples"))


@pytest.mark.parametrize("folder", ["provider-aws", "provider-aws-classic"])
def test_examples_validate_without_errors(folder, aws_registry, validation_tsv):
    root = need_shared("examples", folder)
    validated, skipped, failures = 0, [], []
    entries = set()
    t_validate = 0.0
    for p, d in documents(root):
        entry = aws_registry.lookup(d.data.get("apiVersion"), d.data.get("kind"))
        if entry is None:
            skipped.append("%s/%s" % (d.data.get("apiVersion"), d.data.get("kind")))
            assert validation_tsv[(rel(p), d.index)]["schema_strict"] == "no-crd"
            continue
        if id(entry) not in entries:
            entry.compile()
            entries.add(id(entry))
        t = time.perf_counter()
        errs = validate_object(entry, d.data)
        t_validate += time.perf_counter() - t
        validated += 1
        assert validation_tsv[(rel(p), d.index)]["schema_strict"] == "ok"
        failures.extend("%s#%d: %s" % (rel(p), d.index, e.message) for e in errs)
    print("\n%s: %d documents validated, %d errors, %d skipped without CRD (%s); "
          "%.0f validations/s" % (folder, validated, len(failures), len(skipped),
                                  ", ".join(sorted(set(skipped))), validated / t_validate))
    assert failures == []
    assert validated > 0
    assert set(skipped) <= {"v1/Secret"}


# Reasons from ../shared/examples/README.md ("known-invalid/"): file → (doc, path, keyword),
# or None for "no schema for this kind".
KNOWN_INVALID = {
    "provider-aws/iam/cluster/v1beta1/signingcertificate.yaml":
        [(0, "/spec/forProvider/username", "additionalProperties")],
    "provider-aws/iam/namespaced/v1beta1/signingcertificate.yaml":
        [(0, "/spec/forProvider/username", "additionalProperties")],
    "provider-aws/ec2/namespaced/v1beta1/securitygrouprule-self-true.yaml":
        [(1, "/spec/deletionPolicy", "additionalProperties"),
         (2, "/spec/deletionPolicy", "additionalProperties")],
    "provider-aws/rds/cluster/v1beta1/proxyendpoint.yaml":
        [(0, "/spec/forProvider/dbProxyEndpointName", "additionalProperties")],
    "provider-aws/storeconfig/cluster/v1beta1/vault.yaml":
        [(0, "/spec/vault", "additionalProperties")],
    "provider-aws/storeconfig/namespaced/v1beta1/vault.yaml": None,
    "provider-aws-classic/storeconfig/vault.yaml":
        [(0, "/spec/vault", "additionalProperties")],
}


def test_known_invalid_are_caught(aws_registry, validation_tsv):
    root = need_shared("examples", "known-invalid")
    files = [os.path.relpath(p, root) for p in yaml_files(root)]
    assert sorted(files) == sorted(KNOWN_INVALID)
    for f in files:
        found, no_schema = set(), []
        for _, d in documents(os.path.join(root, f)):
            entry = aws_registry.lookup(d.data["apiVersion"], d.data["kind"])
            if entry is None:
                no_schema.append(d.index)
                continue
            errs = validate_object(entry, d.data)
            found |= {(d.index, e.path, e.keyword) for e in errs}
            # the same verdict as the reference check: the unexpected field it names
            row = validation_tsv[("known-invalid/" + f, d.index)]
            for field in re.findall(r"'(\w+)' was unexpected", row["schema_strict"]):
                assert any(e.path.endswith("/" + field) and e.message.endswith(
                    'unknown field "%s"' % field) for e in errs), (f, errs)
            if row["schema_strict"] == "ok":
                assert errs == [], (f, d.index, errs)
        want = KNOWN_INVALID[f]
        if want is None:
            assert no_schema and not found, f
        else:
            assert set(want) == found, (f, found)


def test_argocd_examples_agree_with_reference(validation_tsv):
    reg = Registry([CrdSource([need_shared("crds", "argo", "argo-cd")])])
    root = need_shared("examples", "argocd")
    checked = failing = 0
    for p in yaml_files(root):
        with open(p, "rb") as f:
            try:
                docs = load_documents(f.read(), p)
            except Exception:
                continue  # the 5 files PyYAML cannot read either (README: tabs, Helm)
        for d in docs:
            if not isinstance(d.data, dict):
                continue
            entry = reg.lookup(d.data.get("apiVersion"), d.data.get("kind"))
            if entry is None:
                continue
            errs = validate_object(entry, d.data)
            want = validation_tsv[(rel(p), d.index)]["schema_strict"]
            assert (want == "ok") == (errs == []), (rel(p), d.index, want, errs)
            checked += 1
            failing += bool(errs)
    print("\nargocd: %d documents checked, %d failing as the reference says" % (checked, failing))
    assert checked >= 50 and failing == 10


def test_every_crd_converts_and_compiles():
    src = CrdSource([need_shared("crds")])
    assert not src.errors
    times = []
    for key in src.keys():
        entry = src.lookup(*key)
        t = time.perf_counter()
        entry.compile()
        times.append(time.perf_counter() - t)
    times.sort()
    print("\n%d schemas converted+compiled: median %.2f ms, p90 %.2f ms, max %.1f ms, "
          "total %.2f s" % (len(times), times[len(times) // 2] * 1e3,
                            times[len(times) * 9 // 10] * 1e3, times[-1] * 1e3, sum(times)))
    assert len(times) >= 254


def test_injected_errors_are_reported_exactly(aws_registry):
    """One error injected at a time into real examples: exactly that error is reported, and
    python-jsonschema on the same converted schema agrees."""
    import copy

    import jsonschema

    from kustgen.schemas.convert import apply_defaults

    mutated = 0
    for _, d in documents(need_shared("examples", "provider-aws")):
        entry = aws_registry.lookup(d.data.get("apiVersion"), d.data.get("kind"))
        fp = (d.data.get("spec") or {}).get("forProvider")
        if entry is None or not isinstance(fp, dict) or "region" not in fp:
            continue
        oracle = jsonschema.Draft7Validator(entry.schema)
        cases = [
            ("type", lambda o: o["spec"]["forProvider"].__setitem__("region", 1),
             "/spec/forProvider/region"),
            ("nullable", lambda o: o["spec"]["forProvider"].__setitem__("region", None),
             "/spec/forProvider/region"),
            ("additionalProperties", lambda o: o["spec"]["forProvider"].__setitem__(
                "regoin", "x"), "/spec/forProvider/regoin"),
            ("additionalProperties", lambda o: o["spec"].__setitem__("forProvder", {}),
             "/spec/forProvder"),
        ]
        if "deletionPolicy" in entry.schema["properties"]["spec"]["properties"]:
            cases.append(("enum", lambda o: o["spec"].__setitem__("deletionPolicy", "Keep"),
                          "/spec/deletionPolicy"))
        for keyword, mutate, path in cases:
            o = copy.deepcopy(d.data)
            mutate(o)
            errs = validate_object(entry, o)
            assert [(e.keyword, e.path) for e in errs] == [(keyword, path)], (d.path, errs)
            assert len(list(oracle.iter_errors(apply_defaults(entry.openapi, o)))) == 1
            mutated += 1
    print("\n%d injected errors, each reported exactly" % mutated)
    assert mutated > 300


def test_a_crd_folder_is_indexed_without_parsing_it_all():
    """Looking up one kind parses only the file that defines it."""
    src = CrdSource([need_shared("crds")])
    assert src._parsed == set()
    entry = src.lookup("s3.aws.upbound.io/v1beta2", "Bucket")
    assert entry is not None and entry.kind == "Bucket"
    assert len(src._parsed) == 1 and next(iter(src._parsed)).endswith("s3.aws.upbound.io_buckets.yaml")
    assert src.lookup("s3.aws.upbound.io/v1beta9", "Bucket") is None
