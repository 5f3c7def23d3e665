"""Hypothesis strategies that build whole, valid zopa cases (Axelrod's style).

``cases(...)`` draws an :class:`engine.Case` built directly from model objects;
``case_files(case)`` and ``write_case(case, folder)`` (from :mod:`reports.export.caseio`,
re-exported here) write any case back as YAML files, so loader tests can
round-trip random cases through the file format.

Numbers are kept on small grids (saliences in steps of 0.05, interval bounds
integers) so hand-checkable arithmetic and brute-force comparisons are exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from engine import Case, Issue, Option, OptionSet, Party, Position, Source, Span, Statement
from engine.model.case import ROLES, SCALES
from reports.export.caseio import case_files, write_case

__all__ = ["case_files", "cases", "issues", "write_case"]

BASE_DATE = dt.date(2020, 1, 1)
SALIENCE = st.integers(0, 20).map(lambda k: k / 20)


@st.composite
def issues(
    draw: st.DrawFn, issue_id: str = "i0", scales: Sequence[str] = SCALES, max_options: int = 6
) -> Issue:
    """One issue on a random scale (ordinal, nominal or interval)."""
    scale = draw(st.sampled_from(list(scales)))
    if scale == "interval":
        hi = draw(st.sampled_from([10, 20, 100]))
        sq = draw(st.none() | st.integers(0, hi).map(float))
        return Issue(
            issue_id,
            f"Issue {issue_id}",
            "interval",
            unit="units",
            min=0.0,
            max=float(hi),
            status_quo=sq,
        )
    k = draw(st.integers(2, max(2, max_options)))
    options = tuple(Option(f"o{j}", f"Option {j}") for j in range(k))
    distances: tuple[tuple[str, str, float], ...] = ()
    if scale == "nominal" and k >= 3 and draw(st.booleans()):
        a, b = draw(st.lists(st.integers(0, k - 1), min_size=2, max_size=2, unique=True))
        distances = ((f"o{a}", f"o{b}", draw(st.integers(1, 9)) / 10),)
    sq = draw(st.none() | st.sampled_from([o.id for o in options]))
    return Issue(issue_id, f"Issue {issue_id}", scale, options, status_quo=sq, distances=distances)


@st.composite
def acceptable_sets(draw: st.DrawFn, issue: Issue) -> tuple[Any, Any]:
    """(ideal, acceptable) on an issue, the ideal inside the set."""
    if issue.is_interval:
        assert issue.max is not None
        a, b = sorted(draw(st.lists(st.integers(0, int(issue.max)), min_size=2, max_size=2)))
        ideal = draw(st.integers(a, b))
        return float(ideal), Span(float(a), float(b))
    k = issue.k
    if issue.scale == "ordinal" and draw(st.booleans()):
        a, b = sorted(draw(st.lists(st.integers(0, k - 1), min_size=2, max_size=2)))
        chosen = list(range(a, b + 1))
    else:
        chosen = sorted(draw(st.sets(st.integers(0, k - 1), min_size=1, max_size=k)))
    ideal = draw(st.sampled_from(chosen))
    return f"o{ideal}", OptionSet(frozenset(f"o{j}" for j in chosen))


@st.composite
def positions(
    draw: st.DrawFn,
    party: str,
    issue: Issue,
    others: Sequence[Issue],
    *,
    with_requires: bool,
    with_red_lines: bool,
    as_of: dt.date,
) -> Position:
    ideal, acceptable = draw(acceptable_sets(issue))
    requires: tuple[tuple[str, Any], ...] = ()
    if with_requires and others and draw(st.integers(0, 3)) == 0:
        other = draw(st.sampled_from(list(others)))
        _, req = draw(acceptable_sets(other))
        requires = ((other.id, req),)
    return Position(
        party=party,
        issue=issue.id,
        ideal=ideal,
        acceptable=acceptable,
        salience=draw(SALIENCE),
        red_line=draw(st.booleans()) if with_red_lines else False,
        requires=requires,
        sources=("s0",),
        as_of=as_of,
    )


@st.composite
def cases(
    draw: st.DrawFn,
    min_parties: int = 2,
    max_parties: int = 5,
    min_issues: int = 1,
    max_issues: int = 4,
    scales: Sequence[str] = SCALES,
    max_options: int = 6,
    with_requires: bool = False,
    with_red_lines: bool = True,
    n_dates: int = 1,
    allow_missing: bool = True,
) -> Case:
    """A random valid case.

    Parameters
    ----------
    min_parties, max_parties, min_issues, max_issues : int
        Size bounds.
    scales : sequence of str
        Scales to draw issues from.
    max_options : int
        Largest number of options of an ordinal/nominal issue (at least 2).
    with_requires : bool
        Allow ``requires`` linkage between issues.
    with_red_lines : bool
        Allow red lines.
    n_dates : int
        Number of statement dates; with more than one, later statements may
        restate, change or withdraw (``null``) positions.
    allow_missing : bool
        Allow parties without a position on an issue ("no position").
    """
    n_p = draw(st.integers(min_parties, max_parties))
    n_i = draw(st.integers(min_issues, max_issues))
    parties = tuple(Party(f"p{j}", f"Party {j}", draw(st.sampled_from(ROLES))) for j in range(n_p))
    iss = tuple(draw(issues(f"i{j}", scales, max_options)) for j in range(n_i))
    dates = [BASE_DATE + dt.timedelta(days=30 * d) for d in range(n_dates)]
    statements = []
    for party in parties:
        for d_i, date in enumerate(dates):
            entries: list[tuple[str, Position | None]] = []
            for issue in iss:
                present = True if not allow_missing else draw(st.integers(0, 4)) > 0
                if d_i > 0:
                    choice = draw(st.integers(0, 3))  # 0 restate/change, 1 withdraw, 2-3 untouched
                    if choice >= 2:
                        continue
                    if choice == 1 and allow_missing:
                        entries.append((issue.id, None))
                        continue
                elif not present:
                    continue
                others = [o for o in iss if o.id != issue.id]
                entries.append(
                    (
                        issue.id,
                        draw(
                            positions(
                                party.id,
                                issue,
                                others,
                                with_requires=with_requires,
                                with_red_lines=with_red_lines,
                                as_of=date,
                            )
                        ),
                    )
                )
            if entries:
                statements.append(Statement(party.id, date, ("s0",), tuple(entries)))
    return Case(
        id="random",
        title="Random case",
        as_of=dates[-1],
        parties=parties,
        issues=iss,
        sources=(Source("s0", "Generated", "hypothesis", "2020", "https://example.org/"),),
        statements=tuple(statements),
    )
