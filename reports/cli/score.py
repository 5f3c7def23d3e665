"""Score command: ``score`` (a package's points for each role, and its distance to the frontier).

Loads a case, calls :func:`engine.solve.score.score_package` and prints
(SALib's rule: no analysis here).
"""

from __future__ import annotations

import argparse

from reports.cli import kit

__all__ = ["register"]

SCORE_HELP = """\
Each party's utility (points, 0 to 1: Σ salience × value / Σ salience, with
the positions' values where given) of one package, whether it gets each
party at least its reservation, and where it stands against the exact
Pareto frontier: on it, or how far below it (the smallest shortfall
‖(f − U)⁺‖ over frontier points f), with the nearest frontier point and the
Nash package's point. Use it to score the package a group of students
reached."""


def register(sub: argparse._SubParsersAction) -> None:
    p = kit.add_command(
        sub,
        "score",
        cmd_score,
        help="score a package: each party's points, and its distance to the Pareto frontier",
        description=SCORE_HELP,
        epilog="JSON: {case, parties, package, utilities, reservation, rational, on_frontier, "
        "distance, nearest_point, nash_point}.",
        raw=True,
    )
    kit.add_case(p)
    kit.add_parties(p)
    kit.add_at(p)
    kit.add_format(p)
    p.add_argument(
        "--package",
        required=True,
        help="the package: issue=option,... (a number on interval issues), every issue named",
    )


def cmd_score(args: argparse.Namespace) -> int:
    from engine.solve.score import parse_package, score_package  # pandas: only when run

    case = kit.case_of(args)
    parties = kit.parties_of(args, case)
    package = parse_package(case, args.package)
    s = score_package(case, package, parties, at=kit.date_of(args))
    data = {
        "case": case.id,
        "parties": list(s.parties),
        "package": {k: kit.plain(v) for k, v in s.package.items()},
        "utilities": {p: kit.rounded(u) for p, u in s.utilities.items()},
        "reservation": dict(s.reservation),
        "rational": s.rational,
        "on_frontier": s.on_frontier,
        "distance": kit.rounded(s.distance),
        "nearest_point": s.nearest_point,
        "nash_point": s.nash_point,
    }
    if args.format == "json":
        kit.emit(kit.json_text(data))
        return 0
    if args.format == "csv":
        rows = [[p, kit.rounded(s.utilities[p]), s.reservation[p]] for p in s.parties]
        kit.emit(kit.csv_text(["party", "utility", "reservation"], rows))
        return 0
    body = [
        [
            case.party(p).short_name,
            kit.number_text(s.utilities[p]),
            "" if s.reservation[p] is None else kit.number_text(s.reservation[p]),
        ]
        for p in s.parties
    ]
    where = (
        "on the Pareto frontier"
        if s.on_frontier
        else f"below the Pareto frontier by {kit.number_text(s.distance)}"
    )
    lines = [
        f"Score — {case.title} ({case.id})\n",
        "Package: "
        + ", ".join(f"{k}={kit.outcome_text(v)}" for k, v in s.package.items())
        + "\n\n",
        kit.format_table(["party", "points", "reservation"], body, align="lrr"),
        f"\nEvery party at least its reservation: {'yes' if s.rational else 'no'}\n",
        f"The package is {where}; nearest frontier point {s.nearest_point}"
        + (f", Nash package point {s.nash_point}" if s.nash_point is not None else "")
        + " (see zopa packages).\n",
    ]
    kit.emit("".join(lines))
    return 0
