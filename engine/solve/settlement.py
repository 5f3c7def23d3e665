"""Settlement search: the cheapest package of outcomes, exactly, and single concessions ranked.

A **package** chooses one outcome on every issue under negotiation. Each
party pays a **concession cost** on each issue where it has a position:

    cost_p,i = s_p,i · dist(o_i, A_p,i)          when the position's ``requires`` conditions hold,
    cost_p,i = s_p,i · dist(o_i, ideal_p,i)      when one of them fails,

with ``s`` the salience, ``A`` the acceptable set and ``dist`` the issue's
distance (DESIGN.md, "What-if and settlement search"). A condition
``requires: {j: S}`` holds when the outcome chosen on issue ``j`` lies in ``S``.

:func:`settle` finds, with an integer programme solved by HiGHS
(``scipy.optimize.milp``), the package that minimises the total cost
(``"total"``), the largest party cost (``"fair"``), or maximises the Nash
product of utility gains over the status quo (``"nash"``) — always without
crossing a red line. When red lines make every package impossible it returns
an irreducible set of colliding red lines instead of "no solution".

:func:`rank_concessions` ranks every one-step widening of one position by how
much it lowers the total conflict of :func:`engine.analysis.measures.total_conflict`.

Reading of red lines (the design leaves it open; this is the rule used
everywhere here): a red-line position with acceptable set ``A`` forces the
outcome on its issue into ``A`` when its ``requires`` conditions hold, and
onto its ideal when they fail (the party accepts only its ideal then, and a
red line does not bend). A red line is a hard constraint, never a cost.
"""

from __future__ import annotations

import datetime as _dt
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from engine.analysis.measures import agreement_zones, total_conflict
from engine.model.case import (
    Acceptable,
    Case,
    Change,
    Issue,
    OptionSet,
    Outcome,
    Position,
    Span,
    as_date,
)
from engine.model.errors import ZopaError
from engine.whatif.scenario import apply, scenario_from_changes

__all__ = [
    "OBJECTIVES",
    "Concession",
    "RedLineConflict",
    "Settlement",
    "SolverError",
    "rank_concessions",
    "settle",
]

Objective = Literal["total", "fair", "nash"]
OBJECTIVES: tuple[str, ...] = ("total", "fair", "nash")

#: Packages whose cost is within this of the optimum count as ties (costs are in [0, n·m]).
COST_TOLERANCE = 1e-7
#: Stop the outer approximation when the bound on Σ log(gain) is this close (absolute).
NASH_GAP = 1e-7
#: Packages whose Σ log(gain) is within this of the best count as ties.
NASH_TIE = 1e-6
#: A largest smallest-gain at or below this means "no package improves every party".
GAIN_EPS = 1e-9
_MAX_CUT_ROUNDS = 200
_TIME_LIMIT = 60.0
_SOLVER = "HiGHS branch-and-bound (scipy.optimize.milp)"


class SolverError(ZopaError):
    """The solver stopped without an answer (time limit, numerical trouble)."""


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
                f"{len(self.conflicting_red_lines)} red lines listed collide and dropping any one "
                f"of them makes a package possible ({self.solves} MILP solves)"
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
            "party_costs": [
                {
                    "party": p,
                    "cost": self.party_costs.get(p, 0.0),
                    "utility": self.utilities.get(p),
                    "status_quo_utility": self.status_quo_utilities.get(p),
                }
                for p in self.parties
            ],
            "concessions": [
                {
                    "party": c.party,
                    "issue": c.issue,
                    "ideal": c.ideal,
                    "outcome": c.outcome,
                    "within_acceptable": c.within_acceptable,
                    "condition_met": c.condition_met,
                    "cost": c.cost,
                    **({"description": c.describe(case)} if case is not None else {}),
                }
                for c in self.concessions
            ],
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
        }
        return out

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


def _g(x: float | None) -> str:
    return "None" if x is None else f"{x:.6g}"


def _fmt_outcome(o: Outcome) -> str:
    return f"{o:g}" if isinstance(o, float) else str(o)


# ============================================================ the programme


@dataclass(frozen=True)
class _Atom:
    """A candidate outcome of an issue in the programme.

    An option (``option``), a number (``lo == hi``) or, for the Nash
    objective only, an open segment ``(lo, hi)`` between two consecutive
    breakpoints whose point is ``lo + λ (hi − lo)``.
    """

    option: str | None = None
    lo: float = 0.0
    hi: float = 0.0

    @property
    def segment(self) -> bool:
        return self.option is None and self.hi > self.lo


def _inside(atom: _Atom, s: Acceptable) -> bool:
    """Is the atom (every point of a segment's interior) inside the set?"""
    if atom.option is not None:
        return atom.option in s
    assert isinstance(s, Span)
    return s.lo <= atom.lo and atom.hi <= s.hi


def _is(atom: _Atom, outcome: Outcome) -> bool:
    if atom.option is not None:
        return atom.option == outcome
    return not atom.segment and atom.lo == float(outcome)


def _dist_coefs(issue: Issue, atom: _Atom, s: Acceptable) -> tuple[float, float]:
    """Distance from the atom to a set as ``a·y + b·λ`` (exact: the set's ends are breakpoints)."""
    if atom.option is not None:
        return issue.distance_to_set(atom.option, s), 0.0
    if not atom.segment:
        return issue.distance_to_set(atom.lo, s), 0.0
    assert isinstance(s, Span)
    w, d = issue.width, atom.hi - atom.lo
    if atom.hi <= s.lo:
        return (s.lo - atom.lo) / w, -d / w
    if atom.lo >= s.hi:
        return (atom.lo - s.hi) / w, d / w
    return 0.0, 0.0


def _point(issue: Issue, outcome: Outcome) -> Acceptable:
    return (
        Span(float(outcome), float(outcome))
        if issue.is_interval
        else OptionSet(frozenset([str(outcome)]))
    )


