"""The scaffolding commands end to end, in a real git repository: init -> schemas import ->
add -> env add -> app add gives a tree that validates and that `kubectl kustomize` builds
exactly as kustgen does; running the same commands again changes nothing; bad input is
one clear line, exit 2, nothing written."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from conftest import REPO, need_kubectl, need_shared


def kg(cwd, *args, input=None):
    env = dict(os.environ, PYTHONPATH=REPO, NO_COLOR="1")
    p = subprocess.run([sys.executable, "-m", "kustgen", *args], cwd=cwd, capture_output=True,
                       text=True, env=env, input=input, timeout=300)
    assert "Traceback" not in p.stderr, p.stderr
    return p


def git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                          env=dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@e",
                                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@e")).stdout


def crd(*parts):
    return os.path.join(need_shared("crds"), *parts)


SCHEMAS = [
    ("crossplane", "pkg.crossplane.io_providers.yaml"),
    ("crossplane", "apiextensions.crossplane.io_compositeresourcedefinitions.yaml"),
    ("crossplane", "apiextensions.crossplane.io_compositions.yaml"),
    ("provider-aws", "upjet", "aws.upbound.io_providerconfigs.yaml"),
    ("provider-aws", "upjet", "s3.aws.upbound.io_buckets.yaml"),
    ("provider-aws", "upjet", "s3.aws.upbound.io_bucketversionings.yaml"),
]


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "infra"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "remote", "add", "origin", "https://git.example.com/team/infra.git")
    return root


def run_all(root):
    steps = [
        ("init", "--envs", "dev,staging,prod"),
        ("schemas", "import", *[crd(*p) for p in SCHEMAS],
         os.path.join(need_shared("crds"), "argo", "argo-cd")),
        ("add", "Bucket", "invoices"),
        ("add", "s3.aws.upbound.io/Bucket", "invoices", "--env", "prod",
         "--set", "spec.forProvider.region=eu-west-1", "--set", "spec.deletionPolicy=Orphan"),
        ("add", "BucketVersioning", "invoices-versioning"),
        ("api", "add", "Cache", "--group", "platform.example.org"),
        ("env", "add", "qa", "--from", "staging"),
        ("app", "add", "qa"),
    ]
    out = []
    for s in steps:
        p = kg(root, *s)
        assert p.returncode == 0, (s, p.stdout, p.stderr)
        out.append(p.stdout)
    return out


def test_init_add_env_app_validate_build_and_idempotent(repo):
    kubectl = need_kubectl()
    run_all(repo)
    cfg = yaml.safe_load((repo / "kustgen.yaml").read_text())
    assert [e["name"] for e in cfg["environments"]] == ["dev", "staging", "qa", "prod"]
    assert (repo / "kustgen.yaml").read_text().startswith(
        "# yaml-language-server: $schema=schemas/kustgen.schema.json")
    assert json.loads((repo / "schemas" / "kustgen.schema.json").read_text())["title"]
    # every overlay builds with kubectl exactly as with kustgen
    for o in sorted(glob.glob(str(repo / "overlays" / "*"))) + [str(repo / "argocd" / "apps")]:
        mine = kg(repo, "build", o)
        assert mine.returncode == 0, mine.stderr
        ref = subprocess.run(kubectl + [o], capture_output=True, text=True)
        assert ref.returncode == 0, ref.stderr
        assert mine.stdout == ref.stdout, o
    # and validates: no error; the only warnings are the values kustgen left to fill in
    p = kg(repo, "validate", "--offline", "--format", "json")
    data = json.loads(p.stdout)
    assert p.returncode == 0, p.stdout
    assert {f["rule"] for f in data["findings"]} <= {"fill-me", "missing-schema"}, \
        data["findings"]
    assert not [f for f in data["findings"] if f["severity"] == "error"]
    # the example claim of the new platform API validates against its XRD
    p = kg(repo, "validate", "--offline", "--format", "json", "--summary", "examples")
    data = json.loads(p.stdout)
    assert p.returncode == 0 and data["findings"] == [], data["findings"]
    assert [c["source"] for c in data["coverage"]] == ["XRD xcaches.platform.example.org (claim)"]
    # prod's patch is there and applied
    prod = kg(repo, "build", "overlays/prod").stdout
    assert "region: eu-west-1" in prod and "deletionPolicy: Orphan" in prod
    # Applications point at existing, building overlays
    for app in glob.glob(str(repo / "argocd" / "apps" / "*.yaml")):
        doc = yaml.safe_load(open(app))
        if doc.get("kind") == "Application":
            assert (repo / doc["spec"]["source"]["path"] / "kustomization.yaml").exists()
    # the same commands again: nothing changes
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "scaffold")
    for p in (("init", "--envs", "dev,staging,prod"),
              ("env", "add", "qa", "--from", "staging"), ("app", "add", "qa")):
        r = kg(repo, *p)
        assert r.returncode == 0, r.stderr
    assert git(repo, "status", "--porcelain") == ""


def test_generated_argocd_and_crossplane_objects_validate_against_the_real_crds(repo):
    assert kg(repo, "init", "--envs", "dev,prod").returncode == 0
    p = kg(repo, "validate", "--offline", "--format", "json", "--summary",
           "--crds", need_shared("crds"), "overlays/dev", "overlays/prod", "argocd")
    data = json.loads(p.stdout)
    assert p.returncode == 0 and data["findings"] == [], data["findings"]
    kinds = {c["kind"]: c for c in data["coverage"]}
    for k in ("Application", "AppProject", "Provider", "ProviderConfig", "Secret"):
        assert kinds[k]["validated"] >= 1 and kinds[k]["skipped"] == 0, k


def test_local_environment_points_at_localstack(repo):
    assert kg(repo, "init", "--envs", "dev,prod").returncode == 0
    dev = kg(repo, "build", "overlays/dev").stdout
    for line in ("static: http://localstack.localstack.svc.cluster.local:4566",
                 "hostnameImmutable: true", "s3_use_path_style: true",
                 "skip_credentials_validation: true", "skip_metadata_api_check: true",
                 "skip_requesting_account_id: true", "aws_access_key_id = test"):
        assert line in dev, line
    prod = kg(repo, "build", "overlays/prod").stdout
    assert "localstack" not in prod and "skip_credentials_validation" not in prod
    assert "source: Secret" in prod


def test_dry_run_writes_nothing_and_shows_the_diff(repo):
    p = kg(repo, "init", "--dry-run")
    assert p.returncode == 0
    assert "+++ b/kustgen.yaml" in p.stdout
    assert os.listdir(repo) == [".git"]


def test_edits_keep_comments(repo):
    assert kg(repo, "init", "--envs", "dev,prod").returncode == 0
    k = repo / "base" / "kustomization.yaml"
    k.write_text(k.read_text().replace("resources:\n", "resources:\n  # the providers first\n")
                 .rstrip("\n") + "  # keep me\n")
    for p in SCHEMAS:
        assert kg(repo, "schemas", "import", crd(*p)).returncode == 0
    assert kg(repo, "add", "Bucket", "logs").returncode == 0
    text = k.read_text()
    assert "# the providers first" in text and "# keep me" in text
    assert yaml.safe_load(text)["resources"][-1] == "bucket-logs.yaml"


# -- bad input: one line, exit 2, nothing written --------------------------------------

def state(root):
    out = {}
    for d, _, files in os.walk(root):
        if ".git" in d.split(os.sep):
            continue
        for f in files:
            p = os.path.join(d, f)
            out[p] = open(p, "rb").read()
    return out


@pytest.fixture
def ready(repo):
    assert kg(repo, "init", "--envs", "dev,prod").returncode == 0
    for p in SCHEMAS:
        assert kg(repo, "schemas", "import", crd(*p)).returncode == 0
    assert kg(repo, "schemas", "import", crd("provider-aws", "classic")).returncode == 0
    return repo


@pytest.mark.parametrize("args, needle", [
    (("add", "Bukket", "x"), "no schema knows the kind"),
    (("add", "Bucket", "x"), "several groups"),               # upjet and classic Bucket
    (("add", "s3.aws.upbound.io/Bucket", "Not_Valid"), "not a valid Kubernetes name"),
    (("env", "add", "Bad_Name"), "environment name"),
    (("app", "add", "nowhere"), "no environment 'nowhere'"),
    (("api", "add", "cache", "--group", "platform.example.org"), "PascalCase"),
])
def test_bad_input_is_one_line_exit_2_nothing_written(ready, args, needle):
    before = state(ready)
    p = kg(ready, *args)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert needle in p.stderr, p.stderr
    assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert state(ready) == before


def test_existing_file_is_not_overwritten_without_force(ready):
    assert kg(ready, "add", "s3.aws.upbound.io/Bucket", "logs").returncode == 0
    f = ready / "base" / "bucket-logs.yaml"
    f.write_text(f.read_text() + "# my edit\n")
    before = state(ready)
    p = kg(ready, "add", "s3.aws.upbound.io/Bucket", "logs")
    assert p.returncode == 2 and "--force" in p.stderr
    assert state(ready) == before
    assert kg(ready, "add", "s3.aws.upbound.io/Bucket", "logs", "--force").returncode == 0
    assert "# my edit" not in f.read_text()


def test_kustomization_with_a_syntax_error(ready):
    k = ready / "base" / "kustomization.yaml"
    k.write_text(k.read_text() + "resources: [oops\n")
    before = state(ready)
    p = kg(ready, "add", "s3.aws.upbound.io/Bucket", "logs")
    assert p.returncode == 2
    assert "kustomization.yaml:" in p.stderr
    assert state(ready) == before


def test_read_only_directory(ready):
    if os.geteuid() == 0:
        # root writes anywhere: make the target a file where a folder is needed instead
        (ready / "overlays" / "qa").write_text("not a folder\n")
        before = state(ready)
        p = kg(ready, "env", "add", "qa")
    else:
        os.chmod(ready / "overlays", 0o500)
        before = state(ready)
        p = kg(ready, "env", "add", "qa")
        os.chmod(ready / "overlays", 0o755)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "qa" in p.stderr
    assert state(ready) == before


def test_the_pre_commit_config_init_writes_runs_in_pre_commit(repo):
    """`kustgen init` writes a .pre-commit-config.yaml whose hooks work through the real
    pre-commit framework: the scaffold passes; an Application whose overlay is missing
    fails the commit."""
    if shutil.which("pre-commit") is None or shutil.which("kustgen") is None:
        pytest.skip("pre-commit or the kustgen command is not installed (pip install -e '.[test]')")
    assert kg(repo, "init", "--envs", "dev,prod").returncode == 0
    git(repo, "add", "-A")
    env = dict(os.environ, PRE_COMMIT_HOME=str(repo.parent / "pc-home"))
    p = subprocess.run(["pre-commit", "run", "--all-files"], cwd=repo, env=env,
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.count("Passed") == 3
    shutil.rmtree(repo / "overlays" / "prod")
    git(repo, "add", "-A")
    p = subprocess.run(["pre-commit", "run", "--all-files"], cwd=repo, env=env,
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 1
    assert "argocd/apps/prod.yaml" in p.stdout and "overlays/prod" in p.stdout
