"""Applying a scenario to a case: the model's one transformation, a pure function.

:func:`apply` returns a **new** case in which the scenario's changes hold from
its date on; the input case is never modified. The changes are recorded as
one extra statement per changed party, dated at the scenario's date and
marked ``confidence: inferred``, so provenance survives: later analyses show
which positions come from the scenario. It lives in :mod:`engine.model`
because it needs nothing but the model, and the case loader uses it to check
that each scenario file fits its case; :mod:`engine.whatif.scenario` is where
users meet it. Reading changes is :mod:`engine.io.changes`.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from typing import Any

from engine.model.case import (
    Acceptable,
    Case,
    Change,
    Issue,
    OptionSet,
    Party,
    Position,
    Scenario,
    Span,
    Statement,
    as_date,
)
from engine.model.errors import CaseError, Problem, unknown_message
from engine.model.parse import position_errors

__all__ = ["apply"]


def _locate(origin: str, field: str, message: str) -> Problem:
    """A problem at a change's origin (``file:line``, or a command-line option)."""
    m = re.fullmatch(r"(.*):(\d+)", origin)
    if m:
        return Problem(m.group(1), int(m.group(2)), 1, field, message)
    return Problem("", 0, 0, f"{origin} {field}".strip(), message)


def _widen(issue: Issue, acc: Acceptable, add: Acceptable) -> Acceptable:
    if isinstance(acc, Span) and isinstance(add, Span):
        return Span(min(acc.lo, add.lo), max(acc.hi, add.hi))
    assert isinstance(acc, OptionSet) and isinstance(add, OptionSet)
    return OptionSet(acc.ids | add.ids)


def _point(issue: Issue, outcome: Any) -> Acceptable:
    return (
        Span(float(outcome), float(outcome))
        if issue.is_interval
        else OptionSet(frozenset([outcome]))
    )


@dataclasses.dataclass(eq=False)
class _Draft:
    """The case as the changes are applied: what holds, who is there, what was touched."""

    scenario: Scenario
    date: _dt.date
    state: dict[tuple[str, str], Position | None]
    parties: dict[str, Party]
    issues: dict[str, Issue]
    removed: set[str] = dataclasses.field(default_factory=set)
    touched: dict[tuple[str, str], Change] = dataclasses.field(default_factory=dict)
    problems: list[Problem] = dataclasses.field(default_factory=list)


def apply(case: Case, scenario: Scenario, at: Any = None) -> Case:
    """Apply a scenario to a case and return the new case.

    Parameters
    ----------
    case : Case
        The case; never modified.
    scenario : Scenario
        The changes (from ``case.scenario(id)``, a scenario file, or
        :func:`scenario_from_changes`).
    at : date or str, optional
        The date the changes apply to (default: the scenario's ``at``, else the
        case's ``as_of``). The returned case's ``as_of`` is this date.

    Returns
    -------
    Case
        A new case in which, from ``at`` on, the changed positions hold.

    Raises
    ------
    CaseError
        When a change does not fit (unknown party, no position to change, an
        ideal outside the new acceptable set…), located at the change.

    Notes
    -----
    Changes apply in order. ``add`` widens an acceptable set (the union of
    option sets; the hull of two intervals), ``remove`` narrows it,
    ``acceptable`` replaces it. A change to a party without a position on the
    issue creates one and must give ``ideal`` (the acceptable set then
    defaults to the ideal alone, the salience to 0.5). Every changed position
    is checked against the rules of the format once all changes are applied.

    Examples
    --------
    >>> from engine import load_case
    >>> case = load_case("ukraine-russia")
    >>> new = apply(case, case.scenario("neutrality-for-guarantees"))
    >>> new is not case and new.as_of == case.scenario("neutrality-for-guarantees").at
    True
    """
    date = as_date(at, "at") if at is not None else (scenario.at or case.as_of)
    draft = _Draft(
        scenario,
        date,
        state=dict(case.at(date)),
        parties={p.id: p for p in case.parties},
        issues={i.id: i for i in case.issues},
    )
    for ch in scenario.changes:
        if ch.kind == "remove_party":
            _remove_party(draft, ch)
        elif ch.kind == "add_party":
            _add_party(draft, ch)
        else:
            _change_issue(draft, ch)
    draft.problems += _position_problems(draft)
    if draft.problems:
        raise CaseError(draft.problems)
    return _new_case(case, draft)


# ------------------------------------------------------------ one change


def _remove_party(d: _Draft, ch: Change) -> None:
    if ch.party not in d.parties:
        d.problems.append(
            _locate(ch.origin, "remove_party", unknown_message("party", ch.party, list(d.parties)))
        )
        return
    del d.parties[ch.party]
    d.removed.add(ch.party)
    for key in [k for k in d.state if k[0] == ch.party]:
        del d.state[key]
    for key in [k for k in d.touched if k[0] == ch.party]:
        del d.touched[key]


def _add_party(d: _Draft, ch: Change) -> None:
    assert ch.new_party is not None
    if ch.party in d.parties:
        d.problems.append(_locate(ch.origin, "add_party.id", f"party '{ch.party}' already exists"))
        return
    d.parties[ch.party] = ch.new_party
    d.removed.discard(ch.party)
    for _, sub in ch.positions:
        _change_position(d, sub)


