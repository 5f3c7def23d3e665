"""``parties/*.yaml``: each party's dated statements of positions."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.io.reading import YAML_SUFFIXES, Reading, Registry, items, read_document, unknown
from engine.io.yamlsafe import Located, read_yaml
from engine.model.bonus import Bonus
from engine.model.case import Acceptable, Case, Position, Statement
from engine.model.parse import (
    is_slug,
    parse_acceptable,
    parse_bonus_value,
    parse_date,
    parse_position,
)

__all__ = ["defaulted_confidence", "party_files"]

#: (statement date, issue id) -> line of the statement that first names the issue on that date.
_Named = dict[tuple[Any, str], int]


def party_files(
    reading: Reading, reg: Registry, bonuses: dict[str, tuple[Bonus, ...]] | None = None
) -> list[Statement]:
    """The statements of every party file, in file-name order.

    Each party's ``bonuses`` (docs/format.md, "Bonuses") are put in ``bonuses``
    (party id -> bonuses) when it is given.
    """
    folder = reading.folder / "parties"
    if not folder.is_dir():
        return []
    statements: list[Statement] = []
    seen: dict[str, Path] = {}
    for path in sorted(p for p in folder.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file()):
        doc = read_document(
            reading, path, "party.schema.json", "party: <id> and statements: [...]"
        )
        if doc is None:
            continue
        party = doc.data.get("party")
        if not is_slug(party):
            continue
        if party not in reg.parties:
            reading.add(doc, ("party",), unknown("party", party, reg.parties))
            continue
        if party != path.stem:
            reading.add(
                doc,
                ("party",),
                f"party '{party}' is in a file named '{path.name}'; name the file {party}.yaml",
            )
        if party in seen:
            reading.add(
                doc,
                ("party",),
                f"party '{party}' already has a file: {seen[party]}; keep one file a party",
            )
            continue
        seen[party] = path
        mine = _statements(reading, doc, party, reg)
        statements += mine
        found = _bonuses(reading, doc, reg)
        if found and bonuses is not None:
            bonuses[party] = found
        if found:
            _no_values_beside_bonuses(reading, doc, party)
    return statements


def _bonuses(reading: Reading, doc: Located, reg: Registry) -> tuple[Bonus, ...]:
    """The party's bonuses: conditions on known issues, exact values in [-1, 1]."""
    out = []
    for b, raw in enumerate(items(doc.data, "bonuses")):
        if not isinstance(raw, dict):
            continue  # the schema reported it
        bpath = ("bonuses", b)
        value, err = parse_bonus_value(raw.get("value"))
        if err and "value" in raw and isinstance(raw.get("value"), str):
            reading.add(doc, (*bpath, "value"), err)  # numbers out of range: the schema said so
        when = raw.get("when")
        conditions: list[tuple[str, Acceptable]] = []
        ok = value is not None and isinstance(when, dict)
        for issue_id, acc_raw in (when or {}).items() if isinstance(when, dict) else ():
            wpath = (*bpath, "when", issue_id)
            if not is_slug(issue_id) or issue_id in reg.broken_issues:
                ok = False
                continue
            if issue_id not in reg.issues:
                reading.add(doc, wpath, unknown("issue", issue_id, reg.issues), key=True)
                ok = False
                continue
            acc, errs = parse_acceptable(reg.issues[issue_id], acc_raw)
            for sub, msg in errs:
                reading.add(doc, (*wpath, *sub), msg)
            if acc is None:
                ok = False
            else:
                conditions.append((issue_id, acc))
        if ok and value is not None:
            out.append(Bonus(tuple(conditions), value, str(raw.get("note", "") or "")))
    return tuple(out)


def _no_values_beside_bonuses(reading: Reading, doc: Located, party: str) -> None:
    """A party's utility is its bonuses or its positions' values, never both."""
    for i, raw in enumerate(items(doc.data, "statements")):
        positions = raw.get("positions") if isinstance(raw, dict) else None
        if not isinstance(positions, dict):
            continue
        for issue_id, praw in positions.items():
            if isinstance(praw, dict) and "values" in praw:
                reading.add(
                    doc,
                    ("statements", i, "positions", issue_id, "values"),
                    f"party '{party}' has bonuses, and its utility is their sum: position values "
                    "would be ignored; remove the values or the bonuses",
                )


def _statements(reading: Reading, doc: Located, party: str, reg: Registry) -> list[Statement]:
    out: list[Statement] = []
    named: _Named = {}
    for i, raw in enumerate(items(doc.data, "statements")):
        if isinstance(raw, dict):
            statement = _statement(reading, doc, party, reg, ("statements", i), raw, named)
            if statement is not None:
                out.append(statement)
    return out


