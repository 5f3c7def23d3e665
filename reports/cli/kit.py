"""Shared pieces of the ``zopa`` command line: common arguments, output, errors.

Commands only load a case, call the engine and print (SALib's rule: the CLI
holds no analysis). Output is deterministic: sorted where order is not
meaningful, fixed float formats, no timestamps.
"""

from __future__ import annotations

import argparse
import math
import sys
import textwrap
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import engine
from engine import CaseError, UnknownIdError, ZopaError
from engine.model.errors import printable
from reports.export.tables import csv_text, json_text, rounded
from reports.render.text import num, plain_or_none

if TYPE_CHECKING:  # the model loads numpy: not needed to build the parser
    from engine import Case, Scenario

__all__ = [
    "DEFAULT_CASE",
    "MATRIX_KINDS",
    "RAW",
    "SETTLEMENT_OBJECTIVES",
    "WIDTH",
    "UsageError",
    "add_at",
    "add_case",
    "add_command",
    "add_force",
    "add_format",
    "add_parties",
    "add_what_if",
    "case_of",
    "csv_text",
    "date_of",
    "emit",
    "format_table",
    "json_text",
    "number_text",
    "outcome_text",
    "parties_of",
    "plain",
    "plain_or_none",
    "requested_parties",
    "rounded",
    "scenario_of",
    "scenario_ref",
    "what_if",
    "what_if_lines",
    "wrap",
]

DEFAULT_CASE = "ukraine-russia"

#: Terminal width the output is laid out for (text is wrapped, wide matrices split).
WIDTH = 100

#: Help layout of the commands whose description is laid out by hand.
RAW = argparse.RawDescriptionHelpFormatter

# The parser is built before any analysis runs, so ``zopa --help`` must not load
# pandas or scipy; the engine modules that own these vocabularies do. Until the
# engine gives them a light home, the CLI keeps a copy, and
# tests/reports/cli/test_kit.py asserts each copy equals the engine's constant.

#: ``zopa matrix --kind``: a copy of ``engine.analysis.measures.MATRIX_KINDS`` (pandas).
MATRIX_KINDS: tuple[str, ...] = ("overlap", "gap", "distance", "conflict", "compatible")

#: ``zopa settle --objective``: a copy of ``engine.solve.settlement.OBJECTIVES`` (scipy).
SETTLEMENT_OBJECTIVES: tuple[str, ...] = ("total", "fair", "nash")


class UsageError(ZopaError):
    """A command-line argument is wrong (exit code 2)."""


# ------------------------------------------------------------------ arguments


def add_command(
    sub: argparse._SubParsersAction,
    name: str,
    func: Callable[[argparse.Namespace], int],
    *,
    help: str,
    description: str,
    epilog: str | None = None,
    raw: bool = False,
) -> argparse.ArgumentParser:
    """A subcommand that runs ``func``; ``raw`` keeps the description's line breaks."""
    p = sub.add_parser(
        name,
        help=help,
        description=description,
        epilog=epilog,
        formatter_class=RAW if raw else argparse.HelpFormatter,
    )
    p.set_defaults(func=func)
    return p


def add_case(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "case",
        nargs="?",
        default=DEFAULT_CASE,
        metavar="CASE",
        help=f"a shipped case id or a case folder (default: {DEFAULT_CASE}; see 'zopa cases')",
    )


