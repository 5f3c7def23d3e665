"""Reading scenario changes: a change mapping, as written in a scenario file, into a :class:`Change`.

Every problem is returned located by its path inside the mapping, with a
did-you-mean for unknown ids; the loader (scenario files), the what-if
command line and the explorer's API all read changes here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.io.schema import CHANGE_FIELDS, POSITION_CHANGE_FIELDS
from engine.model.case import Change, Issue, Party
from engine.model.errors import did_you_mean, excerpt, unknown_message
from engine.model.parse import (
    Errors,
    is_number,
    is_slug,
    parse_acceptable,
    parse_outcome,
    parse_requires,
)
from engine.model.values import parse_values

__all__ = ["parse_change"]

_POSITION_FIELDS = POSITION_CHANGE_FIELDS


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
        _reservation(spec.get("reservation")),
    )


def _reservation(value: object) -> float | None:
    """A party's reservation value (the schema checks its range)."""
    return float(value) if is_number(value) else None


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
            errors.append(((key,), f"expected a {key} id (lower-case text), got {excerpt(value)}"))
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
        errors.append((("withdraw",), f"expected true or false, got {excerpt(raw['withdraw'])}"))
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
    """``ideal``, ``salience``, ``red_line``, ``requires``, ``values`` and ``note``."""
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
            errors.append(
                (("salience",), f"salience must be a number from 0 to 1, got {excerpt(s)}")
            )
        else:
            kw["salience"] = float(s)
    if "red_line" in raw:
        if not isinstance(raw["red_line"], bool):
            errors.append(
                (("red_line",), f"expected true or false, got {excerpt(raw['red_line'])}")
            )
        else:
            kw["red_line"] = raw["red_line"]
    if "requires" in raw:
        req, errs = parse_requires(issues, iid, raw["requires"])
        errors += [(("requires", *p), m) for p, m in errs]
        kw["requires"], kw["requires_given"] = req, True
    if "values" in raw:
        vals: tuple[Any, ...] | None = ()
        if raw["values"] is not None:
            vals, errs = parse_values(issues[iid], raw["values"])
            errors += [(("values", *p), m) for p, m in errs]
        kw["values"], kw["values_given"] = vals or (), True
    if "note" in raw:
        kw["note"] = str(raw["note"] or "")
    return kw, errors
