"""The position model: immutable cases, parties, issues, positions, scenarios.

Everything here is a frozen dataclass. Analyses never mutate a case; what-if
analysis returns a new one (:func:`engine.apply`).

A party's **position** on an issue has an ideal outcome, an acceptable set
that contains it, a salience in [0, 1], a red-line flag and optional linkage
(``requires``). Outcomes on ``ordinal`` and ``nominal`` scales are option ids;
on ``interval`` scales they are numbers. Acceptable sets are
:class:`OptionSet` (a set of option ids) or :class:`Span` (a closed numeric
interval).
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np

from engine.model.errors import CaseError, Problem, UnknownIdError

if TYPE_CHECKING:
    from engine.model.bonus import Bonus

__all__ = [
    "CONFIDENCES",
    "PRINCIPAL_ROLES",
    "ROLES",
    "SCALES",
    "Acceptable",
    "Case",
    "Change",
    "Issue",
    "Option",
    "OptionSet",
    "Outcome",
    "Party",
    "Position",
    "Scenario",
    "Snapshot",
    "Source",
    "Span",
    "Statement",
    "as_date",
]

ROLES = ("belligerent", "mediator", "guarantor", "supporter", "observer", "negotiator")
#: The roles of the parties whose consent a settlement needs (see :meth:`Case.negotiators`).
PRINCIPAL_ROLES = ("belligerent", "negotiator")
SCALES = ("ordinal", "nominal", "interval")
CONFIDENCES = ("official", "reported", "inferred")

Scale = Literal["ordinal", "nominal", "interval"]
Outcome: TypeAlias = "str | float"


def as_date(value: Any, what: str = "date") -> _dt.date:
    """Turn a date, datetime or ISO ``YYYY-MM-DD`` string into a date.

    Raises
    ------
    CaseError
        When the value is not a date, naming ``what`` and the allowed form.

    Examples
    --------
    >>> as_date("2022-03-29")
    datetime.date(2022, 3, 29)
    """
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise CaseError(
            [Problem("", 0, 0, what, f"'{value}' is not a date; use YYYY-MM-DD, e.g. 2025-11-30")]
        ) from None


# --------------------------------------------------------------------------- sets


@dataclass(frozen=True)
class OptionSet:
    """A set of option ids (an acceptable set on an ordinal or nominal scale)."""

    ids: frozenset[str]

    def __contains__(self, outcome: object) -> bool:
        return outcome in self.ids

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[str]:  # sorted, so iteration is deterministic
        return iter(sorted(self.ids))


@dataclass(frozen=True)
class Span:
    """A closed numeric interval ``[lo, hi]`` (an acceptable set on an interval scale)."""

    lo: float
    hi: float

    def __contains__(self, outcome: object) -> bool:
        return isinstance(outcome, int | float) and self.lo <= float(outcome) <= self.hi

    @property
    def length(self) -> float:
        return self.hi - self.lo


Acceptable: TypeAlias = "OptionSet | Span"


# ------------------------------------------------------------------------ entities


@dataclass(frozen=True)
class Party:
    """A negotiating party: id (slug), name, role, optional weight (capability).

    ``short`` is an optional short name for figures and running text
    (``short_name`` falls back to ``name``). ``reservation`` is the utility
    of the party's best alternative to a negotiated agreement (in [-1, 1],
    the units of ``U_p``), or ``None``. ``bonuses``, when given, *are* the
    party's utility (``U_p`` = the sum of the values of the bonuses that
    hold); its positions then serve the conflict measures only.
    """

    id: str
    name: str
    role: str = "observer"
    weight: float | None = None
    note: str = ""
    short: str = ""
    reservation: float | None = None
    bonuses: tuple[Bonus, ...] = ()

    @property
    def short_name(self) -> str:
        return self.short or self.name


@dataclass(frozen=True)
class Option:
    """One option of an ordinal or nominal issue."""

    id: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Source:
    """A dated public source. ``date`` keeps the precision given (``YYYY[-MM[-DD]]``)."""

    id: str
    title: str
    publisher: str
    date: str
    url: str
    reliability: str = ""
    note: str = ""


@dataclass(frozen=True)
class Snapshot:
    """A named evaluation date for the timeline."""

    id: str
    date: _dt.date
    label: str = ""


@dataclass(frozen=True)
class Issue:
    """An issue and its scale.

    Distances between outcomes (see DESIGN "The position model"):

    - ordinal: ``|rank(a) - rank(b)| / (k - 1)`` for ``k`` options;
    - nominal: 1 between different options, unless ``distances`` overrides a pair;
    - interval: ``|a - b| / (max - min)``.
    """

    id: str
    name: str
    scale: str
    options: tuple[Option, ...] = ()
    unit: str = ""
    min: float | None = None
    max: float | None = None
    status_quo: str | float | None = None
    description: str = ""
    distances: tuple[tuple[str, str, float], ...] = ()
    short: str = ""
    _index: Mapping[str, int] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {o.id: i for i, o in enumerate(self.options)})

    @property
    def short_name(self) -> str:
        """The short name for figures and running text (falls back to ``name``)."""
        return self.short or self.name

    # -- options ---------------------------------------------------------
    @property
    def is_interval(self) -> bool:
        return self.scale == "interval"

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    @property
    def k(self) -> int:
        """Number of options (0 on interval scales)."""
        return len(self.options)

    @property
    def width(self) -> float:
        """``max - min`` on interval scales."""
        assert self.min is not None and self.max is not None
        return float(self.max - self.min)

    def index(self, option_id: str) -> int:
        """Position of an option in the issue's order."""
        try:
            return self._index[option_id]
        except KeyError:
            raise UnknownIdError(
                f"option of issue '{self.id}'", option_id, self.option_ids
            ) from None

    def option(self, option_id: str) -> Option:
        return self.options[self.index(option_id)]

    # -- distances -------------------------------------------------------
    def distance_matrix(self) -> np.ndarray:
        """The k × k matrix of distances between options (read-only)."""
        k = self.k
        if self.scale == "ordinal":
            r = np.arange(k, dtype=float)
            d = np.abs(r[:, None] - r[None, :]) / max(k - 1, 1)
        elif self.scale == "nominal":
            d = 1.0 - np.eye(k)
            for a, b, v in self.distances:
                i, j = self.index(a), self.index(b)
                d[i, j] = d[j, i] = v
        else:
            raise TypeError(f"issue '{self.id}' is on an interval scale: it has no options")
        d.setflags(write=False)
        return d

    def distance(self, a: Outcome, b: Outcome) -> float:
        """Distance between two outcomes, in [0, 1].

        Examples
        --------
        >>> iss = Issue("x", "X", "ordinal", (Option("a", "A"), Option("b", "B"), Option("c", "C")))
        >>> iss.distance("a", "c"), iss.distance("a", "b")
        (1.0, 0.5)
        """
        if self.is_interval:
            return abs(float(a) - float(b)) / self.width
        return float(self.distance_matrix()[self.index(str(a)), self.index(str(b))])

    def distance_to_set(self, outcome: Outcome, acceptable: Acceptable) -> float:
        """Smallest distance from an outcome to a point of an acceptable set."""
        if isinstance(acceptable, Span):
            x = float(outcome)
            return max(0.0, acceptable.lo - x, x - acceptable.hi) / self.width
        d = self.distance_matrix()[self.index(str(outcome))]
        return float(min(d[self.index(o)] for o in acceptable.ids))

    def contains(self, acceptable: Acceptable, outcome: Outcome) -> bool:
        return outcome in acceptable

    # -- display ---------------------------------------------------------
    def ordered(self, acceptable: OptionSet) -> tuple[str, ...]:
        """The option ids of a set, in the issue's order."""
        return tuple(o for o in self.option_ids if o in acceptable.ids)

    def label(self, outcome: Outcome) -> str:
        """Readable label of an outcome."""
        if self.is_interval:
            return f"{_num(float(outcome))} {self.unit}".strip()
        return self.option(str(outcome)).label

    def describe(self, acceptable: Acceptable, *, ids: bool = False) -> str:
        """Readable description of an acceptable set.

        Contiguous ordinal runs are written ``first … last``; ``ids=True``
        uses option ids instead of labels.
        """
        if isinstance(acceptable, Span):
            if acceptable.lo == acceptable.hi:
                return f"{_num(acceptable.lo)} {self.unit}".strip()
            return f"{_num(acceptable.lo)}–{_num(acceptable.hi)} {self.unit}".strip()
        name = (lambda o: o) if ids else (lambda o: self.option(o).label)
        chosen = self.ordered(acceptable)
        if not chosen:
            return "(none)"
        if self.scale == "ordinal":
            runs: list[list[str]] = []
            last = -2
            for o in chosen:
                i = self.index(o)
                if i == last + 1:
                    runs[-1].append(o)
                else:
                    runs.append([o])
                last = i
            parts = [name(r[0]) if len(r) == 1 else f"{name(r[0])} … {name(r[-1])}" for r in runs]
            return "; ".join(parts)
        return "; ".join(name(o) for o in chosen)