class _Lin:
    """A linear expression ``Σ coef·var + const``."""

    __slots__ = ("coefs", "const")

    def __init__(self, coefs: Mapping[int, float] | None = None, const: float = 0.0):
        self.coefs: dict[int, float] = dict(coefs or {})
        self.const = const

    def add(self, var: int, coef: float) -> _Lin:
        if coef:
            self.coefs[var] = self.coefs.get(var, 0.0) + coef
        return self

    def plus(self, other: _Lin, scale: float = 1.0) -> _Lin:
        for v, c in other.coefs.items():
            self.add(v, scale * c)
        self.const += scale * other.const
        return self


_Row = tuple[_Lin, float, float]  # lo <= expr <= hi


@dataclass
class _Result:
    status: str
    x: np.ndarray | None
    value: float | None
    bound: float | None


class _Programme:
    """Variables and constraints shared by every objective (see :func:`settle`, Notes)."""

    def __init__(self, case: Case, date: _dt.date, parties: tuple[str, ...], *, segments: bool):
        self.case, self.date, self.parties = case, date, parties
        chosen = set(parties)
        state = case.at(date)
        self.positions: list[Position] = [pos for (p, _), pos in state.items() if p in chosen]
        needed = {pos.issue for pos in self.positions} | {
            j for pos in self.positions for j, _ in pos.requires
        }
        self.issues: list[Issue] = [iss for iss in case.issues if iss.id in needed]
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.integer: list[int] = []
        self.rows: list[_Row] = []
        self.red_rows: dict[tuple[str, str], list[_Row]] = {}
        self.solves = 0

        # one outcome per issue
        self.atoms: dict[str, list[_Atom]] = {}
        self.y: dict[str, list[int]] = {}
        self.lam: dict[str, dict[int, int]] = {}
        for iss in self.issues:
            atoms = self._atoms(iss, segments)
            self.atoms[iss.id] = atoms
            self.y[iss.id] = [self.var(0, 1, True) for _ in atoms]
            self.rows.append((_Lin(dict.fromkeys(self.y[iss.id], 1.0)), 1.0, 1.0))
            self.lam[iss.id] = {}
            for k, a in enumerate(atoms):
                if a.segment:
                    lv = self.var(0, 1, False)
                    self.lam[iss.id][k] = lv
                    self.rows.append((_Lin({lv: 1.0, self.y[iss.id][k]: -1.0}), -math.inf, 0.0))

        # linkage conditions, costs, red lines
        self.cost: dict[tuple[str, str], _Lin] = {}
        self.cond: dict[tuple[str, str], int] = {}
        for pos in self.positions:
            key = (pos.party, pos.issue)
            issue = self.case.issue(pos.issue)
            d_acc = self.distance(issue, pos.acceptable)
            if not pos.requires:
                self.cost[key] = d_acc
                if pos.red_line:
                    ys, atoms = self.y[issue.id], self.atoms[issue.id]
                    outside = {
                        v: 1.0
                        for v, a in zip(ys, atoms, strict=True)
                        if not _inside(a, pos.acceptable)
                    }
                    self.red_rows[key] = [(_Lin(outside), -math.inf, 0.0)]
                continue
            c = self.var(0, 1, True)
            self.cond[key] = c
            members = []
            for j, s in pos.requires:
                m = _Lin(
                    {
                        v: 1.0
                        for v, a in zip(self.y[j], self.atoms[j], strict=True)
                        if _inside(a, s)
                    }
                )
                members.append(m)
                self.rows.append((_Lin({c: 1.0}).plus(m, -1.0), -math.inf, 0.0))  # c <= m_r
            total = _Lin({c: 1.0})
            for m in members:
                total.plus(m, -1.0)
            self.rows.append((total, -(len(members) - 1.0), math.inf))  # c >= Σ m_r − (|R| − 1)
            # epigraph: e >= D_A, e >= D_ideal − c (distances are at most 1)
            e = self.var(0, 1, False)
            d_ideal = self.distance(issue, _point(issue, pos.ideal))
            self.rows.append((_Lin(d_acc.coefs, d_acc.const).add(e, -1.0), -math.inf, 0.0))
            self.rows.append(
                (_Lin(d_ideal.coefs, d_ideal.const).add(e, -1.0).add(c, -1.0), -math.inf, 0.0)
            )
            self.cost[key] = _Lin({e: 1.0})
            if pos.red_line:
                ys, atoms = self.y[issue.id], self.atoms[issue.id]
                out_a = _Lin(
                    {
                        v: 1.0
                        for v, a in zip(ys, atoms, strict=True)
                        if not _inside(a, pos.acceptable)
                    }
                )
                not_ideal = _Lin(
                    {v: 1.0 for v, a in zip(ys, atoms, strict=True) if not _is(a, pos.ideal)}
                )
                self.red_rows[key] = [
                    (out_a.add(c, 1.0), -math.inf, 1.0),  # c = 1 ⇒ outcome in A
                    (not_ideal.add(c, -1.0), -math.inf, 0.0),  # c = 0 ⇒ outcome = ideal
                ]

    # -- building ------------------------------------------------------------
    def _atoms(self, issue: Issue, segments: bool) -> list[_Atom]:
        if not issue.is_interval:
            return [_Atom(option=o) for o in issue.option_ids]
        assert issue.min is not None and issue.max is not None
        points = {float(issue.min), float(issue.max)}
        for pos in self.positions:
            if pos.issue == issue.id:
                assert isinstance(pos.acceptable, Span)
                points |= {pos.acceptable.lo, pos.acceptable.hi, float(pos.ideal)}
            for j, s in pos.requires:
                if j == issue.id:
                    assert isinstance(s, Span)
                    points |= {s.lo, s.hi}
        xs = sorted(points)
        atoms: list[_Atom] = []
        for k, x in enumerate(xs):
            atoms.append(_Atom(lo=x, hi=x))
            if segments and k + 1 < len(xs):
                atoms.append(_Atom(lo=x, hi=xs[k + 1]))
        return atoms

    def var(self, lb: float, ub: float, integer: bool) -> int:
        self.lb.append(lb)
        self.ub.append(ub)
        self.integer.append(1 if integer else 0)
        return len(self.lb) - 1

    def distance(self, issue: Issue, s: Acceptable) -> _Lin:
        """The distance from the chosen outcome of ``issue`` to the set ``s``."""
        lin = _Lin()
        for k, (v, a) in enumerate(zip(self.y[issue.id], self.atoms[issue.id], strict=True)):
            cy, cl = _dist_coefs(issue, a, s)
            lin.add(v, cy)
            if cl:
                lin.add(self.lam[issue.id][k], cl)
        return lin

    def party_cost(self, party: str) -> _Lin:
        lin = _Lin()
        for pos in self.positions:
            if pos.party == party:
                lin.plus(self.cost[(party, pos.issue)], pos.salience)
        return lin

    def total_cost(self) -> _Lin:
        lin = _Lin()
        for pos in self.positions:
            lin.plus(self.cost[(pos.party, pos.issue)], pos.salience)
        return lin

    # -- solving -------------------------------------------------------------
    def solve(
        self,
        objective: _Lin,
        extra: Sequence[_Row] = (),
        *,
        red_lines: Iterable[tuple[str, str]] | None = None,
        fixed: Mapping[int, float] | None = None,
        maximize: bool = False,
    ) -> _Result:
        """Solve the MILP; ``red_lines`` limits the red-line constraints (default: all)."""
        keys = self.red_rows if red_lines is None else red_lines
        rows = [*self.rows, *(r for k in keys for r in self.red_rows[k]), *extra]
        n = len(self.lb)
        ri: list[int] = []
        ci: list[int] = []
        vals: list[float] = []
        lo: list[float] = []
        hi: list[float] = []
        for r, (lin, a, b) in enumerate(rows):
            for v, coef in lin.coefs.items():
                ri.append(r)
                ci.append(v)
                vals.append(coef)
            lo.append(a - lin.const)
            hi.append(b - lin.const)
        lb, ub = np.array(self.lb), np.array(self.ub)
        for v, x in (fixed or {}).items():
            lb[v] = ub[v] = x
        c = np.zeros(n)
        for v, k in objective.coefs.items():
            c[v] = -k if maximize else k
        constraints = []
        if rows:
            a_mat = coo_matrix((vals, (ri, ci)), shape=(len(rows), n)).tocsr()
            constraints = [LinearConstraint(a_mat, np.array(lo), np.array(hi))]
        self.solves += 1
        with warnings.catch_warnings():  # mip_abs_gap is passed to HiGHS verbatim
            warnings.filterwarnings("ignore", "Unrecognized options", RuntimeWarning)
            res = milp(
                c,
                integrality=np.array(self.integer),
                bounds=Bounds(lb, ub),
                constraints=constraints,
                options={"mip_rel_gap": 1e-10, "mip_abs_gap": 1e-12, "time_limit": _TIME_LIMIT},
            )
        if res.status == 2:
            return _Result("infeasible", None, None, None)
        if res.status != 0 or res.x is None:
            raise SolverError(f"the MILP solver stopped without a solution: {res.message}")
        sign = -1.0 if maximize else 1.0
        value = sign * float(res.fun) + objective.const
        bound = getattr(res, "mip_dual_bound", None)
        bound = (
            value
            if bound is None or not np.isfinite(bound)
            else sign * float(bound) + objective.const
        )
        return _Result("optimal", np.asarray(res.x), value, bound)

    def chosen(self, x: np.ndarray) -> dict[str, int]:
        """Issue id → index of the chosen atom."""
        return {i: int(np.argmax(x[ys])) for i, ys in self.y.items()}

    def polish_linear(
        self, x: np.ndarray, rows: Sequence[_Row], stages: Sequence[tuple[_Lin, bool]]
    ) -> np.ndarray:
        """Exact numbers on the chosen segments, after the tie-break.

        With every candidate fixed, solve the objective's stages again
        (``(expression, maximise?)``, each then held at its optimum) and finally
        minimise Σ λ (the lowest numbers), so the tolerance the tie-break allows
        does not leak into the numbers reported.
        """
        chosen = self.chosen(x)
        if not any(k in self.lam[i] for i, k in chosen.items()):
            return x
        fixed = {self.y[i][k]: 1.0 for i, k in chosen.items()}
        held: list[_Row] = list(rows)
        lams = _Lin({v: 1.0 for lam in self.lam.values() for v in lam.values()})
        for expr, up in [*stages, (lams, False)]:
            r = self.solve(expr, held, fixed=fixed, maximize=up)
            if r.x is None or r.value is None:
                break
            x = r.x
            slack = 1e-12 * max(1.0, abs(r.value))
            held.append(
                (expr, r.value - slack, math.inf) if up else (expr, -math.inf, r.value + slack)
            )
        return x

    def clean(self, x: np.ndarray) -> np.ndarray:
        """The solution with exact 0/1 choices and λ = 0 on segments not chosen."""
        x = np.array(x, dtype=float)
        for i, ys in self.y.items():
            k = int(np.argmax(x[ys]))
            x[ys] = 0.0
            x[ys[k]] = 1.0
            for j, lv in self.lam[i].items():
                x[lv] = min(1.0, max(0.0, x[lv])) if j == k else 0.0
        return x

    def package(self, x: np.ndarray) -> dict[str, Outcome]:
        """The package a solution encodes."""
        out: dict[str, Outcome] = {}
        for iss in self.issues:
            k = int(np.argmax(x[self.y[iss.id]]))
            a = self.atoms[iss.id][k]
            if a.option is not None:
                out[iss.id] = a.option
            elif not a.segment:
                out[iss.id] = a.lo
            else:
                lam = min(1.0, max(0.0, float(x[self.lam[iss.id][k]])))
                val = a.lo + lam * (a.hi - a.lo)
                snap = 1e-9 * iss.width  # solver noise
                if val - a.lo <= snap:
                    val = a.lo
                elif a.hi - val <= snap:
                    val = a.hi
                out[iss.id] = round(val, 9)
        return out

    def feasible(self, red_lines: Iterable[tuple[str, str]]) -> bool:
        return self.solve(_Lin(), red_lines=list(red_lines)).status == "optimal"

    def conflicting_red_lines(self) -> list[tuple[str, str]]:
        """An irreducible infeasible subset of the red lines (deletion filter)."""
        keep = list(self.red_rows)
        for key in list(keep):
            trial = [k for k in keep if k != key]
            if not self.feasible(trial):
                keep = trial
        return keep

    def lexicographic(
        self,
        rows: list[_Row],
        x: np.ndarray,
        refine: Callable[[np.ndarray], np.ndarray | None] | None = None,
    ) -> np.ndarray:
        """Among the solutions satisfying ``rows``, the first in the fixed order.

        Issue by issue in case order, choose the smallest candidate index
        still possible (the first option in the issue's order; the lowest
        number), then fix it. ``refine`` re-checks a candidate against the
        true objective and returns it (possibly improved) or ``None`` after
        tightening ``rows`` (Nash: the tangent cuts over-estimate).
        """
        fixed: dict[int, float] = {}
        for iss in self.issues:
            ys = self.y[iss.id]
            if self.chosen(x)[iss.id] > 0:
                order = _Lin({v: float(k) for k, v in enumerate(ys)})
                for _ in range(_MAX_CUT_ROUNDS):
                    res = self.solve(order, rows, fixed=fixed)
                    if res.x is None:
                        break
                    better = res.x if refine is None else refine(res.x)
                    if better is not None:
                        x = better
                        break
            fixed[ys[self.chosen(x)[iss.id]]] = 1.0
        return x


