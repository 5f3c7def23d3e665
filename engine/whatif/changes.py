"""Changes: a scenario file's change mappings, or ``--concede``/``--set``, as :class:`Change`.

:func:`parse_change` turns one mapping written as in docs/format.md into a
:class:`~engine.model.case.Change` and the problems found, located by field;
:func:`change_from_concede` and :func:`change_from_set` do the same for the
command line's compact specs. Nothing here looks at a case's positions:
whether a change fits them is for :func:`engine.whatif.scenario.apply`.

This module needs only :mod:`engine.model` and the field names of
:mod:`engine.io.schema`, so the case loader can read scenario files with it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from engine.io.schema import CHANGE_FIELDS, POSITION_CHANGE_FIELDS
from engine.model.case import Case, Change, Issue, Party
from engine.model.errors import CaseError, Problem, allowed_list, did_you_mean
from engine.model.parse import (
    Errors,
    is_number,
    is_slug,
    parse_acceptable,
    parse_outcome,
    parse_requires,
)

__all__ = ["change_from_concede", "change_from_set", "parse_change", "unknown_message"]

_POSITION_FIELDS = POSITION_CHANGE_FIELDS


def unknown_message(kind: str, name: object, known: Sequence[str]) -> str:
    """``unknown <kind> '<name>'``, a did-you-mean, and the names known."""
    return f"unknown {kind} '{name}'{did_you_mean(str(name), known)}; known: {allowed_list(known)}"


def parse_change(
    raw: Mapping[str, Any],
    parties: Mapping[str, Any],
    issues: Mapping[str, Issue],
    *,
    origin: str = "",
) -> tuple[Change | None, Errors]:
    """Build a :class:`Change` from a mapping written as in docs/format.md."""
    errors: Errors = [
        (
            (key,),
            f"unknown field '{key}'{did_you_mean(key, CHANGE_FIELDS)}; allowed: {', '.join(CHANGE_FIELDS)}",
        )
        for key in raw
        if key not in CHANGE_FIELDS
    ]
    if errors:
        return None, errors
    if "remove_party" in raw:
        return _parse_remove_party(raw, parties, origin)
    if "add_party" in raw:
        return _parse_add_party(raw, parties, issues, origin)
    return _parse_position_change(raw, parties, issues, origin)


# ------------------------------------------------------------ party changes


def _parse_remove_party(
    raw: Mapping[str, Any], parties: Mapping[str, Any], origin: str
) -> tuple[Change | None, Errors]:
    extra = sorted(set(raw) - {"remove_party", "note"})
    if extra:
        return None, [((extra[0],), "a remove_party change takes no other fields (except note)")]
    pid = raw["remove_party"]
    if not is_slug(pid) or pid not in parties:
        return None, [(("remove_party",), unknown_message("party", pid, list(parties)))]
    return Change("remove_party", party=pid, origin=origin), []


def _parse_add_party(
    raw: Mapping[str, Any], parties: Mapping[str, Any], issues: Mapping[str, Issue], origin: str
) -> tuple[Change | None, Errors]:
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
    party = _new_party(spec)
    subs, errors = _parse_new_positions(raw, party, parties, issues, origin)
    if errors:
        return None, errors
    return Change(
        "add_party", party=party.id, new_party=party, positions=tuple(subs), origin=origin
    ), []


def _new_party(spec: Mapping[str, Any]) -> Party:
    """The party an ``add_party`` mapping describes."""
    weight = spec.get("weight")
    return Party(
        spec["id"],
        str(spec.get("name", spec["id"])),
        str(spec.get("role", "observer")),
        float(weight) if is_number(weight) else None,
        str(spec.get("note", "") or ""),
        str(spec.get("short", "") or ""),
    )


def _parse_new_positions(
    raw: Mapping[str, Any],
    party: Party,
    parties: Mapping[str, Any],
    issues: Mapping[str, Issue],
    origin: str,
) -> tuple[list[tuple[str, Change]], Errors]:
    """The ``positions`` of an ``add_party`` change, one position change per issue."""
    errors: Errors = []
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
    return subs, errors


# --------------------------------------------------------- position changes


def _parse_position_change(
    raw: Mapping[str, Any], parties: Mapping[str, Any], issues: Mapping[str, Issue], origin: str
) -> tuple[Change | None, Errors]:
    errors = _target_errors(raw, parties, issues)
    if errors:
        return None, errors
    pid, iid = raw["party"], raw["issue"]
    given = [k for k in _POSITION_FIELDS if k in raw]
    if not given:
        return None, [((), "a change must give at least one of: " + ", ".join(_POSITION_FIELDS))]
    if raw.get("withdraw") is True:
        if len(given) > 1:
            return None, [
                (
                    ("withdraw",),
                    "withdraw: true removes the position; give no other change with it",
                )
            ]
        return Change("position", party=pid, issue=iid, withdraw=True, origin=origin), []
    kw, errors = _position_fields(raw, issues, iid)
    if errors:
        return None, errors
    return Change("position", party=pid, issue=iid, origin=origin, **kw), []


def _target_errors(
    raw: Mapping[str, Any], parties: Mapping[str, Any], issues: Mapping[str, Issue]
) -> Errors:
    """What is wrong with the party and issue a position change names, in order of checks."""
    errors: Errors = [
        ((), f"missing required field '{key}' (or use remove_party / add_party)")
        for key in ("party", "issue")
        if key not in raw
    ]
    if "positions" in raw:
        errors.append((("positions",), "'positions' belongs to an add_party change"))
    if errors:
        return errors
    pid, iid = raw["party"], raw["issue"]
    for key, value in (("party", pid), ("issue", iid)):
        if not is_slug(value):
            errors.append(((key,), f"expected a {key} id (lower-case text), got {value!r}"))
    if errors:
        return errors
    if pid not in parties:
        errors.append((("party",), unknown_message("party", pid, list(parties))))
    if iid not in issues:
        errors.append((("issue",), unknown_message("issue", iid, list(issues))))
    return errors


def _position_fields(
    raw: Mapping[str, Any], issues: Mapping[str, Issue], iid: str
) -> tuple[dict[str, Any], Errors]:
    """The keyword arguments of the :class:`Change`, from the fields given, and their problems."""
    issue = issues[iid]
    errors: Errors = []
    if "withdraw" in raw and raw["withdraw"] is not False:
        errors.append((("withdraw",), f"expected true or false, got {raw['withdraw']!r}"))
    kw, errs = _set_fields(raw, issue, iid)
    errors += errs
    more, errs = _value_fields(raw, issues, iid)
    return {**kw, **more}, errors + errs


def _set_fields(raw: Mapping[str, Any], issue: Issue, iid: str) -> tuple[dict[str, Any], Errors]:
    """``acceptable``, ``add`` and ``remove``: the acceptable sets a change gives."""
    kw: dict[str, Any] = {}
    errors: Errors = []
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
    return kw, errors


def _value_fields(
    raw: Mapping[str, Any], issues: Mapping[str, Issue], iid: str
) -> tuple[dict[str, Any], Errors]:
    """``ideal``, ``salience``, ``red_line``, ``requires`` and ``note``."""
    kw: dict[str, Any] = {}
    errors: Errors = []
    if "ideal" in raw:
        ideal, err = parse_outcome(issues[iid], raw["ideal"])
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
    return kw, errors


# ------------------------------------------------------------ command line


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
            [
                Problem(
                    "",
                    0,
                    0,
                    f"--concede {spec}",
                    unknown_message("issue", issue_id, case.issue_ids),
                )
            ]
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
            [
                Problem(
                    "", 0, 0, f"--set {spec}", unknown_message("issue", issue_id, case.issue_ids)
                )
            ]
        )
    assert field is not None
    return _change_from(
        case,
        spec,
        "--set",
        {"party": party, "issue": issue_id, field: _value_for(case.issue(issue_id), value, field)},
    )
