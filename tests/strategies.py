"""Hypothesis strategies that build whole, valid zopa cases (Axelrod's style).

``cases(...)`` draws an :class:`engine.Case` built directly from model objects;
``case_files(case)`` writes any case back as YAML files, so loader tests can
round-trip random cases through the file format.

Numbers are kept on small grids (saliences in steps of 0.05, interval bounds
integers) so hand-checkable arithmetic and brute-force comparisons are exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from engine import Case, Issue, Option, OptionSet, Party, Position, Source, Span, Statement
from engine.model import ROLES, SCALES

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


# ------------------------------------------------------------------ to files


def _acceptable_data(issue: Issue, acc: Any) -> Any:
    if isinstance(acc, Span):
        return {"min": _num(acc.lo), "max": _num(acc.hi)}
    return list(issue.ordered(acc))


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else float(x)


def case_files(case: Case) -> dict[str, str]:
    """The YAML files of a case: relative path -> text (the inverse of loading)."""
    issues_by_id = {i.id: i for i in case.issues}
    doc: dict[str, Any] = {
        "title": case.title,
        "as_of": case.as_of.isoformat(),
        "parties": [
            {"id": p.id, "name": p.name, "role": p.role, **({"short": p.short} if p.short else {})}
            for p in case.parties
        ],
        "issues": [],
        "sources": [
            {"id": s.id, "title": s.title, "publisher": s.publisher, "date": s.date, "url": s.url}
            for s in case.sources
        ],
    }
    if case.description:
        doc["description"] = case.description
    for issue in case.issues:
        entry: dict[str, Any] = {"id": issue.id, "name": issue.name, "scale": issue.scale}
        if issue.short:
            entry["short"] = issue.short
        if issue.is_interval:
            entry.update(unit=issue.unit, min=_num(issue.min or 0), max=_num(issue.max or 0))
        else:
            entry["options"] = [{"id": o.id, "label": o.label} for o in issue.options]
        if issue.distances:
            entry["distances"] = [
                {"between": [a, b], "distance": d} for a, b, d in issue.distances
            ]
        if issue.status_quo is not None:
            entry["status_quo"] = _num(issue.status_quo) if issue.is_interval else issue.status_quo  # type: ignore[arg-type]
        doc["issues"].append(entry)
    if case.snapshots:
        doc["snapshots"] = [
            {"id": s.id, "date": s.date.isoformat(), "label": s.label} for s in case.snapshots
        ]
    files = {"case.yaml": _dump(doc)}
    for party in case.parties:
        sts = [s for s in case.statements if s.party == party.id]
        if not sts:
            continue
        out = []
        for s in sorted(sts, key=lambda s: (s.as_of, s.seq)):
            pos: dict[str, Any] = {}
            for issue_id, p in s.positions:
                if p is None:
                    pos[issue_id] = None
                    continue
                issue = issues_by_id[issue_id]
                e: dict[str, Any] = {
                    "ideal": _num(p.ideal) if issue.is_interval else p.ideal,  # type: ignore[arg-type]
                    "acceptable": _acceptable_data(issue, p.acceptable),
                    "salience": p.salience,
                }
                if p.red_line:
                    e["red_line"] = True
                if p.requires:
                    e["requires"] = {
                        i: _acceptable_data(issues_by_id[i], a) for i, a in p.requires
                    }
                pos[issue_id] = e
            out.append(
                {"as_of": s.as_of.isoformat(), "sources": list(s.sources), "positions": pos}
            )
        files[f"parties/{party.id}.yaml"] = _dump({"party": party.id, "statements": out})
    return files


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)


def write_case(case: Case, folder: Path) -> Path:
    """Write a case as YAML files under ``folder`` and return the folder."""
    for rel, text in case_files(case).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder
