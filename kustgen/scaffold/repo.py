"""Scaffolding a team repository: plans of file changes for `kustgen init`, `env add`,
`add`, `app add` and `api add`.

Every function returns a :class:`~kustgen.changeset.ChangeSet` and writes nothing: the CLI
prints its diff (`--dry-run`) or commits it (all files or none). Existing files are edited
through :mod:`kustgen.yamlio.rewrite` (comments and layout kept) and never overwritten
without ``force``. Re-running a command that has already been applied plans no change.

Layout written (paths from kustgen.yaml)::

    kustgen.yaml                      environments in promotion order, schema settings
    schemas/kustgen.schema.json       JSON Schema of kustgen.yaml, for editors
    base/kustomization.yaml           the resources every environment shares
    base/packages/providers.yaml      Crossplane Providers
    overlays/<env>/kustomization.yaml one overlay per environment
    overlays/<env>/provider-config.yaml  the environment's ProviderConfig (LocalStack for the local one)
    argocd/root.yaml                  app-of-apps: syncs argocd/apps
    argocd/apps/kustomization.yaml    the AppProject and one Application per environment
    .pre-commit-config.yaml           kustgen's hooks
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from kustgen.model.errors import ConfigError, KustgenError

__all__ = ["InitOptions", "plan_init", "plan_env_add", "plan_app_add", "plan_add",
           "plan_api_add", "AddResult", "resolve_kind"]

ARGOCD_DIR = "argocd"
APPS_DIR = "argocd/apps"
PROJECT = "platform"
_ENV_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def _yaml(obj) -> str:
    """Block YAML in the order the generators built it (apiVersion, kind, metadata, spec),
    lists at their key's level and multi-line strings as literal blocks, as people write
    Kubernetes manifests."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def _str(dumper, value):
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)
    return yaml.dump(obj, Dumper=_Dumper, sort_keys=False, default_flow_style=False,
                     width=4096, allow_unicode=True)


def _header(text: str) -> str:
    return "".join("# %s\n" % l if l else "#\n" for l in text.splitlines()) if text else ""


def _dump(obj, header: str = "") -> str:
    return _header(header) + _yaml(obj)


def _dump_all(objs: list, header: str = "") -> str:
    return _header(header) + "---\n".join(_yaml(o) for o in objs)


def _check_env(name: str) -> str:
    if not _ENV_NAME.match(name or ""):
        raise ConfigError("environment name %r: use lower case letters, digits and '-' "
                          "(it becomes a folder and part of resource names)" % name)
    return name


def _schema_text() -> str:
    """The JSON Schema of kustgen.yaml shipped with kustgen."""
    from importlib import resources
    return resources.files("kustgen").joinpath("data/kustgen.schema.json").read_text("utf-8")


# --------------------------------------------------------------------------------------
# kustgen.yaml
# --------------------------------------------------------------------------------------

def _config_text(envs: list[str], repo_url: str, local: str | None, protected: list[str],
                 base: str, overlays: str) -> str:
    out = ["# yaml-language-server: $schema=schemas/kustgen.schema.json",
           "# kustgen's configuration for this repository.",
           "apiVersion: kustgen.dev/v1alpha1",
           "kind: Config",
           "repoURL: %s" % _scalar(repo_url),
           'kubernetesVersion: "1.32.0"',
           "paths:",
           "  base: %s" % _scalar(base),
           "  overlays: %s" % _scalar(overlays),
           "environments:             # promotion order"]
    for e in envs:
        out.extend(_env_lines(e, e == local, e in protected))
    out += ["schemas:",
            "  # CRD schemas vendored with `kustgen schemas import`, for offline validation",
            "  vendor: schemas",
            "  missing:",
            "    default: warn",
            ""]
    return "\n".join(out)


def _env_lines(name: str, local: bool, protected: bool) -> list[str]:
    lines = ["  - name: %s" % name]
    if local:
        lines.append("    local: true          # LocalStack; never promoted from")
    if protected:
        lines.append("    protected: true      # stricter rules, manual sync")
    return lines


def _scalar(s: str) -> str:
    from kustgen import yamlio
    return yamlio.dump(s).rstrip("\n")


# --------------------------------------------------------------------------------------
# init
# --------------------------------------------------------------------------------------

@dataclass
class InitOptions:
    envs: list[str] = field(default_factory=lambda: ["dev", "staging", "prod"])
    repo_url: str = "https://git.example.com/platform/infra.git"
    provider: str = "aws"
    families: tuple = ("s3", "ec2", "rds", "iam")
    local: str | None = None          # the LocalStack environment (default: the first)
    protected: list[str] | None = None  # default: the last
    force: bool = False
    platform: bool = False            # the control plane in platform/ (kustgen platform)


