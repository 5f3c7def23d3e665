"""A class's submissions to one exercise as *entries*: one per student, or one per group.

In the concessions and debrief exercises a student may speak for a group:
either the group joined under one display name ("Group 3"), or several
students each label their submission with the same optional ``group``. An
entry is named by its group label, else by the student's display name;
submissions whose names match (ignoring case and runs of spaces) are one
entry, and the one saved last counts (its ``saved`` time, then the later
joining order). The entry keeps who submitted under that name, and whether
their submissions differ, so the teacher can see a group that disagrees.

Every function here is pure: it takes what
:func:`reports.web.classroom.store.submissions` returns.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any

from reports.web.classroom.store import clean_name
from reports.web.state import BadRequest

__all__ = [
    "MAX_TEXT",
    "check_fields",
    "check_group",
    "check_text",
    "entries",
    "entry_key",
    "saved_now",
]

#: Longest rationale kept (characters), as for a coding's justification.
MAX_TEXT = 2000

Errors = list[dict[str, str]]
Submissions = Sequence[tuple[str, Mapping[str, Any], int]]


def saved_now() -> str:
    """The time a submission is saved, as stored in its body (UTC, ISO 8601, microseconds)."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="microseconds")


def check_fields(body: Mapping[str, Any], allowed: Sequence[str], errors: Errors) -> None:
    """A located error for every field of ``body`` not in ``allowed``."""
    for k in sorted(set(body) - set(allowed)):
        errors.append(
            {"field": str(k), "message": f"unknown field; allowed: {', '.join(allowed)}"}
        )


def check_group(raw: Any, errors: Errors) -> str | None:
    """The optional ``group`` label, cleaned like a display name (1–60 characters), or None.

    Examples
    --------
    >>> errors = []
    >>> check_group("  Group   3 ", errors), check_group("", errors), errors
    ('Group 3', None, [])
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return clean_name(raw)
    except BadRequest as exc:
        errors += [{"field": "group", "message": e["message"]} for e in exc.errors]
        return None


def check_text(raw: Any, field: str, errors: Errors, *, required: bool = True) -> str:
    """Free text (a rationale): stripped, at most :data:`MAX_TEXT` characters."""
    if raw is None and not required:
        return ""
    if not isinstance(raw, str) or (required and not raw.strip()):
        errors.append({"field": field, "message": f"required: text of 1 to {MAX_TEXT} characters"})
        return ""
    text = raw.strip()
    if len(text) > MAX_TEXT:
        errors.append({"field": field, "message": f"at most {MAX_TEXT} characters"})
    return text


def entry_key(name: str) -> str:
    """What makes two entry names the same: case and runs of spaces ignored.

    Examples
    --------
    >>> entry_key("Group  3") == entry_key("group 3")
    True
    """
    return " ".join(name.split()).casefold()


def _content(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("saved", "group")}


def entries(submissions: Submissions) -> list[dict[str, Any]]:
    """One entry per group (or per student without a group), in the students' joining order.

    Parameters
    ----------
    submissions : sequence of (name, body, revision)
        As :func:`reports.web.classroom.store.submissions` returns them (the
        students' joining order). A body may carry ``group`` (a label) and
        ``saved`` (ISO time).

    Returns
    -------
    list of dict
        ``number`` (1, 2, … in the order of each entry's first student),
        ``name`` (the counted submission's group label, else its student's
        name), ``by`` (the student whose submission counts), ``members``
        (every student who submitted under that name, joining order),
        ``differ`` (True when their submissions are not all the same),
        ``body`` and ``revision`` of the counted submission.

    Notes
    -----
    The counted submission is the one with the latest ``saved`` time; among
    equal times, the student who joined later. O(n) for n submissions.

    Examples
    --------
    >>> subs = [("Ann", {"group": "G1", "x": 1, "saved": "2025-01-01T10:00"}, 1),
    ...         ("Ben", {"x": 2, "saved": "2025-01-01T10:01"}, 1),
    ...         ("Cat", {"group": "g1", "x": 3, "saved": "2025-01-01T10:02"}, 2)]
    >>> [(e["number"], e["name"], e["by"], e["members"], e["differ"]) for e in entries(subs)]
    [(1, 'g1', 'Cat', ['Ann', 'Cat'], True), (2, 'Ben', 'Ben', ['Ben'], False)]
    """
    grouped: dict[str, list[tuple[int, str, Mapping[str, Any], int]]] = {}
    for order, (name, body, revision) in enumerate(submissions):
        label = body.get("group") or name
        grouped.setdefault(entry_key(label), []).append((order, name, body, revision))
    out = []
    for number, members in enumerate(grouped.values(), start=1):
        order, name, body, revision = max(
            members, key=lambda m: (str(m[2].get("saved", "")), m[0])
        )
        first = _content(members[0][2])
        out.append(
            {
                "number": number,
                "name": body.get("group") or name,
                "by": name,
                "members": [m[1] for m in members],
                "differ": any(_content(m[2]) != first for m in members[1:]),
                "body": dict(body),
                "revision": revision,
            }
        )
    return out
