"""Per-party valuations of outcomes (a position's optional ``values``).

A position may grade the outcomes of its issue for its party, each in
[0, 1], instead of leaving zopa to read them off the distance to the ideal:

- on ordinal and nominal issues, a value per option id (options not listed
  are worth 0);
- on interval issues, a piecewise-linear function given by ``[x, value]``
  points in increasing ``x``, linear between two points and flat beyond the
  first and the last.

Rules (checked by :func:`values_errors`, see docs/format.md, "Values"):

- every value lies in [0, 1]; option ids are options of the issue; the
  ``x`` of an interval function lie in the issue's range, strictly
  increasing;
- the ideal is worth 1 (it is the party's best outcome; other outcomes may
  tie with it);
- ``acceptable`` is kept as written and values only grade, but the two may
  not contradict each other: every acceptable outcome is worth at least as
  much as every outcome outside the acceptable set.

Values are read as exact rationals (each number as the shortest decimal
that gives the same float, as in :mod:`engine.solve.bargaining`), so the
frontier's ties stay exact.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from engine.model.case import Issue, OptionSet, Outcome, Position, Span
from engine.model.errors import allowed_list, did_you_mean

__all__ = [
    "VALUES_HELP",
    "Values",
    "parse_values",
    "value_breakpoints",
    "value_of",
    "values_errors",
]

Values = tuple[tuple[Outcome, float], ...]
Errors = list[tuple[tuple[Any, ...], str]]

#: How ``values`` may be written, for messages and the schemas.
VALUES_HELP = (
    "a mapping option id -> value in [0, 1] ({a: 1.0, b: 0.4}) on ordinal and nominal "
    "issues, or a list of [x, value] points in increasing x ([[0, 0.2], [50, 1]]) on "
    "interval issues"
)


def _dec(x: float | int) -> Fraction:
    return Fraction(repr(float(x)))


def _is_number(x: object) -> bool:
    return (
        isinstance(x, int | float)
        and not isinstance(x, bool)
        and x == x
        and abs(x) != float("inf")
    )


def parse_values(issue: Issue, raw: object) -> tuple[Values | None, Errors]:
    """A position's ``values`` from plain data (a mapping, or a list of points).

    Returns the values (options in the issue's order; points in increasing
    ``x``) and a list of ``(subpath, message)`` errors.

    Examples
    --------
    >>> from engine.model.case import Option
    >>> iss = Issue("x", "X", "nominal", (Option("a", "A"), Option("b", "B")))
    >>> parse_values(iss, {"b": 0.5, "a": 1})
    ((('a', 1.0), ('b', 0.5)), [])
    >>> parse_values(iss, {"bb": 0.5})[1]
    [(('bb',), "'bb' is not an option of issue 'x' (did you mean 'b'?); options: a, b")]
    """
    if issue.is_interval:
        return _points(issue, raw)
    if not isinstance(raw, Mapping):
        return None, [
            (
                (),
                f"issue '{issue.id}' is {issue.scale}: write values as a mapping option id -> "
                "value, e.g. {" + ", ".join(f"{o}: 1.0" for o in issue.option_ids[:2]) + "}",
            )
        ]
    errors: Errors = []
    if not raw:
        errors.append(
            ((), "list at least one option and its value (options not listed are worth 0)")
        )
    got: dict[str, float] = {}
    for key, v in raw.items():
        if key not in issue.option_ids:
            errors.append(
                (
                    (key,),
                    f"'{key}' is not an option of issue '{issue.id}'"
                    f"{did_you_mean(str(key), issue.option_ids)}; options: "
                    f"{allowed_list(issue.option_ids)}",
                )
            )
        elif not (_is_number(v) and 0 <= v <= 1):
            errors.append(((key,), f"a value must be a number from 0 to 1, got {v!r}"))
        else:
            got[key] = float(v)
    if errors:
        return None, errors
    return tuple((o, got[o]) for o in issue.option_ids if o in got), []


def _points(issue: Issue, raw: object) -> tuple[Values | None, Errors]:
    assert issue.min is not None and issue.max is not None
    if not isinstance(raw, list) or not raw:
        return None, [
            (
                (),
                f"issue '{issue.id}' is on an interval scale: write values as a list of "
                f"[x, value] points in increasing x, e.g. [[{issue.min:g}, 0.0], "
                f"[{issue.max:g}, 1.0]]",
            )
        ]
    errors: Errors = []
    out: list[tuple[float, float]] = []
    for k, pt in enumerate(raw):
        if not (isinstance(pt, list) and len(pt) == 2):
            errors.append(((k,), f"expected a pair [x, value], got {pt!r}"))
            continue
        x, v = pt
        if not _is_number(x):
            errors.append(((k, 0), f"expected a number ({issue.unit}), got {x!r}"))
        elif not issue.min <= x <= issue.max:
            errors.append(
                (
                    (k, 0),
                    f"{x:g} is outside issue '{issue.id}''s range; allowed: "
                    f"{issue.min:g} to {issue.max:g} {issue.unit}".rstrip(),
                )
            )
        elif out and float(x) <= out[-1][0]:
            errors.append(
                (
                    (k, 0),
                    f"x must increase from point to point: {x:g} follows {out[-1][0]:g}; "
                    "list the points in increasing x, each x once",
                )
            )
        if not (_is_number(v) and 0 <= v <= 1):
            errors.append(((k, 1), f"a value must be a number from 0 to 1, got {v!r}"))
        if _is_number(x) and _is_number(v):
            out.append((float(x), float(v)))
    if errors:
        return None, errors
    return tuple(out), []


def value_of(issue: Issue, values: Values, outcome: Outcome) -> Fraction:
    """The exact value of an outcome under ``values`` (which must not be empty).

    Examples
    --------
    >>> iss = Issue("n", "N", "interval", unit="t", min=0.0, max=100.0)
    >>> value_of(iss, ((20.0, 0.0), (60.0, 1.0)), 50.0)   # 10/40 of the way down from 60
    Fraction(3, 4)
    >>> value_of(iss, ((20.0, 0.0), (60.0, 1.0)), 90.0)   # flat beyond the last point
    Fraction(1, 1)
    """
    if not issue.is_interval:
        for o, v in values:
            if o == outcome:
                return _dec(v)
        return Fraction(0)
    x = _dec(float(outcome))
    pts = [(_dec(float(a)), _dec(v)) for a, v in values]
    if x <= pts[0][0]:
        return pts[0][1]
    for (x0, v0), (x1, v1) in itertools.pairwise(pts):
        if x <= x1:
            return v0 + (v1 - v0) * (x - x0) / (x1 - x0)
    return pts[-1][1]


def value_breakpoints(values: Values) -> tuple[float, ...]:
    """The ``x`` of an interval function's points (where its slope may change)."""
    return tuple(float(x) for x, _ in values)