def plan_init(root: str, opts: InitOptions):
    """Everything a new repository needs; on an existing one, only what is missing."""
    from kustgen.changeset import ChangeSet
    from kustgen.config import CONFIG_FILE, load_config
    if opts.provider != "aws":
        raise ConfigError("provider %r is not supported yet (only aws)" % opts.provider)
    envs = [_check_env(e) for e in opts.envs]
    if not envs:
        raise ConfigError("--envs needs at least one environment")
    if len(set(envs)) != len(envs):
        raise ConfigError("--envs lists an environment twice")
    cs = ChangeSet(root)
    cfg_path = os.path.join(root, CONFIG_FILE)
    local = opts.local if opts.local is not None else envs[0]
    protected = opts.protected if opts.protected is not None else (
        [envs[-1]] if len(envs) > 1 else [])
    if os.path.isfile(cfg_path):
        cfg = load_config(root, cfg_path)
        known = [e.name for e in cfg.environments]
        base, overlays = cfg.base, cfg.overlays
        repo_url = cfg.repo_url or opts.repo_url
        for e in envs:
            if e not in known:
                _add_env_to_config(cs, cfg_path, e, e == local, e in protected, after=None)
        local_envs = {e.name for e in cfg.environments if e.local} | (
            {local} if local not in known else set())
        prot_envs = {e.name for e in cfg.environments if e.protected} | {
            p for p in protected if p not in known}
        all_envs = known + [e for e in envs if e not in known]
    else:
        base, overlays, repo_url = "base", "overlays", opts.repo_url
        text = _config_text(envs, repo_url, local, protected, base, overlays)
        if opts.platform:
            text += _platform_config_text(opts.families)
        cs.create(cfg_path, text, force=opts.force)
        local_envs, prot_envs, all_envs = {local}, set(protected), envs
    _keep(cs, os.path.join(root, "schemas", "kustgen.schema.json"), _schema_text(), opts.force)
    if opts.platform:
        return _plan_init_platform(cs, root, cfg_path, base, overlays, all_envs, local_envs,
                                   opts)
    # base: providers
    from kustgen.scaffold.crossplane import providers
    _keep(cs, os.path.join(root, base, "packages", "providers.yaml"),
          _dump_all(providers(tuple(opts.families)),
                    "Crossplane providers (one per AWS service family), installed in every\n"
                    "environment. Add families with `kustgen init --families ...`."), opts.force)
    _keep(cs, os.path.join(root, base, "kustomization.yaml"), _dump(
        {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
         "resources": ["packages/providers.yaml"]},
        "What every environment runs. `kustgen add KIND NAME` adds resources here."),
        opts.force)
    for e in all_envs:
        _plan_overlay(cs, root, base, overlays, e, e in local_envs, opts.force)
    _plan_argocd(cs, root, repo_url, overlays, all_envs, prot_envs, opts.force)
    _keep(cs, os.path.join(root, ".pre-commit-config.yaml"), _PRE_COMMIT, opts.force)
    return cs


def _platform_config_text(families) -> str:
    return (
        "platform:\n"
        "  # `kustgen platform render` writes the control plane of each environment's\n"
        "  # cluster into platform/ from this section (see docs/platform.md).\n"
        "  families: [%s]\n"
        "  tests:\n"
        "    # the infrastructure tests run after every change (any image: Terratest, pytest)\n"
        "    image: ghcr.io/example/infra-tests:latest\n"
        "    command: [/bin/sh, -c, make test]\n"
        "    timeout: 15m\n"
        "  git:\n"
        "    secret: kustgen-git   # username/password (a token) allowed to push reverts\n"
        "    branch: main\n" % ", ".join(families))


def _plan_init_platform(cs, root, cfg_path, base, overlays, envs, local_envs, opts):
    """init --platform: the infrastructure skeleton (base, one overlay per environment)
    and the platform tree, which owns the providers, ProviderConfigs and Argo CD wiring."""
    from kustgen.config import load_config, parse_config
    _keep(cs, os.path.join(root, base, "kustomization.yaml"), _dump(
        {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
         "resources": []},
        "What every environment runs. `kustgen add KIND NAME` adds resources here;\n"
        "the control plane (providers, ProviderConfigs, Argo CD) is in platform/."),
        opts.force)
    for e in envs:
        odir = os.path.join(root, overlays, e)
        base_rel = os.path.relpath(os.path.join(root, base), odir)
        kust = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                "resources": [base_rel],
                "labels": [{"pairs": {"platform.example.org/environment": e},
                            "includeSelectors": False}]}
        _keep(cs, os.path.join(odir, "kustomization.yaml"), _dump(kust, (
            "The %s environment%s." % (e, ": a local cluster against LocalStack"
                                      if e in local_envs else ""))), opts.force)
    _keep(cs, os.path.join(root, ".pre-commit-config.yaml"),
          _PRE_COMMIT + _PRE_COMMIT_PLATFORM, opts.force)
    planned = cs.planned_abs().get(os.path.abspath(cfg_path))
    cfg = parse_config(planned, cfg_path) if planned is not None else load_config(root,
                                                                                cfg_path)
    if cfg.platform is None:
        raise ConfigError("%s has no `platform:` section: add one (see docs/platform.md) or "
                          "run `kustgen platform render`" % cfg_path)
    plan_platform(root, cfg, force=opts.force, cs=cs)
    return cs