def _change_issue(d: _Draft, ch: Change) -> None:
    if ch.issue not in d.issues:
        d.problems.append(
            _locate(ch.origin, "issue", unknown_message("issue", ch.issue, list(d.issues)))
        )
        return
    _change_position(d, ch)


def _change_position(d: _Draft, ch: Change) -> None:
    """Withdraw, create or change one party's position on one issue."""
    assert ch.issue is not None
    key = (ch.party, ch.issue)
    where = f"{ch.party}:{ch.issue}"
    if ch.party not in d.parties:
        why = " (removed earlier in this scenario)" if ch.party in d.removed else ""
        message = unknown_message("party", ch.party, list(d.parties)) + why
        d.problems.append(_locate(ch.origin, "party", message))
        return
    base = d.state.get(key)
    d.touched[key] = ch
    if ch.withdraw:
        if base is None:
            message = f"party '{ch.party}' has no position on '{ch.issue}' on {d.date} to withdraw"
            d.problems.append(_locate(ch.origin, where, message))
        d.state[key] = None
        return
    if base is None and ch.ideal is None:
        message = f"party '{ch.party}' has no position on '{ch.issue}' on {d.date}; a change that creates one must give 'ideal'"
        d.problems.append(_locate(ch.origin, where, message))
        return
    ideal = ch.ideal if ch.ideal is not None else base.ideal  # type: ignore[union-attr]
    acceptable = _changed_acceptable(d.issues[ch.issue], ch, base, ideal)
    if acceptable is None:
        message = "removing these options leaves nothing acceptable; keep at least the ideal"
        d.problems.append(_locate(ch.origin, f"{where}.remove", message))
        return
    d.state[key] = _changed(d, ch, base, ideal, acceptable)


def _changed_acceptable(
    issue: Issue, ch: Change, base: Position | None, ideal: Any
) -> Acceptable | None:
    """The acceptable set after ``acceptable``, ``add`` and ``remove``; None when it is empty."""
    if ch.acceptable is not None:
        acceptable = ch.acceptable
    elif base is not None:
        acceptable = base.acceptable
    else:
        acceptable = _point(issue, ideal)
    if ch.add is not None:
        acceptable = _widen(issue, acceptable, ch.add)
    if ch.remove is not None:
        assert isinstance(acceptable, OptionSet)
        left = acceptable.ids - ch.remove.ids
        if not left:
            return None
        acceptable = OptionSet(left)
    return acceptable


def _changed(
    d: _Draft, ch: Change, base: Position | None, ideal: Any, acceptable: Acceptable
) -> Position:
    """The new position: what the change gives, else what ``base`` held, else the defaults."""
    assert ch.issue is not None
    scenario = d.scenario
    return Position(
        party=ch.party,
        issue=ch.issue,
        ideal=ideal,
        acceptable=acceptable,
        salience=ch.salience if ch.salience is not None else (base.salience if base else 0.5),
        red_line=ch.red_line if ch.red_line is not None else (base.red_line if base else False),
        requires=ch.requires if ch.requires_given else (base.requires if base else ()),
        values=ch.values if ch.values_given else (base.values if base else ()),
        note=ch.note
        if ch.note is not None
        else f"Scenario '{scenario.title}'"
        + (f" (was: {base.note})" if base and base.note else ""),
        confidence="inferred",
        sources=scenario.sources or (base.sources if base else ()),
        as_of=d.date,
        origin=ch.origin,
    )


# ------------------------------------------------------------ the new case


def _position_problems(d: _Draft) -> list[Problem]:
    """Every changed position checked against the rules of the format."""
    problems = []
    for (pid, iid), ch in d.touched.items():
        pos = d.state.get((pid, iid))
        if pos is not None:
            for where, msg in position_errors(d.issues[iid], pos):
                problems.append(
                    _locate(ch.origin, f"{pid}:{iid}." + ".".join(map(str, where)), msg)
                )
    return problems


def _new_case(case: Case, d: _Draft) -> Case:
    """``case`` with the parties left and one statement per changed party added."""
    scenario = d.scenario
    seq = max((s.seq for s in case.statements), default=0) + 1
    by_party: dict[str, list[tuple[str, Position | None]]] = {}
    for pid, iid in d.touched:
        by_party.setdefault(pid, []).append((iid, d.state.get((pid, iid))))
    added = tuple(
        Statement(
            party=pid,
            as_of=d.date,
            sources=scenario.sources,
            positions=tuple(sorted(items, key=lambda kv: case.issue_ids.index(kv[0]))),
            confidence="inferred",
            note=f"Scenario '{scenario.title}'",
            seq=seq,
            origin=scenario.origin,
        )
        for pid in d.parties
        if (items := by_party.get(pid))
    )
    kept = tuple(s for s in case.statements if s.party in d.parties)
    return dataclasses.replace(
        case,
        parties=tuple(d.parties.values()),
        statements=kept + added,
        as_of=d.date,
        scenarios=(),
    )
