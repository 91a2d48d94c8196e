"""`kustgen promote A B` on real trees in a temporary git repository."""

from __future__ import annotations

import os
import subprocess
import textwrap

import pytest

from kustgen import api
from kustgen.cli import main

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden", "promote")
ENVS = {"dev": ("us-west-2", "db.t3.micro"), "staging": ("eu-west-1", "db.t3.small"),
        "prod": ("eu-central-1", "db.t3.small")}
SECRET = {e: "S3cr3t-%s-value" % e for e in ENVS}

CONFIG = """\
# kustgen configuration of the test repo
apiVersion: kustgen.dev/v1alpha1
kind: Config
environments:   # promotion order
  - name: dev
  - name: staging
  - name: prod
schemas:
  crds: [crds]
"""

CRD = """\
# the Instance CRD, trimmed down to what the tests use
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: instances.rds.aws.upbound.io
spec:
  group: rds.aws.upbound.io
  names: {kind: Instance, listKind: InstanceList, plural: instances, singular: instance}
  scope: Cluster
  versions:
    - name: v1beta1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            apiVersion: {type: string}
            kind: {type: string}
            metadata: {type: object}
            spec:
              type: object
              properties:
                forProvider:
                  type: object
                  properties:
                    region: {type: string}
                    instanceClass: {type: string}
                    engine: {type: string}
                    allocatedStorage: {type: integer}
                providerConfigRef:
                  type: object
                  properties:
                    name: {type: string}
                deletionPolicy: {type: string}
"""

BASE = {
    "base/kustomization.yaml": """\
# the base: every environment's resources
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - instance.yaml  # the orders database
  - bucket.yaml
  - web.yaml
""",
    "base/instance.yaml": """\
# the orders database
apiVersion: rds.aws.upbound.io/v1beta1
kind: Instance
metadata:
  name: orders-db
spec:
  forProvider:
    region: us-east-1   # replaced per environment
    instanceClass: db.t3.micro
    engine: postgres
    allocatedStorage: 20
  providerConfigRef:
    name: default
""",
    "base/bucket.yaml": """\
# static assets
apiVersion: s3.aws.upbound.io/v1beta1
kind: Bucket
metadata:
  name: assets
spec:
  forProvider:
    region: us-east-1
""",
    "base/web.yaml": """\
# the web front end
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.25
""",
    "base/components/monitoring/kustomization.yaml": """\
# monitoring: a label on everything
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
labels:
  - pairs:
      monitoring: enabled
""",
}


def overlay(env: str) -> dict:
    region, cls = ENVS[env]
    return {
        "overlays/%s/kustomization.yaml" % env: """\
# %(env)s: the %(env)s environment
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namePrefix: %(env)s-
namespace: %(env)s-ns

resources:
  - ../../base
  - provider-config.yaml   # this environment's AWS account

labels:
  - pairs:
      env: %(env)s

images:
  # the web image of this environment
  - name: nginx
    newTag: "1.25"

secretGenerator:
  - name: db-creds
    literals:
      - password=%(secret)s

patches:
  # where this environment runs
  - path: patches/region.yaml
  # the database size
  - path: patches/instance.yaml
  # extra tags
  - path: patches/tags.yaml
  # bucket storage
  - target:
      kind: Bucket
    patch: |-
      # storage of %(env)s buckets
      apiVersion: s3.aws.upbound.io/v1beta1
      kind: Bucket
      metadata:
        name: any
      spec:
        forProvider:
          region: %(region)s  # inline region
          storageClass: STANDARD
""" % {"env": env, "secret": SECRET[env], "region": region},
        "overlays/%s/provider-config.yaml" % env: """\
# the AWS account of %(env)s
apiVersion: aws.upbound.io/v1beta1
kind: ProviderConfig
metadata:
  name: aws-%(env)s
spec:
  credentials:
    source: IRSA
""" % {"env": env},
        "overlays/%s/patches/region.yaml" % env: """\
# %(env)s runs in %(region)s
apiVersion: rds.aws.upbound.io/v1beta1
kind: Instance
metadata:
  name: orders-db
spec:
  forProvider:
    region: %(region)s  # the region of %(env)s
  providerConfigRef:
    name: aws-%(env)s
""" % {"env": env, "region": region},
        "overlays/%s/patches/instance.yaml" % env: """\
# database size
apiVersion: rds.aws.upbound.io/v1beta1
kind: Instance
metadata:
  name: orders-db
spec:
  forProvider:
    instanceClass: %(cls)s  # the size of the database
    region: %(region)s
""" % {"cls": cls, "region": region},
        "overlays/%s/patches/tags.yaml" % env: """\
# cost tags
apiVersion: s3.aws.upbound.io/v1beta1
kind: Bucket
metadata:
  name: assets
spec:
  forProvider:
    tags:
      team: web  # billing team
""",
    }