_PRE_COMMIT_PLATFORM = """\
      - id: kustgen-platform
        name: kustgen platform render --check
        entry: kustgen platform render --check
        language: system
        files: (^kustgen\\.yaml$|\\.(ya?ml)$)
        pass_filenames: false
"""


def _keep(cs, path: str, text: str, force: bool) -> None:
    """Create `path` unless it exists (init changes nothing that exists, unless --force)."""
    if os.path.exists(path) and not force:
        return
    cs.create(path, text, force=force)


_PRE_COMMIT = """\
# kustgen's checks before every commit, on the staged content: the overlays the changed
# files affect are validated and linted (kustgen.yaml `rules:`), and every Argo CD
# Application must point at a path that exists and builds. Install once with
# `pre-commit install`. (kustgen's own .pre-commit-hooks.yaml offers the same hooks as
# kustgen-validate, kustgen-lint and kustgen-apps.)
repos:
  - repo: local
    hooks:
      - id: kustgen-validate
        name: kustgen validate
        entry: kustgen validate --changed
        language: system
        files: \\.(ya?ml|json)$
        pass_filenames: true
        require_serial: true
      - id: kustgen-lint
        name: kustgen lint
        entry: kustgen lint --changed
        language: system
        files: \\.(ya?ml|json)$
        pass_filenames: true
        require_serial: true
      - id: kustgen-apps
        name: kustgen apps check
        entry: kustgen apps check --rev-mode staged
        language: system
        files: \\.(ya?ml|json)$
        pass_filenames: false
"""


def _overlay_files(base_rel: str, env: str, local: bool) -> dict[str, str]:
    from kustgen.scaffold.crossplane import provider_config
    pc = provider_config(env, local=local, name="default")
    kust = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
            "resources": [base_rel, "provider-config.yaml"],
            "labels": [{"pairs": {"platform.example.org/environment": env},
                        "includeSelectors": False}]}
    head = ("The %s environment%s." % (env, ": a local cluster against LocalStack"
                                        if local else ""))
    pc_head = ("ProviderConfig of %s: LocalStack's endpoint and test credentials." % env
               if local else
               "ProviderConfig of %s. Its credentials Secret (crossplane-system/default-creds,\n"
               "key `credentials`) is created in the cluster, never committed." % env)
    return {"kustomization.yaml": _dump(kust, head),
            "provider-config.yaml": _dump_all(pc, pc_head)}


def _plan_overlay(cs, root, base, overlays, env, local, force) -> str:
    odir = os.path.join(root, overlays, env)
    base_rel = os.path.relpath(os.path.join(root, base), odir)
    if os.path.isdir(odir) and any(os.path.isfile(os.path.join(odir, k)) for k in
                                    ("kustomization.yaml", "kustomization.yml", "Kustomization")):
        if not force:
            return odir
    for name, text in _overlay_files(base_rel, env, local).items():
        _keep(cs, os.path.join(odir, name), text, force)
    return odir


def _plan_argocd(cs, root, repo_url, overlays, envs, protected, force) -> None:
    from kustgen.scaffold.argocd import app_of_apps, app_project
    apps = os.path.join(root, APPS_DIR)
    _keep(cs, os.path.join(apps, "project.yaml"), _dump(
        app_project(PROJECT, repo_url, [("https://kubernetes.default.svc", "*")],
                    description="Crossplane resources of every environment"),
        "The Argo CD project of this repository's Applications."), force)
    _keep(cs, os.path.join(root, ARGOCD_DIR, "root.yaml"), _dump(
        app_of_apps("platform-apps", repo_url=repo_url, path=APPS_DIR, project=PROJECT),
        "App of apps: apply this once (kubectl apply -n argocd -f argocd/root.yaml); it\n"
        "syncs argocd/apps, the project and one Application per environment."), force)
    kpath = os.path.join(apps, "kustomization.yaml")
    if not os.path.exists(kpath) or force:
        cs.create(kpath, _dump({"apiVersion": "kustomize.config.k8s.io/v1beta1",
                                "kind": "Kustomization", "resources": ["project.yaml"]},
                               "Argo CD objects synced by the app of apps."), force=force)
    for e in envs:
        _plan_application(cs, root, repo_url, overlays, e, e in protected, force)


def _plan_application(cs, root, repo_url, overlays, env, protected, force) -> None:
    from kustgen.scaffold.argocd import application
    from kustgen.yamlio.rewrite import append_to_list
    apps = os.path.join(root, APPS_DIR)
    path = os.path.join(apps, "%s.yaml" % env)
    opath = os.path.relpath(os.path.join(root, overlays, env), root).replace(os.sep, "/")
    app = application("platform-%s" % env, repo_url=repo_url, path=opath, project=PROJECT,
                      automated=not protected, labels={"platform.example.org/environment": env})
    head = ("Argo CD Application of the %s overlay%s." % (
        env, " (manual sync: protected environment)" if protected else ""))
    _keep(cs, path, _dump(app, head), force)
    kpath = os.path.join(apps, "kustomization.yaml")
    cs.update(kpath, lambda text: append_to_list(text, ("resources",), "%s.yaml" % env,
                                                 path=kpath))


