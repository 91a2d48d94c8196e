"""What every report format shares: the registry, the one interface, determinism, purity.

Also holds the sample findings and the golden-file helper the per-format test modules use.
"""

from __future__ import annotations

import os
import random

import pytest

from kustgen.model import ConfigError, Finding, Gvk, Origin, ResId, Severity
from kustgen.report import (
    FORMATS, Reporter, get_reporter, relative_path, render, sort_findings, summarize,
)

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", "report")

RDS = ResId(Gvk("rds.aws.upbound.io", "v1beta1", "Instance"), "orders-db", "")
BUCKET = ResId(Gvk("s3.aws.upbound.io", "v1beta1", "Bucket"), "logs", "")
CLAIM = ResId(Gvk("platform.example.org", "v1alpha1", "PostgresInstance"), "orders", "team-a")
SECRET = ResId(Gvk("", "v1", "Secret"), "db-creds", "team-a")


def sample_findings() -> list[Finding]:
    """Findings as checks make them: several files, overlays, severities, odd characters."""
    return [
        Finding(Origin("overlays/prod/db.yaml", 12, 5), "KG101", Severity.ERROR,
                "deletionPolicy must be Orphan in prod, got Delete", RDS,
                "/spec/deletionPolicy", "overlays/prod"),
        Finding(Origin("overlays/prod/db.yaml", 3, 3), "schema", Severity.ERROR,
                "spec.forProvider.instanceClass: 42 is not of type 'string'", RDS,
                "/spec/forProvider/instanceClass", "overlays/prod"),
        Finding(Origin("base/claims/orders.yaml", 8, 7), "KG204", Severity.WARNING,
                "storageGB 5 is below the platform minimum: 20", CLAIM,
                "/spec/parameters/storageGB", "overlays/staging"),
        Finding(Origin("base/claims/orders.yaml", 8, 7), "KG204", Severity.WARNING,
                "storageGB 5 is below the platform minimum: 20", CLAIM,
                "/spec/parameters/storageGB", "overlays/dev"),
        Finding(Origin("base/bucket.yaml", 1, 0, via="namePrefix"), "KG310", Severity.INFO,
                "name set by namePrefix in kustomization.yaml, 100% generated", BUCKET,
                "/metadata/name", "overlays/dev"),
        Finding(Origin("base/secret.yaml", 6, 3), "KG500", Severity.ERROR,
                "Secret key \"password\" has a literal value; use an ExternalSecret",
                SECRET, "/stringData/password", "overlays/dev"),
        Finding(Origin("overlays/dev/kustomization.yaml", 0, 0), "parse-error",
                Severity.ERROR, "mapping values are not allowed here,\nline 4: a: b: c",
                None, "", "overlays/dev"),
        Finding(Origin("overlays/staging/patch ü.yaml", 2, 1), "KG101", Severity.WARNING,
                "region <eu-west-1> & \"quoted\" differs", RDS, "/spec/forProvider/region",
                "overlays/staging"),
    ]


def check_golden(name: str, got: str, update: bool) -> None:
    path = os.path.join(GOLDEN, name)
    if update:
        os.makedirs(GOLDEN, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(got)
    with open(path, encoding="utf-8", newline="") as fh:
        assert got == fh.read(), "run pytest --update-golden after an intended change"


def test_registry_names_every_format():
    assert list(FORMATS) == ["text", "json", "junit", "sarif", "github"]
    for name, cls in FORMATS.items():
        assert issubclass(cls, Reporter)
        assert cls.name == name
        assert isinstance(get_reporter(name), cls)


def test_unknown_format_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown report format 'xml'"):
        get_reporter("xml")


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_format_takes_the_same_options(name):
    rep = get_reporter(name, color=False, base_dir=".", rules={"KG101": "d"},
                       tool_version="9.9", fail_on=Severity.WARNING)
    rep.write(sample_findings()[0])
    assert isinstance(rep.flush(resources=3, files=2), str)


@pytest.mark.parametrize("name", list(FORMATS))
def test_output_does_not_depend_on_write_order(name):
    fs = sample_findings()
    want = render(name, fs)
    for seed in range(5):
        shuffled = list(fs)
        random.Random(seed).shuffle(shuffled)
        assert render(name, shuffled) == want


@pytest.mark.parametrize("name", list(FORMATS))
def test_reporters_are_pure(name, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")  # only the CLI may read it
    rep = get_reporter(name)
    for f in sample_findings():
        rep.write(f)
    first = rep.flush()
    assert rep.flush() == first            # flushing twice gives the same output
    assert capsys.readouterr() == ("", "")  # nothing printed


@pytest.mark.parametrize("name", list(FORMATS))
def test_write_takes_findings_only(name):
    with pytest.raises(TypeError):
        get_reporter(name).write({"rule": "KG101"})


def test_sort_breaks_ties_by_resource():
    a = Finding(Origin("f.yaml", 1, 1), "R", Severity.ERROR, "m", RDS)
    b = Finding(Origin("f.yaml", 1, 1), "R", Severity.ERROR, "m", BUCKET)
    assert sort_findings([a, b]) == sort_findings([b, a])
    assert [f.resid for f in sort_findings([a, b])] == [RDS, BUCKET]  # rds < s3 by group


def test_summarize_counts():
    s = summarize(sample_findings(), resources=40, files=12)
    assert (s.errors, s.warnings, s.infos, s.findings) == (4, 3, 1, 8)
    assert s.files == 6
    # the claim in two overlays counts twice: resources are per rendered overlay
    assert s.resources == 6
    assert (s.resources_checked, s.files_checked) == (40, 12)


def test_relative_path():
    assert relative_path("/repo/overlays/dev/a.yaml", "/repo") == "overlays/dev/a.yaml"
    assert relative_path("overlays/dev/a.yaml", None) == "overlays/dev/a.yaml"
    assert relative_path("/elsewhere/a.yaml", "/repo") == "/elsewhere/a.yaml"
    assert relative_path("", "/repo") == ""