def _num(x: float) -> str:
    """A number for labels: at most one decimal, no trailing .0 (``250``, ``303.6``)."""
    return f"{round(x, 1):g}" if math.isfinite(x) else str(x)


@dataclass(frozen=True)
class Position:
    """A party's position on one issue, as of a date.

    ``requires`` is a tuple of ``(issue_id, acceptable_set)`` pairs: the
    acceptable set holds only if the settlement on each named issue falls in
    the given set; otherwise the party accepts only its ideal.

    ``values`` (optional) grades the outcomes for this party, each in
    [0, 1]: ``(option_id, value)`` pairs in the issue's option order
    (unlisted options are worth 0), or, on interval scales, the
    ``(x, value)`` points of a piecewise-linear function in increasing
    ``x`` (flat beyond the first and last points); see
    :mod:`engine.model.values`. Empty: the value of an outcome is
    ``1 − distance`` to the ideal.
    """

    party: str
    issue: str
    ideal: Outcome
    acceptable: Acceptable
    salience: float = 0.5
    red_line: bool = False
    requires: tuple[tuple[str, Acceptable], ...] = ()
    note: str = ""
    confidence: str = "official"
    sources: tuple[str, ...] = ()
    as_of: _dt.date | None = None
    origin: str = field(default="", compare=False)
    values: tuple[tuple[Outcome, float], ...] = ()

    @property
    def requires_map(self) -> Mapping[str, Acceptable]:
        return MappingProxyType(dict(self.requires))


