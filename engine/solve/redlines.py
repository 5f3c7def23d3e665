"""Red lines that collide: an irreducible set of them when no package respects them all.

When no package respects every red line, :func:`_conflicting_red_lines`
passes the red lines through a deletion filter (see
:func:`engine.solve.settlement.settle`, Notes, "Infeasibility") and
:func:`_infeasible` reports what remains in words.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.model.case import Case, Position
from engine.solve.programme import _Lin, _Programme
from engine.solve.results import RedLineConflict, Settlement


def _feasible(prog: _Programme, red_lines: Iterable[tuple[str, str]]) -> bool:
    """Does some package respect these red lines (and no other)?"""
    return prog.solve(_Lin(), red_lines=list(red_lines)).status == "optimal"


def _conflicting_red_lines(prog: _Programme) -> list[tuple[str, str]]:
    """An irreducible infeasible subset of the red lines (deletion filter).

    In case order (party, then issue), drop a red line if the others still
    admit no package. Those left admit no package on their own, and without
    any one of them the rest of the set would admit one; red lines outside
    the set may still collide among themselves (:func:`_infeasible` says so).
    One MILP per red line.
    """
    keep = list(prog.red_rows)
    for key in list(keep):
        trial = [k for k in keep if k != key]
        if not _feasible(prog, trial):
            keep = trial
    return keep


def _describe_red_line(case: Case, pos: Position) -> str:
    issue = case.issue(pos.issue)
    who = case.party(pos.party).short_name
    text = f"{who} will not accept anything outside {issue.describe(pos.acceptable)} on {issue.short_name}"
    if pos.requires:
        cond = " and ".join(
            f"{case.issue(j).short_name} is {case.issue(j).describe(s)}" for j, s in pos.requires
        )
        text += f", and nothing but {issue.label(pos.ideal)} unless {cond}"
    return text


def _infeasible(prog: _Programme, objective: str) -> Settlement:
    """The settlement when the red lines collide: an irreducible set of them, described."""
    keys = _conflicting_red_lines(prog)
    others = [k for k in prog.red_rows if k not in keys]
    more = bool(others) and not _feasible(prog, others)
    state = prog.case.at(prog.date)
    conflicts = tuple(
        RedLineConflict(p, i, _describe_red_line(prog.case, state[(p, i)])) for p, i in keys
    )
    names = "; ".join(f"{p} on {i}" for p, i in keys)
    return Settlement(
        case=prog.case.id,
        objective=objective,
        at=prog.date,
        parties=prog.parties,
        issues=tuple(i.id for i in prog.issues),
        feasible=False,
        status="infeasible",
        conflicting_red_lines=conflicts,
        solves=prog.solves,
        note=f"No package respects every red line; these red lines collide: {names}."
        + (
            " Other red lines collide as well: relaxing one of these is not enough on its own."
            if more
            else ""
        ),
    )
