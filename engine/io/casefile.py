"""The parts of ``case.yaml``: parties, issues (with options and distances), sources, snapshots."""

from __future__ import annotations

import dataclasses
from typing import Any

from engine.io.reading import Reading, items, unique, unknown
from engine.io.yamlsafe import Located
from engine.model.case import Issue, Option, Party, Snapshot, Source
from engine.model.parse import is_number, is_slug, parse_date, parse_outcome, parse_partial_date

__all__ = ["CaseParts", "case_parts"]


@dataclasses.dataclass
class CaseParts:
    """What ``case.yaml`` defines; ``broken`` are the ids of issues that could not be built."""

    parties: list[Party] = dataclasses.field(default_factory=list)
    issues: list[Issue] = dataclasses.field(default_factory=list)
    sources: list[Source] = dataclasses.field(default_factory=list)
    snapshots: list[Snapshot] = dataclasses.field(default_factory=list)
    broken: set[str] = dataclasses.field(default_factory=set)


def case_parts(reading: Reading, doc: Located) -> CaseParts:
    """The parties, issues, sources and snapshots of ``case.yaml``, each id once."""
    data = doc.data
    out = CaseParts()
    for _, raw in unique(reading, doc, items(data, "parties"), "parties", "party"):
        out.parties.append(_party(raw))
    for i, raw in unique(reading, doc, items(data, "issues"), "issues", "issue"):
        if (issue := _issue(reading, doc, i, raw)) is not None:
            out.issues.append(issue)
        else:
            out.broken.add(raw["id"])
    for i, raw in unique(reading, doc, items(data, "sources"), "sources", "source"):
        out.sources.append(_source(reading, doc, i, raw))
    for i, raw in unique(reading, doc, items(data, "snapshots"), "snapshots", "snapshot"):
        if (snap := _snapshot(reading, doc, i, raw)) is not None:
            out.snapshots.append(snap)
    return out


def _party(raw: dict[str, Any]) -> Party:
    weight = raw.get("weight")
    return Party(
        id=raw["id"],
        name=str(raw.get("name", raw["id"])),
        role=str(raw.get("role", "observer")),
        weight=float(weight) if is_number(weight) else None,
        note=str(raw.get("note", "") or ""),
        short=str(raw.get("short", "") or ""),
        reservation=float(raw["reservation"]) if is_number(raw.get("reservation")) else None,
    )


def _issue(reading: Reading, doc: Located, i: int, raw: dict[str, Any]) -> Issue | None:
    """Build an issue; secondary problems are reported but the issue stays usable.

    Only an issue that cannot be built at all (no valid scale, fewer than two
    options, unusable min/max) returns ``None``; positions on it are then
    not checked further, so one mistake gives one message.
    """
    path: tuple[Any, ...] = ("issues", i)
    scale = raw.get("scale")
    if scale not in ("ordinal", "nominal", "interval"):
        return None
    if scale == "interval":
        issue = _interval_issue(reading, doc, path, raw)
    else:
        issue = _option_issue(reading, doc, path, raw, scale)
    if issue is None:
        return None
    if "status_quo" in raw:
        sq, err = parse_outcome(issue, raw["status_quo"])
        if err:
            reading.add(doc, (*path, "status_quo"), err)
        else:
            issue = dataclasses.replace(issue, status_quo=sq)
    return issue


def _texts(raw: dict[str, Any]) -> tuple[str, str, str]:
    """An issue's name, description and short name."""
    name, description = str(raw.get("name", "")), str(raw.get("description", "") or "")
    return name, description, str(raw.get("short", "") or "")


def _not_for_scale(
    reading: Reading,
    doc: Located,
    path: tuple[Any, ...],
    raw: dict[str, Any],
    keys: tuple[str, ...],
    why: str,
) -> None:
    """Report each of ``keys`` given in ``raw``: ``'<key>' only applies to <why>``."""
    for key in keys:
        if key in raw:
            reading.add(doc, (*path, key), f"'{key}' only applies to {why}", key=True)


def _interval_issue(
    reading: Reading, doc: Located, path: tuple[Any, ...], raw: dict[str, Any]
) -> Issue | None:
    """An interval issue: unit, min < max."""
    name, description, short = _texts(raw)
    _not_for_scale(
        reading,
        doc,
        path,
        raw,
        ("options", "distances"),
        "ordinal and nominal scales; interval scales have unit, min and max",
    )
    lo, hi = raw.get("min"), raw.get("max")
    if not (is_number(lo) and is_number(hi)):
        return None
    if lo >= hi:
        reading.add(doc, (*path, "max"), f"max ({hi:g}) must be greater than min ({lo:g})")
        return None
    return Issue(
        raw["id"],
        name,
        "interval",
        (),
        str(raw.get("unit", "")),
        float(lo),
        float(hi),
        description=description,
        short=short,
    )