def _add_env_to_config(cs, cfg_path: str, env: str, local: bool, protected: bool,
                       after: str | None) -> None:
    from kustgen.yamlio.rewrite import rewrite

    def edit(root):
        envs = root.get("environments")
        item = {"name": env}
        if local:
            item["local"] = True
        if protected:
            item["protected"] = True
        if envs is None:
            root["environments"] = [item]
            return
        names = [e.get("name") if hasattr(e, "get") else e for e in envs]
        if env in names:
            return
        pos = len(envs) if after is None or after not in names else names.index(after) + 1
        envs.insert(pos, item)

    cs.update(cfg_path, lambda text: rewrite(text, edit, path=cfg_path))


# --------------------------------------------------------------------------------------
# env add
# --------------------------------------------------------------------------------------

_ENV_SPECIFIC_KEYS = re.compile(r"^(\s*-?\s*)(region|zone|providerConfigRef|deletionPolicy|"
                                r"instanceClass|instanceType|allocatedStorage|storageGB|size|"
                                r"endpoint|url|cidrBlock|availabilityZone)\s*:")


def _copy_for_review(text: str, old: str, new: str) -> str:
    """An overlay file of `old` made into one of `new`: the environment's name replaced
    (marked), and values that usually differ per environment marked for review."""
    word = re.compile(r"(?<![A-Za-z0-9])%s(?![A-Za-z0-9])" % re.escape(old))
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        nl = line[len(body):]
        note = None
        if word.search(body) and body.lstrip().startswith("#"):
            body = word.sub(new, body)                      # a comment: just renamed
        elif word.search(body):
            body = word.sub(new, body)
            note = "kustgen: review, was '%s'" % old
        elif _ENV_SPECIFIC_KEYS.match(body) and not body.lstrip().startswith("#"):
            note = "kustgen: review, copied from %s" % old
        if note and " #" in body:            # already commented: add to the comment
            body = "%s; %s" % (body, note)
        elif note:
            body = "%s  # %s" % (body, note)
        out.append(body + nl)
    return "".join(out)


def plan_env_add(root: str, name: str, *, source: str | None = None, after: str | None = None,
                 local: bool = False, protected: bool = False, force: bool = False):
    from kustgen.changeset import ChangeSet
    from kustgen.config import CONFIG_FILE, load_config
    _check_env(name)
    cfg_path = os.path.join(root, CONFIG_FILE)
    if not os.path.isfile(cfg_path):
        raise ConfigError("no kustgen.yaml in %s: run `kustgen init` first" % root)
    cfg = load_config(root, cfg_path)
    cs = ChangeSet(root)
    odir = cfg.path(os.path.join(cfg.overlays, name))
    names = [e.name for e in cfg.environments]
    if source is not None and source not in names:
        raise ConfigError("--from %s: no such environment (kustgen.yaml has %s)"
                          % (source, ", ".join(names) or "none"))
    if name not in names:
        _add_env_to_config(cs, cfg_path, name, local, protected, after or source)
    exists = os.path.isdir(odir) and os.listdir(odir)
    if exists and not force:
        pass                                       # the overlay is there: keep it
    elif source is not None:
        sdir = cfg.path(cfg.environment(source).path)
        if not os.path.isdir(sdir):
            raise ConfigError("--from %s: its overlay %s does not exist" % (source, sdir))
        for dirpath, _, files in os.walk(sdir):
            for f in sorted(files):
                src = os.path.join(dirpath, f)
                rel = os.path.relpath(src, sdir)
                with open(src, encoding="utf-8", errors="surrogateescape") as fh:
                    text = fh.read()
                if f.endswith((".yaml", ".yml")):
                    text = _copy_for_review(text, source, name)
                cs.create(os.path.join(odir, rel), text, force=force)
    else:
        base_rel = os.path.relpath(cfg.path(cfg.base), odir)
        for f, text in _overlay_files(base_rel, name, local).items():
            cs.create(os.path.join(odir, f), text, force=force)
    prot = protected or any(e.protected for e in cfg.environments if e.name == name)
    _plan_application(cs, root, cfg.repo_url or InitOptions().repo_url, cfg.overlays, name,
                      prot, force)
    return cs


# --------------------------------------------------------------------------------------
# app add
# --------------------------------------------------------------------------------------

def plan_app_add(root: str, env: str, *, force: bool = False):
    """The Argo CD Application of `env`, and first its overlay (created if missing), which
    must build: kustgen never writes an Application whose path does not exist."""
    from kustgen.changeset import ChangeSet
    from kustgen.config import CONFIG_FILE, load_config
    cfg_path = os.path.join(root, CONFIG_FILE)
    if not os.path.isfile(cfg_path):
        raise ConfigError("no kustgen.yaml in %s: run `kustgen init` first" % root)
    cfg = load_config(root, cfg_path)
    e = cfg.environment(env)
    if e is None:
        raise ConfigError("no environment %r in kustgen.yaml: add it with `kustgen env add %s`"
                          % (env, env))
    cs = ChangeSet(root)
    odir = cfg.path(e.path)
    if not any(os.path.isfile(os.path.join(odir, k)) for k in
               ("kustomization.yaml", "kustomization.yml", "Kustomization")):
        base_rel = os.path.relpath(cfg.path(cfg.base), odir)
        for f, text in _overlay_files(base_rel, env, e.local).items():
            cs.create(os.path.join(odir, f), text, force=force)
    check_builds(cs, [odir])
    _plan_application(cs, root, cfg.repo_url or InitOptions().repo_url, cfg.overlays, env,
                      e.protected, force)
    return cs


