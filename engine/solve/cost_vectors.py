"""The leximin stages of the tie rule, exactly, by dynamic programming over groups of issues.

The tie rule (:data:`engine.solve.ties.TIE_RULE`) first minimises the
largest party cost among the optimal packages, then the sum of the two
largest, and so on (:func:`engine.solve.ties._leximin_stages`). Under the
``total`` objective that first stage is a partition problem — split a fixed
total between the parties as evenly as the discrete choices allow — and
branch-and-bound proves its optimum slowly, because the linear relaxation
always splits the total evenly and so bounds nothing (about a second on the
shipped case, most of a settlement's time).

Here the same numbers come from the packages themselves. Issues joined by a
linkage (a position's ``requires``) form a group; a position's cost depends
only on the outcomes of its group, so each group's feasible outcome
combinations give a table of party-cost vectors, and a package's vector is
the sum of one row per group. Summing the tables group by group while
keeping each distinct vector once, and dropping a partial sum as soon as
the groups still to come cannot bring its total under the bound, leaves
every cost vector of the near-optimal packages — usually a few hundred —
from which each leximin stage is a minimum over a list. The costs are
:func:`engine.solve.results._evaluate`'s (the definitions, not the solver's
variables), and the stages hold within the same tolerance as the MILP's.

When a group has too many combinations or too many vectors survive, the
function returns ``None`` and the caller solves the stages as MILPs.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

from engine.model.case import Outcome, Position
from engine.solve.programme import _Programme
from engine.solve.results import COST_TOLERANCE, _position_eval

#: The most outcome combinations enumerated for one group of linked issues.
MAX_COMBINATIONS = 4096

#: The most distinct cost vectors kept after any group.
MAX_VECTORS = 100_000

_Vector = tuple[float, ...]
_Keep = Callable[[_Vector, float], bool]


def _groups(prog: _Programme) -> list[list[str]]:
    """The issues of the programme in groups joined by linkages, each in case order."""
    parent = {iss.id: iss.id for iss in prog.issues}

    def root(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for pos in prog.positions:
        for j, _ in pos.requires:
            parent[root(j)] = root(pos.issue)
    groups: dict[str, list[str]] = {}
    for iss in prog.issues:
        groups.setdefault(root(iss.id), []).append(iss.id)
    return list(groups.values())


def _outcome(prog: _Programme, issue_id: str, k: int) -> Outcome:
    atom = prog.atoms[issue_id][k]
    return atom.option if atom.option is not None else atom.lo


def _group_table(
    prog: _Programme, issues: Sequence[str], parties: Sequence[str]
) -> list[tuple[_Vector, float]] | None:
    """Each feasible outcome combination of a group as (party-cost vector, total), distinct vectors.

    Red lines in force are respected as :func:`~engine.solve.results._evaluate`
    reads them: a crossed red line makes the combination infeasible. ``None``
    when the group has more than :data:`MAX_COMBINATIONS` combinations.
    """
    sizes = [len(prog.atoms[i]) for i in issues]
    if math.prod(sizes) > MAX_COMBINATIONS:
        return None
    inside = set(issues)
    mine = [pos for pos in prog.positions if pos.issue in inside]
    index = {p: n for n, p in enumerate(parties)}
    table: dict[_Vector, tuple[_Vector, float]] = {}
    for ks in itertools.product(*(range(s) for s in sizes)):
        package = {i: _outcome(prog, i, k) for i, k in zip(issues, ks, strict=True)}
        costs = [0.0] * len(parties)
        feasible = True
        for pos in mine:
            cost = _cost(prog, pos, package)
            if cost is None:
                feasible = False
                break
            costs[index[pos.party]] += cost
        if feasible:
            vec = tuple(costs)
            table.setdefault(_key(vec), (vec, math.fsum(vec)))
    return list(table.values())


def _cost(prog: _Programme, pos: Position, package: dict[str, Outcome]) -> float | None:
    """The position's cost of the package (``None``: its red line is crossed)."""
    cost, _, within = _position_eval(prog.case.issue(pos.issue), pos, package)
    return None if pos.red_line and not within else cost


def _key(vec: _Vector) -> _Vector:
    return tuple(round(c, 9) for c in vec)


def _vectors(
    tables: Sequence[list[tuple[_Vector, float]]], n: int, total_max: float
) -> list[tuple[_Vector, float]] | None:
    """The distinct sums of one row per table whose total is at most ``total_max``."""
    mins = [min(t for _, t in rows) for rows in tables]
    rest = math.fsum(mins)
    states: dict[_Vector, tuple[_Vector, float]] = {(0.0,) * n: ((0.0,) * n, 0.0)}
    for rows, low in zip(tables, mins, strict=True):
        rest -= low
        step: dict[_Vector, tuple[_Vector, float]] = {}
        for vec, tot in states.values():
            for add, t in rows:
                if tot + t + rest > total_max:
                    continue
                new = tuple(a + b for a, b in zip(vec, add, strict=True))
                step.setdefault(_key(new), (new, tot + t))
        if len(step) > MAX_VECTORS:
            return None
        states = step
    return list(states.values())


def stage_parties(prog: _Programme) -> list[str]:
    """The parties whose costs the leximin stages compare: those with a position."""
    return [p for p in prog.parties if any(pos.party == p for pos in prog.positions)]


def leximin_values(
    prog: _Programme, total_max: float, keep: _Keep | None = None
) -> list[float] | None:
    """The optimal value of each leximin stage among the packages ``keep`` accepts.

    Parameters
    ----------
    prog : _Programme
        Without segments (a package is one candidate per issue).
    total_max : float
        No package with a larger total cost is optimal (the bound prunes).
    keep : callable, optional
        ``keep(costs, total)`` for the packages within ``total_max`` that
        are optimal (default: all of them); ``costs`` lists the party costs
        in the order of :func:`stage_parties`.

    Returns
    -------
    list of float or None
        For k = 1, …, n: the least sum of the k largest party costs among the
        optimal packages whose earlier sums are each within
        :data:`~engine.solve.results.COST_TOLERANCE` of their least — the
        values the MILP stages reach. ``None`` when the enumeration is too
        large (:data:`MAX_COMBINATIONS`, :data:`MAX_VECTORS`) or no package
        is left; the caller then solves the stages.
    """
    if any(a.segment for atoms in prog.atoms.values() for a in atoms):
        return None
    parties = stage_parties(prog)
    tables = []
    for group in _groups(prog):
        table = _group_table(prog, group, parties)
        if not table:  # too many combinations, or infeasible
            return None
        tables.append(table)
    found = _vectors(tables, len(parties), total_max)
    if found is None:
        return None
    vectors = [vec for vec, tot in found if keep is None or keep(vec, tot)]
    values: list[float] = []
    for k in range(1, len(parties) + 1):
        if not vectors:
            return None
        top = [math.fsum(sorted(vec, reverse=True)[:k]) for vec in vectors]
        best = min(top)
        values.append(best)
        vectors = [v for v, s in zip(vectors, top, strict=True) if s <= best + COST_TOLERANCE]
    return values
