"""The consensus coding: one case made from several codings, unit by unit.

Rules (each unit is a party × issue on a date, see :mod:`engine.agreement.codings`):

- **coded or not** — the unit is coded in the consensus when more coders
  coded it than left it uncoded;
- **ideal** — ordinal: the median option; nominal: the most frequent option;
  interval: the median number;
- **acceptable** — an option is acceptable when more than half of the coders
  who coded the unit accept it; an interval is ``[median lo, median hi]``;
  the consensus ideal is then added (the format requires the ideal inside);
- **salience** — the median; **red line** — the majority; **confidence** —
  the median level (official < reported < inferred); **requires** — the
  linkage most coders wrote, none unless more than half wrote the same;
- **ties** (an even split on coded/uncoded, an ideal or confidence median
  between two options, two equally frequent nominal options, an even split
  on a red line or on an option of the acceptable set) are broken by the
  key's value when there is a key and it is among the tied values; otherwise
  by the lowest option in the scale's order (for a red line: no red line;
  for coded/uncoded and for an acceptable option: yes). Every tie is listed.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from engine.agreement.codings import (
    _grid,
    coder_names,
    load_codings,
    unit_dates,
    value_of,
)
from engine.model.case import CONFIDENCES, Case, Issue, OptionSet, Position, Span, Statement

__all__ = ["Consensus", "consensus", "consensus_values", "key_index"]


@dataclass(frozen=True, eq=False)
class Consensus:
    """The consensus coding and how it was reached.

    Attributes
    ----------
    case : Case
        A valid case: the key's (first coding's) parties, issues, sources and
        snapshots, one statement per party and date holding the consensus
        positions (scenarios are left out: they refer to one coder's
        positions).
    ties : pandas.DataFrame
        One row per tie: ``date``, ``party``, ``issue``, ``variable``,
        ``tied`` (the tied values, as text), ``chosen`` and ``rule``.
    coders : tuple of str
    key : str or None
    """

    case: Case
    ties: pd.DataFrame
    coders: tuple[str, ...]
    key: str | None = None
    values: dict[tuple[Any, str, str], dict[str, Any] | None] = field(
        default_factory=dict, repr=False
    )


def key_index(coders: Sequence[str], key: Any) -> int | None:
    """The position of the key coding (``key``: ``None``, an index or a coder name)."""
    if key is None or key is False:
        return None
    if key is True:
        return 0
    if isinstance(key, int):
        if not 0 <= key < len(coders):
            raise IndexError(f"key {key} is not the position of a coding (0 … {len(coders) - 1})")
        return key
    from engine.model.errors import UnknownIdError

    if key not in coders:
        raise UnknownIdError("coder", str(key), coders)
    return list(coders).index(key)


def _tie_break(tied: list[Any], key_value: Any, order: list[Any]) -> tuple[Any, str]:
    if key_value is not None and key_value in tied:
        return key_value, "the key's value"
    return sorted(tied, key=order.index)[0], "the lowest in the scale's order"


def _median_choice(
    values: list[Any], order: list[Any], key_value: Any
) -> tuple[Any, list[Any] | None, str]:
    ranks = sorted(order.index(v) for v in values)
    n = len(ranks)
    lo, hi = ranks[(n - 1) // 2], ranks[n // 2]
    if lo == hi:
        return order[lo], None, ""
    tied = [order[lo], order[hi]]
    chosen, rule = _tie_break(tied, key_value, order)
    return chosen, tied, rule


def _mode_choice(
    values: list[Any], order: list[Any], key_value: Any
) -> tuple[Any, list[Any] | None, str]:
    counts = Counter(values)
    top = max(counts.values())
    tied = [v for v in order if counts.get(v) == top]
    if len(tied) == 1:
        return tied[0], None, ""
    chosen, rule = _tie_break(tied, key_value, order)
    return chosen, tied, rule


def _text(v: Any) -> str:
    if isinstance(v, tuple):
        return "|".join(str(x) for x in v)
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _unit_consensus(
    issue: Issue, got: list[Position | None], key: int | None
) -> tuple[dict[str, Any] | None, list[tuple[str, list[Any], Any, str]]]:
    """The consensus values of one unit (``None``: uncoded) and its ties."""
    ties: list[tuple[str, list[Any], Any, str]] = []
    coded = [g for g in got if g is not None]
    key_pos = got[key] if key is not None else None
    n_coded, n_blank = len(coded), len(got) - len(coded)
    if n_coded < n_blank:
        return None, ties
    if n_coded == n_blank:
        keep = (key_pos is not None) if key is not None else True
        ties.append(
            (
                "coded",
                ["coded", "uncoded"],
                "coded" if keep else "uncoded",
                "the key's choice" if key is not None else "coded",
            )
        )
        if not keep:
            return None, ties

    def kv(var: str) -> Any:
        return value_of(issue, key_pos, var)

    out: dict[str, Any] = {}
    ideals = [value_of(issue, g, "ideal") for g in coded]
    if issue.is_interval:
        out["ideal"] = float(np.median(ideals))
    else:
        order = list(issue.option_ids)
        choose = _median_choice if issue.scale == "ordinal" else _mode_choice
        out["ideal"], tied, rule = choose(ideals, order, kv("ideal"))
        if tied:
            ties.append(("ideal", tied, out["ideal"], rule))
    out["acceptable"] = _acceptable_consensus(issue, coded, out["ideal"], kv("acceptable"), ties)
    out["salience"] = float(np.median([g.salience for g in coded]))
    out["red_line"], tied, rule = _mode_choice(
        [bool(g.red_line) for g in coded], [False, True], kv("red_line")
    )
    if tied:
        ties.append(("red_line", tied, out["red_line"], rule))
    out["confidence"], tied, rule = _median_choice(
        [g.confidence for g in coded], list(CONFIDENCES), kv("confidence")
    )
    if tied:
        ties.append(("confidence", tied, out["confidence"], rule))
    reqs = Counter(g.requires for g in coded)
    best, count = reqs.most_common(1)[0]
    out["requires"] = best if 2 * count > n_coded else ()
    out["sources"] = tuple(sorted({s for g in coded for s in g.sources}))
    return out, ties


def _acceptable_consensus(
    issue: Issue,
    coded: list[Position],
    ideal: Any,
    key_acc: Any,
    ties: list[tuple[str, list[Any], Any, str]],
) -> Span | OptionSet:
    """The consensus acceptable set, always holding the consensus ideal; ties appended to ``ties``.

    Interval issues: the medians of the ends. Otherwise an option is in when
    more than half the coders accept it; at exactly half, the key decides
    (kept acceptable without a key).
    """
    if issue.is_interval:
        spans = [value_of(issue, g, "acceptable") for g in coded]
        lo = float(np.median([s[0] for s in spans]))
        hi = float(np.median([s[1] for s in spans]))
        return Span(min(lo, ideal), max(hi, ideal))
    chosen = {ideal}
    for o in issue.option_ids:
        yes = sum(o in value_of(issue, g, "acceptable") for g in coded)
        take = 2 * yes > len(coded)
        if 2 * yes == len(coded):
            take = (o in key_acc) if key_acc is not None else True
            rule = "the key's choice" if key_acc is not None else "kept acceptable"
            ties.append((f"acceptable.{o}", ["in", "out"], "in" if take else "out", rule))
        if take:
            chosen.add(o)
    return OptionSet(frozenset(chosen))


def consensus_values(
    cases: Sequence[Case], dates: Sequence[_dt.date], key: int | None
) -> tuple[dict[tuple[Any, str, str], dict[str, Any] | None], list[tuple[Any, ...]]]:
    """Consensus values per unit ``(date, party, issue)`` (``None``: uncoded) and the ties."""
    values: dict[tuple[Any, str, str], dict[str, Any] | None] = {}
    ties: list[tuple[Any, ...]] = []
    for d, p, i, got in _grid(cases, dates):
        issue = cases[0].issue(i)
        v, t = _unit_consensus(issue, got, key)
        values[(d, p, i)] = v
        ties += [
            (d.isoformat(), p, i, var, ", ".join(_text(x) for x in tied), _text(ch), rule)
            for var, tied, ch, rule in t
        ]
    return values, ties


def consensus(
    codings: Sequence[Any],
    *,
    key: Any = None,
    at: Any = None,
    names: Sequence[str] | None = None,
) -> Consensus:
    """The consensus coding of several codings of one case, as a new case.

    Parameters
    ----------
    codings : sequence of Case or folder
        Two or more codings sharing parties, issues and options.
    key : int, str or None
        The coding whose values break ties (its position or coder name);
        ``None``: ties go to the lowest option in the scale's order.
    at : date, sequence of dates or "snapshots", optional
        The unit dates (default: the first coding's ``as_of``).
    names : sequence of str, optional
        Coder names.

    Returns
    -------
    Consensus
        ``case`` (valid: it loads back after writing) and ``ties``.

    Notes
    -----
    Per unit: median (ordinal ideal, interval ideal, salience, confidence),
    mode (nominal ideal), majority (red line, each acceptable option,
    coded or uncoded); see the module's documentation for ties. A unit
    coded at an earlier date and uncoded by the consensus at a later one is
    withdrawn (``null``) at the later date.

    Examples
    --------
    >>> from engine import load_case
    >>> case = load_case("ukraine-russia")
    >>> con = consensus([case, case, case])
    >>> con.case.at() == {k: v for k, v in con.case.at().items()}  # a mapping of positions
    True
    >>> len(con.case.at()) == len(case.at()), len(con.ties)
    (True, 0)
    """
    cases = load_codings(codings)
    coders = coder_names(cases, names)
    k = key_index(coders, key)
    dates = unit_dates(cases[0], at)
    values, ties = consensus_values(cases, dates, k)
    base = cases[k if k is not None else 0]
    note = f"Consensus of {len(cases)} codings ({', '.join(coders)})."
    statements, sources = _sourced(base, cases, _statements(base, dates, values, ties, note))
    case = Case(
        id=base.id,
        title=f"{base.title} (consensus coding)",
        as_of=max(dates),
        parties=base.parties,
        issues=base.issues,
        sources=sources,
        statements=statements,
        snapshots=base.snapshots,
        description=(
            f"Consensus of {len(cases)} codings ({', '.join(coders)}) of '{base.title}', "
            "made by zopa agree: medians, modes and majorities per party × issue; "
            "ties noted on the positions."
        ),
    )
    columns = ["date", "party", "issue", "variable", "tied", "chosen", "rule"]
    return Consensus(
        case,
        pd.DataFrame(ties, columns=columns),
        coders,
        None if k is None else coders[k],
        dict(values),
    )


def _statements(
    base: Case,
    dates: Sequence[_dt.date],
    values: dict[tuple[Any, str, str], dict[str, Any] | None],
    ties: list[tuple[Any, ...]],
    note: str,
) -> list[Statement]:
    """One statement per party and date where the consensus changes (a withdrawal: ``None``)."""
    statements: list[Statement] = []
    current: dict[tuple[str, str], Position] = {}
    for d in dates:
        for p in base.party_ids:
            entries: list[tuple[str, Position | None]] = []
            sources: set[str] = set()
            for i in base.issue_ids:
                v = values.get((d, p, i))
                if v is None:
                    if current.pop((p, i), None) is not None:
                        entries.append((i, None))
                    continue
                pos = _position(d, p, i, v, [t for t in ties if t[:3] == (d.isoformat(), p, i)])
                if current.get((p, i)) != pos:
                    current[(p, i)] = pos
                    entries.append((i, pos))
                    sources |= set(v["sources"])
            if entries:
                statements.append(
                    Statement(
                        party=p,
                        as_of=d,
                        sources=tuple(sorted(sources)) or (),
                        positions=tuple(entries),
                        note=note,
                    )
                )
    return statements


def _position(
    d: _dt.date, p: str, i: str, v: dict[str, Any], unit_ties: list[tuple[Any, ...]]
) -> Position:
    """The consensus position of one unit, its ties written in its note."""
    return Position(
        party=p,
        issue=i,
        ideal=v["ideal"],
        acceptable=v["acceptable"],
        salience=v["salience"],
        red_line=v["red_line"],
        requires=v["requires"],
        confidence=v["confidence"],
        sources=v["sources"],
        as_of=d,
        note="; ".join(f"tie on {t[3]} ({t[4]}): {t[5]}, {t[6]}" for t in unit_ties),
    )


def _sourced(
    base: Case, cases: Sequence[Case], statements: list[Statement]
) -> tuple[tuple[Statement, ...], tuple[Any, ...]]:
    """The statements, each with a source, and the case's sources (the base's, then others used).

    A statement that only withdraws positions cites none of its own; it gets
    the first source id, so that the case still loads.
    """
    known = {s.id for s in base.sources}
    extra = {s.id: s for c in cases for s in c.sources if s.id not in known}
    used = {s for st in statements for s in st.sources}
    fallback = next(iter(sorted(used | known)), None)
    if fallback is not None:
        statements = [st if st.sources else _with_sources(st, (fallback,)) for st in statements]
    return tuple(statements), base.sources + tuple(extra[s] for s in sorted(extra) if s in used)


def _with_sources(st: Statement, sources: tuple[str, ...]) -> Statement:
    from dataclasses import replace

    return replace(st, sources=sources)