# ============================================================= evaluation


@dataclass
class _Eval:
    costs: dict[tuple[str, str], float]
    met: dict[tuple[str, str], bool]
    within: dict[tuple[str, str], bool]
    crossed: list[tuple[str, str]]


def _evaluate(prog: _Programme, package: Mapping[str, Outcome]) -> _Eval:
    """Costs of a package, straight from the definitions (not from the solver's variables)."""
    costs, met, within, crossed = {}, {}, {}, []
    for pos in prog.positions:
        key = (pos.party, pos.issue)
        issue = prog.case.issue(pos.issue)
        o = package[pos.issue]
        ok = all(package[j] in s for j, s in pos.requires)
        applies = pos.acceptable if ok else _point(issue, pos.ideal)
        met[key] = ok
        within[key] = o in applies
        costs[key] = pos.salience * issue.distance_to_set(o, applies)
        if pos.red_line and o not in applies:
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
        term = 0.0 if o is None else pos.salience * (1.0 - issue.distance(o, pos.ideal))
        num[pos.party] = num.get(pos.party, 0.0) + term
    return {p: num[p] / den[p] for p in prog.parties if den.get(p, 0.0) > 0}


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


# ================================================================= settle


def settle(
    case: Case,
    objective: str = "total",
    *,
    parties: Iterable[str] | None = None,
    at: Any = None,
) -> Settlement:
    """The best package of outcomes that crosses no red line, found exactly.

    Parameters
    ----------
    case : Case
    objective : {"total", "fair", "nash"}
        ``"total"``: minimise Σ_p cost_p. ``"fair"``: minimise max_p cost_p,
        then Σ_p cost_p among those packages. ``"nash"``: maximise the Nash
        product Π_p (U_p − d_p) of utility gains over the status quo.
    parties : iterable of str, optional
        Party ids to take into account (default: all). The other parties'
        positions are ignored, red lines included.
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``).

    Returns
    -------
    Settlement
        The package, each party's cost and concessions, and the proof of
        optimality (solver status, bound, gap); or, if the red lines collide,
        ``feasible=False`` with a minimal set of colliding red lines.

    Raises
    ------
    ValueError
        For an unknown objective.
    UnknownIdError
        For an unknown party id.
    SolverError
        If HiGHS stops without an answer (time limit of 60 s per MILP).

    Notes
    -----
    **Costs.** For party p and issue i, with salience s, acceptable set A,
    ideal e and ``requires`` conditions R = {(j, S_j)}::

        cost_p,i(o) = s · dist(o_i, A)   if o_j ∈ S_j for every (j, S_j) ∈ R
                    = s · dist(o_i, e)   otherwise.

    **Red lines** (the design is silent on linkage; this is the reading
    used): a red-line position requires o_i ∈ A when its conditions hold and
    o_i = e when they fail. Positions of parties not chosen are ignored.

    **Candidate outcomes.** Options on ordinal and nominal issues. On an
    interval issue, the breakpoints: the issue's min and max, every chosen
    party's acceptable-interval ends and ideal, and every ``requires``
    interval's ends on that issue. This is exact for ``total``: between
    consecutive breakpoints every cost is linear and every condition and red
    line constant; the cost is lower semicontinuous (a condition holds on a
    closed set and only ever lowers costs or loosens red lines) and the
    feasible set closed, so a cell's infimum is attained at one of its
    corners. For ``fair`` (a maximum of linear costs, which can bottom out
    where two parties' costs cross) and ``nash`` (a concave utility product)
    the optimum can lie inside a cell, so each open segment (b_k, b_k+1) is
    also a candidate with a continuous point b_k + λ (b_k+1 − b_k); costs and
    utilities are linear in λ inside it.

    **Integer programme.** Variables: y_i,a ∈ {0, 1} (candidate a chosen on
    issue i); λ_i,a ∈ [0, y_i,a] (segments: fair and nash); c_p,i ∈ {0, 1} (the
    conditions of a position with ``requires`` hold); e_p,i ∈ [0, 1] (its
    cost epigraph). Constraints::

        Σ_a y_i,a = 1                                  one outcome per issue
        c_p,i ≤ m_r,  c_p,i ≥ Σ_r m_r − (|R| − 1)      c = AND of m_r = Σ_{a ⊆ S_r} y_j,a
        e_p,i ≥ D_A,  e_p,i ≥ D_e − c_p,i               D_X = Σ_a dist(a, X) y_i,a (+ λ terms)
        Σ_{a ⊄ A} y_i,a ≤ 0                             red line without requires
        Σ_{a ⊄ A} y_i,a + c_p,i ≤ 1,  Σ_{a ≠ e} y_i,a ≤ c_p,i   red line with requires

    where a position without ``requires`` has cost D_A directly. Distances
    are linear in (y, λ) because every set's ends are breakpoints. The
    epigraph is exact when minimising cost: at an optimum e = max(D_A,
    D_e − c), which is D_A when c = 1 (distances are at most 1) and D_e ≥ D_A
    when c = 0.

    Objectives: ``total`` minimises Σ_p,i s_p,i · cost_p,i. ``fair`` solves
    min z s.t. z ≥ Σ_i s_p,i · cost_p,i for every p, then the least total
    s.t. every party cost ≤ z* + tol.

    ``nash``: U_p = Σ_i s_p,i (1 − dist(o_i, e_p,i)) / Σ_i s_p,i over the
    issues where p has a position; d_p is U_p of the status-quo package, an
    issue without ``status_quo`` contributing 0 to the numerator (as if the
    status quo were as far as possible from every ideal). Parties whose
    saliences sum to 0 have no utility and take no part in the product. The
    gains g_p = U_p − d_p are linear in (y, λ). First max t s.t. t ≤ g_p for
    all p (the largest smallest gain m*). If m* ≤ 1e-9 no package improves
    on the status quo for every party and the Nash product is 0 for every
    package: the package with the largest smallest gain, then the largest
    sum of gains, is returned with status ``"degenerate"``. Otherwise
    F = Σ_p log g_p, concave, is maximised by **outer approximation**:
    φ_p ≤ log a + (g_p − a)/a (tangents, which lie above the concave log)
    at points a, and g_p ≥ L_p = exp(F_inc − Σ_{q≠p} log(1 − d_q)), which
    every package at least as good as the incumbent F_inc satisfies. Each
    round solves the MILP max Σ φ_p (HiGHS's dual bound bounds F from
    above), moves the numbers of the package found to the best point of its
    cell (with the candidates fixed F is a smooth concave function of λ on
    [0, 1]^m: projected Newton steps), evaluates the true F there (a bound
    from below) and adds tangents at that point. By the KKT conditions the
    tangents at a cell's maximiser make the MILP's bound on that cell exact,
    so every round closes the cell it visits and the method stops after
    finitely many rounds, when the bound gap on F is below 1e-7 (a relative
    gap of 1e-7 on the Nash product). The log is only ever evaluated at
    positive gains.

    **Ties** are broken by a fixed order, so the same input gives the same
    package: among packages within the tolerance of the optimum (1e-7 on
    costs and gains; 1e-6 on F for nash), issue by issue in the case's
    order, the first option in the issue's order (on interval issues, the
    lowest number) — one MILP per issue whose choice is not already the first
    possible. Then, with the candidates fixed, the objective's stages are
    solved again without that slack and Σ λ minimised, so the numbers
    reported are exact vertices (nash: the cell's maximiser).

    **Infeasibility.** If no package respects every red line, the red lines
    are passed through a deletion filter: in case order (party, then issue),
    drop a red line if the others still admit no package. What remains is
    an irreducible infeasible set: removing any one of them makes a package
    possible. It is minimal (irreducible), not necessarily the smallest.

    **Complexity.** Binary variables: Σ_i (number of candidates of i) plus
    one per position with ``requires``; a few rows per position. The MILP is
    NP-hard in general (it contains minimum-cost constraint satisfaction
    with linkage), but hand-written cases (tens of parties and issues, a
    handful of options each) solve in milliseconds by branch-and-bound. The
    tie-break adds at most one MILP per issue, ``fair`` one more, ``nash``
    one per approximation round, and the deletion filter one per red line.

    Examples
    --------
    >>> from engine import load_case
    >>> case = load_case("tests/cases/tiny")
    >>> s = settle(case)
    >>> s.status, dict(s.outcomes)
    ('optimal', {'ord': 'o4', 'nom': 'x', 'num': 40.0})
    >>> abs(s.total_cost - (0.8 * 1 / 4 + 0.2 * 1 + 0.2 * 10 / 100)) < 1e-12
    True
    >>> print(s.concessions[0].describe(case))
    Party A accepts Four instead of One on Ordinal issue (cost 0.20)
    >>> settle(case, "fair").max_cost <= s.max_cost
    True

    Party C cannot gain on the status quo while B's red line holds, so the
    Nash product is 0 for every package; between A and B alone it is not:

    >>> settle(case, "nash").status
    'degenerate'
    >>> n = settle(case, "nash", parties=["a", "b"])
    >>> n.status, n.gap < 1e-9
    ('optimal', True)

    The shipped case (numbers depend on its data):

    >>> uk = settle(load_case("ukraine-russia"))
    >>> uk.feasible in (True, False) and (uk.feasible or len(uk.conflicting_red_lines) >= 2)
    True
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"unknown objective '{objective}'; allowed: {', '.join(OBJECTIVES)}")
    date = case.as_of if at is None else as_date(at, "at")
    chosen = case.resolve_parties(parties)
    prog = _Programme(case, date, chosen, segments=objective != "total")
    if not prog.positions:
        note = "No chosen party has a position on this date: there is nothing to settle."
        status = "degenerate" if objective == "nash" else "optimal"
        return _result(prog, objective, {}, bound=0.0, status=status, value=0.0, note=note)
    if objective == "nash":
        return _settle_nash(prog)
    return _settle_cost(prog, objective)


def _infeasible(prog: _Programme, objective: str) -> Settlement:
    keys = prog.conflicting_red_lines()
    others = [k for k in prog.red_rows if k not in keys]
    more = bool(others) and not prog.feasible(others)
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


def _settle_cost(prog: _Programme, objective: str) -> Settlement:
    total = prog.total_cost()
    if objective == "total":
        res = prog.solve(total)
        if res.x is None:
            return _infeasible(prog, objective)
        x = res.x
        best = _evaluate(prog, prog.package(res.x))
        opt = sum(best.costs.values())
        rows: list[_Row] = [(total, -math.inf, opt + COST_TOLERANCE)]
        bound = res.bound
    else:
        z = prog.var(0, math.inf, False)
        zrows: list[_Row] = [
            (prog.party_cost(p).add(z, -1.0), -math.inf, 0.0) for p in prog.parties
        ]
        res = prog.solve(_Lin({z: 1.0}), zrows)
        if res.x is None:
            return _infeasible(prog, objective)
        first = _evaluate(prog, prog.package(res.x))
        zstar = max(_party_costs(prog, first.costs).values(), default=0.0)
        bound = res.bound
        rows = [(prog.party_cost(p), -math.inf, zstar + COST_TOLERANCE) for p in prog.parties]
        res2 = prog.solve(total, rows)
        assert res2.x is not None
        x = res2.x
        second = _evaluate(prog, prog.package(x))
        rows.append((total, -math.inf, sum(second.costs.values()) + COST_TOLERANCE))
        x = prog.lexicographic(rows, x)
        x = prog.polish_linear(x, zrows, [(_Lin({z: 1.0}), False), (total, False)])
        return _result(prog, objective, prog.package(x), bound=bound, status="optimal")
    x = prog.lexicographic(rows, x)
    return _result(prog, objective, prog.package(x), bound=bound, status="optimal")


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
) -> Settlement:
    ev = _evaluate(prog, package)
    if ev.crossed:  # cannot happen: the programme forbids it
        raise SolverError(f"internal error: the package crosses red lines {ev.crossed}")
    pcost = _party_costs(prog, ev.costs)
    total = float(sum(ev.costs.values()))
    max_cost = max(pcost.values(), default=0.0)
    if value is None:
        value = total if objective == "total" else max_cost
    gap = None if bound is None else abs(value - bound)
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
        concessions=tuple(concessions),
        bound=None if bound is None else float(bound),
        gap=None if gap is None else float(gap),
        tolerance=tolerance,
        solves=prog.solves,
        note=note,
    )


def _settle_nash(prog: _Programme) -> Settlement:
    d = _utilities(prog, None)
    members = list(d)  # parties with a positive total salience
    sal: dict[str, float] = {}
    for pos in prog.positions:
        sal[pos.party] = sal.get(pos.party, 0.0) + pos.salience
    gain: dict[str, _Lin] = {}
    for p in members:
        g = _Lin(const=-d[p])
        for pos in prog.positions:
            if pos.party == p:
                w = pos.salience / sal[p]
                issue = prog.case.issue(pos.issue)
                g.const += w
                g.plus(prog.distance(issue, _point(issue, pos.ideal)), -w)
        gain[p] = g

    def true_gains(x: np.ndarray) -> dict[str, float]:
        u = _utilities(prog, prog.package(x))
        return {p: u[p] - d[p] for p in members}

    # phase 1: the largest smallest gain m* (linear in (y, λ): exact)
    t = prog.var(-2.0, 2.0, False)
    trows: list[_Row] = [(_Lin({t: 1.0}).plus(gain[p], -1.0), -math.inf, 0.0) for p in members]
    res = prog.solve(_Lin({t: 1.0}), trows, maximize=True)
    if res.x is None:
        return _infeasible(prog, "nash")
    x0 = res.x
    gains0 = true_gains(x0)
    mstar = min(gains0.values(), default=0.0)
    if not members or mstar <= GAIN_EPS:
        # then the largest sum of gains among those packages, then the tie order
        total_gain = _Lin()
        for p in members:
            total_gain.plus(gain[p])
        drows = [*trows, (_Lin({t: 1.0}), mstar - COST_TOLERANCE, math.inf)]
        res = prog.solve(total_gain, drows, maximize=True)
        assert res.x is not None
        best_sum = sum(true_gains(res.x).values())
        drows.append((total_gain, best_sum - COST_TOLERANCE, math.inf))
        x = prog.lexicographic(drows, res.x)
        x = prog.polish_linear(x, trows, [(_Lin({t: 1.0}), True), (total_gain, True)])
        note = (
            "No package gives every party a gain over the status quo, so the Nash product is 0 "
            "for every package; shown instead: the package maximising the smallest gain "
            f"({mstar:.6g}), then the sum of gains."
        )
        if not members:
            note = "No chosen party has a positive salience: there is no utility to bargain over."
        return _result(
            prog, "nash", prog.package(x), bound=0.0, status="degenerate", value=0.0, note=note
        )

    # phase 2: outer approximation of F = Σ_p log g_p
    upper = {p: 1.0 - d[p] for p in members}  # U_p <= 1
    x_inc = _polish(prog, members, gain, x0)
    f_inc = _log_product(true_gains(x_inc))
    low = {
        p: math.exp(f_inc - sum(math.log(upper[q]) for q in members if q != p)) for p in members
    }
    phi = {p: prog.var(-math.inf, math.log(upper[p]), False) for p in members}
    rows: list[_Row] = [(gain[p], low[p] * (1 - 1e-9), math.inf) for p in members]
    cut_at: dict[str, list[float]] = {p: [] for p in members}

    def add_cut(p: str, a: float) -> None:
        a = max(a, low[p] * (1 - 1e-9))
        if any(abs(a - b) <= 1e-12 * max(1.0, b) for b in cut_at[p]):
            return
        cut_at[p].append(a)
        # φ_p ≤ log a + (g_p − a)/a, written φ_p − g_p/a ≤ log a − 1
        rows.append((_Lin({phi[p]: 1.0}).plus(gain[p], -1.0 / a), -math.inf, math.log(a) - 1.0))

    def close_cell(x: np.ndarray) -> float:
        """Tangents at the best point of the solution's cell; returns F there."""
        g = true_gains(x)
        for p in members:
            if g[p] > 0:
                add_cut(p, g[p])
        return _log_product(g)

    for p in members:
        for a in (low[p], math.sqrt(low[p] * upper[p]), upper[p]):
            add_cut(p, a)
    close_cell(x_inc)
    objective = _Lin({phi[p]: 1.0 for p in members})
    ub = math.inf
    status = "gap"
    for _ in range(_MAX_CUT_ROUNDS):
        res = prog.solve(objective, rows, maximize=True)
        assert res.x is not None and res.bound is not None
        ub = min(ub, res.bound)
        x = _polish(prog, members, gain, res.x)
        f = close_cell(x)
        if f > f_inc:
            f_inc, x_inc = f, x
        if ub - f_inc <= NASH_GAP:
            status = "optimal"
            break

    # ties: the first package in the fixed order among those within NASH_TIE of the best
    target = f_inc - NASH_TIE
    tie_rows: list[_Row] = [*rows, (objective, target, math.inf)]

    def refine(x: np.ndarray) -> np.ndarray | None:
        x = _polish(prog, members, gain, x)
        if close_cell(x) >= target:
            return x
        tie_rows[:] = [*rows, (objective, target, math.inf)]
        return None

    x = prog.lexicographic(tie_rows, x_inc, refine)
    x = _polish(prog, members, gain, x)
    value = math.exp(_log_product(true_gains(x)))
    return _result(
        prog,
        "nash",
        prog.package(x),
        bound=math.exp(ub),
        status=status,
        value=value,
        tolerance=NASH_TIE,
    )