def git(root, *args) -> str:
    return subprocess.run(["git", "-C", str(root)] + list(args), check=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout.decode()


@pytest.fixture
def repo(tmp_path, monkeypatch):
    files = {"kustgen.yaml": CONFIG, "crds/instance.yaml": CRD, **BASE}
    for e in ENVS:
        files.update(overlay(e))
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "init")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*argv, capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        main(list(argv))
        rc = 0
    except SystemExit as e:
        rc = e.code or 0
    out, err = capsys.readouterr()
    return rc, out, err


def edit(root, rel, old, new):
    p = root / rel
    text = p.read_text()
    assert old in text, (rel, old)
    p.write_text(text.replace(old, new))


def commit(root):
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "change")


def snapshot(root) -> dict:
    out = {}
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if x != ".git"]
        for f in files:
            p = os.path.join(d, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, root)] = fh.read()
    return out


def read(root, rel) -> str:
    return (root / rel).read_text()


def check_prod(root, name, update_golden, kubectl=None):
    """Environment-specific content of prod survived; prod renders as the golden file and
    as kubectl does."""
    k = read(root, "overlays/prod/kustomization.yaml")
    assert k.startswith("# prod: the prod environment\n")
    assert "namePrefix: prod-\nnamespace: prod-ns\n" in k
    assert "  - provider-config.yaml   # this environment's AWS account\n" in k
    assert "      env: prod\n" in k and "env: staging" not in k
    assert "password=%s" % SECRET["prod"] in k and SECRET["staging"] not in k
    assert "  # where this environment runs\n  - path: patches/region.yaml\n" in k
    assert read(root, "overlays/prod/provider-config.yaml") == \
        overlay("prod")["overlays/prod/provider-config.yaml"]
    region = read(root, "overlays/prod/patches/region.yaml")
    assert "    region: eu-central-1  # the region of prod\n" in region
    assert "    name: aws-prod\n" in region
    inst = read(root, "overlays/prod/patches/instance.yaml")
    assert inst.startswith("# database size\n")
    assert "    region: eu-central-1\n" in inst
    assert "# the size of the database" in inst
    assert "kustgen.dev/promoted-from: staging@" in k
    assert "      # storage of prod buckets\n" in k
    assert "          region: eu-central-1  # inline region\n" in k
    built = api.build("overlays/prod")
    path = os.path.join(GOLDEN, name + ".yaml")
    if update_golden or not os.path.exists(path):
        os.makedirs(GOLDEN, exist_ok=True)
        with open(path, "w") as fh:
            fh.write(built)
    with open(path) as fh:
        assert built == fh.read()
    if kubectl:
        ref = subprocess.run(kubectl + ["overlays/prod"], check=True,
                             stdout=subprocess.PIPE).stdout.decode()
        assert ref == built
    return built


def promote_ok(root, capsys, *extra):
    rc, out, err = run("promote", "staging", "prod", *extra, capsys=capsys)
    assert rc == 0, err
    assert SECRET["staging"] not in out + err and SECRET["prod"] not in out + err
    return out


# ---------------------------------------------------------------------------------------
def test_nothing_to_promote_at_first(repo, capsys):
    before = snapshot(repo)
    rc, out, err = run("promote", "staging", "prod", capsys=capsys)
    assert rc == 0, err
    assert "nothing to promote" in out
    assert snapshot(repo) == before


