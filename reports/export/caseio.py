"""Writing a case as a case folder: the inverse of :func:`engine.load_case`.

:func:`case_files` turns any valid :class:`engine.Case` into the YAML files
of ``docs/format.md`` — ``case.yaml``, ``parties/<id>.yaml`` (parties with
statements) and ``scenarios/<id>.yaml`` — writing every field the format has
(short names, weights, notes, descriptions, status quo, distance tables,
source reliability, snapshots, confidence, linkage, scenarios), so that
loading the files gives the same case back (only the id, which is the
folder's name, and the file positions recorded for messages differ).
:func:`write_case` writes them with :func:`reports.export.output.write_bundle`:
atomically, under the manifest rule, never over a file zopa did not write.

The YAML is written so that zopa's YAML 1.2 reader reads back exactly what
was meant: a text that YAML would read as a number, a boolean, null or a
date (``"10"``, ``"1e3"``, ``"true"``, ``"2024-01-01"``) is quoted; floats
are written as the shortest decimal that gives the same float.

Examples
--------
>>> import engine
>>> files = case_files(engine.load_case("tests/cases/tiny"))
>>> sorted(files)[:3]
['case.yaml', 'parties/a.yaml', 'parties/b.yaml']
>>> print(files["parties/a.yaml"].splitlines()[0])
party: a
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from engine import Case, Issue, Party, Position, Span, Statement
from engine.model.bonus import Bonus
from engine.model.case import Acceptable, Change, Outcome, Scenario
from reports.export.output import MANIFEST, OutputExistsError, write_bundle, write_file

__all__ = ["case_files", "dump_yaml", "scenario_mapping", "scenario_yaml", "write_case"]


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, quoting every text that a YAML 1.2 reader would not read as text."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # indent list items under their key, as people do


# PyYAML resolves plain scalars with YAML 1.1 rules; zopa reads YAML 1.2 (engine.io.yamlsafe).
# Adding the 1.2 core patterns makes the dumper quote texts such as "1e3" or "0o17", which
# YAML 1.1 leaves plain but YAML 1.2 reads as numbers.
_Dumper.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Dumper.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)


def dump_yaml(data: Any) -> str:
    """YAML text of plain data, keys in the given order, safe to read back with zopa.

    Notes
    -----
    PyYAML writes YAML 1.1; zopa reads YAML 1.2 (:mod:`engine.io.yamlsafe`).
    The dumper resolves plain scalars with both sets of rules, so any text
    either version would read as something else is quoted.

    Examples
    --------
    >>> print(dump_yaml({"label": "1e3", "n": 3, "x": 0.1, "when": "2024-01-01"}), end="")
    label: '1e3'
    n: 3
    x: 0.1
    when: '2024-01-01'
    """
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )


# ------------------------------------------------------------------ to data


def _num(x: float | int) -> float | int:
    """A whole float as an int (``250`` rather than ``250.0``), other numbers unchanged."""
    x = float(x)
    return int(x) if x.is_integer() else x


def _outcome(issue: Issue, value: Outcome) -> Any:
    return _num(float(value)) if issue.is_interval else str(value)


def _acceptable(issue: Issue, acc: Acceptable) -> Any:
    if isinstance(acc, Span):
        return {"min": _num(acc.lo), "max": _num(acc.hi)}
    return list(issue.ordered(acc))


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    """Set an optional text field only when it says something (the format has no empty texts)."""
    if value:
        out[key] = value


def _party_doc(p: Party) -> dict[str, Any]:
    """A party as written in ``case.yaml`` and in a scenario's ``add_party``."""
    entry: dict[str, Any] = {"id": p.id, "name": p.name}
    _put(entry, "short", p.short)
    entry["role"] = p.role
    if p.weight is not None:
        entry["weight"] = _num(p.weight)
    if p.reservation is not None:
        entry["reservation"] = _num(p.reservation)
    _put(entry, "note", p.note)
    return entry


def _case_doc(case: Case) -> dict[str, Any]:
    doc: dict[str, Any] = {"title": case.title}
    _put(doc, "description", case.description)
    doc["as_of"] = case.as_of.isoformat()
    parties = []
    for p in case.parties:
        parties.append(_party_doc(p))
    doc["parties"] = parties
    issues = []
    for issue in case.issues:
        entry = {"id": issue.id, "name": issue.name}
        _put(entry, "short", issue.short)
        _put(entry, "description", issue.description)
        entry["scale"] = issue.scale
        if issue.is_interval:
            assert issue.min is not None and issue.max is not None
            entry.update(unit=issue.unit, min=_num(issue.min), max=_num(issue.max))
        else:
            options = []
            for o in issue.options:
                opt: dict[str, Any] = {"id": o.id, "label": o.label}
                _put(opt, "description", o.description)
                options.append(opt)
            entry["options"] = options
        if issue.distances:
            entry["distances"] = [
                {"between": [a, b], "distance": _num(d)} for a, b, d in issue.distances
            ]
        if issue.status_quo is not None:
            entry["status_quo"] = _outcome(issue, issue.status_quo)
        issues.append(entry)
    doc["issues"] = issues
    sources = []
    for s in case.sources:
        entry = {
            "id": s.id,
            "title": s.title,
            "publisher": s.publisher,
            "date": s.date,
            "url": s.url,
        }
        _put(entry, "reliability", s.reliability)
        _put(entry, "note", s.note)
        sources.append(entry)
    doc["sources"] = sources
    if case.snapshots:
        snaps = []
        for snap in case.snapshots:
            entry = {"id": snap.id, "date": snap.date.isoformat()}
            _put(entry, "label", snap.label)
            snaps.append(entry)
        doc["snapshots"] = snaps
    return doc


