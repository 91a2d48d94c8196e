"""kustgen revert: one revert commit for a synced change whose checks failed."""

from __future__ import annotations

import click


def _resource(ctx, param, value):
    if value is None:
        return None
    kind, _, name = value.partition("/")
    if not kind or not name or any(c.isspace() for c in value):
        raise click.BadParameter("expected KIND/NAME, e.g. Bucket/orders-logs")
    return value


@click.command()
@click.argument("commit")
@click.option("--push", is_flag=True,
              help="Fetch the remote first, build on its tip and push the revert.")
@click.option("--remote", default="origin", show_default=True, metavar="R",
              help="Remote to fetch from and push to (only used with --push).")
@click.option("--branch", metavar="B",
              help="Branch that gets the revert (default: the current branch).")
@click.option("--check", "check_name", metavar="NAME",
              help='The check that failed, named in the message, e.g. "infrastructure '
                   'tests".')
@click.option("--resource", callback=_resource, metavar="KIND/NAME",
              help="The resource the check failed for, named in the message.")
@click.option("--path", "paths", multiple=True, metavar="PATH",
              help="Revert the latest commit up to COMMIT that changed PATH (repeatable), "
                   "not COMMIT itself: COMMIT is what was synced.")
@click.option("--overlay", metavar="DIR",
              help="Like --path, with every file the overlay DIR's build reads (its "
                   "kustomizations, resources, patches, bases, components): the change "
                   "that affected that environment.")
@click.option("-C", "repo", default=".", type=click.Path(file_okay=False),
              metavar="DIR", help="The git repository (default: the current folder).")
def revert(commit, push, remote, branch, check_name, resource, paths, overlay, repo):
    """Revert COMMIT on a branch with one new commit, and with --push publish it: the step
    a workflow runs when the tests of a synced change fail.

    \b
    Steps (one line each on stderr; the revert's sha on stdout):
      1. The working tree must have no uncommitted changes to tracked files (untracked
         files are ignored: a revert never commits them). Without --branch the current
         branch is used; a detached HEAD needs --branch. When B is not checked out it is
         checked out for the revert and the previous checkout is restored afterwards.
      2. With --push: fetch B from R; a local B that is behind is fast-forwarded, one that
         is ahead or has diverged is refused (only the revert is ever pushed).
      3. COMMIT (resolved before anything is fetched or checked out; a sha only the
         remote has is resolved after the fetch) must be on B, an ancestor of its tip.
         A merge commit (a merged pull request) is reverted against its first parent.
      4. git's usual message (Revert "<subject>", This reverts commit <sha>.) plus a line
         naming --check and --resource and a "Kustgen-Reverted: <sha>" trailer.
      5. git push R B. If the remote moved meanwhile, fetch, rebase the one revert
         commit onto the new tip and push once more (one retry). Never a force-push.

    \b
    \b
    --overlay/--path: COMMIT is what the environment synced (its Application's revision),
    which may be a later commit that changed something else; the commit reverted is the
    latest one up to COMMIT, in the branch's first-parent history, that changed those
    paths. A commit that is itself kustgen's revert is never reverted (the checks still
    fail after the revert: a person must look), exit 2.

    \b
    Already reverted: when a later commit on B says "This reverts commit <COMMIT>" (and
    was not itself reverted), nothing is created, that commit's sha is printed and the
    exit code is 0: what the workflow asked for is true, so a retried step succeeds.

    \b
    Refusals exit 2 with one line saying what to do: COMMIT unknown or not on B, dirty
    tree, detached HEAD without --branch, diverged branch, a revert that conflicts or
    changes nothing. Before the revert commit exists a refusal leaves HEAD, B and the
    tree as they were. A failed push, or a rebase onto a moved remote that conflicts
    (aborted), keeps the revert commit on local B and pushes nothing.

    The author is git's configured identity; without user.name/user.email (a workflow
    container) "kustgen <kustgen@localhost>" is used.
    """
    from kustgen.revert import revert as do_revert

    def log(msg: str) -> None:
        click.echo("kustgen revert: %s" % msg, err=True)

    paths = list(paths)
    if overlay:
        from kustgen import api
        paths += api.overlay_inputs(overlay, repo=repo)
    result = do_revert(commit, repo=repo, branch=branch, remote=remote, push=push,
                       check=check_name, resource=resource, paths=paths or None, log=log)
    if result.pushed:
        log("pushed %s to %s %s%s" % (result.sha[:12], result.remote, result.branch,
                                      " (after a rebase)" if result.rebased else ""))
    elif result.created:
        log("not pushed (no --push)")
    click.echo(result.sha)
    return 0

