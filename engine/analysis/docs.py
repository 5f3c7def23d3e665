"""The parameter descriptions the analyses share, written once.

Most analyses take the same ``case``, ``at`` and ``parties``; their docstrings
name a shared description with a line ``{name}`` and :func:`fill_doc` puts the
text in, indented as that line (as :mod:`scipy.ndimage` does with its
``docfiller``). The docstrings read the same as if written out in full.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

__all__ = ["SHARED", "fill_doc"]

F = TypeVar("F", bound=Callable[..., object])

#: Shared parameter descriptions, by the name a docstring gives them; a piece
#: may name other pieces the same way.
SHARED: dict[str, str] = {
    "case_at": """\
case : Case
at : date or str, optional
    Evaluation date (default: the case's ``as_of``).""",
    "parties": """\
parties : iterable of str, optional
    Party ids to include (default: all).""",
    "parameters_case_at_parties": """\
Parameters
----------
{case_at}
{parties}""",
    "parameters_case_parties": """\
Parameters
----------
case : Case
{parties}""",
    "party_matrix": """\
Parameters
----------
{case_at}
parties : iterable of str, optional
    Party ids to include (default: all), kept in the case's order.

Returns
-------
DataFrame
    Indexed by party ids (rows ``party``, columns ``other``); values in
    [0, 1] or NaN.""",
    "stake_weights": """\
With ``I_p`` the issues on which ``p`` has a position, ``I_pq = I_p ∩ I_q``
the issues both state, and ``w_i = (s_p,i + s_q,i) / 2`` where a party
without a position on ``i`` has salience 0 there::""",
}


def _fill(text: str) -> list[str]:
    """The lines of ``text`` with every line ``{name}`` replaced by its piece, indented."""
    lines = []
    for line in text.split("\n"):
        name = line.strip()[1:-1]
        if line.strip() != f"{{{name}}}" or name not in SHARED:
            lines.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        lines += [indent + piece if piece else "" for piece in _fill(SHARED[name])]
    return lines


def fill_doc(func: F) -> F:
    """Replace each docstring line ``{name}`` by the piece ``SHARED[name]``, indented as that line.

    Examples
    --------
    >>> @fill_doc
    ... def f(case, at=None):
    ...     '''Parameters
    ...     ----------
    ...     {case_at}
    ...     '''
    >>> print(f.__doc__.splitlines()[3])
        at : date or str, optional
    """
    if func.__doc__:
        func.__doc__ = "\n".join(_fill(func.__doc__))
    return func