@dataclass(frozen=True)
class Statement:
    """What one or more dated sources say a party asks for, on one or more issues.

    ``positions`` maps issue ids to positions (``None`` withdraws one). Among
    statements of the same date, the one with the higher ``seq`` wins (files
    never have two on one date naming the same issue; scenarios add statements
    with a higher ``seq``).
    """

    party: str
    as_of: _dt.date
    sources: tuple[str, ...]
    positions: tuple[tuple[str, Position | None], ...]
    confidence: str = "official"
    note: str = ""
    seq: int = 0
    origin: str = field(default="", compare=False)


@dataclass(frozen=True)
class Change:
    """One change of a scenario.

    ``kind`` is ``"position"`` (change a party's position on an issue),
    ``"remove_party"`` or ``"add_party"``. Fields left at ``None`` are not
    changed; ``requires_given`` tells whether ``requires`` was given (an empty
    tuple then drops every linkage), ``values_given`` the same for ``values``.
    """

    kind: str
    party: str
    issue: str | None = None
    acceptable: Acceptable | None = None
    add: Acceptable | None = None
    remove: OptionSet | None = None
    ideal: Outcome | None = None
    salience: float | None = None
    red_line: bool | None = None
    requires: tuple[tuple[str, Acceptable], ...] = ()
    requires_given: bool = False
    note: str | None = None
    withdraw: bool = False
    new_party: Party | None = None
    values: tuple[tuple[Outcome, float], ...] = ()
    values_given: bool = False
    positions: tuple[tuple[str, Change], ...] = ()
    origin: str = field(default="", compare=False)


@dataclass(frozen=True)
class Scenario:
    """A named list of changes to the positions in force on a date."""

    id: str
    title: str
    changes: tuple[Change, ...]
    at: _dt.date | None = None
    description: str = ""
    sources: tuple[str, ...] = ()
    note: str = ""
    origin: str = field(default="", compare=False)


# ---------------------------------------------------------------------------- case


