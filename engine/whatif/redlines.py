"""Red lines a change crosses: positions drawn as red lines whose acceptable set grew."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.model.case import Acceptable, Case, OptionSet, Position, Span

__all__ = ["RedLineCrossed", "crossed_red_lines"]


@dataclass(frozen=True)
class RedLineCrossed:
    """A red-line position (``before``) that a change widened (``after``)."""

    party: str
    issue: str
    before: Position
    after: Position


def _widens(before: Acceptable, after: Acceptable) -> bool:
    if isinstance(before, Span) and isinstance(after, Span):
        return after.lo < before.lo or after.hi > before.hi
    if isinstance(before, OptionSet) and isinstance(after, OptionSet):
        return bool(after.ids - before.ids)
    return before != after


def crossed_red_lines(before: Case, after: Case, *, at: Any = None) -> tuple[RedLineCrossed, ...]:
    """The red lines of ``before`` that ``after`` crosses, on one date.

    Parameters
    ----------
    before, after : Case
        A case and the same case with changes applied (e.g. by
        :func:`engine.apply`).
    at : date-like, optional
        The date of the positions compared (default: ``after.as_of``).

    Returns
    -------
    tuple of RedLineCrossed
        In ``before``'s party, then issue order: each position that carried
        a red line in ``before`` and whose acceptable set in ``after`` holds
        an outcome it did not hold (a red line is "will not accept more
        than this"). Narrowing, withdrawing, or lifting the red line
        without widening the set is not crossing it.

    Notes
    -----
    Option sets: ``A_after ⊄ A_before``; intervals: ``[lo', hi'] ⊄ [lo, hi]``.
    O(positions).

    Examples
    --------
    >>> from engine import apply, change_from_concede, load_case, scenario_from_changes
    >>> case = load_case("tests/cases/tiny")
    >>> ch = change_from_concede(case, "b:ord=o3")
    >>> [(c.party, c.issue) for c in crossed_red_lines(case, apply(case, scenario_from_changes([ch])))]
    [('b', 'ord')]
    """
    date = after.as_of if at is None else at
    old, new = before.at(date), after.at(date)
    out = []
    for key, pos in old.items():
        now = new.get(key)
        if pos.red_line and now is not None and _widens(pos.acceptable, now.acceptable):
            out.append(RedLineCrossed(key[0], key[1], pos, now))
    return tuple(out)