def check_builds(cs, overlays: list[str]) -> None:
    """Render `overlays` as they will be once `cs` is written; KustgenError if one fails."""
    from kustgen.fs import LayeredFS
    from kustgen.kustomize.pipeline import BuildSession
    session = BuildSession(LayeredFS(cs.planned_abs()))
    for o in overlays:
        try:
            session.build(os.path.abspath(o))
        except KustgenError as err:
            raise KustgenError("%s does not build, so no Application is written for it: %s"
                               % (os.path.relpath(o), err)) from None


# --------------------------------------------------------------------------------------
# add
# --------------------------------------------------------------------------------------

@dataclass
class AddResult:
    changes: object
    file: str
    api_version: str
    kind: str
    placeholders: list = field(default_factory=list)


def _version_key(v: str) -> tuple:
    m = re.match(r"^v(\d+)(?:(alpha|beta)(\d+))?$", v)
    if not m:
        return (0, 0, 0, v)
    stage = {"alpha": 1, "beta": 2, None: 3}[m.group(2)]
    return (int(m.group(1)), stage, int(m.group(3) or 0), v)


def resolve_kind(spec: str, chain) -> tuple[str, str]:
    """KIND as `Bucket`, `s3.aws.upbound.io/Bucket` or `s3.aws.upbound.io/v1beta1/Bucket` ->
    (apiVersion, kind). Several groups: ConfigError listing them."""
    parts = spec.split("/")
    kind = parts[-1]
    group = parts[0] if len(parts) >= 2 else None
    version = parts[1] if len(parts) == 3 else None
    if len(parts) > 3 or not kind:
        raise ConfigError("KIND is Kind, group/Kind or group/version/Kind, not %r" % spec)
    cands = {}
    for av, k, _ in chain.known():
        if k.lower() != kind.lower():
            continue
        g, _, v = av.rpartition("/")
        if group is not None and g != group:
            continue
        if version is not None and v != version:
            continue
        cands.setdefault(g, set()).add((v, k))
    if not cands:
        raise ConfigError("no schema knows the kind %r: import its CRD (`kustgen schemas "
                          "import`), or add its XRD to the repository" % spec)
    if len(cands) > 1:
        choices = ", ".join("%s/%s" % (g, sorted(vs)[0][1]) for g, vs in sorted(cands.items()))
        raise ConfigError("%r is defined in several groups: %s; name one as group/Kind"
                          % (spec, choices))
    g, vs = next(iter(cands.items()))
    v, k = max(vs, key=lambda vk: _version_key(vk[0]))
    return ("%s/%s" % (g, v) if g else v), k


def _conventions(cfg, base_resources) -> dict:
    """Values the repository already uses for the conventional fields (the most common)."""
    from collections import Counter
    out = {}
    for path in (("spec", "providerConfigRef", "name"), ("spec", "deletionPolicy"),
                 ("spec", "forProvider", "region")):
        c = Counter()
        for r in base_resources:
            v = r.obj
            for p in path:
                v = v.get(p) if isinstance(v, dict) else None
            if isinstance(v, str) and v:
                c[v] += 1
        if c:
            out[".".join(path)] = c.most_common(1)[0][0]
    out.setdefault("spec.providerConfigRef.name", "default")
    return out