def test_promote_adds_a_resource(repo, capsys, update_golden, kubectl):
    (repo / "overlays/staging/logs.yaml").write_text(textwrap.dedent("""\
        # log bucket
        apiVersion: s3.aws.upbound.io/v1beta1
        kind: Bucket
        metadata:
          name: logs
        spec:
          forProvider:
            region: eu-west-1
        """))
    edit(repo, "overlays/staging/kustomization.yaml",
         "  - provider-config.yaml   # this environment's AWS account\n",
         "  - provider-config.yaml   # this environment's AWS account\n  - logs.yaml  # logs\n")
    commit(repo)
    out = promote_ok(repo, capsys)
    assert "logs" in out
    assert (repo / "overlays/prod/logs.yaml").exists()
    k = read(repo, "overlays/prod/kustomization.yaml")
    assert "  - logs.yaml\n" in k
    built = check_prod(repo, "adds_resource", update_golden, kubectl)
    assert "name: prod-logs" in built


def test_promote_changes_a_field(repo, capsys, update_golden, kubectl, tmp_path):
    edit(repo, "overlays/staging/patches/instance.yaml", "instanceClass: db.t3.small",
         "instanceClass: db.t3.medium")
    commit(repo)
    summary = tmp_path / "summary.md"
    out = promote_ok(repo, capsys, "--summary", str(summary))
    assert "db.t3.medium" in out
    inst = read(repo, "overlays/prod/patches/instance.yaml")
    line = next(x for x in inst.splitlines() if "instanceClass" in x)
    assert line.split() == ["instanceClass:", "db.t3.medium", "#", "the", "size", "of", "the",
                            "database"]
    md = summary.read_text()
    assert "prod: Instance prod-orders-db: spec.forProvider.instanceClass db.t3.small → " \
           "db.t3.medium" in md
    assert SECRET["prod"] not in md and SECRET["staging"] not in md
    built = check_prod(repo, "changes_field", update_golden, kubectl)
    assert "instanceClass: db.t3.medium" in built and "region: eu-central-1" in built


def test_promote_removes_a_patch(repo, capsys, update_golden, kubectl):
    edit(repo, "overlays/staging/kustomization.yaml",
         "  # extra tags\n  - path: patches/tags.yaml\n", "")
    os.unlink(repo / "overlays/staging/patches/tags.yaml")
    commit(repo)
    promote_ok(repo, capsys)
    assert not (repo / "overlays/prod/patches/tags.yaml").exists()
    k = read(repo, "overlays/prod/kustomization.yaml")
    assert "tags.yaml" not in k
    built = check_prod(repo, "removes_patch", update_golden, kubectl)
    assert "team: web" not in built


def test_promote_adds_a_component(repo, capsys, update_golden, kubectl):
    edit(repo, "overlays/staging/kustomization.yaml", "\nlabels:",
         "\ncomponents:\n  - ../../base/components/monitoring  # alerts\n\nlabels:")
    commit(repo)
    promote_ok(repo, capsys)
    k = read(repo, "overlays/prod/kustomization.yaml")
    assert "  - ../../base/components/monitoring\n" in k
    built = check_prod(repo, "adds_component", update_golden, kubectl)
    assert "monitoring: enabled" in built


def test_promote_changes_an_inline_patch(repo, capsys, update_golden, kubectl):
    edit(repo, "overlays/staging/kustomization.yaml", "storageClass: STANDARD",
         "storageClass: GLACIER")
    commit(repo)
    promote_ok(repo, capsys)
    k = read(repo, "overlays/prod/kustomization.yaml")
    assert "          storageClass: GLACIER\n" in k
    built = check_prod(repo, "inline_patch", update_golden, kubectl)
    assert "storageClass: GLACIER" in built


def test_promote_updates_an_image_tag(repo, capsys, update_golden, kubectl):
    edit(repo, "overlays/staging/kustomization.yaml", 'newTag: "1.25"', 'newTag: "1.27"')
    commit(repo)
    promote_ok(repo, capsys)
    k = read(repo, "overlays/prod/kustomization.yaml")
    assert '  # the web image of this environment\n  - name: nginx\n    newTag: "1.27"\n' in k
    built = check_prod(repo, "image_tag", update_golden, kubectl)
    assert "image: nginx:1.27" in built


