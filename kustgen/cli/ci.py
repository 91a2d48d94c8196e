"""kustgen ci: the CI gate. Every overlay validated and every Argo CD Application checked,
in one process, with machine-readable reports; `--shard I/N` splits the overlays across
parallel jobs."""

from __future__ import annotations

import hashlib
import os

import click

from kustgen.cli.reporting import emit, format_outputs, report_options


def shard_of(path: str, n: int) -> int:
    """The shard (1..n) of an overlay: from a hash of its path, so that adding an overlay
    moves no other overlay to another job."""
    digest = hashlib.sha256(os.path.normpath(path).replace(os.sep, "/").encode()).digest()
    return int.from_bytes(digest[:8], "big") % n + 1


def _parse_shard(value: str | None) -> tuple[int, int]:
    if not value:
        return 1, 1
    try:
        i, n = (int(x) for x in value.split("/"))
    except ValueError:
        raise click.UsageError("--shard is I/N, e.g. 2/4") from None
    if n < 1 or not 1 <= i <= n:
        raise click.UsageError("--shard %s: I must be between 1 and N" % value)
    return i, n


@click.command()
@click.option("--config", "config_path", type=click.Path(), help="kustgen.yaml to use.")
@click.option("--shard", default=None, metavar="I/N",
              help="Check only the I-th of N deterministic parts of the overlays (Argo CD "
                   "Applications are checked by shard 1).")
@click.option("--offline", is_flag=True, default=None, help="Never use the network.")
@report_options
def ci(config_path, shard, offline, formats, outputs, fail_on):
    """The CI gate: validate and lint every overlay (the environments of kustgen.yaml and
    every other kustomization root) and check every Argo CD Application and
    ApplicationSet, each overlay rendered once.

    Exit 0 clean, 1 findings at or above --fail-on, 2 an overlay does not render or the
    configuration is wrong."""
    from kustgen import api
    from kustgen.config import load_config
    pairs = format_outputs(formats, outputs)
    i, n = _parse_shard(shard)
    cfg = load_config(".", config_path)
    overlays = api.default_lint_targets(cfg)
    mine = [o for o in overlays if shard_of(o, n) == i]
    res = api.check(None, config=cfg, offline=offline, apps=(i == 1),
                    overlays=mine if n > 1 else None)
    click.echo("kustgen ci: shard %d/%d: %d of %d overlays" % (i, n, len(mine), len(overlays)),
               err=True)
    failed = emit(pairs, res.findings, rules=res.rules, fail_on=fail_on,
                  resources=res.resources)
    if res.render_errors:
        return 2
    return 1 if failed else 0