def values_errors(issue: Issue, pos: Position) -> Errors:
    """The rules tying a position's values to its ideal and acceptable set.

    Examples
    --------
    >>> from engine.model.case import Option
    >>> iss = Issue("x", "X", "ordinal", tuple(Option(o, o.upper()) for o in "abc"))
    >>> pos = Position("p", "x", "a", OptionSet(frozenset("a")), values=(("a", 1.0), ("b", 0.5)))
    >>> values_errors(iss, pos)
    []
    >>> bad = Position("p", "x", "a", OptionSet(frozenset("ab")), values=(("a", 1.0), ("c", 0.5)))
    >>> values_errors(iss, bad)[0][1][:60]
    "'b' is acceptable but worth 0 (not listed), less than 'c' (0"
    """
    if not pos.values:
        return []
    errors: Errors = []
    ideal_value = value_of(issue, pos.values, pos.ideal)
    if ideal_value != 1:
        listed = issue.is_interval or any(o == pos.ideal for o, _ in pos.values)
        shown = f"{float(ideal_value):g}" + ("" if listed else " (not listed)")
        errors.append(
            (
                ("values",),
                f"the ideal '{_show(issue, pos.ideal)}' is worth {shown}; the ideal is the party's "
                "best outcome and must be worth 1: give it value 1 or change the ideal",
            )
        )
    clash = _contradiction(issue, pos)
    if clash is not None:
        errors.append((("values",), clash))
    return errors


def _show(issue: Issue, outcome: Outcome) -> str:
    return f"{float(outcome):g}" if issue.is_interval else str(outcome)


def _contradiction(issue: Issue, pos: Position) -> str | None:
    """A message when an acceptable outcome is worth less than an unacceptable one."""
    if isinstance(pos.acceptable, Span):
        return _interval_contradiction(issue, pos, pos.acceptable)
    assert isinstance(pos.acceptable, OptionSet)
    listed = {o for o, _ in pos.values}
    inside = [o for o in issue.option_ids if o in pos.acceptable]
    outside = [o for o in issue.option_ids if o not in pos.acceptable]
    if not outside:
        return None
    low = min(inside, key=lambda o: value_of(issue, pos.values, o))
    high = max(outside, key=lambda o: value_of(issue, pos.values, o))
    vlow, vhigh = value_of(issue, pos.values, low), value_of(issue, pos.values, high)
    if vlow >= vhigh:
        return None
    note = "" if low in listed else " (not listed)"
    return (
        f"'{low}' is acceptable but worth {float(vlow):g}{note}, less than '{high}' "
        f"({float(vhigh):g}), which is not acceptable; every acceptable outcome must be worth at "
        f"least as much as every unacceptable one: add '{high}' to acceptable, or raise the "
        f"value of '{low}' to at least {float(vhigh):g}"
    )


def _interval_contradiction(issue: Issue, pos: Position, acc: Span) -> str | None:
    assert issue.min is not None and issue.max is not None
    xs = sorted(
        {float(issue.min), float(issue.max), acc.lo, acc.hi, *value_breakpoints(pos.values)}
    )

    def v(x: float) -> Fraction:
        return value_of(issue, pos.values, x)

    inside = [x for x in xs if acc.lo <= x <= acc.hi]
    # outside the span: the closures of [min, lo) and (hi, max] (a supremum is a maximum there)
    outside = [
        x
        for x in xs
        if (x <= acc.lo and acc.lo > issue.min) or (x >= acc.hi and acc.hi < issue.max)
    ]
    if not outside:
        return None
    low, high = min(inside, key=v), max(outside, key=v)
    if v(low) >= v(high):
        return None
    if acc.lo <= high <= acc.hi:
        # the best unacceptable outcomes approach an end of the span from outside
        return (
            f"acceptable {issue.describe(acc)} includes {low:g}, worth {float(v(low)):g}, but "
            f"outcomes just outside it are worth up to {float(v(high)):g}; every acceptable "
            "outcome must be worth at least as much as every unacceptable one: widen the "
            "acceptable interval or change the values"
        )
    return (
        f"{low:g} is acceptable but worth {float(v(low)):g}, less than {high:g} "
        f"({float(v(high)):g}), which is outside the acceptable {issue.describe(acc)}; every "
        "acceptable outcome must be worth at least as much as every unacceptable one: widen the "
        "acceptable interval or change the values"
    )
