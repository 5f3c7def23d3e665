"""Steps shared by the data functions: positions on a scale, runs, party tables.

Never imports matplotlib.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

import engine
from engine import Case, Issue
from reports.figures.labels import party_label

__all__ = [
    "id_names",
    "option_position",
    "parties_frame",
    "requires_text",
    "runs",
    "scale_position",
]


def scale_position(issue: Issue, value: float) -> float:
    """A number of an interval issue mapped to [0, 1]."""
    assert issue.min is not None
    return (float(value) - float(issue.min)) / issue.width


def option_position(issue: Issue, option_id: str) -> float:
    """An option's place on [0, 1]: rank / (k − 1), as in the ordinal distance."""
    return issue.index(option_id) / max(issue.k - 1, 1)


def runs(indices: Iterable[int]) -> list[tuple[int, int]]:
    """Contiguous runs of sorted integers, as (first, last) pairs.

    >>> runs([0, 1, 2, 4, 6, 7])
    [(0, 2), (4, 4), (6, 7)]
    """
    out: list[tuple[int, int]] = []
    for i in sorted(indices):
        if out and i == out[-1][1] + 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def requires_text(case: Case, pos: engine.Position) -> str:
    return "; ".join(f"{case.issue(i).name}: {case.issue(i).describe(a)}" for i, a in pos.requires)


def parties_frame(case: Case, chosen: tuple[str, ...], counts: Mapping[str, int]) -> pd.DataFrame:
    rows = [
        {
            "party": p,
            "party_name": party_label(case.party(p)),
            "party_full": case.party(p).name,
            "role": case.party(p).role,
            "column": c,
            "color_index": c,
            "n_positions": int(counts.get(p, 0)),
        }
        for c, p in enumerate(chosen)
    ]
    cols = ["party", "party_name", "party_full", "role", "column", "color_index", "n_positions"]
    return pd.DataFrame(rows, columns=cols)


def id_names(case: Case | None, names: Mapping[str, str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if case is not None:
        out.update({p.id: party_label(p) for p in case.parties})
        out.update({i.id: i.name for i in case.issues})
    out.update(names or {})
    return out
