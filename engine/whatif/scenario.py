"""Scenarios (what-if): apply changes to a case.

:func:`apply` returns a **new** case in which the scenario's changes hold from
its date on; the input case is never modified (it lives in
:mod:`engine.model.apply`, so the case loader can check scenario files with it).
Changes are read from scenario files by :func:`parse_change`
(:mod:`engine.io.changes`) and from the command line by
:func:`change_from_concede` and :func:`change_from_set`
(:mod:`engine.whatif.changes`); all of them can be imported from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine.io.changes import parse_change
from engine.model.apply import apply
from engine.model.case import Change, Scenario, as_date
from engine.whatif.changes import change_from_concede, change_from_set

__all__ = [
    "apply",
    "change_from_concede",
    "change_from_set",
    "parse_change",
    "scenario_from_changes",
]


def scenario_from_changes(
    changes: Sequence[Change], title: str = "command-line changes", at: Any = None
) -> Scenario:
    """Wrap changes (e.g. from ``--concede``/``--set``) into a scenario."""
    return Scenario(
        id="command-line",
        title=title,
        changes=tuple(changes),
        at=as_date(at, "at") if at is not None else None,
        origin="command line",
    )
