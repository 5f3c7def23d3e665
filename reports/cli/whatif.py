"""What-if and bargaining commands: ``whatif`` (diff two analyses) and ``packages``.

Each command loads a case, applies the changes asked for, calls the engine
(:func:`engine.compare`, :func:`engine.pareto_packages`,
:func:`engine.nash_package`, :func:`engine.logrolls`) and prints (SALib's
rule: no analysis here). Tables are plain text for 80–120 column terminals;
CSV and JSON are stable (case order, sorted JSON keys, floats rounded to 6
decimals, NaN as empty/null). Layouts are documented in each command's
``--help`` and in docs/cli.md.
"""

from __future__ import annotations

import argparse
import math
import sys
import textwrap
from typing import Any

import pandas as pd

import engine
from engine import Case
from engine.model.errors import did_you_mean
from engine.solve.bargaining import COUNT, BargainingError, utility_column
from reports.cli.kit import (
    UsageError,
    add_at,
    add_case,
    add_format,
    add_parties,
    case_of,
    csv_text,
    date_of,
    emit,
    format_table,
    json_text,
    parties_of,
    requested_parties,
    what_if,
)

__all__ = ["comparison_text", "packages_text", "register"]

_RAW = argparse.RawDescriptionHelpFormatter
WIDTH = 100

WHATIF_HELP = """\
What a change of positions would change: applies a scenario (--scenario, an
id of the case's scenarios or a YAML file) and/or changes given on the
command line (--concede widens an acceptable set, --set changes one field),
then compares the analysis before and after, both on the same date:

- conflicts resolved (two parties' acceptable sets now meet) and created
  (they no longer meet), per issue and pair, with the conflict
  gap × (s_p + s_q)/2 before and after; also conflicts eased or worsened
  (still apart, closer or further), dropped (a position or party is gone)
  and new (a new position or party);
- agreement zones opened or closed, and the blockers (smallest sets of
  parties whose removal opens a zone) that changed;
- the total conflict before → after, by issue;
- the pairs of parties whose overlap or conflict (matrix entries) changed most.

A party the scenario adds or removes is "no position" on the other side:
its matrix entries there are empty, its conflicts are new or dropped."""

WHATIF_EPILOG = """\
Table: the header (case, date, scenario, changes); "Conflicts resolved",
  "Conflicts created" and "Other conflict changes" (issue, pair, change,
  conflict before → after); "Agreement zones" (issues whose zone or blockers
  changed: change, zone before → after, blockers before → after); "Total
  conflict" (before → after and by issue); "Largest matrix changes" (pair,
  overlap before → after, conflict before → after; at most 10 pairs).
JSON: {"case", "title", "at", "scenario": null or {"id", "title"}, "changes":
  [the --concede/--set specs], "summary": plain words, "comparison":
  {"case_before", "case_after", "at_before", "at_after", "parties",
  "parties_added", "parties_removed", "changed", "conflicts": [{"issue",
  "party", "other", "change", "compatible_before", "compatible_after",
  "conflict_before", "conflict_after", "delta"}], "zones": {issue: {"change",
  "zone_before", "zone_after", "empty_before", "empty_after",
  "blockers_before", "blockers_after", "blockers_changed"}},
  "total_conflict": {"before", "after", "delta", "by_issue": {issue:
  {"before", "after", "delta"}}}, "overlap_delta": {party: {other: Δ}},
  "conflict_delta": {...}, "largest_changes": [{"party", "other",
  "overlap_before", "overlap_after", "overlap_delta", "conflict_before",
  "conflict_after", "conflict_delta"}]}}.
Exit codes: 0, 1 invalid case or scenario file, 2 usage error (including a
  bad --concede/--set, or no change given).

Examples:
  zopa whatif --scenario neutrality-for-guarantees
  zopa whatif --concede russia:nato=open_door --parties ukraine,russia
  zopa whatif --set ukraine:crimea.red_line=false --set russia:army_cap.acceptable=85..600
  zopa whatif tests/cases/tiny --scenario my-scenario.yaml --format json"""

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
    p = sub.add_parser(
        "whatif",
        help="what a scenario or concession changes: conflicts, zones, matrices",
        formatter_class=_RAW,
        description=WHATIF_HELP,
        epilog=WHATIF_EPILOG,
    )
    add_case(p)
    p.add_argument(
        "--scenario",
        metavar="FILE|ID",
        help="a scenario of the case (by id) or a scenario YAML file",
    )
    p.add_argument(
        "--concede",
        action="append",
        dest="changes",
        type=lambda s: ("concede", s),
        metavar="PARTY:ISSUE=OPTION[,…]",
        help="widen an acceptable set (ordinal 'a..b', interval 'lo..hi'); repeatable",
    )
    p.add_argument(
        "--set",
        action="append",
        dest="changes",
        type=lambda s: ("set", s),
        metavar="PARTY:ISSUE.FIELD=VALUE",
        help="change a field: ideal, acceptable, add, remove, salience, red_line, note, "
        "withdraw; repeatable",
    )
    add_at(p)
    add_parties(p)
    add_format(p, ("table", "json"))
    p.set_defaults(func=cmd_whatif)

    p = sub.add_parser(
        "packages",
        help="Pareto frontier of packages, Nash package, logrolls (exact)",
        formatter_class=_RAW,
        description=PACKAGES_HELP,
        epilog=PACKAGES_EPILOG,
    )
    add_case(p)
    add_parties(p, required=True)
    add_at(p)
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
    add_format(p)
    p.set_defaults(func=cmd_packages)


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 0, got '{text}'") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 0, got {n}")
    return n


