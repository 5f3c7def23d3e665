"""The integer programme of the settlement search: candidate outcomes, variables, rows, a solve.

:func:`_programme` builds, for the chosen parties' positions on a date, the
variables and constraints shared by every objective of
:func:`engine.solve.settlement.settle` (its Notes give the formulation):
one outcome per issue, the linkage conditions, the cost of each position and
the red-line rows, kept apart so the red lines can be switched on and off
(:mod:`engine.solve.redlines`). :meth:`_Programme.solve` runs one MILP with
HiGHS (``scipy.optimize.milp``).
"""

from __future__ import annotations

import datetime as _dt
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.model.case import Acceptable, Case, Issue, OptionSet, Outcome, Position, Span
from engine.model.errors import ZopaError
from engine.model.values import value_breakpoints, value_of

if TYPE_CHECKING:
    from scipy.optimize import Bounds, LinearConstraint

_TIME_LIMIT = 60.0
_SOLVER = "HiGHS branch-and-bound (scipy.optimize.milp)"


class SolverError(ZopaError):
    """The solver stopped without an answer (time limit, numerical trouble)."""


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


def _within(s: Acceptable) -> Callable[[_Atom], bool]:
    """The test "is the atom inside ``s``?" as a function of the atom."""
    return lambda atom: _inside(atom, s)


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


@dataclass(eq=False)
class _Programme:
    """Variables and constraints shared by every objective (see :func:`engine.solve.settlement.settle`, Notes).

    Built by :func:`_programme`. ``lb``, ``ub`` and ``integer`` describe the
    variables (by index); ``y[i]`` holds the binary of each candidate
    ``atoms[i]`` of issue ``i``, ``lam[i]`` the λ of its segments (by
    candidate index); ``cost`` the linear cost of each (party, issue)
    position; ``red_rows`` the rows of each red line.
    """

    case: Case
    date: _dt.date
    parties: tuple[str, ...]
    positions: list[Position]
    issues: list[Issue]
    lb: list[float] = field(default_factory=list)
    ub: list[float] = field(default_factory=list)
    integer: list[int] = field(default_factory=list)
    rows: list[_Row] = field(default_factory=list)
    red_rows: dict[tuple[str, str], list[_Row]] = field(default_factory=dict)
    atoms: dict[str, list[_Atom]] = field(default_factory=dict)
    y: dict[str, list[int]] = field(default_factory=dict)
    lam: dict[str, dict[int, int]] = field(default_factory=dict)
    cost: dict[tuple[str, str], _Lin] = field(default_factory=dict)
    solves: int = 0

    def var(self, lb: float, ub: float, integer: bool) -> int:
        """A new variable with bounds ``[lb, ub]``; its index."""
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

    def candidates_where(self, issue_id: str, keep: Callable[[_Atom], bool]) -> _Lin:
        """Σ y over the candidates of an issue that ``keep`` selects (1 when one is chosen)."""
        pairs = zip(self.y[issue_id], self.atoms[issue_id], strict=True)
        return _Lin({v: 1.0 for v, a in pairs if keep(a)})

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
        lb, ub = np.array(self.lb), np.array(self.ub)
        for v, x in (fixed or {}).items():
            lb[v] = ub[v] = x
        c = np.zeros(n)
        for v, k in objective.coefs.items():
            c[v] = -k if maximize else k
        constraints = _constraints(rows, n)
        self.solves += 1
        from scipy.optimize import Bounds  # scipy on first solve: a report imports it on a thread

        res = _milp(c, np.array(self.integer), Bounds(lb, ub), constraints)
        return _read(res, objective.const, maximize)

    def chosen(self, x: np.ndarray) -> dict[str, int]:
        """Issue id → index of the chosen atom."""
        return {i: int(np.argmax(x[ys])) for i, ys in self.y.items()}

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
                out[iss.id] = _segment_point(iss, a, lam)
        return out