def plan_add(root: str, kind_spec: str, name: str, *, to: str | None = None,
             namespace: str | None = None, env: str | None = None,
             sets: list[tuple[str, object]] = (), force: bool = False,
             chain=None) -> AddResult:
    from kustgen.changeset import ChangeSet
    from kustgen.config import load_config
    from kustgen.scaffold.skeleton import skeleton
    from kustgen.yamlio.rewrite import append_to_list
    cfg = load_config(root)
    if chain is None:
        chain = schema_chain(cfg)
    api_version, kind = resolve_kind(kind_spec, chain)
    entry = chain.registry.lookup(api_version, kind)
    if entry is None or entry.openapi is None:
        raise ConfigError("%s %s has no CRD-style schema to build a skeleton from"
                          % (api_version, kind))
    if not _ENV_NAME.match(name) and not re.match(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", name):
        raise ConfigError("name %r is not a valid Kubernetes name (lower case letters, digits, "
                          "'-' and '.')" % name)
    target = to or cfg.path(cfg.base)
    kpath = _kustomization_file(target)
    if kpath is None:
        raise ConfigError("%s has no kustomization.yaml to add the resource to (run "
                          "`kustgen init`, or give --to a kustomization folder)" % target)
    base_res = getattr(chain, "base_resources", [])
    conv = _conventions(cfg, base_res)
    namespaced = _is_namespaced(entry, chain, api_version, kind)
    if namespaced and namespace is None:
        namespace = _common_namespace(base_res) or "default"
    sk = skeleton(api_version, kind, entry.openapi, name,
                  namespace=namespace if namespaced else None, namespaced=namespaced,
                  conventions=conv)
    fname = "%s-%s.yaml" % (kind.lower(), name)
    fpath = os.path.join(target, fname)
    cs = ChangeSet(root)
    header = "# %s %s, written by `kustgen add %s %s`.\n" % (kind, name, kind_spec, name)
    cs.create(fpath, header + sk.text, force=force)
    cs.update(kpath, lambda text: append_to_list(text, ("resources",), fname, path=kpath))
    if env is not None:
        _plan_env_patch(cs, cfg, root, env, api_version, kind, name, namespace if namespaced
                        else None, sets)
    elif sets:
        raise ConfigError("--set needs --env: it writes that environment's patch")
    return AddResult(cs, fpath, api_version, kind, list(sk.placeholders))


def plan_env_patch(root: str, env: str, kind_spec: str, name: str,
                   sets: list[tuple[str, object]], *, namespace: str | None = None,
                   chain=None):
    """Only the environment patch of an existing resource (`kustgen add ... --env` again)."""
    from kustgen.changeset import ChangeSet
    from kustgen.config import load_config
    cfg = load_config(root)
    chain = chain or schema_chain(cfg)
    api_version, kind = resolve_kind(kind_spec, chain)
    cs = ChangeSet(root)
    _plan_env_patch(cs, cfg, root, env, api_version, kind, name, namespace, sets)
    return cs


def _plan_env_patch(cs, cfg, root, env, api_version, kind, name, namespace, sets) -> None:
    from kustgen.yamlio.rewrite import rewrite
    e = cfg.environment(env)
    if e is None:
        raise ConfigError("no environment %r in kustgen.yaml (%s)" % (
            env, ", ".join(x.name for x in cfg.environments) or "none defined"))
    if not sets:
        raise ConfigError("--env %s needs at least one --set PATH=VALUE" % env)
    odir = cfg.path(e.path)
    kpath = _kustomization_file(odir)
    if kpath is None:
        raise ConfigError("%s has no kustomization.yaml: create the overlay first "
                          "(`kustgen app add %s`)" % (odir, env))
    rel = "patches/%s-%s.yaml" % (kind.lower(), name)
    ppath = os.path.join(odir, rel)
    if not os.path.exists(ppath) and os.path.abspath(ppath) not in cs.planned_abs():
        md = {"name": name}
        if namespace:
            md["namespace"] = namespace
        cs.create(ppath, _dump({"apiVersion": api_version, "kind": kind, "metadata": md},
                               "%s's values for %s %s." % (env, kind, name)))

    def apply_sets(text: str) -> str:
        def edit(root_node):
            for path, value in sets:
                node = root_node
                keys = _split_path(path)
                for k in keys[:-1]:
                    if k not in node or not hasattr(node[k], "get"):
                        node[k] = {}
                    node = node[k]
                node[keys[-1]] = value
        return rewrite(text, edit, path=ppath)

    cs.update(ppath, apply_sets)
    group, _, version = api_version.rpartition("/")
    target = {"kind": kind, "name": name}
    if group:
        target = {"group": group, "version": version, "kind": kind, "name": name}
    entry = {"path": rel, "target": target}

    def add_entry(text: str) -> str:
        from kustgen.yamlio.rewrite import get_value, append_to_list
        current = get_value(text, ("patches",), []) or []
        if any(isinstance(p, dict) and p.get("path") == rel for p in current):
            return text
        return append_to_list(text, ("patches",), entry, path=kpath)

    cs.update(kpath, add_entry)


def _split_path(path: str) -> list[str]:
    keys = [k for k in re.split(r"\.(?![^\[]*\])", path) if k]
    if not keys:
        raise ConfigError("--set needs PATH=VALUE with a dotted PATH, e.g. "
                          "spec.forProvider.region=eu-west-1")
    return keys


def _kustomization_file(d: str) -> str | None:
    for k in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
        p = os.path.join(d, k)
        if os.path.isfile(p):
            return p
    return None


def _common_namespace(resources) -> str | None:
    from collections import Counter
    c = Counter(r.namespace for r in resources if r.namespace)
    return c.most_common(1)[0][0] if c else None


def _is_namespaced(entry, chain, api_version, kind) -> bool:
    scope = getattr(entry, "scope", None)
    if scope:
        return scope == "Namespaced"
    for src in chain.sources:
        if hasattr(src, "scope_of"):
            s = src.scope_of(api_version, kind)
            if s:
                return s == "Namespaced"
        if hasattr(src, "entries"):
            for e in src.entries():
                if e[0] == api_version and e[1] == kind and getattr(e, "scope", None):
                    return e.scope == "Namespaced"
    src = str(getattr(entry, "source", ""))
    if "(claim)" in src:
        return True
    return ".m." in api_version      # upjet's namespaced managed resources


def schema_chain(cfg):
    """The schema chain of a repository, with the XRDs its base renders (claim kinds)."""
    from kustgen import api
    from kustgen.schemas.chain import SchemaChain
    chain = SchemaChain(cfg)
    chain.base_resources = []          # what the base renders: conventions come from it
    for r in api.render([cfg.path(cfg.base)], fallback=False, text=False):
        if r.error is None:
            chain.collect(r.resources, r.path)
            chain.base_resources = r.resources
    chain.registry = chain.build()
    return chain


# --------------------------------------------------------------------------------------
# api add
# --------------------------------------------------------------------------------------

def plan_api_add(root: str, kind: str, group: str, *, version: str = "v1alpha1",
                 claim: bool = True, force: bool = False):
    """An XRD + Composition in base/apis/<kind>/ (added to the base), and an example claim
    in examples/ (not deployed; `kustgen validate examples/` checks it)."""
    from kustgen.changeset import ChangeSet
    from kustgen.config import load_config
    from kustgen.scaffold.platform_api import platform_api
    from kustgen.yamlio.rewrite import append_to_list
    cfg = load_config(root)
    xrd, comp, example = platform_api(kind, group, version=version, claim=claim)
    base = cfg.path(cfg.base)
    kpath = _kustomization_file(base)
    if kpath is None:
        raise ConfigError("%s has no kustomization.yaml: run `kustgen init` first" % base)
    adir = os.path.join(base, "apis", kind.lower())
    cs = ChangeSet(root)
    cs.create(os.path.join(adir, "definition.yaml"),
              _dump(xrd, "The %s API (%s): what teams may ask the platform for." % (kind, group)),
              force=force)
    cs.create(os.path.join(adir, "composition.yaml"),
              _dump(comp, "How a %s is made: function-patch-and-transform composes the\n"
                          "managed resources." % kind), force=force)
    cs.create(os.path.join(adir, "kustomization.yaml"), _dump(
        {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
         "resources": ["definition.yaml", "composition.yaml"]}), force=force)
    cs.update(kpath, lambda text: append_to_list(text, ("resources",), "apis/%s" % kind.lower(),
                                                 path=kpath))
    cs.create(os.path.join(root, "examples", "%s-example.yaml" % kind.lower()),
              _dump(example, "An example %s %s; copy it into base/ to use it."
                    % (kind, "claim" if claim else "composite resource")), force=force)
    return cs


# --------------------------------------------------------------------------------------
# platform
# --------------------------------------------------------------------------------------
def watched_kinds(resources) -> list:
    """What an environment's EventSource watches: the managed resources (a provider's
    kinds: ``spec.forProvider``) and the claims and composite resources (kinds an XRD of
    the same render defines) among ``resources``, one entry per kind, sorted."""
    from kustgen.scaffold.platform import Watched, plural
    xrds: dict = {}
    for r in resources:
        o = r.obj
        if r.kind != "CompositeResourceDefinition" or not str(
                r.api_version).startswith("apiextensions.crossplane.io/"):
            continue
        spec = o.get("spec") or {}
        group = spec.get("group")
        names = spec.get("names") or {}
        claim = spec.get("claimNames") or {}
        if not isinstance(group, str):
            continue
        if names.get("kind"):
            xrds[(group, names["kind"])] = (names.get("plural") or plural(names["kind"]),
                                            "composite resource")
        if claim.get("kind"):
            xrds[(group, claim["kind"])] = (claim.get("plural") or plural(claim["kind"]),
                                            "claim")
    out: dict = {}
    for r in resources:
        g = r.gvk
        key = (g.group, g.kind)
        spec = r.obj.get("spec")
        if key in xrds:
            pl, what = xrds[key]
            out[key] = Watched(g.group, g.version, g.kind, pl, bool(r.namespace), what)
        elif isinstance(spec, dict) and isinstance(spec.get("forProvider"), dict) and \
                "." in g.group:
            out[key] = Watched(g.group, g.version, g.kind, plural(g.kind), bool(r.namespace))
    return [out[k] for k in sorted(out)]


def _ownership(ep, rendered, overlay_providers: set, notes: list) -> None:
    """What the environment's overlay provides itself, so that platform/ does not define
    it a second time (two Argo CD Applications fighting over one object): Providers, and
    the ProviderConfig its managed resources use. The ProviderConfig platform/ writes is
    named after what the managed resources reference (the most common name)."""
    from collections import Counter
    refs: Counter = Counter()
    configs = set()
    for r in rendered:
        g = r.gvk
        if g.group == "pkg.crossplane.io" and r.kind == "Provider" and r.name:
            overlay_providers.add(r.name)
        elif r.kind == "ProviderConfig" and g.group.endswith("upbound.io"):
            configs.add(r.name)
        spec = r.obj.get("spec")
        if isinstance(spec, dict) and isinstance(spec.get("forProvider"), dict):
            ref = spec.get("providerConfigRef")
            if isinstance(ref, dict) and isinstance(ref.get("name"), str):
                refs[ref["name"]] += 1
    if refs:
        ep.provider_config = refs.most_common(1)[0][0]
        if len(refs) > 1:
            notes.append("%s's managed resources use several ProviderConfigs (%s): "
                         "platform/ writes %s" % (ep.name, ", ".join(sorted(refs)),
                                                  ep.provider_config))
    if ep.provider_config in configs:
        ep.own_provider_config = False
        notes.append("%s renders its ProviderConfig %s itself: platform/ leaves it out"
                     % (ep.name, ep.provider_config))


def _orphans(out, cs, root: str, path: str, envs: list[str], force: bool) -> None:
    """The overlays of environments that are gone from kustgen.yaml: their cluster's
    platform would keep being rendered from stale files. Only whole `overlays/<env>`
    folders are considered; other files a user added to platform/ are left alone."""
    odir = os.path.join(root, path, "overlays")
    if not os.path.isdir(odir):
        return
    for name in sorted(os.listdir(odir)):
        d = os.path.join(odir, name)
        if name in envs or name.startswith(".") or not os.path.isdir(d):
            continue
        found = [os.path.join(dp, f) for dp, _, files in sorted(os.walk(d))
                 for f in sorted(files)]
        if not found:
            continue
        for p in found:
            out.orphans.append(os.path.relpath(p, root).replace(os.sep, "/"))
            if force:
                cs.delete(p)
        out.notes.append("%s/overlays/%s is for an environment kustgen.yaml does not list: "
                         "%s" % (path, name, "deleted (--force)" if force else
                                 "delete it, or run with --force"))


@dataclass
class PlatformRender:
    """What `kustgen platform render` found: the planned files, and per environment the
    kinds watched (or why none)."""
    changes: object = None                        # ChangeSet
    files: dict = field(default_factory=dict)     # relative path -> text (the whole tree)
    stale: list = field(default_factory=list)     # existing files that differ (kept)
    missing: list = field(default_factory=list)   # files to create
    # files of platform/overlays/<env> folders for environments kustgen.yaml no longer
    # lists (deleted with force)
    orphans: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def plan_platform(root: str, cfg, *, force: bool = False, cs=None) -> PlatformRender:
    """The platform tree of kustgen.yaml `platform:` (defaults when absent): files that
    do not exist are created; an existing file that differs is kept (listed in `stale`)
    unless `force`. ``cs``: a change set planned already (`init --platform`): the
    overlays are rendered as they will be once it is written, and the files are added to
    it."""
    from kustgen.changeset import ChangeSet
    from kustgen.fs import LayeredFS
    from kustgen.kustomize.pipeline import BuildSession
    from kustgen.config import PlatformConfig
    from kustgen.scaffold.platform import EnvPlan, PlatformPlan, render_tree
    if not cfg.environments:
        raise ConfigError("kustgen.yaml lists no environments: the platform has one cluster "
                          "per environment (`kustgen init` or `kustgen env add NAME`)")
    pc = cfg.platform or PlatformConfig()
    repo_url = cfg.repo_url
    if not repo_url:
        raise ConfigError("kustgen.yaml has no repoURL: Argo CD and the revert step need the "
                          "repository's URL (add `repoURL: https://...`)")
    out = PlatformRender()
    overlay_providers: set = set()
    planned = cs.planned_abs() if cs is not None else {}
    session = BuildSession(LayeredFS(planned)) if cs is not None else BuildSession()
    envs = []
    for e in cfg.environments:
        odir = cfg.path(e.path)
        ep = EnvPlan(e.name, e.local, e.protected,
                     os.path.relpath(os.path.abspath(odir), os.path.abspath(cfg.root))
                     .replace(os.sep, "/"))
        try:
            rendered = session.build(os.path.abspath(odir))
        except KustgenError as err:
            raise ConfigError("%s does not build, so its watched kinds are unknown: %s"
                              % (odir, err)) from None
        ep.watched = watched_kinds(rendered)
        _ownership(ep, rendered, overlay_providers, out.notes)
        if not ep.watched:
            out.notes.append("%s renders no managed resource or claim yet: no EventSource "
                             "or Sensor for it (render again when it does)" % e.name)
        envs.append(ep)
    plan = PlatformPlan(repo_url=repo_url, path=pc.path.strip("/"), envs=envs,
                        families=list(pc.families), test_image=pc.test_image,
                        test_command=list(pc.test_command), test_timeout=pc.test_timeout,
                        wait_timeout=pc.wait_timeout, git_secret=pc.git_secret,
                        branch=pc.branch, kustgen_image=pc.kustgen_image,
                        kubectl_image=pc.kubectl_image, skip_providers=overlay_providers)
    if overlay_providers:
        out.notes.append("the overlays install %s themselves: platform/ leaves them out "
                         "(move them to platform/ by deleting them from the overlays and "
                         "rendering again)" % ", ".join(sorted(overlay_providers)))
    out.files = render_tree(plan)
    cs = cs if cs is not None else ChangeSet(root)
    for rel, text in out.files.items():
        path = os.path.join(os.path.abspath(cfg.root), rel)
        if path in planned:
            continue
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                same = fh.read() == text
            if same:
                continue
            if not force:
                out.stale.append(rel)
                continue
        else:
            out.missing.append(rel)
        cs.create(path, text, force=force)
    _orphans(out, cs, os.path.abspath(cfg.root), plan.path, [e.name for e in envs], force)
    out.changes = cs
    return out