def _log_product(g: Mapping[str, float]) -> float:
    return float(sum(math.log(v) for v in g.values())) if g and min(g.values()) > 0 else -math.inf


def _polish(
    prog: _Programme, members: Sequence[str], gain: Mapping[str, _Lin], x: np.ndarray
) -> np.ndarray:
    """The best point of the solution's cell: maximise Σ log g_p over its segments' λ.

    With the candidates fixed, g_p = a_p + B_p·λ is affine and F = Σ log g_p
    concave; projected Newton steps with backtracking on the box [0, 1]^m
    find its maximum to machine precision. A λ that moves no gain is set to 0
    (the lowest number, as in the tie rule). Tangents at this point make the
    MILP's bound on the cell exact (by the KKT conditions the linearisation
    of F at the cell's maximiser is maximised there), so each approximation
    round closes the cell it visits and the method ends after finitely many.
    """
    x = prog.clean(x)
    chosen = prog.chosen(x)
    lv = [prog.lam[i][k] for i, k in chosen.items() if k in prog.lam[i]]
    if not lv:
        return x
    col = {v: n for n, v in enumerate(lv)}
    a = np.zeros(len(members))
    b = np.zeros((len(members), len(lv)))
    for r, p in enumerate(members):
        a[r] = gain[p].const
        for v, c in gain[p].coefs.items():
            if v in col:
                b[r, col[v]] += c
            else:
                a[r] += c * x[v]
    lam = np.clip(x[lv], 0.0, 1.0)
    moves = np.abs(b).sum(axis=0) > 0
    lam[~moves] = 0.0

    def f(z: np.ndarray) -> float:
        g = a + b @ z
        return float(np.sum(np.log(g))) if np.all(g > 0) else -math.inf

    if not np.isfinite(f(lam)):
        return x
    for _ in range(100):
        g = a + b @ lam
        grad = b.T @ (1.0 / g)
        hess = (b.T * (1.0 / g**2)) @ b  # minus the Hessian: positive semidefinite
        bound = ((lam <= 0) & (grad < 0)) | ((lam >= 1) & (grad > 0)) | ~moves
        free = ~bound
        if not free.any() or np.max(np.abs(grad[free])) <= 1e-13:
            break
        step = np.zeros_like(lam)
        hf = hess[np.ix_(free, free)] + 1e-12 * np.eye(int(free.sum()))
        step[free] = np.linalg.solve(hf, grad[free])
        f0, t, moved = f(lam), 1.0, False
        for _ in range(60):
            new = np.clip(lam + t * step, 0.0, 1.0)
            if f(new) >= f0 + 1e-4 * float(grad @ (new - lam)) and f(new) > -math.inf:
                moved = not np.array_equal(new, lam)
                lam = new
                break
            t /= 2
        if not moved:
            break
    lam[lam < 1e-12] = 0.0
    lam[lam > 1 - 1e-12] = 1.0
    x = x.copy()
    x[lv] = lam
    return x