def _segment_point(issue: Issue, a: _Atom, lam: float) -> float:
    """The number ``lo + λ (hi − lo)`` of a segment, snapped to its ends within solver noise."""
    val = a.lo + lam * (a.hi - a.lo)
    snap = 1e-9 * issue.width  # solver noise
    if val - a.lo <= snap:
        val = a.lo
    elif a.hi - val <= snap:
        val = a.hi
    return round(val, 9)


# ------------------------------------------------------------------ building


def _programme(
    case: Case, date: _dt.date, parties: tuple[str, ...], *, segments: bool
) -> _Programme:
    """The programme for the chosen parties' positions on a date (see :func:`engine.solve.settlement.settle`, Notes).

    ``segments``: also offer the open segments between interval breakpoints
    (objectives whose optimum can lie inside a cell).
    """
    chosen = set(parties)
    state = case.at(date)
    positions = [pos for (p, _), pos in state.items() if p in chosen]
    needed = {pos.issue for pos in positions} | {j for pos in positions for j, _ in pos.requires}
    issues = [iss for iss in case.issues if iss.id in needed]
    prog = _Programme(case, date, parties, positions, issues)
    for iss in issues:
        _add_outcome_choice(prog, iss, _atoms(iss, positions, segments))
    for pos in positions:
        if pos.requires:
            _add_linked_position(prog, pos)
        else:
            _add_plain_position(prog, pos)
    return prog


def _atoms(issue: Issue, positions: Sequence[Position], segments: bool) -> list[_Atom]:
    """The candidate outcomes of an issue: its options, or the breakpoints (and segments)."""
    if not issue.is_interval:
        return [_Atom(option=o) for o in issue.option_ids]
    assert issue.min is not None and issue.max is not None
    points = {float(issue.min), float(issue.max)}
    for pos in positions:
        if pos.issue == issue.id:
            assert isinstance(pos.acceptable, Span)
            points |= {pos.acceptable.lo, pos.acceptable.hi, float(pos.ideal)}
            points |= set(value_breakpoints(pos.values))
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


def _add_outcome_choice(prog: _Programme, issue: Issue, atoms: list[_Atom]) -> None:
    """One outcome per issue: Σ_a y_i,a = 1, and λ_i,a ≤ y_i,a on each segment."""
    prog.atoms[issue.id] = atoms
    ys = prog.y[issue.id] = [prog.var(0, 1, True) for _ in atoms]
    prog.rows.append((_Lin(dict.fromkeys(ys, 1.0)), 1.0, 1.0))
    prog.lam[issue.id] = {}
    for k, a in enumerate(atoms):
        if a.segment:
            lv = prog.var(0, 1, False)
            prog.lam[issue.id][k] = lv
            prog.rows.append((_Lin({lv: 1.0, ys[k]: -1.0}), -math.inf, 0.0))


def _position_cost(prog: _Programme, pos: Position, target: Acceptable) -> _Lin:
    """A position's cost of the chosen outcome per unit of salience, linear in (y, λ).

    Without ``values``: ``dist(o, target)`` (``target`` is the acceptable set,
    or the ideal alone when the ``requires`` conditions fail). With values:
    ``1 − v(o)`` whatever the target (the values already grade every
    outcome). Linear on segments because every values point is a breakpoint.
    """
    issue = prog.case.issue(pos.issue)
    if not pos.values:
        return prog.distance(issue, target)
    lin = _Lin()
    for k, (var, atom) in enumerate(zip(prog.y[issue.id], prog.atoms[issue.id], strict=True)):
        at = atom.option if atom.option is not None else atom.lo
        loss = 1.0 - float(value_of(issue, pos.values, at))
        lin.add(var, loss)
        if atom.segment:
            slope = float(
                value_of(issue, pos.values, atom.lo) - value_of(issue, pos.values, atom.hi)
            )
            lin.add(prog.lam[issue.id][k], slope)
    return lin


def _add_plain_position(prog: _Programme, pos: Position) -> None:
    """A position without ``requires``: cost D_A; a red line forbids every candidate outside A."""
    key = (pos.party, pos.issue)
    prog.cost[key] = _position_cost(prog, pos, pos.acceptable)
    if pos.red_line:
        outside = prog.candidates_where(pos.issue, lambda a: not _inside(a, pos.acceptable))
        prog.red_rows[key] = [(outside, -math.inf, 0.0)]