def test_promotion_making_b_invalid_is_refused(repo, capsys):
    edit(repo, "overlays/staging/patches/instance.yaml", "instanceClass: db.t3.small",
         "instanceClass: db.t3.small\n    instanceKlass: db.t3.large")
    commit(repo)
    before = snapshot(repo)
    rc, out, err = run("promote", "staging", "prod", capsys=capsys)
    assert rc == 1, (out, err)
    assert "instanceKlass" in err
    assert snapshot(repo) == before
    # without verification it goes through
    rc, out, err = run("promote", "staging", "prod", "--no-verify", "--dry-run",
                       capsys=capsys)
    assert rc == 0 and snapshot(repo) == before


def test_promote_twice_changes_nothing(repo, capsys):
    edit(repo, "overlays/staging/patches/instance.yaml", "instanceClass: db.t3.small",
         "instanceClass: db.t3.large")
    edit(repo, "overlays/staging/kustomization.yaml", 'newTag: "1.25"', 'newTag: "1.26"')
    commit(repo)
    promote_ok(repo, capsys)
    after = snapshot(repo)
    rc, out, err = run("promote", "staging", "prod", capsys=capsys)
    assert rc == 0 and "nothing to promote" in out
    assert snapshot(repo) == after
    from kustgen.config import load_config
    from kustgen.diff import diff_envs
    d = diff_envs(load_config("."), "staging", "prod")
    assert not d.promotable, [r for r in d.resources]
    # the marker lets `kustgen diff` say how far behind prod is
    commit(repo)
    d = diff_envs(load_config("."), "staging", "prod")
    assert any(n.startswith("prod is up to date with staging") for n in d.notes), d.notes
    edit(repo, "overlays/staging/patches/instance.yaml", "instanceClass: db.t3.large",
         "instanceClass: db.t3.xlarge")
    commit(repo)
    d = diff_envs(load_config("."), "staging", "prod")
    assert any(n.startswith("prod is 1 commit behind staging") for n in d.notes), d.notes


def test_a_promotion_killed_between_writes_is_all_old_or_all_new(repo, capsys):
    """The process dies after the first file of the promotion is renamed into place: the
    next kustgen run finds the commit journal and completes it, so prod is never left
    half promoted."""
    import sys
    edit(repo, "overlays/staging/patches/instance.yaml", "instanceClass: db.t3.small",
         "instanceClass: db.t3.large")
    edit(repo, "overlays/staging/kustomization.yaml", 'newTag: "1.25"', 'newTag: "1.26"')
    commit(repo)
    before = snapshot(repo)
    env = dict(os.environ, KUSTGEN_TEST_CRASH="rename:1")
    p = subprocess.run([sys.executable, "-m", "kustgen", "promote", "staging", "prod"],
                       cwd=repo, env=env, capture_output=True, text=True)
    assert p.returncode == 86, (p.stdout, p.stderr)
    mid = snapshot(repo)
    assert mid != before                     # one file is already new, the rest old
    rc, out, err = run("promote", "staging", "prod", "--dry-run", capsys=capsys)
    assert rc == 0
    after = {k: v for k, v in snapshot(repo).items() if not k.startswith(".kustgen")}
    assert "nothing to promote" in out     # recovery completed the first promotion
    k = after["overlays/prod/kustomization.yaml"].decode()
    assert 'newTag: "1.26"' in k
    assert b"db.t3.large" in after["overlays/prod/patches/instance.yaml"]


def test_settings_only_b_has_are_kept(repo, capsys):
    """A kustomization setting only the target has (prod's commonAnnotations protecting
    its resources from deletion) is B's own choice, not something A removed."""
    edit(repo, "overlays/prod/kustomization.yaml", "namePrefix: prod-\n",
         "namePrefix: prod-\ncommonAnnotations:\n  argocd.argoproj.io/sync-options: "
         "Delete=false\n")
    edit(repo, "overlays/staging/patches/instance.yaml", "instanceClass: db.t3.small",
         "instanceClass: db.t3.large")
    commit(repo)
    promote_ok(repo, capsys)
    assert "argocd.argoproj.io/sync-options: Delete=false" in read(
        repo, "overlays/prod/kustomization.yaml")


