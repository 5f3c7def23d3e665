"""Bargaining command: ``packages`` (Pareto frontier, Nash package, logrolls).

The command loads a case, calls :func:`engine.pareto_packages`,
:func:`engine.nash_package` and :func:`engine.logrolls` and prints (SALib's
rule: no analysis here). The table is plain text for 80–120 column
terminals; CSV and JSON are stable (case order, sorted JSON keys, floats
rounded to 6 decimals). Layouts are documented in the command's ``--help``
and in docs/cli.md.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

import engine
from reports.cli import kit
from reports.cli.kit import format_table, wrap
from reports.cli.kit import number_text as _num
from reports.cli.kit import outcome_text as _outcome

if TYPE_CHECKING:
    import pandas as pd

    from engine import Case, NashPackage

__all__ = ["packages_text", "register"]

#: Frontier points the table shows when --rows is not given.
TABLE_ROWS = 40

PACKAGES_HELP = """\
Integrative bargaining between chosen parties. A package chooses one outcome
per issue; party p values it by

  U_p = Σ_i s_p,i · (1 − distance(outcome_i, ideal_p,i)) / Σ_i s_p,i

over the issues where p has a position. The disagreement point d_p is U_p of
the status quo (an issue without a status quo counts 0).

Prints the exact Pareto frontier — every utility vector no package improves
on for all parties at once, with how many packages reach it and the first
such package in issue/option order — computed issue by issue with dominance
pruning, never by listing the packages; the Nash bargaining package
(maximising Π (U_p − d_p) over the packages that give everyone a gain) is
marked. Red lines of the chosen parties are respected (linked red lines
included) unless --ignore-red-lines. On interval scales the frontier is
exact over the candidate outcomes listed under the table (ideals,
acceptable-interval ends, status quo, range ends); --interval-steps N adds N+1
evenly spaced ones.

--logrolls adds the trades in which each side gives way on an issue it cares
less about, relative to the other issue, than the other side does: a takes
b's ideal on i, b takes a's ideal on j, and both gain over splitting the
difference on both (gain_a = (w_a,j·d_j − w_a,i·d_i)/2, gain_b =
(w_b,i·d_i − w_b,j·d_j)/2, w = salience / Σ salience, d = distance between
the ideals)."""

PACKAGES_EPILOG = """\
Table: the header, the status quo utilities, the frontier (point, U(party)
  for each party, packages: how many packages reach the point, then the
  representative package: one column per issue; '*' marks the Nash point),
  the Nash package with its gains and product, the outcomes tried on interval
  issues, and with --logrolls the logrolls (a gives on, to, b gives on, to,
  gain a, gain b) best first. --rows N shows at most N frontier points, evenly
  spread from one end to the other (the ends and the Nash point always
  shown); the default is 40 for the table, all for CSV and JSON.
CSV: the frontier: point, U(party)…, #packages, one column per issue, nash
  (true/false). With --logrolls the CSV is the logrolls table instead: i,
  outcome_i, j, outcome_j, gain_a, gain_b, min_gain, w_a_i, w_b_i, w_a_j,
  w_b_j, d_i, d_j.
JSON: {"case", "title", "at", "parties", "respect_red_lines", "feasible",
  "reason", "issues", "disagreement": {party: d}, "frontier": [{"point",
  "utilities": {party: U}, "packages", "package": {issue: outcome}, "nash"}],
  "nash": {"found", "package", "utilities", "disagreement", "gains",
  "nash_product", "point", "count", "ties", "reason", "parties"},
  "interval_candidates": {issue: [outcomes]}, "logrolls": [...] (with
  --logrolls; the CSV columns)}.
When the chosen parties' red lines collide no package exists: the table says
  which red lines, JSON has "feasible": false and "reason", CSV is empty (the
  reason goes to stderr); exit code 0 (that is an answer).
Exit codes: 0, 1 invalid case, 2 usage error.

