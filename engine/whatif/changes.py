"""The what-if command line's compact changes: ``--concede P:I=OPTION`` and ``--set P:I.FIELD=VALUE``.

Each spec is turned into the mapping a scenario file would hold and read by
:func:`engine.io.changes.parse_change`, so both ways of writing a change are
checked by the same rules and give the same messages.
"""

from __future__ import annotations

import re
from typing import Any

from engine.io.changes import parse_change
from engine.model.case import Case, Change, Issue
from engine.model.errors import CaseError, Problem, did_you_mean, unknown_message

__all__ = ["change_from_concede", "change_from_set"]


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
