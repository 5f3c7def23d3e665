"""The ``zopa`` command line.

Each group of commands lives in its own module with a ``register(subparsers)``
function; this module builds the parser, dispatches and turns errors into
exit codes:

- 0: success;
- 1: the case (or a scenario) is invalid, or an output could not be written:
  every problem is printed as ``FILE:LINE:COLUMN: field: message``;
- 2: a usage error (unknown command, option or id on the command line).

Set ``ZOPA_DEBUG=1`` to see a traceback for an unexpected internal error.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence

import engine
from engine import CaseError, UnknownIdError, ZopaError
from engine.model.errors import printable
from reports.cli.kit import UsageError

__all__ = ["build_parser", "main", "run"]

#: Modules that add subcommands, in the order they appear in ``zopa --help``.
COMMAND_MODULES = (
    "reports.cli.case",
    "reports.cli.importing",
    "reports.cli.analysis",
    "reports.cli.timeline",
    "reports.cli.settle",
    "reports.cli.whatif",
    "reports.cli.packages",
    "reports.cli.score",
    "reports.cli.report",
    "reports.cli.agree",
    "reports.cli.serve",
)

DESCRIPTION = """\
zopa compares negotiating positions: who overlaps with whom, where the
parties collide, what a concession would change, and which package of
concessions opens a deal at the lowest cost.

CASE is a shipped case id (see 'zopa cases') or a case folder; it defaults
to ukraine-russia. Case files are YAML: see docs/format.md."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        """Usage errors: one line, a hint, exit code 2 (no traceback)."""
        if "invalid choice" in message and "argument COMMAND" in message:
            bad = message.split("'")[1] if "'" in message else ""
            cmds = sorted(self._subcommands())
            message = f"unknown command '{bad}'{engine.model.errors.did_you_mean(bad, cmds)}; commands: {', '.join(cmds)}"
        self.print_usage(sys.stderr)
        self.exit(2, printable(f"{self.prog}: error: {message}\n"))

    def _subcommands(self) -> list[str]:
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                return list(action.choices)
        return []


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="zopa",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"zopa {engine.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # a command group not built yet
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CaseError as exc:
        print("\n".join(str(p) for p in exc.problems), file=sys.stderr)
        n = len(exc.problems)
        print(f"zopa: {n} problem{'s' if n != 1 else ''}; nothing was written", file=sys.stderr)
        return 1
    except (UsageError, UnknownIdError) as exc:
        print(printable(f"zopa {args.command}: error: {exc}"), file=sys.stderr)
        return 2
    except ZopaError as exc:
        print(printable(f"zopa {args.command}: {exc}"), file=sys.stderr)
        return 1
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(printable(f"zopa {args.command}: {exc.strerror or exc}{where}"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("zopa: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so plainly, traceback on request
        if os.environ.get("ZOPA_DEBUG"):
            raise
        print(
            printable(f"zopa {args.command}: internal error: {type(exc).__name__}: {exc}") + "\n"
            "This is a bug in zopa; rerun with ZOPA_DEBUG=1 for details and please report it.",
            file=sys.stderr,
        )
        return 3


def run() -> None:
    """The ``zopa`` program: :func:`main`, then exit.

    Before exiting, the objects still alive are moved out of the garbage
    collector's sight (:func:`gc.freeze`): the interpreter would otherwise
    walk them all at shutdown, a third of a second after a report for
    nothing (they are released with the process).
    """
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
