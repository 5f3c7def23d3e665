"""Exceptions raised by zopa.

One base class, :class:`ZopaError`, and specific subclasses. Every message says
what is wrong, where, and what is allowed; where a name is close to a known one
it adds a did-you-mean.
"""

from __future__ import annotations

import difflib
import functools
import heapq
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "CaseError",
    "Problem",
    "UnknownIdError",
    "ZopaError",
    "did_you_mean",
    "excerpt",
    "printable",
    "unknown_message",
]

#: Characters that change how a terminal or a reader shows text: C0 controls
#: (tab and newline aside), DEL, C1 controls, and the bidirectional
#: embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

#: How many characters of a value a message quotes (then "…").
EXCERPT = 40


def printable(text: str, *, lines: bool = True) -> str:
    r"""``text`` with every unsafe character shown as an escape (``\x1b``, ``\u202e``).

    What reaches a terminal goes through this function: an ANSI or OSC
    escape sequence loses its ESC and is printed as plain characters, so it
    can neither recolour the terminal nor set its title, and a bidi override
    cannot reorder what follows. Tabs are kept; newlines too unless
    ``lines`` is false.

    Examples
    --------
    >>> print(printable("red" + chr(27) + "[31m!"))
    red\x1b[31m!
    >>> print(printable("a" + chr(0x202E) + "b"))
    a\u202eb
    """
    pattern = UNSAFE_CHARACTERS if lines else _UNSAFE_OR_BREAK
    return pattern.sub(_escape, str(text))


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """A short, safe rendering of a value for a message: quoted text, at most ``limit`` characters.

    Text is quoted and cut with "…" (a message never carries more than a
    short excerpt of what a file holds); control and bidi characters are
    escaped (:func:`printable`); a huge whole number is shortened to its
    first digits and its length.

    Examples
    --------
    >>> excerpt("abc")
    "'abc'"
    >>> excerpt("x" * 100, limit=5)
    "'xxxxx…'"
    >>> excerpt(10**50)
    '100000000000000000000… (51 digits)'
    """
    if isinstance(value, str):
        cut = value[:limit] + ("…" if len(value) > limit else "")
        return "'" + printable(cut, lines=False) + "'"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**21:
        digits = len(str(abs(value)))  # bounded: YAML files are at most 1 MiB
        return f"{str(value)[:21]}… ({digits} digits)"
    text = repr(value)
    return printable(text[:limit] + ("…" if len(text) > limit else ""), lines=False)


class ZopaError(Exception):
    """Base class of every error zopa raises on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a case, located as precisely as possible.

    Attributes
    ----------
    file : str
        The file the problem is in ("" when it concerns no file, e.g. a
        command-line argument: then ``field`` names the argument).
    line, column : int
        1-based position in the file; 0 when unknown.
    field : str
        Dotted path of the field, e.g. ``statements[2].positions.nato.ideal``.
    message : str
        What is wrong; what is allowed.
    """

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        """``FILE:LINE:COLUMN: field: message``, safe to print (see :func:`printable`)."""
        where = self.file or "<input>"
        if self.line:
            where += f":{self.line}:{self.column}"
        if self.field:
            where += f": {self.field}"
        return printable(f"{where}: {self.message}", lines=False)


