"""kustgen init / env add / add / app add / api add: scaffolding, as planned changes that
are written all together (or shown with --dry-run)."""

from __future__ import annotations

import os

import click


def _finish(cs, dry_run: bool, root: str) -> int:
    """Print the diff (--dry-run) or write the change set; say what changed."""
    planned = cs.planned()
    if not planned:
        click.echo("nothing to change")
        return 0
    if dry_run:
        click.echo(cs.diff(), nl=False)
        return 0
    existed = {p: os.path.exists(p) for p in planned}
    cs.commit()
    for p in sorted(planned):
        rel = os.path.relpath(p)
        if planned[p] is None:
            click.echo("deleted  %s" % rel)
        else:
            click.echo("%s  %s" % ("updated" if existed[p] else "created", rel))
    return 0


_COMMON = [
    click.option("--dry-run", is_flag=True, help="Show the changes as a diff; write nothing."),
    click.option("--force", is_flag=True, help="Overwrite files that exist."),
]


def common(f):
    for opt in reversed(_COMMON):
        f = opt(f)
    return f


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--envs", default="dev,staging,prod", show_default=True,
              help="Environments in promotion order, comma-separated.")
@click.option("--repo-url", default=None,
              help="Git URL of this repository (Argo CD reads it). Default: the 'origin' "
                   "remote, else a placeholder URL to edit.")
@click.option("--provider", default="aws", show_default=True, type=click.Choice(["aws"]))
@click.option("--families", default="s3,ec2,rds,iam", show_default=True,
              help="Crossplane provider families to install, comma-separated.")
@click.option("--local", "local_env", default=None,
              help="The environment run against LocalStack (default: the first).")
@click.option("--platform", "with_platform", is_flag=True,
              help="Also generate the control plane of each environment's cluster into "
                   "platform/ (Argo CD, Crossplane, Argo Events, Argo Workflows; see "
                   "`kustgen platform render`); it then owns the providers, "
                   "ProviderConfigs and Argo CD Applications.")
@common
def init(directory, envs, repo_url, provider, families, local_env, with_platform, dry_run,
         force):
    """Scaffold a GitOps repository: kustgen.yaml, base, one overlay per environment,
    Crossplane providers and ProviderConfigs (LocalStack for the local one), Argo CD
    project and Applications (app of apps), pre-commit hooks. Re-running adds what is
    missing and changes nothing that exists."""
    from kustgen.scaffold.repo import InitOptions, plan_init
    env_list = [e.strip() for e in envs.split(",") if e.strip()]
    opts = InitOptions(envs=env_list, repo_url=repo_url or _origin_url(directory) or
                       InitOptions().repo_url, provider=provider,
                       families=tuple(f.strip() for f in families.split(",") if f.strip()),
                       local=local_env, force=force, platform=with_platform)
    return _finish(plan_init(directory, opts), dry_run, directory)


def _origin_url(directory: str) -> str | None:
    import subprocess
    try:
        p = subprocess.run(["git", "-C", directory, "remote", "get-url", "origin"],
                           capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    url = p.stdout.strip()
    return url if p.returncode == 0 and url else None


@click.group()
def env():
    """Environments (overlays) of the repository."""


@env.command("add")
@click.argument("name")
@click.option("--from", "source", default=None,
              help="Copy this environment's overlay; its environment-specific values are "
                   "marked for review.")
@click.option("--after", default=None, help="Place it after this environment in the "
                                            "promotion order (default: after --from, else last).")
@click.option("--protected", is_flag=True, help="Stricter rules and manual sync (prod).")
@common
def env_add(name, source, after, protected, dry_run, force):
    """Add an environment: its overlay, its entry in kustgen.yaml, its Argo CD Application."""
    from kustgen.scaffold.repo import plan_env_add
    return _finish(plan_env_add(".", name, source=source, after=after, protected=protected,
                                force=force), dry_run, ".")


@click.command()
@click.argument("kind")
@click.argument("name")
@click.option("--to", "to", type=click.Path(file_okay=False),
              help="Kustomization folder to add it to (default: the base).")
@click.option("--namespace", "-n", default=None, help="Namespace of a namespaced kind.")
@click.option("--env", "env_name", default=None,
              help="Also write this environment's patch for the resource (with --set).")
@click.option("--set", "sets", multiple=True, metavar="PATH=VALUE",
              help="A value of the environment's patch, e.g. spec.forProvider.region=eu-west-1 "
                   "(VALUE is YAML: 3, true, [a, b]; repeatable).")
@common
def add(kind, name, to, namespace, env_name, sets, dry_run, force):
    """Write a resource of KIND from its schema (required fields filled in, each field
    described) and add it to the kustomization. KIND: Bucket, s3.aws.upbound.io/Bucket or
    s3.aws.upbound.io/v1beta1/Bucket; claim kinds of the repository's XRDs too."""
    from kustgen.scaffold.repo import plan_add, plan_env_patch, schema_chain
    from kustgen.config import load_config
    parsed = [_parse_set(s) for s in sets]
    cfg = load_config(".")
    chain = schema_chain(cfg)
    target = to or cfg.path(cfg.base)
    existing = os.path.join(target, "%s-%s.yaml" % (kind.split("/")[-1].lower(), name))
    if env_name and os.path.exists(existing) and not force:
        # the resource is there already: only its environment patch
        cs = plan_env_patch(".", env_name, kind, name, parsed, namespace=namespace,
                            chain=chain)
        return _finish(cs, dry_run, ".")
    res = plan_add(".", kind, name, to=to, namespace=namespace, env=env_name, sets=parsed,
                   force=force, chain=chain)
    rc = _finish(res.changes, dry_run, ".")
    if res.placeholders and not dry_run:
        from kustgen.schemas.registry import dotted
        from kustgen.validate import pointer_to_path
        click.echo("fill in: %s" % ", ".join(dotted(pointer_to_path(p, None))
                                              for p in res.placeholders))
    return rc


def _parse_set(s: str) -> tuple[str, object]:
    if "=" not in s:
        raise click.UsageError("--set %s: write PATH=VALUE" % s)
    path, _, raw = s.partition("=")
    from kustgen import yamlio
    from kustgen.model.errors import KustgenError
    try:
        value = yamlio.load_one(raw, "--set") if raw.strip() else ""
    except KustgenError:            # not YAML on its own: the text as it is
        value = raw
    return path.strip(), value


@click.group()
def app():
    """Argo CD Applications."""


@app.command("add")
@click.argument("env_name", metavar="ENV")
@common
def app_add(env_name, dry_run, force):
    """Write the Argo CD Application of ENV's overlay; first make sure the overlay exists
    and builds (creating it if missing), in the same change."""
    from kustgen.scaffold.repo import plan_app_add
    return _finish(plan_app_add(".", env_name, force=force), dry_run, ".")


@click.group("api")
def api_group():
    """Platform APIs (Crossplane XRDs) this repository publishes."""


@api_group.command("add")
@click.argument("kind")
@click.option("--group", "group", required=True, help="API group, e.g. platform.example.org.")
@click.option("--version", "version", default="v1alpha1", show_default=True)
@click.option("--no-claim", is_flag=True, help="No claim kind (cluster-scoped XR only).")
@common
def api_add(kind, group, version, no_claim, dry_run, force):
    """Scaffold an XRD + Composition (pipeline mode, patch-and-transform) in the base, and
    an example claim in examples/."""
    from kustgen.scaffold.repo import plan_api_add
    return _finish(plan_api_add(".", kind, group, version=version, claim=not no_claim,
                                force=force), dry_run, ".")
