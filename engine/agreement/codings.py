"""Several codings of one case: checking they share ids, and the table of coded units.

A **coding** is a case folder (or :class:`~engine.model.case.Case`) made by
one coder from the same material as the others. Codings must share the
case's frame — party ids, issue ids, each issue's scale, its options (in the
same order on ordinal scales) or its ``[min, max]`` — since agreement is
measured on the same units and values. Statements, sources and notes are the
coder's own.

The unit of analysis
--------------------
A **unit** is a position in force: *party × issue on an evaluation date*
(default: the key's ``as_of``, one date). Coders are compared on what each
says the party's position *is* on that date, not statement by statement:

- statements need not be aligned across codings (two coders may date the
  same source differently, split one text into two statements, or cite
  another source for the same position) — the position in force absorbs
  that, and it is what every analysis of zopa uses;
- one judgement counts once: with several dates (``at=[...]`` or every
  snapshot date) a position coded once and still in force later is counted
  at each date, which weights long-lived positions; that is why the
  default is one date.

A coder with no position in force on a unit (no statement naming the issue,
or a ``null`` withdrawing it) leaves the unit **uncoded**: missing data, not
a disagreement (Krippendorff's α uses the pairable values only). A unit no
coder coded is not a unit.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from engine.io.loader import load_case
from engine.model.case import CONFIDENCES, Case, Issue, OptionSet, Position, Span, as_date
from engine.model.errors import CaseError, Problem, did_you_mean

__all__ = [
    "VARIABLES",
    "Coding",
    "coder_names",
    "coding_units",
    "load_codings",
    "unit_dates",
    "value_of",
]

#: The coded variables of a position, in report order.
VARIABLES = ("ideal", "acceptable", "salience", "red_line", "confidence")

Coding = "Case | str | os.PathLike[str]"


def load_codings(codings: Sequence[Any]) -> list[Case]:
    """Load codings given as cases, folders or shipped ids, and check they share the frame.

    Raises
    ------
    CaseError
        Fewer than two codings; a coding that does not load (its problems);
        or codings whose parties, issues, scales or options differ from the
        first one's, each problem located at the coding's ``case.yaml`` with
        a did-you-mean.
    """
    cases = [c if isinstance(c, Case) else load_case(c) for c in codings]
    if len(cases) < 2:
        raise CaseError(
            [
                Problem(
                    "", 0, 0, "codings", f"give two or more codings of one case; got {len(cases)}"
                )
            ]
        )
    check_shared_frame(cases)
    return cases


def _where(case: Case) -> str:
    return str(Path(case.path) / "case.yaml") if case.path else f"<coding {case.id}>"


def _mismatch(
    kind: str, field: str, mine: Sequence[str], theirs: Sequence[str], where: str, ref: str
) -> list[Problem]:
    out = []
    for x in mine:
        if x not in theirs:
            out.append(
                Problem(
                    where,
                    0,
                    0,
                    field,
                    f"{kind} '{x}' is not in {ref}{did_you_mean(x, theirs)}; codings of one "
                    f"case must share their {kind} ids",
                )
            )
    for x in theirs:
        if x not in mine:
            out.append(Problem(where, 0, 0, field, f"{kind} '{x}' of {ref} is missing here"))
    return out


def check_shared_frame(cases: Sequence[Case]) -> None:
    """Raise :class:`CaseError` unless every case has the first one's parties, issues and options."""
    first = cases[0]
    ref = f"the first coding ({_where(first)})"
    problems: list[Problem] = []
    for case in cases[1:]:
        where = _where(case)
        problems += _mismatch("party", "parties", case.party_ids, first.party_ids, where, ref)
        problems += _mismatch("issue", "issues", case.issue_ids, first.issue_ids, where, ref)
        for issue in case.issues:
            if issue.id not in first.issue_ids:
                continue
            base = first.issue(issue.id)
            field = f"issues.{issue.id}"
            if issue.scale != base.scale:
                problems.append(
                    Problem(
                        where,
                        0,
                        0,
                        field + ".scale",
                        f"scale '{issue.scale}' differs from '{base.scale}' in {ref}",
                    )
                )
                continue
            if issue.is_interval:
                if (issue.min, issue.max) != (base.min, base.max):
                    problems.append(
                        Problem(
                            where,
                            0,
                            0,
                            field,
                            f"range [{issue.min}, {issue.max}] differs from "
                            f"[{base.min}, {base.max}] in {ref}",
                        )
                    )
                continue
            opts = _mismatch(
                "option", field + ".options", issue.option_ids, base.option_ids, where, ref
            )
            problems += opts
            if not opts and issue.scale == "ordinal" and issue.option_ids != base.option_ids:
                problems.append(
                    Problem(
                        where,
                        0,
                        0,
                        field + ".options",
                        "the options are in another order than in " + ref,
                    )
                )
    if problems:
        raise CaseError(problems)