def _wrap(text: str, first: str = "", rest: str = "  ") -> str:
    return textwrap.fill(text, width=WIDTH, initial_indent=first, subsequent_indent=rest) + "\n"


def _num(x: Any, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.{digits}f}"


def _outcome(o: Any) -> str:
    return f"{o:g}" if isinstance(o, float) else str(o)


# ------------------------------------------------------------------ whatif


def _union_parties(args: argparse.Namespace, before: Case, after: Case) -> tuple[str, ...] | None:
    wanted = requested_parties(args)
    if wanted is None:
        return None
    known = list(before.party_ids) + [p for p in after.party_ids if p not in before.party_ids]
    for p in wanted:
        if p not in known:
            raise UsageError(
                f"--parties: unknown party '{p}'{did_you_mean(p, known)}; known: {', '.join(known)}"
            )
    return tuple(wanted)


def comparison_text(
    case: Case, diff: engine.Comparison, scenario: engine.Scenario | None, specs: list[str]
) -> str:
    """The table layout of ``zopa whatif``."""
    out = ["What-if: the analysis before and after the changes\n"]
    out.append(f"Case: {case.title} ({case.id}), positions on {diff.at_after.isoformat()}\n")
    if scenario is not None:
        out.append(f"Scenario: {scenario.title} ({scenario.id})\n")
    if specs:
        out.append(f"Changes: {'; '.join(specs)}\n")
    out.append(f"Parties: {', '.join(diff.parties)}\n")
    if diff.parties_added:
        out.append(f"Added by the change: {', '.join(diff.parties_added)}\n")
    if diff.parties_removed:
        out.append(f"Removed by the change: {', '.join(diff.parties_removed)}\n")
    if not diff.changed:
        out.append("\nNothing changes: same conflicts, agreement zones and matrices.\n")
        out.append(f"Total conflict: {_num(diff.total_before)}\n")
        return "".join(out)

    def conflict_rows(changes: tuple[str, ...]) -> list[list[str]]:
        c = diff.conflicts
        sel = c[c["change"].isin(changes)]
        return [
            [
                r.issue,
                f"{r.party}–{r.other}",
                r.change,
                _num(r.conflict_before),
                _num(r.conflict_after),
            ]
            for r in sel.itertuples()
        ]

    headers = ["issue", "pair", "change", "before", "after"]
    for title, changes in (
        ("Conflicts resolved (the acceptable sets now meet)", ("resolved",)),
        ("Conflicts created (the acceptable sets no longer meet)", ("created",)),
        ("Other conflict changes", ("eased", "worsened", "dropped", "new")),
    ):
        rows = conflict_rows(changes)
        out.append(f"\n{title}: {len(rows) if rows else 'none'}\n")
        if rows:
            out.append(format_table(headers, rows, align="lllrr", indent="  "))
    z = diff.zones
    moved = z[(z["change"] != "unchanged") | z["blockers_changed"]]
    out.append(f"\nAgreement zones: {'no change' if moved.empty else ''}".rstrip() + "\n")
    if not moved.empty:
        zrows = [
            [
                issue,
                r["change"],
                f"{r['zone_before'] or '–'} → {r['zone_after'] or '–'}",
                f"{_blockers(r['blockers_before'])} → {_blockers(r['blockers_after'])}",
            ]
            for issue, r in moved.iterrows()
        ]
        out.append(
            format_table(
                ["issue", "change", "zone", "blockers"],
                zrows,
                align="llll",
                max_width=60,
                indent="  ",
            )
        )
    delta = diff.total_change
    sign = "+" if delta > 0 else "−" if delta < 0 else "±"
    out.append(
        f"\nTotal conflict: {_num(diff.total_before)} → {_num(diff.total_after)} ({sign}{abs(delta):.3f})\n"
    )
    t = diff.total_by_issue
    trows = [
        [i, _num(r["before"]), _num(r["after"]), _signed(r["delta"])]
        for i, r in t.iterrows()
        if not (abs(r["delta"]) <= 1e-12)
    ]
    if trows:
        out.append(
            format_table(["issue", "before", "after", "change"], trows, align="lrrr", indent="  ")
        )
    top = diff.largest_changes(10)
    out.append(f"\nLargest matrix changes: {'none' if top.empty else ''}".rstrip() + "\n")
    if not top.empty:
        mrows = [
            [
                f"{r.party}–{r.other}",
                f"{_num(r.overlap_before)} → {_num(r.overlap_after)}",
                _signed(r.overlap_delta),
                f"{_num(r.conflict_before)} → {_num(r.conflict_after)}",
                _signed(r.conflict_delta),
            ]
            for r in top.itertuples()
        ]
        out.append(
            format_table(
                ["pair", "overlap", "Δ", "conflict", "Δ"], mrows, align="llrlr", indent="  "
            )
        )
    out.append(
        "\nconflict = gap × (s_p + s_q)/2 on one issue; matrices: salience-weighted means over "
        "shared issues;\n'–' = no position (or the party is absent on that side).\n"
    )
    return "".join(out)


