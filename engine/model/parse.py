"""Turning plain data (from YAML or the command line) into model values.

Shared by the case loader, scenarios and the CLI's ``--concede``/``--set``,
so that one rule gives one message everywhere. Functions return the value
(or ``None``) and a list of ``(subpath, message)`` errors; callers attach the
file, line and field.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, TypeGuard

from engine.model.case import CONFIDENCES, Acceptable, Issue, OptionSet, Outcome, Position, Span
from engine.model.errors import allowed_list, did_you_mean, excerpt
from engine.model.values import parse_values, values_errors

__all__ = [
    "MAX_NUMBER",
    "Errors",
    "is_number",
    "is_slug",
    "parse_acceptable",
    "parse_bonus_value",
    "parse_date",
    "parse_outcome",
    "parse_partial_date",
    "parse_position",
    "parse_requires",
    "position_errors",
]

Errors = list[tuple[tuple[Any, ...], str]]
#: The pattern of an id (party, issue, option, source, snapshot, scenario).
SLUG = r"^[a-z][a-z0-9_-]{0,63}$"

#: How an acceptable set may be written, for messages and the schemas.
ACCEPTABLE_HELP = (
    "a list of option ids ([a, b]), an ordinal range ({from: a, to: b}) "
    "or a numeric interval ({min: 0, max: 100})"
)

_SLUG = re.compile(SLUG)

#: The largest magnitude of a number in a case (docs/format.md, "Limits").
MAX_NUMBER = 10**15
#: A bonus value written as an exact fraction, ``p/q``.
BONUS_FRACTION = r"^\s*-?[0-9]+\s*/\s*[0-9]+\s*$"
#: How a bonus value may be written, for messages and the schemas.
BONUS_VALUE_HELP = (
    "a number from -1 to 1, or an exact fraction 'p/q' in that range (e.g. '97/662')"
)


def parse_bonus_value(value: object) -> tuple[Fraction | None, str | None]:
    """A bonus value, exactly: a number as written (its shortest decimal) or ``p/q``, in [-1, 1]."""
    x: Fraction | None = None
    if is_number(value):
        x = Fraction(repr(float(value)))
    elif isinstance(value, str) and re.fullmatch(BONUS_FRACTION, value):
        num, den = (int(t) for t in value.split("/"))
        if den == 0:
            return None, f"'{value}' divides by zero; write {BONUS_VALUE_HELP}"
        x = Fraction(num, den)
    if x is None:
        return None, f"expected {BONUS_VALUE_HELP}, got {value!r}"
    if not -1 <= x <= 1:
        return None, f"{value} is outside the range of bonus values; allowed: {BONUS_VALUE_HELP}"
    return x, None


def is_slug(x: object) -> bool:
    return isinstance(x, str) and bool(_SLUG.match(x))


def is_number(x: object) -> TypeGuard[int | float]:
    """A number zopa computes with: not a bool, finite, at most :data:`MAX_NUMBER` in size.

    Compared without converting to float, so a huge whole number is simply
    not a number here (never an OverflowError).
    """
    return isinstance(x, int | float) and not isinstance(x, bool) and abs(x) <= MAX_NUMBER


def parse_date(value: object) -> tuple[_dt.date | None, str | None]:
    """A full ISO date; the error says what is allowed."""
    if isinstance(value, _dt.date):
        return value, None
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value), None
        except ValueError:
            pass
    return None, f"{excerpt(str(value))} is not a valid date; use YYYY-MM-DD (e.g. 2025-11-30)"


def parse_partial_date(value: object) -> tuple[str | None, str | None]:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``, checked to be a real (partial) date."""
    text = str(value)
    try:
        if re.fullmatch(r"\d{4}", text):
            return text, None
        if re.fullmatch(r"\d{4}-\d{2}", text):
            _dt.date.fromisoformat(text + "-01")
            return text, None
        _dt.date.fromisoformat(text)
        return text, None
    except ValueError:
        return None, f"{excerpt(str(value))} is not a valid date; use YYYY-MM-DD, YYYY-MM or YYYY"


def _option_error(issue: Issue, value: object) -> str:
    return (
        f"{excerpt(str(value))} is not an option of issue '{issue.id}'"
        f"{did_you_mean(str(value), issue.option_ids)}; options: {allowed_list(issue.option_ids)}"
    )