Examples:
  zopa packages --parties ukraine,russia --ignore-red-lines
  zopa packages tests/cases/tiny --parties a,b --logrolls
  zopa packages --parties ukraine,russia,united_states --ignore-red-lines --format csv"""


def register(sub: argparse._SubParsersAction) -> None:
    p = kit.add_command(
        sub,
        "packages",
        cmd_packages,
        help="Pareto frontier of packages, Nash package, logrolls (exact)",
        description=PACKAGES_HELP,
        epilog=PACKAGES_EPILOG,
        raw=True,
    )
    kit.add_case(p)
    kit.add_parties(p, required=True)
    kit.add_at(p)
    p.add_argument("--logrolls", action="store_true", help="also list the logrolls (two parties)")
    p.add_argument(
        "--ignore-red-lines", action="store_true", help="let outcomes cross the parties' red lines"
    )
    p.add_argument(
        "--interval-steps",
        type=_count,
        default=0,
        metavar="N",
        help="also try N+1 evenly spaced outcomes on interval issues (default: 0)",
    )
    p.add_argument(
        "--rows",
        type=_count,
        metavar="N",
        help="show at most N frontier points (0: all; default 40 for the table, all otherwise)",
    )
    kit.add_format(p)


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 0, got '{text}'") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 0, got {n}")
    return n


def _bargaining_parties(args: argparse.Namespace, case: Case) -> tuple[str, ...]:
    """``--parties``: two or more; exactly two with ``--logrolls``."""
    parties = kit.parties_of(args, case)
    assert parties is not None
    if len(parties) < 2:
        raise kit.UsageError(
            "--parties: bargaining needs at least two parties, e.g. --parties a,b"
        )
    if args.logrolls and len(parties) != 2:
        raise kit.UsageError(
            f"--logrolls compares two parties; got {len(parties)}: {', '.join(parties)}"
        )
    return parties


def cmd_packages(args: argparse.Namespace) -> int:
    from engine.solve.bargaining import BargainingError

    case = kit.case_of(args)
    at = kit.date_of(args)
    parties = _bargaining_parties(args, case)
    respect = not args.ignore_red_lines
    steps = args.interval_steps
    try:
        front = engine.pareto_packages(
            case, parties, at=at, respect_red_lines=respect, interval_steps=steps
        )
    except BargainingError as exc:
        return _infeasible(args, case, parties, at, str(exc))
    nash = engine.nash_package(
        case, parties, at=at, respect_red_lines=respect, interval_steps=steps
    )
    lr = (
        engine.logrolls(case, parties[0], parties[1], at=at, respect_red_lines=respect)
        if args.logrolls
        else None
    )
    if args.format == "json":
        data = _packages_json(case, front, nash, lr, args.rows)
        data.update(parties=list(parties), respect_red_lines=respect)
        kit.emit(kit.json_text(data))
    elif args.format == "csv":
        kit.emit(_packages_csv(front, nash, lr, args.rows))
    else:
        kit.emit(
            packages_text(case, front, nash, lr, TABLE_ROWS if args.rows is None else args.rows)
        )
    return 0


def _packages_of(x: Any) -> int | None:
    """A frontier point's package count; ``None`` when not counted (``<NA>``: parties with bonuses)."""
    try:
        return int(x)
    except TypeError:
        return None


def _shown(n: int, limit: int, keep: set[int]) -> list[int]:
    """At most ``limit`` row numbers of ``n``, evenly spread, always with ``keep``."""
    if limit <= 0 or n <= limit:
        return list(range(n))
    picks = {round(k * (n - 1) / (limit - 1)) for k in range(limit)} if limit > 1 else {0}
    return sorted(picks | keep)


def _shown_points(front: pd.DataFrame, nash: NashPackage, limit: int) -> list[int]:
    """The frontier points ``--rows`` keeps: the two ends and the Nash point always."""
    return _shown(len(front), limit, {0, len(front) - 1} | ({nash.point} if nash.found else set()))


# --------------------------------------------------------------- JSON and CSV