def _position_doc(
    case: Case, issue: Issue, pos: Position, statement_confidence: str
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "ideal": _outcome(issue, pos.ideal),
        "acceptable": _acceptable(issue, pos.acceptable),
        "salience": _num(pos.salience),
    }
    if pos.red_line:
        entry["red_line"] = True
    if pos.requires:
        entry["requires"] = {i: _acceptable(case.issue(i), a) for i, a in pos.requires}
    if pos.confidence != statement_confidence:
        entry["confidence"] = pos.confidence
    if pos.values:
        entry["values"] = _values_doc(issue, pos.values)
    _put(entry, "note", pos.note)
    return entry


def _values_doc(issue: Issue, values: tuple[tuple[Any, float], ...]) -> Any:
    """A position's values as written: option -> value, or [x, value] points."""
    if issue.is_interval:
        return [[_num(float(x)), _num(v)] for x, v in values]
    return {str(o): _num(v) for o, v in values}


def _bonus_doc(case: Case, bonus: Bonus) -> dict[str, Any]:
    """A bonus as written: conditions (ordinal runs as ``{from, to}``), value, note.

    The value is a number when that number, read back, is the same fraction,
    else the exact ``p/q``.
    """
    when: dict[str, Any] = {}
    for iid, acc in bonus.when:
        issue = case.issue(iid)
        written = _acceptable(issue, acc)
        if issue.scale == "ordinal" and isinstance(written, list) and len(written) > 2:
            ranks = [issue.index(o) for o in written]
            if ranks == list(range(ranks[0], ranks[0] + len(ranks))):
                written = {"from": written[0], "to": written[-1]}
        when[iid] = written
    v = bonus.value
    value: Any = (
        _num(float(v)) if Fraction(repr(float(v))) == v else f"{v.numerator}/{v.denominator}"
    )
    entry: dict[str, Any] = {"when": when, "value": value}
    _put(entry, "note", bonus.note)
    return entry


def _statement_doc(case: Case, st: Statement) -> dict[str, Any]:
    entry: dict[str, Any] = {"as_of": st.as_of.isoformat(), "sources": list(st.sources)}
    if st.confidence != "official":
        entry["confidence"] = st.confidence
    _put(entry, "note", st.note)
    positions: dict[str, Any] = {}
    for issue_id, pos in st.positions:
        positions[issue_id] = (
            None if pos is None else _position_doc(case, case.issue(issue_id), pos, st.confidence)
        )
    entry["positions"] = positions
    return entry


def _change_fields(case: Case, ch: Change, issue: Issue) -> dict[str, Any]:
    """The position fields of a change (everything but party and issue)."""
    out: dict[str, Any] = {}
    if ch.withdraw:
        return {"withdraw": True}
    if ch.acceptable is not None:
        out["acceptable"] = _acceptable(issue, ch.acceptable)
    if ch.add is not None:
        out["add"] = _acceptable(issue, ch.add)
    if ch.remove is not None:
        out["remove"] = _acceptable(issue, ch.remove)
    if ch.ideal is not None:
        out["ideal"] = _outcome(issue, ch.ideal)
    if ch.salience is not None:
        out["salience"] = _num(ch.salience)
    if ch.red_line is not None:
        out["red_line"] = ch.red_line
    if ch.requires_given:
        out["requires"] = {i: _acceptable(case.issue(i), a) for i, a in ch.requires} or None
    if ch.values_given:
        out["values"] = _values_doc(issue, ch.values) if ch.values else None
    if ch.note:
        out["note"] = ch.note
    return out


def _scenario_doc(case: Case, sc: Scenario) -> dict[str, Any]:
    doc: dict[str, Any] = {"title": sc.title}
    _put(doc, "description", sc.description)
    if sc.at is not None:
        doc["at"] = sc.at.isoformat()
    if sc.sources:
        doc["sources"] = list(sc.sources)
    _put(doc, "note", sc.note)
    changes: list[dict[str, Any]] = []
    for ch in sc.changes:
        if ch.kind == "remove_party":
            changes.append({"remove_party": ch.party})
        elif ch.kind == "add_party":
            assert ch.new_party is not None
            entry: dict[str, Any] = {"add_party": _party_doc(ch.new_party)}
            if ch.positions:
                entry["positions"] = {
                    iid: _change_fields(case, sub, case.issue(iid)) for iid, sub in ch.positions
                }
            changes.append(entry)
        else:
            assert ch.issue is not None
            changes.append(
                {
                    "party": ch.party,
                    "issue": ch.issue,
                    **_change_fields(case, ch, case.issue(ch.issue)),
                }
            )
    doc["changes"] = changes
    return doc