def parse_outcome(issue: Issue, value: object) -> tuple[Outcome | None, str | None]:
    """An outcome of the issue: an option id, or a number inside [min, max]."""
    if issue.is_interval:
        assert issue.min is not None and issue.max is not None
        if not is_number(value):
            return None, (
                f"expected a number on issue '{issue.id}' ({issue.unit}, "
                f"{issue.min:g} to {issue.max:g}), got {excerpt(value)}"
            )
        x = float(value)
        if not issue.min <= x <= issue.max:
            return None, (
                f"{x:g} is outside issue '{issue.id}''s range; allowed: "
                f"{issue.min:g} to {issue.max:g} {issue.unit}"
            )
        return x, None
    if not isinstance(value, str) or value not in issue.option_ids:
        return None, _option_error(issue, value)
    return value, None


def parse_acceptable(issue: Issue, value: object) -> tuple[Acceptable | None, Errors]:
    """An acceptable set on the issue's scale.

    Lists of option ids and ``{from, to}`` ranges on ordinal/nominal scales
    (ranges on ordinal only); ``{min, max}`` intervals on interval scales.
    """
    if issue.is_interval:
        return _interval(issue, value)
    if isinstance(value, list):
        errors: Errors = [
            ((i,), _option_error(issue, v))
            for i, v in enumerate(value)
            if v not in issue.option_ids
        ]
        if not value:
            errors.append(((), "must list at least one option"))
        return (None if errors else OptionSet(frozenset(value))), errors
    if isinstance(value, Mapping) and set(value) == {"from", "to"}:
        return _option_range(issue, value)
    kind = (
        "an interval"
        if isinstance(value, Mapping) and {"min", "max"} & set(value)
        else repr(value)
    )
    return None, [
        ((), f"{kind} does not fit issue '{issue.id}' ({issue.scale}); use {ACCEPTABLE_HELP}")
    ]


def _interval(issue: Issue, value: object) -> tuple[Span | None, Errors]:
    """``{min, max}`` within the range of an interval issue."""
    assert issue.min is not None and issue.max is not None
    if not (isinstance(value, Mapping) and set(value) == {"min", "max"}):
        return None, [
            ((), f"issue '{issue.id}' is on an interval scale: write {{min: …, max: …}}")
        ]
    errors: Errors = []
    lo, hi = value["min"], value["max"]
    for key, x in (("min", lo), ("max", hi)):
        if not is_number(x):
            errors.append(((key,), f"expected a number, got {excerpt(x)}"))
        elif not issue.min <= x <= issue.max:
            errors.append(
                (
                    (key,),
                    f"{x:g} is outside issue '{issue.id}''s range; allowed: "
                    f"{issue.min:g} to {issue.max:g} {issue.unit}",
                )
            )
    if errors:
        return None, errors
    if lo > hi:
        return None, [
            ((), f"min ({lo:g}) is greater than max ({hi:g}); write the smaller bound first")
        ]
    return Span(float(lo), float(hi)), []


def _option_range(issue: Issue, value: Mapping[str, Any]) -> tuple[OptionSet | None, Errors]:
    """``{from, to}``: the options of an ordinal issue from one to the other, in order."""
    if issue.scale != "ordinal":
        return None, [
            ((), f"issue '{issue.id}' is nominal: ranges need an ordinal scale; list the options")
        ]
    errors: Errors = [
        ((key,), _option_error(issue, value[key]))
        for key in ("from", "to")
        if value[key] not in issue.option_ids
    ]
    if errors:
        return None, errors
    a, b = issue.index(value["from"]), issue.index(value["to"])
    if a > b:
        return None, [
            (
                (),
                f"range is reversed: '{value['from']}' comes after '{value['to']}' in the "
                f"order of issue '{issue.id}' ({', '.join(issue.option_ids)})",
            )
        ]
    return OptionSet(frozenset(issue.option_ids[a : b + 1])), []


