"""kustgen apps check: Argo CD Applications / ApplicationSets against a temporary git repo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import REPO, need_shared

from kustgen.argocd import APP_RULES, check_apps, normalize_url
from kustgen.argocd.appset import glob_match
from kustgen.config import load_config
from kustgen.gitfs import GitFS

URL = "https://git.example.com/team/infra.git"
OTHER = "https://github.com/argoproj/argocd-example-apps.git"


def sh(cwd, *args):
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def write(root, rel, text):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as fh:
        fh.write(textwrap.dedent(text).lstrip("\n"))


def commit(root, msg):
    sh(root, "git", "add", "-A")
    sh(root, "git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", msg)


CM = """
apiVersion: v1
kind: ConfigMap
metadata: {name: %s}
data: {a: "1"}
"""


def app(name, path, rev="HEAD", url=URL):
    return textwrap.dedent("""
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: %s
        spec:
          project: default
          source:
            repoURL: %s
            targetRevision: %s
            path: %s
          destination: {server: "https://kubernetes.default.svc", namespace: x}
        """ % (name, url, rev, path)).lstrip("\n")


def appset(name, gens, path="'{{path}}'", sync=""):
    return textwrap.dedent("""
        apiVersion: argoproj.io/v1alpha1
        kind: ApplicationSet
        metadata:
          name: %s
        spec:
          generators:
        %s
          template:
            metadata: {name: '{{path.basename}}'}
            spec:
              project: default
              source:
                repoURL: %s
                targetRevision: HEAD
                path: %s
              destination: {server: "https://kubernetes.default.svc", namespace: x}
        %s""") % (name, textwrap.indent(textwrap.dedent(gens).strip("\n"), "  "), URL, path,
                  textwrap.indent(textwrap.dedent(sync).strip("\n"), "  ") if sync else "")


def line_of(path, needle):
    with open(path) as fh:
        for i, ln in enumerate(fh, 1):
            if needle in ln:
                return i
    raise AssertionError(needle)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    r = str(tmp_path / "repo")
    os.makedirs(r)
    sh(r, "git", "init", "-q", "-b", "main")
    write(r, "kustgen.yaml", "kind: Config\nrepoURL: %s\n" % URL)
    write(r, "base/kustomization.yaml", "resources: [cm.yaml]\n")
    write(r, "base/cm.yaml", CM % "cm")
    write(r, "overlays/dev/kustomization.yaml", "resources: [../../base]\nnamePrefix: dev-\n")
    write(r, "overlays/prod/kustomization.yaml", "resources: [../../base]\nnamePrefix: prod-\n")
    write(r, "addons/a1/cm.yaml", CM % "a1")
    write(r, "addons/a2/cm.yaml", CM % "a2")
    write(r, "config/dev/config.json", json.dumps({"cluster": "dev"}))
    commit(r, "one")
    sh(r, "git", "tag", "v1")
    write(r, "overlays/staging/kustomization.yaml", "resources: [../../base]\n")
    commit(r, "two")
    monkeypatch.chdir(r)
    return r


def run(paths=None, **kw):
    return check_apps(paths, config=load_config("."), **kw)


def by_rule(res, rule):
    return [f for f in res.findings if f.rule == rule]


def one_app(repo, text, **kw):
    write(repo, "apps/app.yaml", text)
    return run(["apps"], **kw)


# ----------------------------------------------------------------------------------------
def test_normalize_url():
    assert normalize_url("git@GitHub.com:Org/repo.git") == normalize_url(
        "https://github.com/Org/repo/")
    assert normalize_url("ssh://git@github.com:22/Org/repo") == "github.com/Org/repo"
    assert normalize_url("https://user@GITHUB.COM/Org/repo.git") == "github.com/Org/repo"
    assert normalize_url("https://github.com/org/a") != normalize_url("https://github.com/org/b")


def test_glob():
    assert glob_match("addons/*", "addons/a1")
    assert not glob_match("addons/*", "addons/a1/x")
    assert glob_match("config/**/config.json", "config/dev/config.json")
    assert glob_match("config/**/config.json", "config/config.json")


def test_gitfs(repo):
    fs = GitFS(repo, "v1")
    assert fs.is_dir(os.path.join(repo, "overlays/dev"))
    assert not fs.is_dir(os.path.join(repo, "overlays/staging"))
    assert fs.listdir(os.path.join(repo, "overlays")) == ["dev", "prod"]
    kust = os.path.join(repo, "overlays/dev/kustomization.yaml")
    assert b"namePrefix: dev-" in fs.read_bytes(kust)
    assert fs.listdir(repo) == ["addons", "base", "config", "kustgen.yaml", "overlays"]
    head = GitFS(repo, "HEAD")
    assert head.is_dir(os.path.join(repo, "overlays/staging"))
    write(repo, "new/x.yaml", CM % "x")
    assert not head.exists(os.path.join(repo, "new/x.yaml"))
    assert GitFS(repo, None).is_file(os.path.join(repo, "new/x.yaml"))
    sh(repo, "git", "add", "new/x.yaml")
    assert GitFS(repo, ":").is_file(os.path.join(repo, "new/x.yaml"))
    with pytest.raises(FileNotFoundError):
        fs.read_bytes(os.path.join(repo, "nope"))


def test_gitfs_builds_overlay_at_revision(repo):
    from kustgen.kustomize.pipeline import BuildSession
    res = BuildSession(GitFS(repo, "v1")).build(os.path.join(repo, "overlays/dev"))
    assert [r.obj["metadata"]["name"] for r in res] == ["dev-cm"]


def test_existing_overlay_ok(repo):
    res = one_app(repo, app("dev", "overlays/dev"))
    assert res.findings == [] and res.checked == 1


def test_missing_path_at_path_line(repo):
    res = one_app(repo, app("x", "overlays/nothing-here"))
    [f] = res.findings
    assert f.rule == "app-path-missing" and str(f.severity) == "error"
    assert f.origin.line == line_of(os.path.join(repo, "apps/app.yaml"), "path:")
    assert "does not exist" in f.message


def test_misspelt_path_hint(repo):
    [f] = one_app(repo, app("x", "overlays/prdo")).findings
    assert f.rule == "app-path-missing" and "did you mean overlays/prod?" in f.message
    [f] = one_app(repo, app("x", "overlais/stagin")).findings
    assert "did you mean overlays/staging?" in f.message
    [f] = one_app(repo, app("x", "overlays/missing")).findings
    assert "did you mean" not in f.message


def test_path_only_after_tag(repo):
    [f] = one_app(repo, app("x", "overlays/staging", rev="v1")).findings
    assert f.rule == "app-path-missing" and "v1" in f.message
    assert one_app(repo, app("x", "overlays/staging", rev="main")).findings == []


def test_unknown_revision(repo):
    [f] = one_app(repo, app("x", "overlays/dev", rev="no-such-branch")).findings
    assert f.rule == "app-revision"
    assert f.origin.line == line_of(os.path.join(repo, "apps/app.yaml"), "targetRevision:")


def test_commit_revision(repo):
    c = subprocess.run(["git", "rev-parse", "v1"], cwd=repo, stdout=subprocess.PIPE,
                       text=True).stdout.strip()
    assert one_app(repo, app("x", "overlays/dev", rev=c)).findings == []
    assert by_rule(one_app(repo, app("x", "overlays/staging", rev=c)), "app-path-missing")


def test_worktree_vs_committed(repo):
    write(repo, "overlays/qa/kustomization.yaml", "resources: [../../base]\n")
    assert one_app(repo, app("qa", "overlays/qa")).findings == []
    [f] = one_app(repo, app("qa", "overlays/qa"), rev_mode="committed").findings
    assert f.rule == "app-path-missing" and "working tree" in f.message
    assert by_rule(one_app(repo, app("qa", "overlays/qa"), rev_mode="staged"),
                   "app-path-missing")
    sh(repo, "git", "add", "overlays/qa")
    assert one_app(repo, app("qa", "overlays/qa"), rev_mode="staged").findings == []


def test_overlay_that_does_not_build(repo):
    write(repo, "overlays/bad/kustomization.yaml", "resources: [missing.yaml]\n")
    [f] = one_app(repo, app("bad", "overlays/bad")).findings
    assert f.rule == "app-path-render" and "missing.yaml" in f.message


def test_plain_manifests_and_empty_dir_and_chart(repo):
    assert one_app(repo, app("a", "addons/a1")).findings == []
    write(repo, "charts/c/Chart.yaml", "name: c\nversion: 0.1.0\n")
    assert one_app(repo, app("c", "charts/c")).findings == []
    write(repo, "docs/only/README.md", "hi\n")
    [f] = one_app(repo, app("d", "docs/only")).findings
    assert f.rule == "app-path-empty"
    [f] = one_app(repo, app("d", "addons")).findings
    assert f.rule == "app-path-empty" and "recurse" in f.message


def test_other_repo_is_info(repo):
    [f] = one_app(repo, app("o", "guestbook", url=OTHER)).findings
    assert f.rule == "app-other-repo" and str(f.severity) == "info"
    assert "not this repository" in f.message


def test_ssh_url_is_this_repo(repo):
    assert one_app(repo, app("s", "overlays/dev",
                             url="git@git.example.com:team/infra.git")).findings == []
    assert by_rule(one_app(repo, app("s", "overlays/nope",
                                     url="ssh://git@Git.Example.com/team/infra")),
                   "app-path-missing")


def test_git_remote_url_counts(repo):
    sh(repo, "git", "remote", "add", "origin", "git@github.com:me/mine.git")
    assert one_app(repo, app("s", "overlays/dev",
                             url="https://github.com/me/mine")).findings == []


def test_multi_source_with_ref(repo):
    text = textwrap.dedent("""
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: multi}
        spec:
          sources:
            - repoURL: %s
              targetRevision: HEAD
              ref: values
            - repoURL: https://charts.example.com
              chart: nginx
              targetRevision: 1.2.3
            - repoURL: %s
              targetRevision: HEAD
              path: overlays/dev
            - repoURL: %s
              targetRevision: HEAD
              path: overlays/gone
        """ % (URL, URL, URL)).lstrip("\n")
    res = one_app(repo, text)
    missing = by_rule(res, "app-path-missing")
    assert len(missing) == 1 and "overlays/gone" in missing[0].message
    assert missing[0].origin.line == line_of(os.path.join(repo, "apps/app.yaml"),
                                             "overlays/gone")
    assert [f.rule for f in res.findings if f.severity >= 2] == ["app-path-missing"]


def test_appset_directories(repo):
    ok = appset("ok", """
        - git:
            repoURL: %s
            revision: HEAD
            directories:
              - path: addons/*
        """ % URL)
    assert one_app(repo, ok).findings == []
    none = appset("none", """
        - git:
            repoURL: %s
            revision: HEAD
            directories:
              - path: adons/*
        """ % URL)
    [f] = one_app(repo, none).findings
    assert f.rule == "appset-empty" and str(f.severity) == "error"
    assert f.origin.line == line_of(os.path.join(repo, "apps/app.yaml"), "directories:")
    excl = appset("excl", """
        - git:
            repoURL: %s
            revision: HEAD
            directories:
              - path: addons/*
              - path: addons/a*
                exclude: true
        """ % URL)
    [f] = one_app(repo, excl).findings
    assert f.rule == "appset-empty" and "exclude" in f.message


def test_appset_templated_path_checked(repo):
    s = appset("sub", """
        - git:
            repoURL: %s
            revision: HEAD
            directories:
              - path: overlays/*
        """ % URL, path="'{{path}}/sub'")
    res = one_app(repo, s)
    assert {f.rule for f in res.findings} == {"app-path-missing"}
    assert len(res.findings) == 3   # dev, prod, staging


def test_appset_files_generator(repo):
    s = appset("files", """
        - git:
            repoURL: %s
            revision: HEAD
            files:
              - path: config/**/config.json
        """ % URL, path="'overlays/{{cluster}}'")
    assert one_app(repo, s).findings == []
    s = appset("files", """
        - git:
            repoURL: %s
            revision: HEAD
            files:
              - path: config/**/nothing.json
        """ % URL)
    [f] = one_app(repo, s).findings
    assert f.rule == "appset-empty" and "files" in f.message


def test_appset_list_and_matrix(repo):
    s = appset("m", """
        - matrix:
            generators:
              - list:
                  elements:
                    - env: dev
                    - env: prood
              - git:
                  repoURL: %s
                  revision: HEAD
                  directories:
                    - path: overlays/{{env}}
        """ % URL, path="'overlays/{{env}}'")
    res = one_app(repo, s)
    assert [f.rule for f in res.findings] == ["appset-empty"]
    assert "overlays/prood" in res.findings[0].message


def test_appset_shrinks_against_base(repo):
    gens = """
        - git:
            repoURL: %s
            revision: HEAD
            directories:
              - path: addons/*
        """ % URL
    write(repo, "apps/set.yaml", appset("addons", gens))
    commit(repo, "appset")
    assert run(["apps"], base_rev="HEAD").findings == []
    sh(repo, "git", "rm", "-q", "-r", "addons/a2")
    [f] = run(["apps"], base_rev="HEAD").findings
    assert f.rule == "appset-shrinks" and str(f.severity) == "error"
    assert "1 would be deleted" in f.message
    write(repo, "apps/set.yaml", appset("addons", gens, sync="""
        syncPolicy:
          applicationsSync: create-update
        """))
    [f] = run(["apps"], base_rev="HEAD").findings
    assert f.rule == "appset-shrinks" and str(f.severity) == "warning"


def test_discovers_whole_repo_and_app_of_apps(repo):
    write(repo, "argocd/apps/kustomization.yaml", "resources: [dev.yaml]\npatches:\n"
          "- target: {kind: Application}\n  patch: |-\n"
          "    - op: replace\n      path: /spec/source/path\n      value: overlays/missing\n")
    write(repo, "argocd/apps/dev.yaml", app("dev", "overlays/dev"))
    res = run()
    assert res.checked == 1
    [f] = by_rule(res, "app-path-missing")       # the file's own version is only an input
    assert "overlays/missing" in f.message
    # the patch: the `value: overlays/missing` line of its operation
    assert f.origin.file.endswith("kustomization.yaml") and f.origin.line == 7
    # rendered unchanged: the Application's own file and line
    write(repo, "argocd/apps/kustomization.yaml", "resources: [dev.yaml]\n"
          "commonLabels: {team: a}\n")
    write(repo, "argocd/apps/dev.yaml", app("dev", "overlays/nope"))
    [f] = by_rule(run(), "app-path-missing")
    assert f.origin.file.endswith("dev.yaml")
    assert f.origin.line == line_of(os.path.join(repo, "argocd/apps/dev.yaml"), "path:")


def test_unknown_base_is_usage_error(repo):
    from kustgen.model.errors import ConfigError
    with pytest.raises(ConfigError):
        run(base_rev="nope")


def test_rules_described():
    for r in ("app-path-missing", "app-path-render", "app-path-empty", "app-revision",
              "app-other-repo", "appset-empty", "appset-shrinks"):
        assert APP_RULES[r]


def test_shared_argocd_examples(repo):
    ex = need_shared("examples", "argocd")
    res = run([ex])
    assert res.checked > 10
    assert [f for f in res.findings if str(f.severity) == "error"] == []
    assert by_rule(res, "app-other-repo")
    assert all("not this repository" in f.message for f in by_rule(res, "app-other-repo"))


# ----------------------------------------------------------------------------------------
# CLI
# ----------------------------------------------------------------------------------------
def cli(repo, *args):
    return subprocess.run([sys.executable, "-m", "kustgen", "apps", "check", *args], cwd=repo,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=dict(os.environ, PYTHONPATH=REPO))


def test_cli_exit_codes_and_formats(repo):
    write(repo, "apps/ok.yaml", app("ok", "overlays/dev"))
    p = cli(repo)
    assert p.returncode == 0, p.stderr
    write(repo, "apps/other.yaml", app("o", "x", url=OTHER))
    assert cli(repo).returncode == 0
    assert cli(repo, "--fail-on", "info").returncode == 1
    write(repo, "apps/bad.yaml", app("bad", "overlays/prdo"))
    p = cli(repo, "--format", "json")
    assert p.returncode == 1
    data = json.loads(p.stdout)
    assert "app-path-missing" in json.dumps(data)
    p = cli(repo, "--format", "sarif", "--output", "out.sarif", "--format", "text")
    assert p.returncode == 1
    sarif = json.load(open(os.path.join(repo, "out.sarif")))
    assert sarif["runs"][0]["results"]
    assert "did you mean" in p.stdout
    p = cli(repo, "--rev-mode", "committed", "apps/ok.yaml")
    assert p.returncode == 0, p.stdout + p.stderr
    assert cli(repo, "--base", "no-such-rev").returncode == 2
    assert cli(repo, "no/such/path").returncode == 2