def _add_linked_position(prog: _Programme, pos: Position) -> None:
    """A position with ``requires``: condition c = AND of its conditions, cost epigraph e."""
    key = (pos.party, pos.issue)
    issue = prog.case.issue(pos.issue)
    d_acc = _position_cost(prog, pos, pos.acceptable)
    c = prog.var(0, 1, True)
    _add_condition(prog, pos, c)
    # epigraph: e >= D_A, e >= D_ideal − c (distances are at most 1)
    e = prog.var(0, 1, False)
    d_ideal = _position_cost(prog, pos, _point(issue, pos.ideal))
    prog.rows.append((_Lin(d_acc.coefs, d_acc.const).add(e, -1.0), -math.inf, 0.0))
    prog.rows.append(
        (_Lin(d_ideal.coefs, d_ideal.const).add(e, -1.0).add(c, -1.0), -math.inf, 0.0)
    )
    prog.cost[key] = _Lin({e: 1.0})
    if pos.red_line:
        out_a = prog.candidates_where(pos.issue, lambda a: not _inside(a, pos.acceptable))
        not_ideal = prog.candidates_where(pos.issue, lambda a: not _is(a, pos.ideal))
        prog.red_rows[key] = [
            (out_a.add(c, 1.0), -math.inf, 1.0),  # c = 1 ⇒ outcome in A
            (not_ideal.add(c, -1.0), -math.inf, 0.0),  # c = 0 ⇒ outcome = ideal
        ]


def _add_condition(prog: _Programme, pos: Position, c: int) -> None:
    """c ≤ m_r for each condition r and c ≥ Σ_r m_r − (|R| − 1): c is their AND."""
    members = []
    for j, s in pos.requires:
        m = prog.candidates_where(j, _within(s))
        members.append(m)
        prog.rows.append((_Lin({c: 1.0}).plus(m, -1.0), -math.inf, 0.0))  # c <= m_r
    total = _Lin({c: 1.0})
    for m in members:
        total.plus(m, -1.0)
    prog.rows.append((total, -(len(members) - 1.0), math.inf))  # c >= Σ m_r − (|R| − 1)


# ------------------------------------------------------------------- solving


def _constraints(rows: Sequence[_Row], n: int) -> list[LinearConstraint]:
    """The rows ``lo ≤ expr ≤ hi`` over ``n`` variables as one sparse constraint."""
    if not rows:
        return []
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
    from scipy.optimize import LinearConstraint
    from scipy.sparse import coo_matrix

    a_mat = coo_matrix((vals, (ri, ci)), shape=(len(rows), n)).tocsr()
    return [LinearConstraint(a_mat, np.array(lo), np.array(hi))]


def _milp(
    c: np.ndarray, integrality: np.ndarray, bounds: Bounds, constraints: list[LinearConstraint]
) -> Any:
    """HiGHS on the programme, with the gaps and time limit of the settlement search."""
    from scipy.optimize import milp

    with warnings.catch_warnings():  # mip_abs_gap is passed to HiGHS verbatim
        warnings.filterwarnings("ignore", "Unrecognized options", RuntimeWarning)
        return milp(
            c,
            integrality=integrality,
            bounds=bounds,
            constraints=constraints,
            options={"mip_rel_gap": 1e-10, "mip_abs_gap": 1e-12, "time_limit": _TIME_LIMIT},
        )


def _read(res: Any, const: float, maximize: bool) -> _Result:
    """The solver's answer in the objective's own sign, with its constant and best bound."""
    if res.status == 2:
        return _Result("infeasible", None, None, None)
    if res.status != 0 or res.x is None:
        raise SolverError(f"the MILP solver stopped without a solution: {res.message}")
    sign = -1.0 if maximize else 1.0
    value = sign * float(res.fun) + const
    bound = getattr(res, "mip_dual_bound", None)
    bound = value if bound is None or not np.isfinite(bound) else sign * float(bound) + const
    return _Result("optimal", np.asarray(res.x), value, bound)