def test_secret_never_printed(repo, capsys, tmp_path):
    edit(repo, "overlays/staging/kustomization.yaml", "password=%s" % SECRET["staging"],
         "password=%s\n      - user=S3cr3tUserName" % SECRET["staging"])
    edit(repo, "overlays/staging/patches/instance.yaml", "instanceClass: db.t3.small",
         "instanceClass: db.t3.large")
    commit(repo)
    summary = tmp_path / "s.md"
    rc, out, err = run("promote", "staging", "prod", "--dry-run", "--summary",
                       str(summary), capsys=capsys)
    assert rc == 0, err
    for s in (SECRET["staging"], SECRET["prod"], "S3cr3tUserName"):
        assert s not in out + err
    assert not summary.exists()     # --dry-run writes nothing (the summary is printed)
    rc, out, err = run("promote", "staging", "prod", "--summary", str(summary),
                       capsys=capsys)
    assert rc == 0, err
    text = out + err + summary.read_text()
    for s in (SECRET["staging"], SECRET["prod"], "S3cr3tUserName"):
        assert s not in text


def test_dry_run_writes_nothing(repo, capsys):
    edit(repo, "overlays/staging/patches/instance.yaml", "instanceClass: db.t3.small",
         "instanceClass: db.t3.large")
    commit(repo)
    before = snapshot(repo)
    rc, out, err = run("promote", "staging", "prod", "--dry-run", capsys=capsys)
    assert rc == 0, err
    assert "+    instanceClass: db.t3.large" in out
    assert "nothing written" in out
    assert snapshot(repo) == before


def test_resource_limits_promotion(repo, capsys):
    edit(repo, "overlays/staging/patches/instance.yaml", "instanceClass: db.t3.small",
         "instanceClass: db.t3.large")
    edit(repo, "overlays/staging/patches/tags.yaml", "team: web", "team: platform")
    edit(repo, "overlays/staging/kustomization.yaml", 'newTag: "1.25"', 'newTag: "1.26"')
    commit(repo)
    rc, out, err = run("promote", "staging", "prod", "--resource", "Bucket/assets",
                       capsys=capsys)
    assert rc == 0, err
    assert "team: platform" in read(repo, "overlays/prod/patches/tags.yaml")
    assert "db.t3.small" in read(repo, "overlays/prod/patches/instance.yaml")
    assert 'newTag: "1.25"' in read(repo, "overlays/prod/kustomization.yaml")
    rc, out, err = run("promote", "staging", "prod", "--resource", "Instance/orders-db",
                       capsys=capsys)
    assert rc == 0, err
    assert "db.t3.large" in read(repo, "overlays/prod/patches/instance.yaml")
    assert 'newTag: "1.25"' in read(repo, "overlays/prod/kustomization.yaml")


def test_next(repo, capsys):
    edit(repo, "overlays/dev/patches/instance.yaml", "instanceClass: db.t3.micro",
         "instanceClass: db.t3.nano")
    commit(repo)
    rc, out, err = run("promote", "--next", "dev", capsys=capsys)
    assert rc == 0, err
    inst = read(repo, "overlays/staging/patches/instance.yaml")
    assert "instanceClass: db.t3.nano" in inst and "region: eu-west-1" in inst
    k = read(repo, "overlays/staging/kustomization.yaml")
    assert "kustgen.dev/promoted-from: dev@" in k and "env: staging" in k
    rc, out, err = run("promote", "--next", "prod", capsys=capsys)
    assert rc == 2 and "last environment" in err


def test_usage_errors(repo, capsys):
    rc, out, err = run("promote", "staging", "nowhere", capsys=capsys)
    assert rc == 2 and "unknown environment" in err
    rc, out, err = run("promote", capsys=capsys)
    assert rc == 2


def test_sync_keeps_comments_and_lcs():
    from kustgen.promote.merge import sync
    from kustgen.yamlio.rewrite import rewrite
    text = "a: 1  # one\nl:\n  - x  # ex\n  - y\n  - z  # zed\nkeep: 5\n"
    new = rewrite(text, lambda root: sync(root, {"a": 2, "l": ["x", "w", "z"], "keep": 6,
                                                 "n": 1},
                                          keep=lambda p: p == ("keep",)))
    assert new == "a: 2  # one\nl:\n  - x  # ex\n  - w\n  - z  # zed\nkeep: 5\nn: 1\n"
