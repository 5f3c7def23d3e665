"""Exceptions raised by zopa.

One base class, :class:`ZopaError`, and specific subclasses. Every message says
what is wrong, where, and what is allowed; where a name is close to a known one
it adds a did-you-mean.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "CaseError",
    "Problem",
    "UnknownIdError",
    "ZopaError",
    "did_you_mean",
    "unknown_message",
]


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
        where = self.file or "<input>"
        if self.line:
            where += f":{self.line}:{self.column}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


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
    known = [str(k) for k in known]
    name = str(name)
    lowered = {k.lower(): k for k in known}
    if name.lower() in lowered:
        return f" (did you mean '{lowered[name.lower()]}'?)"
    # fewest edits first (a swap of two letters counts as one), then difflib's ratio
    scored = sorted(
        (_edits(name.lower(), k.lower()), -difflib.SequenceMatcher(None, name, k).ratio(), k)
        for k in known
    )
    if scored:
        edits, neg_ratio, best = scored[0]
        if edits <= max(1, min(len(name), len(best)) // 3) or -neg_ratio >= 0.75:
            return f" (did you mean '{best}'?)"
    return ""


def _edits(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
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
    return f"unknown {kind} '{name}'{did_you_mean(str(name), known)}; known: {allowed_list(known)}"