def _packages_json(
    case: Case, front: pd.DataFrame, nash: NashPackage, lr: pd.DataFrame | None, rows: int | None
) -> dict[str, Any]:
    """The JSON layout, but for the ``parties`` and ``respect_red_lines`` asked for."""
    data: dict[str, Any] = {
        "case": case.id,
        "title": case.title,
        "at": front.attrs["at"],
        "feasible": True,
        "reason": "",
        "issues": list(front.attrs["issues"]),
        "disagreement": front.attrs["disagreement"],
        "frontier": _front_records(front, nash.point),
        "nash": nash.as_dict(),
        "interval_candidates": {i: list(v) for i, v in front.attrs["candidates"].items()},
    }
    if rows:
        keep = set(_shown_points(front, nash, rows))
        data["frontier"] = [r for r in data["frontier"] if r["point"] in keep]
    if lr is not None:
        data["logrolls"] = [{k: kit.plain(v) for k, v in r.items()} for r in lr.to_dict("records")]
    return data


def _front_records(front: pd.DataFrame, nash_point: int | None) -> list[dict[str, Any]]:
    from engine.solve.bargaining import COUNT, utility_column

    parties, issues = front.attrs["parties"], front.attrs["issues"]
    recs = []
    for k, r in enumerate(front.itertuples(index=False)):
        row = dict(zip(front.columns, r, strict=True))
        recs.append(
            {
                "point": k,
                "utilities": {p: float(row[utility_column(p)]) for p in parties},
                "packages": _packages_of(row[COUNT]),
                "package": {i: kit.plain(row[i]) for i in issues},
                "nash": k == nash_point,
            }
        )
    return recs


def _packages_csv(
    front: pd.DataFrame, nash: NashPackage, lr: pd.DataFrame | None, rows: int | None
) -> str:
    """The logrolls when asked for, else the frontier with a ``nash`` column."""
    if lr is not None:
        return kit.csv_text(list(lr.columns), lr.itertuples(index=False))
    table = front.reset_index()
    table["nash"] = [k == nash.point for k in range(len(front))]
    if rows:
        table = table.iloc[_shown_points(front, nash, rows)]
    return kit.csv_text(
        list(table.columns), ([kit.plain(v) for v in r] for r in table.itertuples(index=False))
    )


def _infeasible(
    args: argparse.Namespace, case: Case, parties: tuple[str, ...], at: Any, reason: str
) -> int:
    date = (case.as_of if at is None else at).isoformat()
    if args.format == "json":
        kit.emit(
            kit.json_text(
                {
                    "case": case.id,
                    "title": case.title,
                    "at": date,
                    "parties": list(parties),
                    "respect_red_lines": True,
                    "feasible": False,
                    "reason": reason,
                    "frontier": [],
                    "nash": None,
                }
            )
        )
        return 0
    hint = reason.replace("respect_red_lines=False", "--ignore-red-lines")
    if args.format == "csv":  # no rows; the reason goes to stderr
        print(f"zopa packages: {hint}", file=sys.stderr)
        return 0
    out = [f"Pareto frontier of packages — {', '.join(parties)}\n"]
    out.append(f"Case: {case.title} ({case.id}), positions on {date}\n\n")
    out.append(wrap(hint + "."))
    kit.emit("".join(out))
    return 0


# --------------------------------------------------------------------- table