@dataclass(frozen=True)
class Case:
    """A negotiation case: parties, issues, sources and dated statements.

    Use :func:`engine.load_case` to read one from files. ``case.at(date)``
    gives the positions in force on a date.

    Examples
    --------
    >>> from engine import load_case
    >>> case = load_case("ukraine-russia")
    >>> "ukraine" in case.party_ids and "nato" in case.issue_ids
    True
    """

    id: str
    title: str
    as_of: _dt.date
    parties: tuple[Party, ...]
    issues: tuple[Issue, ...]
    sources: tuple[Source, ...] = ()
    statements: tuple[Statement, ...] = ()
    snapshots: tuple[Snapshot, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    description: str = ""
    path: str = field(default="", compare=False)
    _cache: dict[Any, Any] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __getstate__(self) -> dict[str, Any]:
        """Pickle and deepcopy without the cache (it is rebuilt on demand)."""
        return {**self.__dict__, "_cache": {}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, value)

    # -- lookup ----------------------------------------------------------
    @property
    def party_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.parties)

    @property
    def issue_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.issues)

    def _lookup(self, kind: str, items: tuple[Any, ...], id_: str) -> Any:
        key = ("index", kind)
        if key not in self._cache:
            self._cache[key] = {x.id: x for x in items}
        try:
            return self._cache[key][id_]
        except (KeyError, TypeError):
            raise UnknownIdError(kind, str(id_), [x.id for x in items]) from None

    def party(self, party_id: str) -> Party:
        return self._lookup("party", self.parties, party_id)

    def issue(self, issue_id: str) -> Issue:
        return self._lookup("issue", self.issues, issue_id)

    def source(self, source_id: str) -> Source:
        return self._lookup("source", self.sources, source_id)

    def scenario(self, scenario_id: str) -> Scenario:
        return self._lookup("scenario", self.scenarios, scenario_id)

    def negotiators(self, parties: Iterable[str] | None = None) -> tuple[tuple[str, ...], str]:
        """Whose settlement is searched by default, and how to call them.

        The parties among ``parties`` (default: all) whose role is one of
        :data:`PRINCIPAL_ROLES` (belligerents, negotiators) when there are two or
        more; else every party given. Returns the ids (case order) and a label
        for running text, e.g. ``"the belligerents"``.
        """
        chosen = self.resolve_parties(parties)
        principal = tuple(p for p in chosen if self.party(p).role in PRINCIPAL_ROLES)
        if len(principal) < 2:
            return chosen, "the selected parties"
        roles = {self.party(p).role for p in principal}
        if roles == {"belligerent"}:
            return principal, "the belligerents"
        if roles == {"negotiator"}:
            return principal, "the negotiating parties"
        return principal, "the belligerents and negotiating parties"

    def resolve_parties(self, parties: Iterable[str] | None) -> tuple[str, ...]:
        """Validate a subset of party ids (``None``: all), keeping the case's order.

        Raises
        ------
        UnknownIdError
            For an id that is not a party of the case, with a did-you-mean.
        """
        if parties is None:
            return self.party_ids
        wanted = list(parties)
        for p in wanted:
            self.party(p)
        chosen = set(wanted)
        return tuple(p for p in self.party_ids if p in chosen)

    # -- time ------------------------------------------------------------
    def at(self, date: Any = None) -> Mapping[tuple[str, str], Position]:
        """The positions in force on a date (default: the case's ``as_of``).

        Returns a read-only mapping ``(party_id, issue_id) -> Position``,
        ordered by the case's parties, then issues. A party's position on an
        issue is the one in its latest statement dated on or before the date
        that names the issue; ``null`` (``None``) withdraws it.

        Examples
        --------
        >>> from engine import load_case
        >>> case = load_case("ukraine-russia")
        >>> pos = case.at("2022-04-15")
        >>> ("ukraine", "nato") in pos
        True
        """
        d = self.as_of if date is None else as_date(date, "at")
        key = ("at", d)
        if key not in self._cache:
            state: dict[tuple[str, str], Position] = {}
            for st in sorted(self.statements, key=lambda s: (s.as_of, s.seq)):
                if st.as_of > d:
                    break
                for issue_id, pos in st.positions:
                    if pos is None:
                        state.pop((st.party, issue_id), None)
                    else:
                        state[(st.party, issue_id)] = pos
            ordered = {
                (p, i): state[(p, i)]
                for p in self.party_ids
                for i in self.issue_ids
                if (p, i) in state
            }
            self._cache[key] = MappingProxyType(ordered)
        return self._cache[key]

    @property
    def dates(self) -> tuple[_dt.date, ...]:
        """The distinct dates of the statements, in order."""
        return tuple(sorted({s.as_of for s in self.statements}))

    def snapshot_dates(self) -> tuple[Snapshot, ...]:
        """The timeline's snapshots: those defined in the case, else one per statement date."""
        if self.snapshots:
            return tuple(sorted(self.snapshots, key=lambda s: s.date))
        return tuple(Snapshot(d.isoformat(), d, d.isoformat()) for d in self.dates)

    @property
    def date_span(self) -> tuple[_dt.date, _dt.date] | None:
        """Earliest and latest statement dates (``None`` without statements)."""
        ds = self.dates
        return (ds[0], ds[-1]) if ds else None