def case_files(case: Case) -> dict[str, str]:
    """The YAML files of a case: relative path → text (the inverse of loading).

    Parameters
    ----------
    case : Case
        Any valid case (loaded, imported, or built from model objects).

    Returns
    -------
    dict of str to str
        ``case.yaml``, one ``parties/<id>.yaml`` per party that has
        statements (in the case's order), one ``scenarios/<id>.yaml`` per
        scenario.

    Notes
    -----
    Optional fields are written only when they carry something (an empty
    note is left out; a statement's confidence only when it is not
    ``official``; a position's only when it differs from its statement's).
    Acceptable sets are written as lists of option ids in the issue's order
    or as ``{min, max}``; whole numbers without ``.0``.

    Examples
    --------
    >>> import engine
    >>> tiny = engine.load_case("tests/cases/tiny")
    >>> text = case_files(tiny)["case.yaml"]
    >>> "title: Tiny test case" in text
    True
    """
    files = {"case.yaml": dump_yaml(_case_doc(case))}
    for party in case.parties:
        statements = [_statement_doc(case, s) for s in case.statements if s.party == party.id]
        if statements or party.bonuses:
            doc: dict[str, Any] = {"party": party.id}
            if party.bonuses:
                doc["bonuses"] = [_bonus_doc(case, b) for b in party.bonuses]
            doc["statements"] = statements
            files[f"parties/{party.id}.yaml"] = dump_yaml(doc)
    for sc in case.scenarios:
        files[f"scenarios/{sc.id}.yaml"] = dump_yaml(_scenario_doc(case, sc))
    return files


# ------------------------------------------------------------------- writing


def _stale(folder: Path, files: dict[str, str]) -> tuple[list[str], list[str]]:
    """Case files in ``folder`` that ``files`` does not replace: (zopa wrote them, user's).

    A stale party or scenario file would be read as part of the new case.
    """
    manifest_path = folder / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.is_file() else {}
        if not isinstance(manifest, dict):
            manifest = {}
    except (OSError, ValueError):
        manifest = {}
    ours, theirs = [], []
    for sub in ("parties", "scenarios"):
        d = folder / sub
        if not d.is_dir():
            continue
        for path in sorted(d.iterdir()):
            rel = f"{sub}/{path.name}"
            if path.suffix not in (".yaml", ".yml") or not path.is_file() or rel in files:
                continue
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            (ours if manifest.get(rel) == digest else theirs).append(rel)
    return ours, theirs


def write_case(case: Case, folder: str | os.PathLike[str], force: bool = False) -> Path:
    """Write a case as a case folder and return the folder.

    Parameters
    ----------
    case : Case
    folder : str or path
        Created if needed; its name becomes the case id when it is loaded.
    force : bool
        Replace files zopa did not write (or that were edited since).

    Returns
    -------
    Path
        ``folder``.

    Raises
    ------
    OutputExistsError
        When a file to write exists and was not written by zopa (unless
        ``force``), or the folder holds a party or scenario file that is not
        part of this case and that zopa did not write (it would be read as
        part of the case; zopa never deletes a file it did not write, even
        with ``force``). Nothing is written then.

    Notes
    -----
    Files go through :func:`reports.export.output.write_bundle` (atomic writes, a
    manifest ``.zopa-manifest.json``). Party and scenario files that an
    earlier ``write_case`` wrote into the folder and that are not part of
    this case are removed, so the folder always loads as exactly this case.

    Examples
    --------
    >>> import tempfile, engine
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = write_case(engine.load_case("tests/cases/tiny"), Path(d) / "copy")
    ...     engine.load_case(out).party_ids
    ('a', 'b', 'c')
    """
    folder = Path(folder)
    files = case_files(case)
    ours, theirs = _stale(folder, files) if folder.is_dir() else ([], [])
    if theirs:
        raise OutputExistsError(
            f"{folder} holds {', '.join(theirs)}, which zopa did not write and which is not part "
            "of this case (it would be read with it); remove it or choose another folder with -o"
        )
    write_bundle(folder, files, force=force)
    if ours:
        for rel in ours:
            (folder / rel).unlink()
        manifest_path = folder / MANIFEST
        manifest = json.loads(manifest_path.read_text("utf-8"))
        for rel in ours:
            manifest.pop(rel, None)
        write_file(manifest_path, json.dumps(dict(sorted(manifest.items())), indent=2) + "\n")
    return folder


def scenario_mapping(case: Case, scenario: Scenario) -> dict[str, Any]:
    """A scenario as the mapping its YAML file holds (title, at, changes, …)."""
    return _scenario_doc(case, scenario)


def scenario_yaml(case: Case, scenario: Scenario) -> str:
    """A scenario as the text of a scenario file that ``zopa whatif --scenario`` reads."""
    return dump_yaml(_scenario_doc(case, scenario))