def add_at(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--at", metavar="DATE", help="evaluation date YYYY-MM-DD (default: the case's as_of)"
    )


def add_parties(p: argparse.ArgumentParser, required: bool = False) -> None:
    p.add_argument(
        "--parties",
        metavar="A,B,…",
        required=required,
        help="comma-separated party ids to include" + ("" if required else " (default: all)"),
    )


def add_format(
    p: argparse.ArgumentParser, choices: Sequence[str] = ("table", "csv", "json")
) -> None:
    p.add_argument(
        "--format",
        choices=list(choices),
        default=choices[0],
        help=f"output format (default: {choices[0]})",
    )


def add_force(p: argparse.ArgumentParser, where: str = "DIR") -> None:
    p.add_argument(
        "--force", action="store_true", help=f"replace files in {where} that zopa did not write"
    )


def _change(kind: str) -> Callable[[str], tuple[str, str]]:
    """An argparse ``type`` that tags a ``--concede``/``--set`` value with its kind."""
    return lambda spec: (kind, spec)


def add_what_if(p: argparse.ArgumentParser, scenario_help: str) -> None:
    """``--scenario``, then ``--concede`` and ``--set`` (both gathered, in order, in ``changes``)."""
    p.add_argument("--scenario", metavar="FILE|ID", help=scenario_help)
    for kind, metavar, help in _CHANGE_OPTIONS:
        p.add_argument(
            f"--{kind}",
            action="append",
            dest="changes",
            type=_change(kind),
            metavar=metavar,
            help=help,
        )


#: ``--concede`` and ``--set``: kind, metavar, help.
_CHANGE_OPTIONS = (
    (
        "concede",
        "PARTY:ISSUE=OPTION[,…]",
        "widen an acceptable set (ordinal 'a..b', interval 'lo..hi'); repeatable",
    ),
    (
        "set",
        "PARTY:ISSUE.FIELD=VALUE",
        "change a field: ideal, acceptable, add, remove, salience, red_line, note, "
        "withdraw; repeatable",
    ),
)


def case_of(args: argparse.Namespace) -> Case:
    """Load the case named on the command line (CaseError propagates: exit 1)."""
    return engine.load_case(args.case)


def date_of(args: argparse.Namespace, name: str = "at") -> Any:
    """A date option (``--at`` by default), validated (``None`` when not given)."""
    if getattr(args, name, None) is None:
        return None
    try:
        return engine.as_date(getattr(args, name), "--" + name.replace("_", "-"))
    except CaseError as exc:
        raise UsageError(str(exc.problems[0]).replace("<input>: ", "")) from None


def scenario_of(case: Case, raw: str) -> Scenario:
    """``--scenario``: a scenario id of the case, or a scenario YAML file.

    An unknown id that is not a file either is a usage error (exit 2) with a
    did-you-mean; a file with problems is a case error (exit 1).
    """
    from pathlib import Path

    from engine.model.errors import allowed_list, did_you_mean

    ids = [s.id for s in case.scenarios]
    if raw in ids:
        return case.scenario(raw)
    path = Path(raw)
    if path.is_file():
        return engine.load_scenario(case, path)
    if path.suffix in (".yaml", ".yml") or "/" in raw or "\\" in raw:
        raise UsageError(f"--scenario: no such file '{raw}'")
    raise UsageError(
        f"--scenario: '{raw}' is neither a scenario of case '{case.id}'{did_you_mean(raw, ids)} "
        f"nor a file; scenarios: {allowed_list(ids)}"
    )


def what_if(
    case: Case, at: Any, scenario: str | None, changes: list[tuple[str, str]] | None
) -> tuple[Case, Scenario | None, list[str]]:
    """Apply ``--scenario`` then the ``--concede``/``--set`` changes, in order.

    Returns the case to analyse (its ``as_of`` is the evaluation date when
    anything was applied), the scenario, and the change specs as given.
    Problems with the command-line changes are usage errors (exit 2); problems
    with a scenario file are case errors (exit 1).
    """
    work, sc = case, None
    if scenario is not None:
        sc = scenario_of(case, scenario)
        work = engine.apply(case, sc, at=at)
        at = work.as_of
    specs = [spec for _, spec in changes or []]
    if changes:
        try:
            parsed = [
                engine.change_from_concede(work, spec)
                if kind == "concede"
                else engine.change_from_set(work, spec)
                for kind, spec in changes
            ]
            work = engine.apply(work, engine.scenario_from_changes(parsed), at=at)
        except CaseError as exc:
            raise UsageError(
                "; ".join(str(p).replace("<input>: ", "") for p in exc.problems)
            ) from None
    return work, sc, specs


def scenario_ref(scenario: Scenario | None) -> dict[str, str] | None:
    """The scenario as JSON output names it: ``{"id", "title"}``, or ``None``."""
    return None if scenario is None else {"id": scenario.id, "title": scenario.title}


def what_if_lines(scenario: Scenario | None, specs: list[str]) -> list[str]:
    """The header lines that name the scenario and the command-line changes, if any."""
    out = []
    if scenario is not None:
        out.append(f"Scenario: {scenario.title} ({scenario.id})\n")
    if specs:
        out.append(f"Changes: {'; '.join(specs)}\n")
    return out


def requested_parties(args: argparse.Namespace) -> list[str] | None:
    """The ids given with ``--parties``, not yet validated (``None`` when the option is absent)."""
    raw = getattr(args, "parties", None)
    if raw is None:
        return None
    wanted = [p.strip() for p in raw.split(",") if p.strip()]
    if not wanted:
        raise UsageError("--parties: give at least one party id, e.g. --parties ukraine,russia")
    return wanted


def parties_of(args: argparse.Namespace, case: Case) -> tuple[str, ...] | None:
    """The ``--parties`` subset, validated against the case (``None``: all)."""
    wanted = requested_parties(args)
    if wanted is None:
        return None
    try:
        return case.resolve_parties(wanted)
    except UnknownIdError as exc:
        raise UsageError(f"--parties: {exc}") from None


# --------------------------------------------------------------------- output


def format_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    align: str | None = None,
    max_width: int = 48,
    indent: str = "",
) -> str:
    """A plain-text table for terminals: padded columns, long cells cut with '…'.

    ``align`` gives one letter per column, ``l`` or ``r`` (default: numbers
    right, text left). Widths do not depend on the terminal, so output is
    the same everywhere.
    """
    rows = [[_cell(v) for v in row] for row in rows]
    headers = [str(h) for h in headers]
    cut = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cut]) for i, h in enumerate(headers)]
    if align is None:
        align = "".join(
            "r" if rows and all(_is_num(r[i]) or r[i] in ("", "–") for r in rows) else "l"
            for i in range(len(headers))
        )

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(w) if a == "r" else c.ljust(w)
            for c, w, a in zip(cells, widths, align, strict=False)
        ]
        return (indent + "  ".join(parts)).rstrip()

    out = [line(headers), indent + "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cut]
    return "\n".join(out) + "\n"


def _cell(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return "–" if math.isnan(v) else f"{v:.2f}"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def _is_num(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def plain(v: Any) -> Any:
    """A numpy scalar as the Python value it holds; other values unchanged."""
    if hasattr(v, "item") and not isinstance(v, str | bytes):
        return v.item()
    return v


def number_text(x: Any, digits: int = 3) -> str:
    """A number with fixed decimals (3 by default); '–' for a missing one (None or NaN)."""
    return num(x, digits)


def outcome_text(o: Any) -> str:
    """An outcome for people: ``12.5`` for a number on an interval scale, the option id else."""
    return f"{o:g}" if isinstance(o, float) else str(o)


def wrap(text: str, first: str = "", rest: str = "  ") -> str:
    """``text`` filled to :data:`WIDTH` columns, with a final newline."""
    return textwrap.fill(text, width=WIDTH, initial_indent=first, subsequent_indent=rest) + "\n"


def emit(text: str, *, err: bool = False) -> None:
    """Write command output to stdout (``err``: stderr), UTF-8 whatever the locale, control characters escaped.

    Every command prints through here: a control character or ANSI/OSC
    escape sequence in a name is shown as ``\\x1b…``, never sent to the
    terminal raw (:func:`engine.model.errors.printable`).
    """
    text = printable(text)
    out = sys.stderr if err else sys.stdout
    try:
        out.write(text)
    except UnicodeEncodeError:
        out.buffer.write(text.encode("utf-8"))
    out.flush()
