"""Scenarios (what-if): parse changes and apply them to a case.

:func:`apply` returns a **new** case in which the scenario's changes hold from
its date on; the input case is never modified. The changes are recorded as
one extra statement per changed party, dated at the scenario's date and
marked ``confidence: inferred``, so provenance survives: later analyses show
which positions come from the scenario.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

from engine.io.schema import CHANGE_FIELDS, POSITION_CHANGE_FIELDS
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
from engine.model.errors import CaseError, Problem, allowed_list, did_you_mean
from engine.model.parse import (
    Errors,
    is_number,
    is_slug,
    parse_acceptable,
    parse_outcome,
    parse_requires,
    position_errors,
)

__all__ = [
    "apply",
    "change_from_concede",
    "change_from_set",
    "parse_change",
    "scenario_from_changes",
]

_POSITION_FIELDS = POSITION_CHANGE_FIELDS


def _unknown(kind: str, name: object, known: Sequence[str]) -> str:
    return f"unknown {kind} '{name}'{did_you_mean(str(name), known)}; known: {allowed_list(known)}"


def parse_change(
    raw: Mapping[str, Any],
    parties: Mapping[str, Any],
    issues: Mapping[str, Issue],
    *,
    origin: str = "",
) -> tuple[Change | None, Errors]:
    """Build a :class:`Change` from a mapping written as in docs/format.md."""
    errors: Errors = []
    for key in raw:
        if key not in CHANGE_FIELDS:
            errors.append(
                (
                    (key,),
                    f"unknown field '{key}'{did_you_mean(key, CHANGE_FIELDS)}; allowed: {', '.join(CHANGE_FIELDS)}",
                )
            )
    if errors:
        return None, errors
    if "remove_party" in raw:
        extra = sorted(set(raw) - {"remove_party", "note"})
        if extra:
            return None, [
                ((extra[0],), "a remove_party change takes no other fields (except note)")
            ]
        pid = raw["remove_party"]
        if not is_slug(pid) or pid not in parties:
            return None, [(("remove_party",), _unknown("party", pid, list(parties)))]
        return Change("remove_party", party=pid, origin=origin), []
    if "add_party" in raw:
        extra = sorted(set(raw) - {"add_party", "positions", "note"})
        if extra:
            return None, [
                ((extra[0],), "an add_party change takes only add_party, positions and note")
            ]
        spec = raw["add_party"]
        if not isinstance(spec, Mapping) or not is_slug(spec.get("id")):
            return None, [(("add_party",), "expected {id: <slug>, name: <text>, role: <role>}")]
        if spec["id"] in parties:
            return None, [
                (
                    ("add_party", "id"),
                    f"party '{spec['id']}' already exists; change its positions with party/issue changes",
                )
            ]
        weight = spec.get("weight")
        party = Party(
            spec["id"],
            str(spec.get("name", spec["id"])),
            str(spec.get("role", "observer")),
            float(weight) if is_number(weight) else None,
            str(spec.get("note", "") or ""),
            str(spec.get("short", "") or ""),
        )
        subs: list[tuple[str, Change]] = []
        for issue_id, praw in (raw.get("positions") or {}).items():
            if not isinstance(praw, Mapping):
                errors.append(
                    (("positions", issue_id), "expected a position mapping with at least ideal")
                )
                continue
            if "ideal" not in praw:
                errors.append(
                    (("positions", issue_id), "a new party's position needs at least 'ideal'")
                )
                continue
            sub, errs = parse_change(
                {**praw, "party": party.id, "issue": issue_id},
                {**parties, party.id: party},
                issues,
                origin=origin,
            )
            errors += [(("positions", issue_id, *p), m) for p, m in errs]
            if sub is not None:
                subs.append((issue_id, sub))
        if errors:
            return None, errors
        return Change(
            "add_party", party=party.id, new_party=party, positions=tuple(subs), origin=origin
        ), []

    for key in ("party", "issue"):
        if key not in raw:
            errors.append(
                ((), f"missing required field '{key}' (or use remove_party / add_party)")
            )
    if "positions" in raw:
        errors.append((("positions",), "'positions' belongs to an add_party change"))
    if errors:
        return None, errors
    pid, iid = raw["party"], raw["issue"]
    for key, value in (("party", pid), ("issue", iid)):
        if not is_slug(value):
            errors.append(((key,), f"expected a {key} id (lower-case text), got {value!r}"))
    if errors:
        return None, errors
    if pid not in parties:
        errors.append((("party",), _unknown("party", pid, list(parties))))
    if iid not in issues:
        errors.append((("issue",), _unknown("issue", iid, list(issues))))
    if errors:
        return None, errors
    issue = issues[iid]
    given = [k for k in _POSITION_FIELDS if k in raw]
    if not given:
        return None, [((), "a change must give at least one of: " + ", ".join(_POSITION_FIELDS))]
    kw: dict[str, Any] = {}
    if raw.get("withdraw") is True:
        if len(given) > 1:
            return None, [
                (
                    ("withdraw",),
                    "withdraw: true removes the position; give no other change with it",
                )
            ]
        return Change("position", party=pid, issue=iid, withdraw=True, origin=origin), []
    if "withdraw" in raw and raw["withdraw"] is not False:
        errors.append((("withdraw",), f"expected true or false, got {raw['withdraw']!r}"))
    for key in ("acceptable", "add"):
        if key in raw:
            acc, errs = parse_acceptable(issue, raw[key])
            errors += [((key, *p), m) for p, m in errs]
            kw[key] = acc
    if "remove" in raw:
        if issue.is_interval:
            errors.append(
                (
                    ("remove",),
                    f"issue '{iid}' is on an interval scale: narrow it with acceptable: {{min, max}}",
                )
            )
        else:
            acc, errs = parse_acceptable(issue, raw["remove"])
            errors += [(("remove", *p), m) for p, m in errs]
            kw["remove"] = acc
    if "ideal" in raw:
        ideal, err = parse_outcome(issue, raw["ideal"])
        if err:
            errors.append((("ideal",), err))
        kw["ideal"] = ideal
    if "salience" in raw:
        s = raw["salience"]
        if not (is_number(s) and 0 <= s <= 1):
            errors.append((("salience",), f"salience must be a number from 0 to 1, got {s!r}"))
        else:
            kw["salience"] = float(s)
    if "red_line" in raw:
        if not isinstance(raw["red_line"], bool):
            errors.append((("red_line",), f"expected true or false, got {raw['red_line']!r}"))
        else:
            kw["red_line"] = raw["red_line"]
    if "requires" in raw:
        req, errs = parse_requires(issues, iid, raw["requires"])
        errors += [(("requires", *p), m) for p, m in errs]
        kw["requires"], kw["requires_given"] = req, True
    if "note" in raw:
        kw["note"] = str(raw["note"] or "")
    if errors:
        return None, errors
    return Change("position", party=pid, issue=iid, origin=origin, **kw), []


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
    state: dict[tuple[str, str], Position | None] = dict(case.at(date))
    parties: dict[str, Party] = {p.id: p for p in case.parties}
    issues = {i.id: i for i in case.issues}
    removed: set[str] = set()
    touched: dict[tuple[str, str], Change] = {}
    problems: list[Problem] = []

    def change_position(ch: Change) -> None:
        assert ch.issue is not None
        key = (ch.party, ch.issue)
        issue = issues[ch.issue]
        if ch.party not in parties:
            why = " (removed earlier in this scenario)" if ch.party in removed else ""
            problems.append(
                _locate(ch.origin, "party", _unknown("party", ch.party, list(parties)) + why)
            )
            return
        base = state.get(key)
        touched[key] = ch
        if ch.withdraw:
            if base is None:
                problems.append(
                    _locate(
                        ch.origin,
                        f"{ch.party}:{ch.issue}",
                        f"party '{ch.party}' has no position on '{ch.issue}' on {date} to withdraw",
                    )
                )
            state[key] = None
            return
        if base is None and ch.ideal is None:
            problems.append(
                _locate(
                    ch.origin,
                    f"{ch.party}:{ch.issue}",
                    f"party '{ch.party}' has no position on '{ch.issue}' on {date}; a change that creates one must give 'ideal'",
                )
            )
            return
        ideal = ch.ideal if ch.ideal is not None else base.ideal  # type: ignore[union-attr]
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
                problems.append(
                    _locate(
                        ch.origin,
                        f"{ch.party}:{ch.issue}.remove",
                        "removing these options leaves nothing acceptable; keep at least the ideal",
                    )
                )
                return
            acceptable = OptionSet(left)
        state[key] = Position(
            party=ch.party,
            issue=ch.issue,
            ideal=ideal,
            acceptable=acceptable,
            salience=ch.salience if ch.salience is not None else (base.salience if base else 0.5),
            red_line=ch.red_line
            if ch.red_line is not None
            else (base.red_line if base else False),
            requires=ch.requires if ch.requires_given else (base.requires if base else ()),
            note=ch.note
            if ch.note is not None
            else f"Scenario '{scenario.title}'"
            + (f" (was: {base.note})" if base and base.note else ""),
            confidence="inferred",
            sources=scenario.sources or (base.sources if base else ()),
            as_of=date,
            origin=ch.origin,
        )

    for ch in scenario.changes:
        if ch.kind == "remove_party":
            if ch.party not in parties:
                problems.append(
                    _locate(ch.origin, "remove_party", _unknown("party", ch.party, list(parties)))
                )
                continue
            del parties[ch.party]
            removed.add(ch.party)
            for key in [k for k in state if k[0] == ch.party]:
                del state[key]
            for key in [k for k in touched if k[0] == ch.party]:
                del touched[key]
        elif ch.kind == "add_party":
            assert ch.new_party is not None
            if ch.party in parties:
                problems.append(
                    _locate(ch.origin, "add_party.id", f"party '{ch.party}' already exists")
                )
                continue
            parties[ch.party] = ch.new_party
            removed.discard(ch.party)
            for _, sub in ch.positions:
                change_position(sub)
        else:
            if ch.issue not in issues:
                problems.append(
                    _locate(ch.origin, "issue", _unknown("issue", ch.issue, list(issues)))
                )
                continue
            change_position(ch)

    for (pid, iid), ch in touched.items():
        pos = state.get((pid, iid))
        if pos is not None:
            for where, msg in position_errors(issues[iid], pos):
                problems.append(
                    _locate(ch.origin, f"{pid}:{iid}." + ".".join(map(str, where)), msg)
                )
    if problems:
        raise CaseError(problems)

    seq = max((s.seq for s in case.statements), default=0) + 1
    by_party: dict[str, list[tuple[str, Position | None]]] = {}
    for pid, iid in touched:
        by_party.setdefault(pid, []).append((iid, state.get((pid, iid))))
    added = tuple(
        Statement(
            party=pid,
            as_of=date,
            sources=scenario.sources,
            positions=tuple(sorted(items, key=lambda kv: case.issue_ids.index(kv[0]))),
            confidence="inferred",
            note=f"Scenario '{scenario.title}'",
            seq=seq,
            origin=scenario.origin,
        )
        for pid in parties
        if (items := by_party.get(pid))
    )
    kept = tuple(s for s in case.statements if s.party in parties)
    return dataclasses.replace(
        case,
        parties=tuple(parties.values()),
        statements=kept + added,
        as_of=date,
        scenarios=(),
    )


def scenario_from_changes(
    changes: Sequence[Change], title: str = "command-line changes", at: Any = None
) -> Scenario:
    """Wrap changes (e.g. from ``--concede``/``--set``) into a scenario."""
    return Scenario(
        id="command-line",
        title=title,
        changes=tuple(changes),
        at=as_date(at, "at") if at is not None else None,
        origin="command line",
    )


_SPEC = re.compile(r"^\s*([^:=\s]+)\s*:\s*([^=.\s]+)\s*(?:\.\s*([a-z_]+))?\s*=\s*(.*?)\s*$")


def _split_spec(spec: str, flag: str, with_field: bool) -> tuple[str, str, str | None, str]:
    m = _SPEC.match(spec)
    form = "PARTY:ISSUE.FIELD=VALUE" if with_field else "PARTY:ISSUE=OPTION[,OPTION…]"
    if not m or (with_field and not m.group(3)) or (not with_field and m.group(3)):
        raise CaseError([Problem("", 0, 0, f"{flag} {spec}", f"expected {form}")])
    return m.group(1), m.group(2), m.group(3), m.group(4)


def _value_for(issue: Issue, text: str, field: str) -> Any:
    """Turn command-line text into the YAML-like value of a change field."""
    if field in ("acceptable", "add", "remove"):
        if ".." in text:
            lo, hi = (t.strip() for t in text.split("..", 1))
            if issue.is_interval:
                return {"min": _num(lo), "max": _num(hi)}
            return {"from": lo, "to": hi}
        if issue.is_interval:
            x = _num(text)
            return {"min": x, "max": x}
        return [t.strip() for t in text.split(",") if t.strip()]
    if field == "ideal":
        return _num(text) if issue.is_interval else text
    if field == "salience":
        return _num(text)
    if field in ("red_line", "withdraw"):
        low = text.lower()
        return {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}.get(
            low, text
        )
    return text


def _num(text: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return text


def _change_from(case: Case, spec: str, flag: str, raw: dict[str, Any]) -> Change:
    issues = {i.id: i for i in case.issues}
    change, errs = parse_change(
        raw, {p.id: p for p in case.parties}, issues, origin=f"{flag} {spec}"
    )
    if errs:
        # the spec itself is the location; the message names the offending value
        raise CaseError([Problem("", 0, 0, f"{flag} {spec}", m) for _, m in errs])
    assert change is not None
    return change


def change_from_concede(case: Case, spec: str) -> Change:
    """Parse ``--concede PARTY:ISSUE=OPTION[,OPTION…]`` (widen an acceptable set).

    On interval scales the value is ``LO..HI`` or a number; the acceptable
    interval grows to the hull. On ordinal scales ``A..B`` adds a range.

    Examples
    --------
    >>> from engine import load_case
    >>> case = load_case("ukraine-russia")
    >>> ch = change_from_concede(case, "ukraine:nato=permanent_neutrality")
    >>> ch.party, ch.issue, sorted(ch.add.ids)
    ('ukraine', 'nato', ['permanent_neutrality'])
    """
    party, issue_id, _, value = _split_spec(spec, "--concede", with_field=False)
    issue = case.issue(issue_id) if issue_id in case.issue_ids else None
    if issue is None:
        raise CaseError(
            [Problem("", 0, 0, f"--concede {spec}", _unknown("issue", issue_id, case.issue_ids))]
        )
    return _change_from(
        case,
        spec,
        "--concede",
        {"party": party, "issue": issue_id, "add": _value_for(issue, value, "add")},
    )


def change_from_set(case: Case, spec: str) -> Change:
    """Parse ``--set PARTY:ISSUE.FIELD=VALUE``.

    FIELD is one of ``ideal``, ``acceptable``, ``add``, ``remove``,
    ``salience``, ``red_line``, ``note`` or ``withdraw``. Lists are written
    ``a,b``; ordinal ranges and intervals ``a..b``.
    """
    party, issue_id, field, value = _split_spec(spec, "--set", with_field=True)
    allowed = ("ideal", "acceptable", "add", "remove", "salience", "red_line", "note", "withdraw")
    if field not in allowed:
        raise CaseError(
            [
                Problem(
                    "",
                    0,
                    0,
                    f"--set {spec}",
                    f"unknown field '{field}'{did_you_mean(str(field), allowed)}; allowed: {', '.join(allowed)}",
                )
            ]
        )
    if issue_id not in case.issue_ids:
        raise CaseError(
            [Problem("", 0, 0, f"--set {spec}", _unknown("issue", issue_id, case.issue_ids))]
        )
    assert field is not None
    return _change_from(
        case,
        spec,
        "--set",
        {"party": party, "issue": issue_id, field: _value_for(case.issue(issue_id), value, field)},
    )
