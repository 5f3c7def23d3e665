"""``scenarios/*.yaml`` (and a scenario file given on its own): what-if changes to a case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.io.changes import parse_change
from engine.io.reading import YAML_SUFFIXES, Reading, Registry, items, read_document, unknown
from engine.io.yamlsafe import Located
from engine.model.apply import apply
from engine.model.case import Case, Change, Scenario
from engine.model.errors import CaseError
from engine.model.parse import is_slug, parse_date

__all__ = ["scenario_file", "scenario_files"]


def scenario_files(reading: Reading, reg: Registry, case: Case | None) -> list[Scenario]:
    """The scenarios of the case folder, in file-name order."""
    folder = reading.folder / "scenarios"
    if not folder.is_dir():
        return []
    out: list[Scenario] = []
    for path in sorted(p for p in folder.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file()):
        scenario = scenario_file(reading, path, reg, case)
        if scenario is not None:
            out.append(scenario)
    return out


def scenario_file(
    reading: Reading, path: Path, reg: Registry, case: Case | None
) -> Scenario | None:
    """Read one scenario file; problems go to ``reading.problems``.

    When ``case`` is given and the changes were read without problems, they
    are applied to it, so a change that does not fit the case is reported too.
    """
    doc = read_document(reading, path, "scenario.schema.json", "title and changes: [...]")
    if doc is None:
        return None
    data = doc.data
    at = None
    if "at" in data:
        at, err = parse_date(data["at"])
        if err:
            reading.add(doc, ("at",), err)
    srcs = data.get("sources") if isinstance(data.get("sources"), list) else []
    for j, s in enumerate(srcs):
        if is_slug(s) and s not in reg.sources:
            reading.add(doc, ("sources", j), unknown("source", s, reg.sources))
    changes, broken = _changes(reading, doc, reg)
    if not is_slug(path.stem):
        reading.add(
            doc,
            (),
            f"scenario file name '{path.stem}' is not a valid id: use lower-case letters, digits, '_' and '-', starting with a letter",
        )
        return None
    scenario = Scenario(
        id=path.stem,
        title=str(data.get("title", path.stem)),
        changes=tuple(changes),
        at=at,
        description=str(data.get("description", "") or ""),
        sources=tuple(s for s in srcs if isinstance(s, str)),
        note=str(data.get("note", "") or ""),
        origin=str(path),
    )
    if case is not None and not broken and not reading.problems_in(doc.file):
        try:
            apply(case, scenario)
        except CaseError as exc:
            reading.problems += exc.problems
    return scenario


def _changes(reading: Reading, doc: Located, reg: Registry) -> tuple[list[Change], bool]:
    """The scenario's changes, and whether any could not be read."""

    changes: list[Change] = []
    broken = False
    known: dict[str, Any] = dict(reg.parties)  # parties added earlier in the scenario count
    for i, raw in enumerate(items(doc.data, "changes")):
        if not isinstance(raw, dict):
            broken = True
            continue
        line, _ = doc.where(("changes", i))
        change, errs = parse_change(raw, known, reg.issues, origin=f"{doc.file}:{line}")
        if change is not None and change.new_party is not None:
            known[change.party] = change.new_party
        for sub, msg in errs:
            is_key = (
                bool(sub) and sub[-1] in raw and len(sub) == 1 and msg.startswith("unknown field")
            )
            reading.add(doc, ("changes", i, *sub), msg, key=is_key)
        if change is None:
            broken = True
        else:
            changes.append(change)
    return changes, broken