def _signed(x: float) -> str:
    if isinstance(x, float) and math.isnan(x):
        return "–"
    return f"{x:+.3f}".replace("-", "−")


def _blockers(b: Any) -> str:
    if not b:
        return "none"
    return " or ".join("+".join(s) for s in b)


def cmd_whatif(args: argparse.Namespace) -> int:
    case = case_of(args)
    at = date_of(args)
    if args.scenario is None and not args.changes:
        raise UsageError("nothing to compare: give --scenario FILE|ID, --concede or --set")
    work, scenario, specs = what_if(case, at, args.scenario, args.changes)
    date = work.as_of
    parties = _union_parties(args, case, work)
    diff = engine.compare(case, work, at_before=date, at_after=date, parties=parties)
    if args.format == "json":
        emit(
            json_text(
                {
                    "case": case.id,
                    "title": case.title,
                    "at": date.isoformat(),
                    "scenario": None
                    if scenario is None
                    else {"id": scenario.id, "title": scenario.title},
                    "changes": specs,
                    "summary": diff.summary(),
                    "comparison": diff.as_dict(),
                }
            )
        )
        return 0
    emit(comparison_text(case, diff, scenario, specs))
    return 0


# ----------------------------------------------------------------- packages


def _shown(n: int, limit: int, keep: set[int]) -> list[int]:
    """At most ``limit`` row numbers of ``n``, evenly spread, always with ``keep``."""
    if limit <= 0 or n <= limit:
        return list(range(n))
    picks = {round(k * (n - 1) / (limit - 1)) for k in range(limit)} if limit > 1 else {0}
    return sorted(picks | keep)