def coder_names(cases: Sequence[Case], names: Sequence[str] | None = None) -> tuple[str, ...]:
    """Names of the coders: given, else the codings' folder names, else ``coder-1``, ``coder-2``, …

    Raises
    ------
    CaseError
        When ``names`` has the wrong length or repeats a name.
    """
    if names is not None:
        names = [str(n) for n in names]
        if len(names) != len(cases) or len(set(names)) != len(names):
            raise CaseError(
                [
                    Problem(
                        "", 0, 0, "names", f"give {len(cases)} distinct coder names; got {names}"
                    )
                ]
            )
        return tuple(names)
    for candidate in (
        [Path(c.path).name if c.path else c.id for c in cases],
        [c.id for c in cases],
    ):
        if len(set(candidate)) == len(candidate):
            return tuple(candidate)
    return tuple(f"coder-{i + 1}" for i in range(len(cases)))


def unit_dates(key: Case, at: Any = None) -> tuple[_dt.date, ...]:
    """The evaluation dates of the units.

    ``None``: the key's ``as_of``; ``"snapshots"``: every snapshot date of
    the key (its named snapshots, else its statement dates); a date or a
    sequence of dates: those, sorted, without repeats.
    """
    if at is None:
        return (key.as_of,)
    if isinstance(at, str) and at == "snapshots":
        return tuple(sorted({s.date for s in key.snapshot_dates()})) or (key.as_of,)
    if isinstance(at, str | _dt.date):
        return (as_date(at, "at"),)
    return tuple(sorted({as_date(d, "at") for d in at}))


def value_of(issue: Issue, pos: Position | None, variable: str) -> Any:
    """The value a position gives a variable (``None`` when uncoded), hashable.

    ``acceptable`` is a tuple of option ids in the issue's order, or
    ``(lo, hi)`` on interval scales; ``ideal`` an option id or a float;
    ``salience`` a float; ``red_line`` a bool; ``confidence`` one of
    official, reported, inferred.
    """
    if pos is None:
        return None
    if variable == "ideal":
        return float(pos.ideal) if issue.is_interval else str(pos.ideal)
    if variable == "acceptable":
        acc = pos.acceptable
        if isinstance(acc, Span):
            return (float(acc.lo), float(acc.hi))
        assert isinstance(acc, OptionSet)
        return issue.ordered(acc)
    if variable == "salience":
        return float(pos.salience)
    if variable == "red_line":
        return bool(pos.red_line)
    if variable == "confidence":
        return str(pos.confidence)
    raise ValueError(f"unknown variable '{variable}'; known: {', '.join(VARIABLES)}")


def _grid(cases: Sequence[Case], dates: Sequence[_dt.date]) -> list[tuple[Any, ...]]:
    """Units coded by at least one coder: (date, party, issue, [position or None per coder])."""
    key = cases[0]
    units = []
    for d in dates:
        in_force = [c.at(d) for c in cases]
        for p in key.party_ids:
            for i in key.issue_ids:
                got = [f.get((p, i)) for f in in_force]
                if any(g is not None for g in got):
                    units.append((d, p, i, got))
    return units


def coding_units(
    codings: Sequence[Any],
    *,
    at: Any = None,
    names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Every coded unit × coder × variable, with disagreements marked.

    Parameters
    ----------
    codings : sequence of Case or folder
        Two or more codings of one case (the first one's ``as_of`` and
        snapshots define the default dates).
    at : date, sequence of dates or "snapshots", optional
        The evaluation dates (see :func:`unit_dates`); default the first
        coding's ``as_of``.
    names : sequence of str, optional
        Coder names (default: :func:`coder_names`).

    Returns
    -------
    pandas.DataFrame
        One row per unit (``date``, ``party``, ``issue``), ``coder`` and
        ``variable``, in the case's order; columns ``scale`` (the issue's),
        ``value`` (see :func:`value_of`; ``None`` where the coder left the
        unit uncoded), ``coded`` (bool) and ``disagree`` (bool: the coders
        who coded the unit did not all give the same value — uncoded is not
        a disagreement; a unit coded by one coder has no disagreement).

    Notes
    -----
    The unit is a position in force, party × issue on a date (see the
    module's documentation). Values are compared exactly (option ids, sets
    of option ids, numbers).

    Examples
    --------
    >>> from engine import load_case
    >>> case = load_case("ukraine-russia")
    >>> units = coding_units([case, case], names=["ann", "ben"])
    >>> sorted(units.columns)
    ['coded', 'coder', 'date', 'disagree', 'issue', 'party', 'scale', 'value', 'variable']
    >>> bool(units["disagree"].any())
    False
    """
    cases = load_codings(codings)
    coders = coder_names(cases, names)
    dates = unit_dates(cases[0], at)
    rows = []
    for d, p, i, got in _grid(cases, dates):
        issue = cases[0].issue(i)
        for var in VARIABLES:
            vals = [value_of(issue, g, var) for g in got]
            given = {v for v in vals if v is not None}
            disagree = len(given) > 1
            for coder, v in zip(coders, vals, strict=True):
                rows.append(
                    (d.isoformat(), p, i, issue.scale, coder, var, v, v is not None, disagree)
                )
    columns = [
        "date",
        "party",
        "issue",
        "scale",
        "coder",
        "variable",
        "value",
        "coded",
        "disagree",
    ]
    return pd.DataFrame(rows, columns=columns)


#: Order of the confidence levels (most to least certain), the ordinal scale of ``confidence``.
CONFIDENCE_ORDER = CONFIDENCES
