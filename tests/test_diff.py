"""kustgen diff: semantic comparison of two environments' rendered output."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import textwrap

import pytest

from kustgen import diff as kdiff
from kustgen.config import load_config

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRETS = ("hunter2-secret", "hunter2-secret-prod")


def _w(root, rel, text):
    p = os.path.join(str(root), rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as fh:
        fh.write(textwrap.dedent(text).lstrip())


CRD = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.org
spec:
  group: example.org
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                tags:
                  type: array
                  x-kubernetes-list-type: set
                  items: {type: string}
                steps:
                  type: array
                  items: {type: string}
"""

BASE = {
    "kustgen.yaml": """
        apiVersion: kustgen.dev/v1alpha1
        kind: Config
        environments:
          - name: dev
          - name: prod
        """,
    "base/kustomization.yaml": """
        resources: [crd.yaml, deploy.yaml, cm.yaml, bucket.yaml, widget.yaml]
        """,
    "base/crd.yaml": CRD,
    "base/deploy.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
                - name: app
                  image: web:1.0
                  envFrom: [{configMapRef: {name: settings}}]
                - name: sidecar
                  image: proxy:2.0
        """,
    "base/cm.yaml": """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          color: blue
        """,
    "base/bucket.yaml": """
        apiVersion: s3.aws.upbound.io/v1beta1
        kind: Bucket
        metadata:
          name: logs
        spec:
          forProvider:
            region: us-east-1
        """,
    "base/widget.yaml": """
        apiVersion: example.org/v1
        kind: Widget
        metadata:
          name: gadget
        spec:
          tags: [a, b, c]
          steps: [one, two]
        """,
}


def _overlay(env, secret, region, extra=""):
    return {
        "overlays/%s/kustomization.yaml" % env: """
            resources: [../../base]
            namePrefix: %s-
            namespace: %s-ns
            labels:
              - pairs: {env: %s}
            secretGenerator:
              - name: creds
                literals: [password=%s]
            patches:
              - path: region.yaml
            %s
            """ % (env, env, env, secret, extra),
        "overlays/%s/region.yaml" % env: """
            apiVersion: s3.aws.upbound.io/v1beta1
            kind: Bucket
            metadata:
              name: logs
            spec:
              forProvider:
                region: %s
            """ % region,
    }


@pytest.fixture
def tree(tmp_path, monkeypatch):
    files = dict(BASE)
    files.update(_overlay("dev", SECRETS[0], "eu-west-1"))
    files.update(_overlay("prod", SECRETS[1], "eu-central-1"))
    for rel, text in files.items():
        _w(tmp_path, rel, text)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path


def _run(capsys, *args):
    from kustgen.cli import main
    with pytest.raises(SystemExit) as ei:
        main(list(args))
    out, err = capsys.readouterr()
    return ei.value.code, out, err


def _diff(tree, a="dev", b="prod", **kw):
    return kdiff.diff_envs(load_config(str(tree)), a, b, **kw)


def _append(tree, rel, text):
    with open(os.path.join(str(tree), rel), "a") as fh:
        fh.write(textwrap.dedent(text))


# --------------------------------------------------------------------------------------

def test_identical_overlays_no_difference(tree, capsys):
    d = _diff(tree)
    assert d.resources == []
    assert not d.promotable
    assert d.hidden > 0        # region, env label, secret, naming-free everything else
    text = kdiff.render_text(d)
    assert "no promotable difference" in text
    assert "--all shows them" in text
    assert any("same up to environment-specific" in n for n in d.notes)
    rc, out, err = _run(capsys, "diff", "dev", "prod")
    assert rc == 0, err
    assert "no promotable difference" in out


def test_renamed_references_are_not_differences(tree):
    # dev-settings vs prod-settings in envFrom, dev-ns vs prod-ns: naming only
    d = _diff(tree, show_all=True)
    paths = [kdiff.format_path(c.path) for r in d.resources for c in r.changes]
    assert not any("configMapRef" in p for p in paths)
    assert not any(p in ("metadata.name", "metadata.namespace") for p in paths)


def test_changed_field_exactly_that_change(tree, capsys):
    _append(tree, "overlays/prod/region.yaml", """
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 3
        """)
    d = _diff(tree)
    assert d.promotable
    assert len(d.resources) == 1
    r = d.resources[0]
    assert r.status == "changed" and r.key == ("apps", "Deployment", "", "web")
    assert [(c.path, c.old, c.new, c.env_specific) for c in r.changes] == \
        [(("spec", "replicas"), 2, 3, False)]
    text = kdiff.render_text(d)
    assert "--- a/dev Deployment/dev-web (namespace dev-ns)" in text
    assert "+++ b/prod Deployment/prod-web (namespace prod-ns)" in text
    assert "-  spec.replicas: 2" in text and "+  spec.replicas: 3" in text
    assert "1 resource differs (1 changed)" in text
    doc = json.loads(kdiff.render_json(d))
    assert doc["version"] == 1 and doc["a"] == "dev" and doc["b"] == "prod"
    assert doc["resources"][0]["changes"] == [
        {"path": "/spec/replicas", "old": 2, "new": 3, "envSpecific": False}]
    assert doc["summary"]["changed"] == 1 and doc["summary"]["promotable"] is True
    md = kdiff.render_markdown(d)
    assert "- prod: Deployment web: spec.replicas `2` → `3`" in md
    rc, out, _ = _run(capsys, "diff", "dev", "prod")
    assert rc == 1
    assert "+  spec.replicas: 3" in out


def test_resource_only_on_one_side(tree):
    _w(tree, "overlays/dev/extra.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: only-dev
        data: {k: v}
        """)
    _w(tree, "overlays/prod/more.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: only-prod
        data: {k: v}
        """)
    _append(tree, "overlays/dev/kustomization.yaml", "resources: [../../base, extra.yaml]\n")
    _append(tree, "overlays/prod/kustomization.yaml", "resources: [../../base, more.yaml]\n")
    d = _diff(tree)
    st = {r.key[3]: r.status for r in d.resources}
    # diff(1) direction: A is old, B new -> only in A: removed, only in B: added
    assert st == {"only-dev": "removed", "only-prod": "added"}
    text = kdiff.render_text(d)
    assert "+ ConfigMap/prod-only-prod (namespace prod-ns) (added)" in text
    assert "- ConfigMap/dev-only-dev (namespace dev-ns) (removed)" in text
    assert "(1 added, 1 removed)" in text
    # reversed: only-dev is now B's
    d2 = _diff(tree, "prod", "dev")
    assert {r.key[3]: r.status for r in d2.resources} == {"only-dev": "added",
                                                          "only-prod": "removed"}


def test_env_specific_region_hidden_unless_all(tree, capsys):
    d = _diff(tree)
    assert not any(c.path[-1] == "region" for r in d.resources for c in r.changes)
    d = _diff(tree, show_all=True)
    ch = [c for r in d.resources for c in r.changes if c.path == ("spec", "forProvider",
                                                                  "region")]
    assert len(ch) == 1 and ch[0].env_specific
    assert (ch[0].old, ch[0].new) == ("eu-west-1", "eu-central-1")
    labels = [c for r in d.resources for c in r.changes if c.path == ("metadata", "labels",
                                                                      "env")]
    assert labels and all(c.env_specific for c in labels)
    assert not d.promotable
    rc, out, _ = _run(capsys, "diff", "dev", "prod", "--all")
    assert rc == 1
    assert "+  spec.forProvider.region: eu-central-1  (env-specific)" in out
    assert "environment-specific differences shown" in out


def test_list_order_of_sets_and_containers_by_name_ignored(tree):
    _append(tree, "overlays/prod/kustomization.yaml", """
        patchesJson6902:
          - target: {group: apps, version: v1, kind: Deployment, name: web}
            patch: |-
              - op: replace
                path: /spec/template/spec/containers
                value:
                  - {name: sidecar, image: "proxy:2.0"}
                  - name: app
                    image: "web:1.0"
                    envFrom: [{configMapRef: {name: settings}}]
          - target: {group: example.org, version: v1, kind: Widget, name: gadget}
            patch: |-
              - op: replace
                path: /spec/tags
                value: [c, a, b]
        """)
    d = _diff(tree)
    assert d.resources == [], kdiff.render_text(d)
    # an ordered list (no schema says otherwise) does count
    with open(os.path.join(str(tree), "overlays/prod/kustomization.yaml"), "a") as fh:
        fh.write("  - target: {group: example.org, version: v1, kind: Widget, name: gadget}\n"
                 "    patch: |-\n"
                 "      - op: replace\n"
                 "        path: /spec/steps\n"
                 "        value: [two, one]\n")
    d = _diff(tree)
    paths = sorted(kdiff.format_path(c.path) for r in d.resources for c in r.changes)
    assert paths == ["spec.steps[0]", "spec.steps[1]"]


def test_containers_matched_by_name_report_keyed_path(tree):
    _append(tree, "overlays/prod/region.yaml", """
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            spec:
              containers:
                - name: sidecar
                  image: proxy:2.1
        """)
    d = _diff(tree)
    [r] = d.resources
    [c] = r.changes
    assert kdiff.format_path(c.path) == "spec.template.spec.containers[name=sidecar].image"
    idx = [x["name"] for x in r.b.obj["spec"]["template"]["spec"]["containers"]].index("sidecar")
    assert kdiff.json_pointer(c.path) == "/spec/template/spec/containers/%d/image" % idx
    assert (c.old, c.new) == ("proxy:2.0", "proxy:2.1")


def _secret_free(s):
    for v in SECRETS:
        assert v not in s
        assert base64.b64encode(v.encode()).decode() not in s
        assert base64.b64encode(v.encode()).decode().rstrip("=") not in s


def test_secret_values_never_printed(tree, capsys):
    # a Secret only on one side too (whole-object output)
    k = os.path.join(str(tree), "overlays/prod/kustomization.yaml")
    text = open(k).read()
    old = "    literals: [password=%s]\n" % SECRETS[1]
    assert old in text
    open(k, "w").write(text.replace(old, old + "  - name: only-prod-creds\n"
                                    "    literals: [token=%s]\n" % SECRETS[0]))
    for show_all in (False, True):
        d = _diff(tree, show_all=show_all)
        for out in (kdiff.render_text(d), kdiff.render_text(d, color=True),
                    kdiff.render_json(d), kdiff.render_markdown(d)):
            _secret_free(out)
        if show_all:
            sec = [r for r in d.resources if r.kind == "Secret"]
            assert {r.key[3] for r in sec} >= {"creds", "only-prod-creds"}
            assert kdiff.REDACTED in kdiff.render_text(d)
            doc = json.loads(kdiff.render_json(d))
            added = [r for r in doc["resources"] if r["name"] == "only-prod-creds"][0]
            assert added["status"] == "added"
            assert added["object"]["data"] == {"token": kdiff.REDACTED}
    for fmt in ("text", "json", "markdown"):
        for extra in ((), ("--all",)):
            rc, out, err = _run(capsys, "diff", "dev", "prod", "--format", fmt, *extra)
            assert rc in (0, 1), err
            _secret_free(out + err)


def test_secret_redaction_in_diff_renders():
    from kustgen.model.resource import Resource
    a = Resource({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
                  "stringData": {"password": "hunter2-secret"}})
    b = Resource({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
                  "stringData": {"password": "other-hunter2-secret"}, "data": {"x": "eQ=="}})
    d = kdiff.diff_renders([a], [b], show_all=True)
    for out in (kdiff.render_text(d), kdiff.render_json(d), kdiff.render_markdown(d)):
        assert "hunter2" not in out and "eQ==" not in out
    paths = {c.path: (c.old, c.new) for r in d.resources for c in r.changes}
    assert paths[("stringData", "password")] == (kdiff.REDACTED, kdiff.REDACTED)
    assert paths[("data", "x")] == (kdiff.MISSING, kdiff.REDACTED)


def test_cli_errors_one_line(tree, capsys):
    rc, out, err = _run(capsys, "diff", "dev", "staging")
    assert rc == 2
    assert err.startswith("kustgen: unknown environment or overlay folder: staging")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    # a render error
    _w(tree, "overlays/prod/kustomization.yaml", "resources: [missing.yaml]\n")
    rc, out, err = _run(capsys, "diff", "dev", "prod")
    assert rc == 2 and err.startswith("kustgen: ") and len(err.strip().splitlines()) == 1
    # --base outside a git repository
    rc, out, err = _run(capsys, "diff", "dev", "dev", "--base", "HEAD")
    assert rc == 2 and err.startswith("kustgen: ") and "Traceback" not in err


def test_overlay_paths_work_too(tree, capsys):
    rc, out, err = _run(capsys, "diff", "overlays/dev", "overlays/prod")
    assert rc == 0, err
    d = _diff(tree, "overlays/dev", "overlays/prod")
    assert (d.a, d.b) == ("dev", "prod")


def test_color_only_when_asked(tree):
    _append(tree, "overlays/prod/region.yaml", """
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {color: red}
        """)
    d = _diff(tree)
    assert "\x1b[" not in kdiff.render_text(d)
    assert "\x1b[" in kdiff.render_text(d, color=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_base_rev_shows_base_change_for_both(tree, capsys):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@e", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@e")

    def git(*a):
        subprocess.run(["git"] + list(a), cwd=str(tree), check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "init")
    p = os.path.join(str(tree), "base/deploy.yaml")
    text = open(p).read()
    open(p, "w").write(text.replace("web:1.0", "web:1.1"))
    d = _diff(tree, base_rev="HEAD")
    assert d.resources == [] and not d.promotable
    assert set(d.base) == {"dev", "prod"}
    for label in ("dev", "prod"):
        bd = d.base[label]
        [r] = bd.resources
        [c] = r.changes
        assert kdiff.format_path(c.path) == "spec.template.spec.containers[name=app].image"
        assert (c.old, c.new) == ("web:1.0", "web:1.1")
    assert any("affects dev and prod alike" in n for n in d.notes)
    rc, out, err = _run(capsys, "diff", "dev", "prod", "--base", "HEAD")
    assert rc == 1, err
    assert out.count("+  spec.template.spec.containers[name=app].image: web:1.1") == 2
    rc, out, err = _run(capsys, "diff", "dev", "prod", "--base", "HEAD", "--format", "json")
    doc = json.loads(out)
    assert set(doc["base"]) == {"dev", "prod"}
    # the worktree is gone
    wl = subprocess.run(["git", "worktree", "list"], cwd=str(tree), stdout=subprocess.PIPE)
    assert len(wl.stdout.decode().strip().splitlines()) == 1
    rc, out, err = _run(capsys, "diff", "dev", "prod", "--base", "no-such-rev")
    assert rc == 2 and err.startswith("kustgen: ")


def test_base_only_difference_note(tree):
    # both overlays read their own copy of the base: same overlay folders, different base
    shutil.copytree(os.path.join(str(tree), "base"), os.path.join(str(tree), "base2"))
    p = os.path.join(str(tree), "base2/cm.yaml")
    text = open(p).read()
    open(p, "w").write(text.replace("blue", "green"))
    for env in ("dev", "prod"):
        k = os.path.join(str(tree), "overlays/%s/kustomization.yaml" % env)
        text = open(k).read()
        open(k, "w").write(text.replace("../../base", "../../base2" if env == "prod"
                                        else "../../base"))
    d = _diff(tree)
    assert d.promotable
    assert not any("outside their overlay folders" in n for n in d.notes)


def test_example_repo_staging_vs_prod():
    """This repo's kustgen.yaml marks sizing, per-environment settings and prod's
    Delete=false protection as environment-specific: staging and prod have nothing to
    promote, and --all shows what differs by design."""
    cfg = load_config(REPO)
    d = kdiff.diff_envs(cfg, "staging", "prod")
    assert (d.a, d.b) == ("staging", "prod")
    assert d.hidden > 0 and not d.promotable and d.resources == []
    assert "no promotable difference" in kdiff.render_text(d)
    da = kdiff.diff_envs(cfg, "staging", "prod", show_all=True)
    assert da.hidden == d.hidden
    keys = {r.key for r in da.resources}
    assert any(k[1] == "ProviderConfig" for k in keys)      # shown, marked, with --all
    db = [r for r in da.resources if r.key[1] == "Database"]
    assert db, kdiff.render_text(da)
    paths = {kdiff.format_path(c.path): (c.old, c.new, c.env_specific) for c in db[0].changes}
    assert paths["spec.parameters.size"] == ("medium", "large", True)
    assert sum(c.env_specific for r in da.resources for c in r.changes) + \
        sum(r.env_specific for r in da.resources) == d.hidden