def packages_text(
    case: Case,
    front: pd.DataFrame,
    nash: engine.NashPackage,
    lr: pd.DataFrame | None,
    rows: int,
) -> str:
    """The table layout of ``zopa packages``."""
    parties = front.attrs["parties"]
    issues = front.attrs["issues"]
    out = [f"Pareto frontier of packages — {', '.join(parties)}\n"]
    out.append(f"Case: {case.title} ({case.id}), positions on {front.attrs['at']}\n")
    out.append(
        "Red lines: " + ("respected" if front.attrs["respect_red_lines"] else "ignored") + "\n"
    )
    d = front.attrs["disagreement"]
    out.append(
        "Status quo (disagreement point): "
        + ", ".join(f"{p} {_num(d[p])}" for p in parties)
        + "\n"
    )
    shown = _shown(
        len(front), rows, {0, len(front) - 1} | ({nash.point} if nash.point is not None else set())
    )
    what = f"{len(front)} points" + (f", {len(shown)} shown" if len(shown) < len(front) else "")
    out.append(f"\nFrontier ({what}; U = utility, packages = how many packages reach the point)\n")
    headers = ["point", *(f"U({p})" for p in parties), "packages", *issues, "nash"]
    body = []
    for k in shown:
        r = front.iloc[k]
        body.append(
            [
                str(k),
                *(_num(float(r[utility_column(p)])) for p in parties),
                str(int(r[COUNT])),
                *(_outcome(r[i]) for i in issues),
                "*" if k == nash.point else "",
            ]
        )
    align = "r" + "r" * len(parties) + "r" + "l" * len(issues) + "l"
    out.append(format_table(headers, body, align=align, max_width=24, indent="  "))
    out.append("\n")
    if nash.found:
        gains = ", ".join(f"{p} {nash.gains[p]:+.3f}" for p in parties)
        out.append(
            _wrap(
                f"Nash package (*, point {nash.point}): maximises Π (U_p − d_p) = {nash.nash_product:.4g}; "
                f"gains {gains}" + (f"; {nash.ties} other point(s) tie" if nash.ties else "") + "."
            )
        )
        assert nash.package is not None
        out.append(
            _wrap(
                "Package: "
                + "; ".join(f"{i} = {_outcome(o)}" for i, o in nash.package.items())
                + ".",
                "  ",
                "    ",
            )
        )
    else:
        out.append(_wrap(f"No Nash package: {nash.reason}."))
    cands = front.attrs["candidates"]
    if cands:
        out.append("\nOutcomes tried on interval issues (the frontier is exact over these):\n")
        for i, pts in cands.items():
            out.append(_wrap(f"{i}: " + ", ".join(_outcome(x) for x in pts), "  ", "    "))
    if lr is not None:
        a, b = lr.attrs["a"], lr.attrs["b"]
        out.append(
            f"\nLogrolls ({a} gives way on one issue, {b} on another; gains over splitting the difference)\n"
        )
        if lr.empty:
            out.append("  none: no pair of issues where both sides gain\n")
        else:
            lrows = [
                [
                    r.i,
                    _outcome(r.outcome_i),
                    r.j,
                    _outcome(r.outcome_j),
                    _num(r.gain_a),
                    _num(r.gain_b),
                ]
                for r in lr.itertuples()
            ]
            out.append(
                format_table(
                    [f"{a} gives on", "to", f"{b} gives on", "to", f"gain {a}", f"gain {b}"],
                    lrows,
                    align="llllrr",
                    indent="  ",
                )
            )
    out.append(
        "\nU_p = Σ s·(1 − distance to p's ideal) / Σ s over p's issues; d = U of the status quo "
        "(an issue\nwithout one counts 0). Ties are exact (rational arithmetic).\n"
    )
    return "".join(out)


