"""The command line. Only this package imports click, prints and exits.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, config or render error.
"""

from __future__ import annotations

import sys

import click

from kustgen import __version__
from kustgen.model.errors import KustgenError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kustgen")
def cli() -> None:
    """Crossplane + Kustomize + Argo CD GitOps repos: generate, render, check."""


from kustgen.cli import build as _build  # noqa: E402
from kustgen.cli import validate as _validate  # noqa: E402
from kustgen.cli import schemas as _schemas  # noqa: E402
from kustgen.cli import scaffold as _scaffold  # noqa: E402
from kustgen.cli import promote as _promote  # noqa: E402
from kustgen.cli import diff as _diff  # noqa: E402
from kustgen.cli import apps as _apps  # noqa: E402
from kustgen.cli import graph as _graph  # noqa: E402
from kustgen.cli import ci as _ci  # noqa: E402
from kustgen.cli import lint as _lint  # noqa: E402
from kustgen.cli import platform as _platform  # noqa: E402
from kustgen.cli import revert as _revert  # noqa: E402

cli.add_command(_build.build)
cli.add_command(_validate.validate)
cli.add_command(_schemas.schemas)
cli.add_command(_scaffold.init)
cli.add_command(_scaffold.env)
cli.add_command(_scaffold.add)
cli.add_command(_scaffold.app)
cli.add_command(_scaffold.api_group)
cli.add_command(_promote.promote)
cli.add_command(_diff.diff)
cli.add_command(_apps.apps)
cli.add_command(_graph.graph)
cli.add_command(_ci.ci)
cli.add_command(_lint.lint)
cli.add_command(_lint.rules)
cli.add_command(_lint.explain)
cli.add_command(_lint.check)
cli.add_command(_platform.platform)
cli.add_command(_revert.revert)


def main(argv=None) -> None:
    try:
        args = list(sys.argv[1:] if argv is None else argv)
        rc = cli.main(args=args, prog_name="kustgen", standalone_mode=False,
                      obj={"argv": args})
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(2)
    except click.ClickException as e:
        e.show()
        sys.exit(2)
    except KustgenError as e:       # configuration or input the user must fix: one line
        click.echo("kustgen: %s" % " ".join(str(e).split("\n")), err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as e:  # a bug: say so in one line, keep the traceback for debugging
        import os
        if os.environ.get("KUSTGEN_DEBUG"):
            raise
        click.echo("kustgen: internal error: %s: %s (set KUSTGEN_DEBUG=1 for the traceback; "
                   "please report it)" % (type(e).__name__, e), err=True)
        sys.exit(2)
    sys.exit(rc or 0)