class CaseError(ZopaError, ValueError):
    """A case, scenario or option given to zopa is invalid.

    Carries every problem found, not just the first, in ``problems``.
    """

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found"
        super().__init__(head + ":\n" + "\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[CaseError], tuple[tuple[Problem, ...]]]:  # picklable
        return (type(self), (self.problems,))


class UnknownIdError(ZopaError, KeyError):
    """An id (party, issue, option, source, case, scenario) is not known."""

    def __init__(self, kind: str, name: str, known: Sequence[str]):
        self.kind, self.name, self.known = kind, name, tuple(known)
        super().__init__(unknown_message(kind, name, known))

    def __str__(self) -> str:  # KeyError would add quotes around the message
        return str(self.args[0])


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest known name, or ``""``.

    Examples
    --------
    >>> did_you_mean("ukriane", ["ukraine", "russia"])
    " (did you mean 'ukraine'?)"
    >>> did_you_mean("zzz", ["ukraine", "russia"])
    ''
    """
    name = str(name)
    if len(name) > MAX_SUGGESTED:
        return ""  # no known name is that long: nothing to suggest, and no work spent
    known = [str(k) for k in known][:MAX_CANDIDATES]
    lowered = {k.lower(): k for k in known}
    if name.lower() in lowered:
        return f" (did you mean '{excerpt(lowered[name.lower()], MAX_SUGGESTED)[1:-1]}'?)"
    # fewest edits first (a swap of two letters counts as one), then difflib's ratio.
    # Exact comparisons are quadratic, so only the few names closest by a linear
    # lower bound on the edit distance are compared exactly.
    bag = Counter(name.lower())
    nearest = heapq.nsmallest(
        EXACT_COMPARISONS, ((_edits_at_least(name, bag, k), i, k) for i, k in enumerate(known))
    )
    scored = sorted(
        (
            _edits(name.lower(), k.lower(), _max_edits(name, k)),
            -difflib.SequenceMatcher(None, name, k).ratio(),
            k,
        )
        for _, _, k in nearest
    )
    if scored:
        edits, neg_ratio, best = scored[0]
        if edits <= _max_edits(name, best) or -neg_ratio >= 0.75:
            return f" (did you mean '{excerpt(best, MAX_SUGGESTED)[1:-1]}'?)"
    return ""


#: Names longer than this get no suggestion (ids have at most 64 characters).
MAX_SUGGESTED = 128
#: At most this many known names are looked at for an unknown one.
MAX_CANDIDATES = 5000
#: At most this many of them (the nearest by a lower bound) are compared exactly.
EXACT_COMPARISONS = 5


def _max_edits(a: str, b: str) -> int:
    """The most edits for which ``b`` is suggested for ``a``."""
    return max(1, min(len(a), len(b)) // 3)


def _edits_at_least(a: str, bag: Counter[str], b: str) -> int:
    """A lower bound on the edit distance, in linear time.

    At least the difference in length, and at least the bag distance (the
    characters one name has more of than the other; a swap changes neither).
    """
    gap = abs(len(a) - len(b))
    cb = _bag(b)
    more = sum(n - cb.get(c, 0) for c, n in bag.items() if n > cb.get(c, 0))
    return max(gap, more, more - len(a) + len(b))  # what b has more of = more - |a| + |b|


@functools.lru_cache(maxsize=4096)
def _bag(name: str) -> dict[str, int]:
    return dict(Counter(name.lower()))


def _edits(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions, adjacent
    swaps), or ``limit + 1`` when it exceeds ``limit``.

    Only the band of cells within ``limit`` of the diagonal is computed, and
    the work stops as soon as a whole row exceeds ``limit``:
    O(len(a) · limit) time.
    """
    far = limit + 1
    if abs(len(a) - len(b)) > limit:
        return far
    prev2: list[int] = []
    prev = [j if j <= limit else far for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        cur = [i if i <= limit else far] + [far] * len(b)
        for j in range(max(1, i - limit), min(len(b), i + limit) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost, far)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return far
        prev2, prev = prev, cur
    return prev[-1]


def allowed_list(known: Iterable[str], limit: int = 12) -> str:
    """Format the allowed values for a message, shortening long lists."""
    known = list(known)
    if not known:
        return "none defined"
    shown = ", ".join(known[:limit])
    return shown + (f", … ({len(known)} in all)" if len(known) > limit else "")


def unknown_message(kind: str, name: object, known: Sequence[str]) -> str:
    """The message for an unknown id: what is wrong; what is allowed."""
    return f"unknown {kind} {excerpt(str(name))}{did_you_mean(str(name), known)}; known: {allowed_list(known)}"