def parse_requires(
    issues: Mapping[str, Issue], own_issue: str, value: object
) -> tuple[tuple[tuple[str, Acceptable], ...], Errors]:
    """The ``requires`` linkage: other issue id -> acceptable set on that issue."""
    errors: Errors = []
    out: list[tuple[str, Acceptable]] = []
    if value is None:
        return (), []
    if not isinstance(value, Mapping):
        return (), [
            ((), "expected a mapping: issue id -> options, e.g. {security_guarantees: [binding]}")
        ]
    for other, spec in value.items():
        if other == own_issue:
            errors.append(
                (
                    (other,),
                    f"a position cannot require its own issue '{own_issue}'; name another issue",
                )
            )
            continue
        if other not in issues:
            errors.append(
                (
                    (other,),
                    f"unknown issue {excerpt(str(other))}{did_you_mean(other, issues)}; issues: {allowed_list(list(issues))}",
                )
            )
            continue
        acc, errs = parse_acceptable(issues[other], spec)
        errors += [((other, *p), m) for p, m in errs]
        if acc is not None:
            out.append((other, acc))
    return tuple(sorted(out, key=lambda kv: kv[0])), errors


def position_errors(issue: Issue, pos: Position) -> Errors:
    """Rules a complete position must satisfy (checked after loading and after scenarios)."""
    errors: Errors = []
    if pos.ideal not in pos.acceptable:
        errors.append(
            (
                ("ideal",),
                f"ideal '{issue.label(pos.ideal) if issue.is_interval else pos.ideal}' is not inside the "
                f"acceptable set ({issue.describe(pos.acceptable, ids=True)}); the acceptable set must "
                "contain the ideal",
            )
        )
    if not (is_number(pos.salience) and 0 <= pos.salience <= 1):
        errors.append(
            (("salience",), f"salience must be a number from 0 to 1, got {excerpt(pos.salience)}")
        )
    errors += values_errors(issue, pos)
    return errors


def parse_position(
    issues: Mapping[str, Issue],
    issue: Issue,
    raw: Mapping[str, Any],
    *,
    party: str,
    as_of: _dt.date | None = None,
    sources: tuple[str, ...] = (),
    confidence: str = "official",
    origin: str = "",
) -> tuple[Position | None, Errors]:
    """Build a position from a mapping (keys as in docs/format.md), with defaults.

    Defaults: acceptable = the ideal alone, salience 0.5, red_line false.
    """
    errors: Errors = []
    if "ideal" not in raw:
        return None, [((), "missing required field 'ideal'")]
    ideal, err = parse_outcome(issue, raw["ideal"])
    if err:
        errors.append((("ideal",), err))
    given = raw.get("acceptable", _ABSENT)
    acceptable = _acceptable_or_ideal(issue, given, ideal, errors)
    salience = raw.get("salience", 0.5)
    if not (is_number(salience) and 0 <= salience <= 1):
        errors.append(
            (("salience",), f"salience must be a number from 0 to 1, got {excerpt(salience)}")
        )
    red_line = raw.get("red_line", False)
    if not isinstance(red_line, bool):
        errors.append((("red_line",), f"expected true or false, got {excerpt(red_line)}"))
    requires, errs = parse_requires(issues, issue.id, raw.get("requires"))
    errors += [(("requires", *p), m) for p, m in errs]
    conf = raw.get("confidence", confidence)
    if conf not in CONFIDENCES:
        errors.append(
            (
                ("confidence",),
                f"{excerpt(str(conf))} is not a confidence{did_you_mean(str(conf), CONFIDENCES)}; allowed: {', '.join(CONFIDENCES)}",
            )
        )
    note = raw.get("note", "")
    values: tuple[tuple[Outcome, float], ...] | None = ()
    if raw.get("values") is not None:
        values, errs = parse_values(issue, raw["values"])
        errors += [(("values", *p), m) for p, m in errs]
    if errors or ideal is None or acceptable is None or values is None:
        return None, errors
    pos = Position(
        party=party,
        issue=issue.id,
        ideal=ideal,
        acceptable=acceptable,
        salience=float(salience),
        red_line=red_line,
        requires=requires,
        note=str(note) if note is not None else "",
        confidence=str(conf),
        sources=sources,
        as_of=as_of,
        origin=origin,
        values=values,
    )
    errors += position_errors(issue, pos)
    return (None if errors else pos), errors


_ABSENT = object()


def _acceptable_or_ideal(
    issue: Issue, given: object, ideal: Outcome | None, errors: Errors
) -> Acceptable | None:
    """The position's acceptable set; when none is given, the ideal alone (errors are appended)."""
    if given is not _ABSENT:
        acceptable, errs = parse_acceptable(issue, given)
        errors += [(("acceptable", *p), m) for p, m in errs]
        return acceptable
    if ideal is not None:
        return (
            Span(float(ideal), float(ideal))
            if issue.is_interval
            else OptionSet(frozenset([str(ideal)]))
        )
    return None
