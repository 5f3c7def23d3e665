"""What the settlement search returns: the package, its costs and concessions, the proof.

:class:`Settlement` is the result of :func:`engine.solve.settlement.settle`;
:func:`_result` builds it from a package, evaluating every cost straight from
the definitions (DESIGN.md, "What-if and settlement search"), not from the
solver's variables.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from engine.model.case import Acceptable, Case, Issue, Outcome, Position
from engine.model.values import value_of
from engine.solve.programme import _SOLVER, SolverError, _point, _Programme

#: Packages whose cost is within this of the optimum count as ties (costs are in [0, n·m]).
COST_TOLERANCE = 1e-7


# ============================================================== result types


@dataclass(frozen=True)
class Concession:
    """One party accepting, on one issue, an outcome other than its ideal.

    Attributes
    ----------
    party, issue : str
        Ids.
    ideal, outcome : str or float
        The party's ideal and the package's outcome (option ids or numbers).
    within_acceptable : bool
        True when the outcome lies in the acceptable set that applies (then
        the cost is 0: the party gives up its ideal but stays inside what it
        said it could live with).
    cost : float
        ``salience × distance`` from the outcome to the acceptable set that
        applies.
    condition_met : bool
        False when a ``requires`` condition of the position fails in the
        package: the acceptable set then shrinks to the ideal alone.
    """

    party: str
    issue: str
    ideal: Outcome
    outcome: Outcome
    within_acceptable: bool
    cost: float
    condition_met: bool = True

    def describe(self, case: Case) -> str:
        """One readable sentence.

        Examples
        --------
        >>> from engine import load_case
        >>> case = load_case("tests/cases/tiny")
        >>> print(Concession("b", "num", 80.0, 40.0, True, 0.0).describe(case))
        Party B accepts 40 units instead of 80 units on Interval issue (within its acceptable set)
        >>> text = Concession("a", "ord", "o1", "o4", False, 0.8 * 3 / 4, False).describe(case)
        >>> text[text.index("(") :]
        '(cost 0.60; its linkage condition is not met, so only its ideal counts)'
        """
        issue = case.issue(self.issue)
        text = (
            f"{case.party(self.party).short_name} accepts {issue.label(self.outcome)} instead of "
            f"{issue.label(self.ideal)} on {issue.short_name}"
        )
        if self.within_acceptable:
            return text + " (within its acceptable set)"
        why = (
            ""
            if self.condition_met
            else "; its linkage condition is not met, so only its ideal counts"
        )
        return text + f" (cost {self.cost:.2f}{why})"


@dataclass(frozen=True)
class RedLineConflict:
    """A red line that belongs to a minimal set of colliding red lines."""

    party: str
    issue: str
    description: str


@dataclass(frozen=True)
class Alternative:
    """Another package exactly as good as the one a :class:`Settlement` reports.

    Attributes
    ----------
    outcomes : Mapping[str, str | float]
        Issue id → option id or number.
    labels : Mapping[str, str]
        Issue id → readable outcome.
    party_costs : Mapping[str, float]
        Party id → its concession cost.
    total_cost, max_cost : float
        Σ_p cost_p and max_p cost_p.
    concessions : int
        The number of positions whose ideal differs from the outcome.
    """

    outcomes: Mapping[str, Outcome]
    labels: Mapping[str, str]
    party_costs: Mapping[str, float]
    total_cost: float
    max_cost: float
    concessions: int


@dataclass(frozen=True, repr=False)
class Settlement:
    """The result of :func:`settle`.

    Attributes
    ----------
    case : str
        The case id.
    objective : str
        ``"total"``, ``"fair"`` or ``"nash"``.
    at : datetime.date
        The evaluation date.
    parties : tuple of str
        The parties taken into account (case order).
    issues : tuple of str
        The issues decided by the package (case order): those where a chosen
        party has a position, and those their ``requires`` conditions name.
    feasible : bool
        False when red lines make every package impossible.
    status : str
        ``"optimal"``; ``"infeasible"``; for ``nash``, ``"degenerate"`` when
        no package gives every party a gain over the status quo (see Notes of
        :func:`settle`) or ``"gap"`` when the outer approximation stopped
        before closing its gap.
    objective_value : float or None
        Total cost, largest party cost, or Nash product of the package.
    total_cost, max_cost : float or None
        Σ_p cost_p and max_p cost_p of the package.
    outcomes : Mapping[str, str | float]
        Issue id → option id or number.
    labels : Mapping[str, str]
        Issue id → readable outcome.
    party_costs : Mapping[str, float]
        Party id → its concession cost (0 for a party without positions).
    costs : Mapping[tuple[str, str], float]
        (party, issue) → cost, for every position.
    utilities, status_quo_utilities : Mapping[str, float]
        U_p of the package and d_p of the status quo, for the parties with a
        positive total salience (see :func:`settle`, Notes).
    concessions : tuple of Concession
        For each party and issue where the outcome differs from its ideal.
    conflicting_red_lines : tuple of RedLineConflict
        When infeasible: an irreducible set of colliding red lines.
    bound : float or None
        The best bound proven by the solver on the objective (a lower bound
        for costs, an upper bound for the Nash product).
    gap : float or None
        ``|objective_value − bound|``: 0 (up to the tolerance) proves the
        package optimal.
    tolerance : float
        Packages this close to the optimum count as ties.
    solves : int
        Number of MILPs solved.
    note : str
        Anything a reader must know about this result.
    unique : bool or None
        True when no other package is as good (within ``tolerance``) and no
        interval outcome can move without making it worse; False when
        ``alternatives`` or ``ranges`` show other optima; None for
        infeasible results.
    n_optimal : int
        The number of distinct optimal packages of candidate outcomes found
        (options; on interval issues the breakpoints, plus the cells of
        ``fair``), the reported one included; at most ``alternatives`` + 1
        (the argument of :func:`settle`). 0 when not checked.
    more_optimal : bool
        True when there are more optimal packages than ``n_optimal`` (the
        enumeration found one more and stopped).
    alternatives : tuple of Alternative
        Up to ``alternatives`` (the argument of :func:`settle`, default 5)
        other optimal packages, in the tie rule's order.
    ranges : Mapping[str, tuple[float, float]]
        Interval issue id → (lo, hi) when every value in [lo, hi], with the
        other outcomes as reported, gives an equally good package (only the
        issues where lo < hi).
    tie_rule : str
        Which optimal package is reported first
        (:data:`~engine.solve.ties.TIE_RULE`).
    """

    case: str
    objective: str
    at: _dt.date
    parties: tuple[str, ...]
    issues: tuple[str, ...]
    feasible: bool
    status: str
    objective_value: float | None = None
    total_cost: float | None = None
    max_cost: float | None = None
    outcomes: Mapping[str, Outcome] = field(default_factory=lambda: MappingProxyType({}))
    labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    party_costs: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    costs: Mapping[tuple[str, str], float] = field(default_factory=lambda: MappingProxyType({}))
    utilities: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    status_quo_utilities: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    concessions: tuple[Concession, ...] = ()
    conflicting_red_lines: tuple[RedLineConflict, ...] = ()
    bound: float | None = None
    gap: float | None = None
    tolerance: float = COST_TOLERANCE
    solves: int = 0
    note: str = ""
    unique: bool | None = None
    n_optimal: int = 0
    more_optimal: bool = False
    alternatives: tuple[Alternative, ...] = ()
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=lambda: MappingProxyType({}))
    tie_rule: str = ""

    def __repr__(self) -> str:
        if not self.feasible:
            lines = ", ".join(f"{r.party}:{r.issue}" for r in self.conflicting_red_lines)
            return (
                f"Settlement(objective={self.objective!r}, feasible=False, "
                f"conflicting_red_lines=[{lines}])"
            )
        pkg = ", ".join(f"{i}={_fmt_outcome(o)}" for i, o in self.outcomes.items())
        return (
            f"Settlement(objective={self.objective!r}, status={self.status!r}, "
            f"value={_g(self.objective_value)}, total_cost={_g(self.total_cost)}, "
            f"package={{{pkg}}}, concessions={len(self.concessions)}, gap={_g(self.gap)})"
        )

    @property
    def proof(self) -> str:
        """How optimality is established, in words."""
        if not self.feasible:
            return (
                f"infeasible: the solver proved that no package respects every red line; the "
                f"{len(self.conflicting_red_lines)} red lines listed admit no package on their own, "
                f"and without any one of them the others listed would (red lines not listed set "
                f"aside; see the note) ({self.solves} MILP solves)"
            )
        return (
            f"{self.status}: {_SOLVER}; objective {_g(self.objective_value)}, best bound "
            f"{_g(self.bound)}, gap {_g(self.gap)} (ties within {self.tolerance:g}); "
            f"{self.solves} MILP solves"
        )

    def as_dict(self, case: Case | None = None) -> dict[str, Any]:
        """Plain data for JSON (lists in case order; ``case`` adds readable descriptions)."""
        out: dict[str, Any] = {
            "case": self.case,
            "objective": self.objective,
            "at": self.at.isoformat(),
            "parties": list(self.parties),
            "issues": list(self.issues),
            "feasible": self.feasible,
            "status": self.status,
            "objective_value": self.objective_value,
            "total_cost": self.total_cost,
            "max_cost": self.max_cost,
            "package": [
                {"issue": i, "outcome": o, "label": self.labels[i]}
                for i, o in self.outcomes.items()
            ],
            "party_costs": [self._party_record(p) for p in self.parties],
            "concessions": [_concession_record(c, case) for c in self.concessions],
            "conflicting_red_lines": [
                {"party": r.party, "issue": r.issue, "description": r.description}
                for r in self.conflicting_red_lines
            ],
            "proof": {
                "solver": _SOLVER,
                "bound": self.bound,
                "gap": self.gap,
                "tolerance": self.tolerance,
                "solves": self.solves,
            },
            "note": self.note,
            "optima": {
                "unique": self.unique,
                "n_optimal": self.n_optimal,
                "more_optimal": self.more_optimal,
                "tie_rule": self.tie_rule,
                "ranges": [
                    {"issue": i, "lo": lo, "hi": hi} for i, (lo, hi) in self.ranges.items()
                ],
                "alternatives": [
                    {
                        "package": [
                            {"issue": i, "outcome": o, "label": a.labels[i]}
                            for i, o in a.outcomes.items()
                        ],
                        "party_costs": [
                            {"party": p, "cost": a.party_costs.get(p, 0.0)} for p in self.parties
                        ],
                        "total_cost": a.total_cost,
                        "max_cost": a.max_cost,
                        "concessions": a.concessions,
                    }
                    for a in self.alternatives
                ],
            },
        }
        return out

    @property
    def optimality(self) -> str:
        """Whether the package is the only optimum, in words (what a reader must be told).

        Examples
        --------
        >>> from engine import load_case, settle
        >>> print(settle(load_case("tests/cases/tiny")).optimality)
        the only optimal package
        """
        if self.unique is None:
            return "uniqueness not checked"
        if self.unique:
            return "the only optimal package"
        parts = []
        if self.n_optimal > 1:
            n = f"at least {self.n_optimal}" if self.more_optimal else str(self.n_optimal)
            parts.append(f"one of {n} optimal packages (tie rule: {self.tie_rule})")
        for i, (lo, hi) in self.ranges.items():
            parts.append(f"any {i} from {lo:g} to {hi:g} is as good")
        return "; ".join(parts)

    def _party_record(self, party: str) -> dict[str, Any]:
        return {
            "party": party,
            "cost": self.party_costs.get(party, 0.0),
            "utility": self.utilities.get(party),
            "status_quo_utility": self.status_quo_utilities.get(party),
        }

    def to_frame(self) -> pd.DataFrame:
        """The package: one row per issue (index ``issue``), with its outcome and who concedes.

        Columns: ``outcome``, ``label``, ``cost`` (Σ of the parties' costs on
        the issue), ``conceding`` (ids of the parties whose ideal differs
        from the outcome, comma-separated).
        """
        rows = []
        for i in self.issues if self.feasible else ():
            rows.append(
                {
                    "outcome": self.outcomes[i],
                    "label": self.labels[i],
                    "cost": float(sum(c for (_, j), c in self.costs.items() if j == i)),
                    "conceding": ",".join(c.party for c in self.concessions if c.issue == i),
                }
            )
        index = pd.Index(list(self.issues) if self.feasible else [], name="issue")
        return pd.DataFrame(rows, index=index, columns=["outcome", "label", "cost", "conceding"])

    def cost_matrix(self) -> pd.DataFrame:
        """Issue × party concession costs (NaN where the party has no position)."""
        df = pd.DataFrame(
            np.nan,
            index=pd.Index(self.issues, name="issue"),
            columns=pd.Index(self.parties, name="party"),
        )
        for (p, i), c in self.costs.items():
            df.loc[i, p] = c
        return df


def _concession_record(c: Concession, case: Case | None) -> dict[str, Any]:
    """A concession as plain data (with its sentence when the case is given)."""
    return {
        "party": c.party,
        "issue": c.issue,
        "ideal": c.ideal,
        "outcome": c.outcome,
        "within_acceptable": c.within_acceptable,
        "condition_met": c.condition_met,
        "cost": c.cost,
        **({"description": c.describe(case)} if case is not None else {}),
    }


def _g(x: float | None) -> str:
    return "None" if x is None else f"{x:.6g}"


def _fmt_outcome(o: Outcome) -> str:
    return f"{o:g}" if isinstance(o, float) else str(o)


# ============================================================= evaluation


@dataclass
class _Eval:
    costs: dict[tuple[str, str], float]
    met: dict[tuple[str, str], bool]
    within: dict[tuple[str, str], bool]
    crossed: list[tuple[str, str]]


def _position_eval(
    issue: Issue, pos: Position, package: Mapping[str, Outcome]
) -> tuple[float, bool, bool]:
    """One position against a package (which holds its issue and the issues it requires).

    Returns its cost (salience × loss), whether its ``requires`` conditions
    hold, and whether the outcome is within what then applies (the
    acceptable set, or the ideal alone): a red line is crossed when it is not.
    """
    o = package[pos.issue]
    met = all(package[j] in s for j, s in pos.requires)
    applies = pos.acceptable if met else _point(issue, pos.ideal)
    return pos.salience * _loss(issue, pos, o, applies), met, o in applies


def _evaluate(prog: _Programme, package: Mapping[str, Outcome]) -> _Eval:
    """Costs of a package, straight from the definitions (not from the solver's variables)."""
    costs, met, within, crossed = {}, {}, {}, []
    for pos in prog.positions:
        key = (pos.party, pos.issue)
        costs[key], met[key], within[key] = _position_eval(
            prog.case.issue(pos.issue), pos, package
        )
        if pos.red_line and not within[key]:
            crossed.append(key)
    return _Eval(costs, met, within, crossed)


def _utilities(prog: _Programme, package: Mapping[str, Outcome] | None) -> dict[str, float]:
    """U_p of a package (``None``: the status quo, an issue without one contributing 0)."""
    num: dict[str, float] = {}
    den: dict[str, float] = {}
    for pos in prog.positions:
        issue = prog.case.issue(pos.issue)
        o = issue.status_quo if package is None else package[pos.issue]
        den[pos.party] = den.get(pos.party, 0.0) + pos.salience
        term = 0.0 if o is None else pos.salience * (1.0 - _loss(issue, pos, o, None))
        num[pos.party] = num.get(pos.party, 0.0) + term
    return {p: num[p] / den[p] for p in prog.parties if den.get(p, 0.0) > 0}


def _loss(issue: Issue, pos: Position, o: Outcome, applies: Acceptable | None) -> float:
    """Cost per unit of salience: ``1 − v(o)`` with values, else ``dist(o, applies or ideal)``."""
    if pos.values:  # noqa: PD011 (a position's values, not pandas)
        return 1.0 - float(value_of(issue, pos.values, o))
    if applies is None:
        return issue.distance(o, pos.ideal)
    return issue.distance_to_set(o, applies)


def _party_costs(prog: _Programme, costs: Mapping[tuple[str, str], float]) -> dict[str, float]:
    out = dict.fromkeys(prog.parties, 0.0)
    for (p, _), c in costs.items():
        out[p] += c
    return out


def _result(
    prog: _Programme,
    objective: str,
    package: Mapping[str, Outcome],
    *,
    bound: float | None,
    status: str,
    value: float | None = None,
    note: str = "",
    tolerance: float = COST_TOLERANCE,
    optima: Mapping[str, Any] | None = None,
) -> Settlement:
    """The settlement of a feasible package; ``value`` defaults to the objective's cost."""
    ev = _evaluate(prog, package)
    if ev.crossed:  # cannot happen: the programme forbids it
        raise SolverError(f"internal error: the package crosses red lines {ev.crossed}")
    pcost = _party_costs(prog, ev.costs)
    total = float(sum(ev.costs.values()))
    max_cost = max(pcost.values(), default=0.0)
    if value is None:
        value = total if objective == "total" else max_cost
    gap = None if bound is None else abs(value - bound)
    concessions = _concessions(prog, package, ev)
    issues = tuple(i.id for i in prog.issues)
    return Settlement(
        case=prog.case.id,
        objective=objective,
        at=prog.date,
        parties=prog.parties,
        issues=issues,
        feasible=True,
        status=status,
        objective_value=float(value),
        total_cost=total,
        max_cost=float(max_cost),
        outcomes=MappingProxyType({i: package[i] for i in issues}),
        labels=MappingProxyType({i: prog.case.issue(i).label(package[i]) for i in issues}),
        party_costs=MappingProxyType(pcost),
        costs=MappingProxyType(dict(ev.costs)),
        utilities=MappingProxyType(_utilities(prog, package)),
        status_quo_utilities=MappingProxyType(_utilities(prog, None)),
        concessions=concessions,
        bound=None if bound is None else float(bound),
        gap=None if gap is None else float(gap),
        tolerance=tolerance,
        solves=prog.solves,
        note=note,
        **(optima or {}),
    )


def _alternative(prog: _Programme, package: Mapping[str, Outcome]) -> Alternative:
    """An optimal package other than the one reported, evaluated from the definitions."""
    ev = _evaluate(prog, package)
    pcost = _party_costs(prog, ev.costs)
    issues = [i.id for i in prog.issues]
    return Alternative(
        outcomes=MappingProxyType({i: package[i] for i in issues}),
        labels=MappingProxyType({i: prog.case.issue(i).label(package[i]) for i in issues}),
        party_costs=MappingProxyType(pcost),
        total_cost=float(sum(ev.costs.values())),
        max_cost=float(max(pcost.values(), default=0.0)),
        concessions=len(_concessions(prog, package, ev)),
    )


def _concessions(
    prog: _Programme, package: Mapping[str, Outcome], ev: _Eval
) -> tuple[Concession, ...]:
    """One concession per position whose ideal differs from the package's outcome."""
    concessions = []
    for pos in prog.positions:
        o = package[pos.issue]
        same = (float(o) == float(pos.ideal)) if isinstance(o, float) else o == pos.ideal
        if not same:
            key = (pos.party, pos.issue)
            concessions.append(
                Concession(
                    pos.party, pos.issue, pos.ideal, o, ev.within[key], ev.costs[key], ev.met[key]
                )
            )
    return tuple(concessions)