def _statement(
    reading: Reading,
    doc: Located,
    party: str,
    reg: Registry,
    spath: tuple[Any, ...],
    raw: dict[str, Any],
    named: _Named,
) -> Statement | None:
    """One statement; ``None`` when it has no date or no positions mapping."""
    as_of, err = parse_date(raw.get("as_of"))
    if err and "as_of" in raw:
        reading.add(doc, (*spath, "as_of"), err)
    srcs = raw.get("sources")
    srcs = [s for s in srcs if isinstance(s, str)] if isinstance(srcs, list) else []
    for j, s in enumerate(srcs):
        if is_slug(s) and s not in reg.sources:
            reading.add(doc, (*spath, "sources", j), unknown("source", s, reg.sources))
    conf = raw.get("confidence", "official")
    conf = conf if isinstance(conf, str) else "official"
    raw_pos = raw.get("positions")
    if not isinstance(raw_pos, dict):
        return None
    positions: list[tuple[str, Position | None]] = []
    for issue_id, praw in raw_pos.items():
        ppath = (*spath, "positions", issue_id)
        if not _issue_named_once(reading, doc, reg, spath, ppath, issue_id, as_of, named):
            continue
        if praw is None:
            positions.append((issue_id, None))
            continue
        if not isinstance(praw, dict):
            continue
        line, _ = doc.where_key(ppath)
        pos, errs = parse_position(
            reg.issues,
            reg.issues[issue_id],
            praw,
            party=party,
            as_of=as_of,
            sources=tuple(srcs),
            confidence=conf,
            origin=f"{doc.file}:{line}",
        )
        _report_position_errors(reading, doc, ppath, praw, errs)
        if pos is not None:
            positions.append((issue_id, pos))
    if as_of is None:
        return None
    return Statement(
        party=party,
        as_of=as_of,
        sources=tuple(srcs),
        positions=tuple(positions),
        confidence=conf,
        note=str(raw.get("note", "") or ""),
        seq=0,
        origin=f"{doc.file}:{doc.where(spath)[0]}",
    )


def _issue_named_once(
    reading: Reading,
    doc: Located,
    reg: Registry,
    spath: tuple[Any, ...],
    ppath: tuple[Any, ...],
    issue_id: Any,
    as_of: Any,
    named: _Named,
) -> bool:
    """True when the position's issue is known and not named by another statement of that date."""
    if not is_slug(issue_id) or issue_id in reg.broken_issues:
        return False
    if issue_id not in reg.issues:
        reading.add(doc, ppath, unknown("issue", issue_id, reg.issues), key=True)
        return False
    if as_of is None:
        return True
    if (as_of, issue_id) in named:
        reading.add(
            doc,
            ppath,
            f"issue '{issue_id}' is also named by this party's statement at line "
            f"{named[(as_of, issue_id)]} with the same date {as_of}; which one holds is "
            "ambiguous: merge the two or change a date",
            key=True,
        )
        return False
    named[(as_of, issue_id)] = doc.where(spath)[0]
    return True


def _report_position_errors(
    reading: Reading,
    doc: Located,
    ppath: tuple[Any, ...],
    praw: Mapping[str, Any],
    errs: list[tuple[tuple[Any, ...], str]],
) -> None:
    """Report a position's problems, but not those the schema has already reported."""
    for sub, msg in errs:
        if msg.startswith("missing required field"):
            continue  # reported by the schema
        if sub and sub[0] in ("salience", "red_line", "confidence") and sub[0] in praw:
            continue  # the schema reported this field's type or range
        if sub == ("values",) and not isinstance(praw.get("values"), dict | list):
            continue  # the schema reported that values is neither a mapping nor a list
        reading.add(doc, (*ppath, *sub), msg)


def defaulted_confidence(case: Case) -> list[str]:
    """Where a statement's positions take the default confidence: ``FILE:LINE`` of each statement.

    A statement counts when it gives no ``confidence`` and at least one of
    its positions gives none of its own either, so that position is
    ``official`` by default (docs/format.md). The model keeps only the
    resulting value, so the party files are read again (safely, as the
    loader reads them); call it on a case :func:`engine.load_case` accepted.

    Parameters
    ----------
    case : Case
        A case loaded from a folder (``case.path``); a case built in memory
        has no files, and gives ``[]``.

    Returns
    -------
    list of str
        ``FILE:LINE`` of each such statement, in the loader's order (file
        name, then order in the file), the same text as ``Statement.origin``.

    Examples
    --------
    >>> from engine import load_case
    >>> defaulted_confidence(load_case("tests/cases/tiny"))  # doctest: +ELLIPSIS
    ['.../parties/a.yaml:3', '.../parties/b.yaml:3', '.../parties/c.yaml:3']
    """
    folder = Path(case.path) / "parties" if case.path else None
    if folder is None or not folder.is_dir():
        return []
    out: list[str] = []
    for path in sorted(p for p in folder.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file()):
        doc = read_yaml(path, str(path))
        for i, raw in enumerate(items(doc.data, "statements")):
            if isinstance(raw, dict) and "confidence" not in raw and _a_position_defaults(raw):
                out.append(f"{doc.file}:{doc.where(('statements', i))[0]}")
    return out


def _a_position_defaults(raw: Mapping[str, Any]) -> bool:
    """True when some position of a statement mapping gives no ``confidence`` of its own."""
    positions = raw.get("positions")
    if not isinstance(positions, dict):
        return False
    return any(isinstance(p, dict) and "confidence" not in p for p in positions.values())
