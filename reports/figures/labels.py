"""Text shared by the figures and their data: short names, cell values, wrapped labels.

Never imports matplotlib.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

import engine
from engine import Case, Issue

__all__ = [
    "NO_VALUE",
    "format_value",
    "issue_short",
    "join_names",
    "n_lines",
    "party_label",
    "party_names",
    "short_name",
    "wrap",
]


Parties = Iterable[str] | None


NO_VALUE = "–"


def short_name(name: str, width: int = 24) -> str:
    """A party or issue name short enough for a column header.

    The text before a parenthesis is kept when it fits ``width``; otherwise
    a short abbreviation given in parentheses (at most 8 characters, e.g.
    "E3") is used; otherwise the name is returned whole (figures wrap it).

    Examples
    --------
    >>> short_name("European Union (European Council and EU institutions)")
    'European Union'
    >>> short_name("France, Germany, United Kingdom (E3) and the coalition of the willing")
    'E3'
    >>> short_name("Party A")
    'Party A'
    """
    name = " ".join(str(name).split())
    if len(name) <= width:
        return name
    head = name.split(" (", 1)[0].strip()
    if head and len(head) <= width:
        return head
    for abbr in re.findall(r"\(([^()]{1,8})\)", name):
        return abbr.strip()
    return name


def party_label(party: engine.Party) -> str:
    """A party's display name: its ``short`` name, else :func:`short_name` of its name."""
    return getattr(party, "short", "") or short_name(party.name)


def issue_short(issue: Issue) -> str:
    """An issue's short name (``short`` in case.yaml), else its name."""
    return getattr(issue, "short", "") or issue.name


def party_names(case: Case, parties: Parties = None, *, short: bool = True) -> dict[str, str]:
    """Party id → display name: the party's ``short`` name (or :func:`short_name`
    of its name when it has none), or the full name when ``short=False``.

    Examples
    --------
    >>> party_names(engine.load_case("tests/cases/tiny"))
    {'a': 'Party A', 'b': 'Party B', 'c': 'Party C'}
    """
    chosen = case.resolve_parties(parties)
    return {p: party_label(case.party(p)) if short else case.party(p).name for p in chosen}


def format_value(value: float, *, signed: bool = False) -> str:
    """A matrix value as cell text: two decimals, ``"–"`` for NaN.

    ``signed`` writes ``+0.12`` / ``−0.12`` (a true minus sign), and
    ``0.00`` for changes that round to zero.

    Examples
    --------
    >>> format_value(0.125), format_value(float("nan")), format_value(-0.128, signed=True)
    ('0.12', '–', '−0.13')
    >>> format_value(-0.001, signed=True)
    '0.00'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_VALUE
    v = float(value)
    if signed:
        if abs(v) < 0.005:
            return "0.00"
        return f"{v:+.2f}".replace("-", "−")
    return f"{v:.2f}"


def wrap(text: Any, width: int, max_lines: int | None = None) -> str:
    r"""Wrap a label on word boundaries into balanced lines; cut with an ellipsis past ``max_lines``.

    Lines are balanced: the narrowest width giving the same number of lines
    is used, so a label never ends on a lone short word.

    Examples
    --------
    >>> wrap("Special status within Ukraine (Minsk II)", 36)
    'Special status within\nUkraine (Minsk II)'
    >>> wrap("Ukrainian withdrawal into a DMZ recognised as Russian", 20, max_lines=2)
    'Ukrainian withdrawal\ninto a DMZ…'

    A word is never cut; a slash is a place to break:

    >>> wrap("E3/coalition", 10)
    'E3/\ncoalition'
    """
    text = " ".join(str(text).split())
    lines = _wrap_words(text, width) or [""]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        lines[-1] = (last if len(last) < width else last[: width - 1].rstrip()) + "…"
        return "\n".join(lines)
    n = len(lines)
    if n > 1:
        longest = max(len(word) for word in text.split())
        for w in range(max(1, math.ceil(len(text) / n), longest), width):
            trial = _wrap_words(text, w)
            if len(trial) == n:
                lines = trial
                break
    return "\n".join(lines)


def fit(text: Any, width: int, max_lines: int) -> str:
    r"""Like :func:`wrap`, but a word longer than ``width`` is cut with an ellipsis too, so that
    no line is longer than ``width`` (for labels in fixed-width cells).

    Examples
    --------
    >>> fit("Istanbul talks (communiqué 29 Mar)", 8, 3)
    'Istanbul\ntalks\n(commun…'
    >>> max(len(x) for x in fit("Bürgenstock, Jeddah", 6, 2).split("\n"))
    6
    """
    width = max(int(width), 2)
    words = [w if len(w) <= width else w[: width - 1] + "…" for w in str(text).split()]
    return wrap(" ".join(words), width, max_lines)


_SLASH = "/\x00 "  # a break opportunity after "/", removed again after wrapping


def _wrap_words(text: str, width: int) -> list[str]:
    """textwrap on word boundaries, never cutting a word; a word too long for the line may
    break after a slash."""
    words = [w.replace("/", _SLASH) if len(w) > width else w for w in text.split(" ")]
    lines = textwrap.wrap(" ".join(words), width, break_on_hyphens=False, break_long_words=False)
    return [line.replace("\x00 ", "").replace("\x00", "") for line in lines]


def n_lines(text: str) -> int:
    return text.count("\n") + 1


def join_names(names: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