# ======================================================= ranking concessions


def _steps(issue: Issue, pos: Position, others: Sequence[Position]) -> list[tuple[str, Outcome]]:
    """The one-step widenings of a position: (direction, outcome added)."""
    acc = pos.acceptable
    if isinstance(acc, Span):
        ends = {x for q in others for x in (q.acceptable.lo, q.acceptable.hi)}  # type: ignore[union-attr]
        out: list[tuple[str, Outcome]] = []
        below = [x for x in ends if x < acc.lo]
        above = [x for x in ends if x > acc.hi]
        if below:
            out.append(("lower", max(below)))
        if above:
            out.append(("higher", min(above)))
        return out
    if issue.scale == "nominal":
        return [("add", o) for o in issue.option_ids if o not in acc]
    ids, k = issue.option_ids, issue.index(str(pos.ideal))
    out = []
    j = k
    while j >= 0 and ids[j] in acc:
        j -= 1
    if j >= 0:
        out.append(("lower", ids[j]))
    j = k
    while j < len(ids) and ids[j] in acc:
        j += 1
    if j < len(ids):
        out.append(("higher", ids[j]))
    return out


def rank_concessions(
    case: Case, *, at: Any = None, parties: Iterable[str] | None = None
) -> pd.DataFrame:
    """Every single one-step concession, ranked by how much it lowers the total conflict.

    A concession is one party widening one of its acceptable sets by one
    step; it is applied with :func:`engine.apply` to a new case (the input is
    never changed) and the total conflict (:func:`engine.analysis.measures.total_conflict`)
    and agreement zones (:func:`engine.analysis.measures.agreement_zones`) recomputed.

    Parameters
    ----------
    case : Case
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``).
    parties : iterable of str, optional
        Party ids to include (default: all): only their positions are
        widened, and conflict and zones are measured among them.

    Returns
    -------
    DataFrame
        One row per concession, best first, indexed by rank (1, 2, …), with
        columns ``party``, ``issue``, ``direction`` (``lower``/``higher``
        along an ordinal or interval scale, ``add`` on nominal scales),
        ``added`` (readable), ``added_id`` (option id or number),
        ``red_line`` (the widened position is a red line),
        ``conflict_before``, ``conflict_after``, ``reduction``
        (before − after), ``opens_zone`` and ``cost``.

    Notes
    -----
    Steps, for a position with ideal e and acceptable set A:

    - **ordinal**: the option just below and the option just above the run
      of consecutive acceptable options that contains the ideal (one row per
      direction). For a contiguous set these are the adjacent options just
      outside it; for a set with holes, the step nearest the ideal fills the
      hole next to the ideal's run first (the party moves outward from its
      ideal one option at a time).
    - **nominal**: each option not yet acceptable, one row each.
    - **interval**: the lower bound moves down to the nearest endpoint of
      another chosen party's acceptable interval below it, the upper bound up
      to the nearest one above it (the next breakpoint). A side with no such
      endpoint has no step: widening there cannot meet any party.

    ``cost`` = s_p,i × dist(added, A): the salience times the distance the
    acceptable set is stretched (``1/(k − 1)`` on ordinal scales; the
    distance to the nearest acceptable option on nominal ones; the length
    added over ``max − min`` on interval ones).

    ``reduction`` = T(before) − T(after), T the total conflict
    ``Σ_i Σ_{p<q} gap_i(p, q) (s_p,i + s_q,i) / 2``. ``opens_zone`` is true
    when the issue's agreement zone among the chosen parties goes from empty
    to non-empty. Ranked by reduction (largest first), then cost (smallest
    first), then the case's party, issue and option order.

    Complexity: one application and one evaluation of the measures per step,
    O(n · m · k) steps for n parties, m issues, k options.

    Examples
    --------
    >>> from engine import load_case
    >>> case = load_case("tests/cases/tiny")
    >>> r = rank_concessions(case)
    >>> r.loc[1, ["party", "issue", "added"]].tolist(), bool(r.loc[1, "opens_zone"])
    (['b', 'nom', 'X'], True)
    >>> bool((r["conflict_after"] <= r["conflict_before"] + 1e-12).all())
    True
    """
    date = case.as_of if at is None else as_date(at, "at")
    chosen = case.resolve_parties(parties)
    state = case.at(date)
    before = float(total_conflict(case, at=date, parties=chosen))
    zones = agreement_zones(case, at=date, parties=chosen)
    sel = set(chosen)
    rows: list[dict[str, Any]] = []
    order: list[tuple[Any, ...]] = []
    issue_pos = {iid: n for n, iid in enumerate(case.issue_ids)}
    party_pos = {pid: n for n, pid in enumerate(case.party_ids)}
    for (pid, iid), pos in state.items():
        if pid not in sel:
            continue
        issue = case.issue(iid)
        others = [q for (p2, i2), q in state.items() if i2 == iid and p2 != pid and p2 in sel]
        for step_no, (direction, added) in enumerate(_steps(issue, pos, others)):
            add: Acceptable = _point(issue, added)
            change = Change("position", party=pid, issue=iid, add=add, origin=f"rank {pid}:{iid}")
            new = apply(
                case, scenario_from_changes([change], title=f"{pid} widens {iid}"), at=date
            )
            after = float(total_conflict(new, at=date, parties=chosen))
            opens = bool(zones.loc[iid, "empty"]) and not bool(
                agreement_zones(new, at=date, parties=chosen).loc[iid, "empty"]
            )
            reduction = before - after
            cost = pos.salience * issue.distance_to_set(added, pos.acceptable)
            rows.append(
                {
                    "party": pid,
                    "issue": iid,
                    "direction": direction,
                    "added": issue.label(added),
                    "added_id": added,
                    "red_line": pos.red_line,
                    "conflict_before": before,
                    "conflict_after": after,
                    "reduction": reduction,
                    "opens_zone": opens,
                    "cost": cost,
                }
            )
            order.append(
                (-round(reduction, 12), round(cost, 12), party_pos[pid], issue_pos[iid], step_no)
            )
    columns = [
        "party", "issue", "direction", "added", "added_id", "red_line",
        "conflict_before", "conflict_after", "reduction", "opens_zone", "cost",
    ]  # fmt: skip
    ranked = [rows[k] for k in sorted(range(len(rows)), key=lambda k: order[k])]
    df = pd.DataFrame(ranked, columns=columns)
    df.index = pd.RangeIndex(1, len(df) + 1, name="rank")
    return df.astype(
        {
            "red_line": bool,
            "opens_zone": bool,
            "conflict_before": float,
            "conflict_after": float,
            "reduction": float,
            "cost": float,
        }
    )