def packages_text(
    case: Case,
    front: pd.DataFrame,
    nash: NashPackage,
    lr: pd.DataFrame | None,
    rows: int,
) -> str:
    """The table layout of ``zopa packages``."""
    parties = front.attrs["parties"]
    out = [f"Pareto frontier of packages — {', '.join(parties)}\n"]
    out.append(f"Case: {case.title} ({case.id}), positions on {front.attrs['at']}\n")
    out.append(
        "Red lines: " + ("respected" if front.attrs["respect_red_lines"] else "ignored") + "\n"
    )
    d = front.attrs["disagreement"]
    reserved = {p.id for p in case.parties if p.reservation is not None}
    out.append(
        "Disagreement point: "
        + ", ".join(
            f"{p} {_num(d[p])}" + (" (reservation)" if p in reserved else " (status quo)")
            for p in parties
        )
        + "\n"
    )
    out += _frontier_table(front, nash, rows)
    out += _nash_lines(nash, parties)
    cands = front.attrs["candidates"]
    if cands:
        out.append("\nOutcomes tried on interval issues (the frontier is exact over these):\n")
        for i, pts in cands.items():
            out.append(wrap(f"{i}: " + ", ".join(_outcome(x) for x in pts), "  ", "    "))
    if lr is not None:
        out += _logroll_lines(lr)
    out.append(
        "\nU_p = Σ s·v / Σ s over p's issues, v = p's value of the outcome (1 − distance to p's "
        "ideal\nwhen its position gives no values; a party with bonuses: the sum of those that hold); "
        "d = p's\nreservation where given, else U of the status quo (an issue without one counts 0). "
        "Ties are exact\n(rational arithmetic).\n"
    )
    return "".join(out)


def _frontier_table(front: pd.DataFrame, nash: NashPackage, rows: int) -> list[str]:
    """The frontier points shown: utilities, package count, the package, the Nash mark."""
    from engine.solve.bargaining import COUNT, utility_column

    parties, issues = front.attrs["parties"], front.attrs["issues"]
    shown = _shown(
        len(front), rows, {0, len(front) - 1} | ({nash.point} if nash.point is not None else set())
    )
    what = f"{len(front)} points" + (f", {len(shown)} shown" if len(shown) < len(front) else "")
    out = [f"\nFrontier ({what}; U = utility, packages = how many packages reach the point)\n"]
    headers = ["point", *(f"U({p})" for p in parties), "packages", *issues, "nash"]
    body = []
    for k in shown:
        r = front.iloc[k]
        body.append(
            [
                str(k),
                *(_num(float(r[utility_column(p)])) for p in parties),
                "n/a" if _packages_of(r[COUNT]) is None else str(_packages_of(r[COUNT])),
                *(_outcome(r[i]) for i in issues),
                "*" if k == nash.point else "",
            ]
        )
    align = "r" + "r" * len(parties) + "r" + "l" * len(issues) + "l"
    out.append(format_table(headers, body, align=align, max_width=24, indent="  "))
    out.append("\n")
    return out


def _nash_lines(nash: NashPackage, parties: list[str]) -> list[str]:
    if not nash.found:
        return [wrap(f"No Nash package: {nash.reason}.")]
    gains = ", ".join(f"{p} {nash.gains[p]:+.3f}" for p in parties)
    ties = f"; {nash.ties} other point(s) tie" if nash.ties else ""
    assert nash.package is not None
    package = "; ".join(f"{i} = {_outcome(o)}" for i, o in nash.package.items())
    return [
        wrap(
            f"Nash package (*, point {nash.point}): maximises Π (U_p − d_p) = {nash.nash_product:.4g}; "
            f"gains {gains}{ties}."
        ),
        wrap(f"Package: {package}.", "  ", "    "),
    ]


def _logroll_lines(lr: pd.DataFrame) -> list[str]:
    a, b = lr.attrs["a"], lr.attrs["b"]
    out = [
        f"\nLogrolls ({a} gives way on one issue, {b} on another; gains over splitting the difference)\n"
    ]
    if lr.empty:
        out.append("  none: no pair of issues where both sides gain\n")
        return out
    rows = [
        [r.i, _outcome(r.outcome_i), r.j, _outcome(r.outcome_j), _num(r.gain_a), _num(r.gain_b)]
        for r in lr.itertuples()
    ]
    headers = [f"{a} gives on", "to", f"{b} gives on", "to", f"gain {a}", f"gain {b}"]
    out.append(format_table(headers, rows, align="llllrr", indent="  "))
    return out