def _front_records(front: pd.DataFrame, nash_point: int | None) -> list[dict[str, Any]]:
    parties, issues = front.attrs["parties"], front.attrs["issues"]
    recs = []
    for k, r in enumerate(front.itertuples(index=False)):
        row = dict(zip(front.columns, r, strict=True))
        recs.append(
            {
                "point": k,
                "utilities": {p: float(row[utility_column(p)]) for p in parties},
                "packages": int(row[COUNT]),
                "package": {i: _plain(row[i]) for i in issues},
                "nash": k == nash_point,
            }
        )
    return recs


def _plain(x: Any) -> Any:
    return x.item() if hasattr(x, "item") else x


def cmd_packages(args: argparse.Namespace) -> int:
    case = case_of(args)
    at = date_of(args)
    parties = parties_of(args, case)
    assert parties is not None
    if len(parties) < 2:
        raise UsageError("--parties: bargaining needs at least two parties, e.g. --parties a,b")
    if args.logrolls and len(parties) != 2:
        raise UsageError(
            f"--logrolls compares two parties; got {len(parties)}: {', '.join(parties)}"
        )
    respect = not args.ignore_red_lines
    try:
        front = engine.pareto_packages(
            case, parties, at=at, respect_red_lines=respect, interval_steps=args.interval_steps
        )
    except BargainingError as exc:
        return _infeasible(args, case, parties, at, str(exc))
    nash = engine.nash_package(
        case, parties, at=at, respect_red_lines=respect, interval_steps=args.interval_steps
    )
    lr = (
        engine.logrolls(case, parties[0], parties[1], at=at, respect_red_lines=respect)
        if args.logrolls
        else None
    )
    if args.format == "json":
        data: dict[str, Any] = {
            "case": case.id,
            "title": case.title,
            "at": front.attrs["at"],
            "parties": list(parties),
            "respect_red_lines": respect,
            "feasible": True,
            "reason": "",
            "issues": list(front.attrs["issues"]),
            "disagreement": front.attrs["disagreement"],
            "frontier": _front_records(front, nash.point),
            "nash": nash.as_dict(),
            "interval_candidates": {i: list(v) for i, v in front.attrs["candidates"].items()},
        }
        if args.rows:
            keep = set(
                _shown(
                    len(front),
                    args.rows,
                    {0, len(front) - 1} | ({nash.point} if nash.found else set()),
                )
            )
            data["frontier"] = [r for r in data["frontier"] if r["point"] in keep]
        if lr is not None:
            data["logrolls"] = [
                {k: _plain(v) for k, v in r.items()} for r in lr.to_dict("records")
            ]
        emit(json_text(data))
        return 0
    if args.format == "csv":
        if lr is not None:
            emit(csv_text(list(lr.columns), lr.itertuples(index=False)))
            return 0
        table = front.reset_index()
        table["nash"] = [k == nash.point for k in range(len(front))]
        if args.rows:
            table = table.iloc[
                _shown(
                    len(front),
                    args.rows,
                    {0, len(front) - 1} | ({nash.point} if nash.found else set()),
                )
            ]
        emit(
            csv_text(
                list(table.columns),
                ([_plain(v) for v in r] for r in table.itertuples(index=False)),
            )
        )
        return 0
    emit(packages_text(case, front, nash, lr, 40 if args.rows is None else args.rows))
    return 0


def _infeasible(
    args: argparse.Namespace, case: Case, parties: tuple[str, ...], at: Any, reason: str
) -> int:
    date = (case.as_of if at is None else at).isoformat()
    if args.format == "json":
        emit(
            json_text(
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
    out.append(_wrap(hint + "."))
    emit("".join(out))
    return 0