def _option_issue(
    reading: Reading, doc: Located, path: tuple[Any, ...], raw: dict[str, Any], scale: str
) -> Issue | None:
    """An ordinal or nominal issue: at least two options (a nominal one may have distances)."""
    name, description, short = _texts(raw)
    why = f"interval scales; {scale} scales have options"
    _not_for_scale(reading, doc, path, raw, ("unit", "min", "max"), why)
    if scale == "ordinal" and "distances" in raw:
        reading.add(
            doc,
            (*path, "distances"),
            "a distance table only applies to nominal scales; ordinal distances follow the option order",
            key=True,
        )
    raw_opts = raw.get("options")
    if not isinstance(raw_opts, list):
        return None
    options = _options(reading, doc, path, raw_opts)
    if len(options) < 2:
        return None
    issue = Issue(raw["id"], name, scale, tuple(options), description=description, short=short)
    if scale == "nominal":
        distances = _distances(reading, doc, path, issue, items(raw, "distances"))
        issue = dataclasses.replace(issue, distances=distances)
    return issue


def _options(
    reading: Reading, doc: Located, path: tuple[Any, ...], raw_opts: list[Any]
) -> list[Option]:
    """The options with valid ids, each id once."""
    options: list[Option] = []
    seen: dict[str, int] = {}
    for j, o in enumerate(raw_opts):
        if not isinstance(o, dict) or not is_slug(o.get("id")):
            continue
        if o["id"] in seen:
            line = doc.where((*path, "options", seen[o["id"]], "id"))[0]
            reading.add(
                doc,
                (*path, "options", j, "id"),
                f"duplicate option id '{o['id']}' (first at line {line}); option ids must be unique within an issue",
            )
            continue
        seen[o["id"]] = j
        options.append(
            Option(o["id"], str(o.get("label", o["id"])), str(o.get("description", "") or ""))
        )
    return options


def _distances(
    reading: Reading, doc: Located, path: tuple[Any, ...], issue: Issue, entries: list[Any]
) -> tuple[tuple[str, str, float], ...]:
    """The nominal distance table; bad entries are reported and left out."""
    out = []
    pairs: set[frozenset[str]] = set()
    for j, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        between, dist = entry.get("between"), entry.get("distance")
        if not (isinstance(between, list) and len(between) == 2 and is_number(dist)):
            continue
        epath = (*path, "distances", j, "between")
        unknown_ids = [m for m, o in enumerate(between) if o not in issue.option_ids]
        for m in unknown_ids:
            kind = f"option of issue '{issue.id}'"
            reading.add(doc, (*epath, m), unknown(kind, between[m], issue.option_ids))
        if unknown_ids:
            continue
        if between[0] == between[1]:
            reading.add(
                doc,
                epath,
                "an option's distance to itself is always 0; name two different options",
            )
        elif frozenset(between) in pairs:
            reading.add(doc, epath, f"the pair {between[0]}–{between[1]} is given twice")
        else:
            pairs.add(frozenset(between))
            out.append((between[0], between[1], float(dist)))
    return tuple(out)


def _source(reading: Reading, doc: Located, i: int, raw: dict[str, Any]) -> Source:
    if "date" not in raw:
        raw = {**raw, "date": ""}
    date, err = parse_partial_date(raw["date"])
    if err:  # still registered, so statements citing it are not reported too
        reading.add(doc, ("sources", i, "date"), err)
        date = str(raw["date"])
    assert date is not None
    return Source(
        raw["id"],
        str(raw.get("title", "")),
        str(raw.get("publisher", "")),
        date,
        str(raw.get("url", "")),
        str(raw.get("reliability", "") or ""),
        str(raw.get("note", "") or ""),
    )


def _snapshot(reading: Reading, doc: Located, i: int, raw: dict[str, Any]) -> Snapshot | None:
    date, err = parse_date(raw.get("date"))
    if err:
        reading.add(doc, ("snapshots", i, "date"), err)
        return None
    assert date is not None
    return Snapshot(raw["id"], date, str(raw.get("label", "") or raw["id"]))
