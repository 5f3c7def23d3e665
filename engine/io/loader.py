"""Loading and validating case folders (see docs/format.md).

:func:`load_case` reads ``case.yaml``, ``parties/*.yaml`` and
``scenarios/*.yaml``, checks structure with the JSON Schemas of
:mod:`engine.io.schema` and meaning with the rules of the format, and either
returns an immutable :class:`~engine.model.case.Case` or raises one
:class:`~engine.model.errors.CaseError` listing every problem as
``FILE:LINE:COLUMN: field.path: what is wrong; what is allowed``.

The steps, in order: :mod:`engine.io.casefile` (``case.yaml``),
:mod:`engine.io.partyfiles` (statements), :mod:`engine.io.scenariofiles`;
each records its problems in one :class:`~engine.io.reading.Reading` and
goes on, so that every problem is reported at once (schema errors are put in
words by :mod:`engine.io.explain`).
"""

from __future__ import annotations

import dataclasses
import os
from importlib import resources
from pathlib import Path
from typing import Any

from engine.io.casefile import case_parts
from engine.io.partyfiles import party_files
from engine.io.reading import Reading, Registry, read_document
from engine.io.scenariofiles import scenario_file, scenario_files
from engine.model.case import Case, Scenario
from engine.model.errors import CaseError, Problem, allowed_list, did_you_mean
from engine.model.parse import parse_date

__all__ = ["case_folder", "load_case", "load_scenario", "shipped_cases"]


# ------------------------------------------------------------------ shipped cases


def _positions_root() -> Path:
    root = resources.files("positions")
    return Path(str(root))


def shipped_cases() -> dict[str, Path]:
    """The cases shipped with zopa: id -> folder, sorted by id."""
    root = _positions_root()
    found = {
        p.name: p
        for p in root.iterdir()
        if p.is_dir() and (p / "case.yaml").is_file() and not p.name.startswith((".", "_"))
    }
    return dict(sorted(found.items()))


def case_folder(path_or_id: str | os.PathLike[str]) -> Path:
    """The folder of a case given as a folder path, a ``case.yaml`` path or a shipped id.

    Raises
    ------
    CaseError
        When it is none of these, with the shipped ids and a did-you-mean.
    """
    p = Path(path_or_id)
    if p.is_dir():
        return p
    if p.is_file() and p.name in ("case.yaml", "case.yml"):
        return p.parent
    shipped = shipped_cases()
    if str(path_or_id) in shipped:
        return shipped[str(path_or_id)]
    if p.exists():
        msg = f"'{path_or_id}' is not a case folder; give the folder that holds case.yaml"
    else:
        msg = (
            f"no case folder or shipped case '{path_or_id}'{did_you_mean(str(path_or_id), shipped)}; "
            f"shipped cases: {allowed_list(list(shipped))}"
        )
    raise CaseError([Problem("", 0, 0, "case", msg)])


# ------------------------------------------------------------------------ loader


def load_case(path_or_id: str | os.PathLike[str]) -> Case:
    """Load and validate a case folder, or a shipped case by id.

    Parameters
    ----------
    path_or_id : str or path
        A folder holding ``case.yaml`` (and ``parties/``, ``scenarios/``), a
        path to ``case.yaml``, or the id of a shipped case
        (``zopa cases`` lists them).

    Returns
    -------
    Case
        The immutable case, with its scenarios.

    Raises
    ------
    CaseError
        Listing every problem found, as ``FILE:LINE:COLUMN: field: message``.

    Examples
    --------
    >>> case = load_case("ukraine-russia")
    >>> len(case.parties) >= 8 and len(case.issues) >= 12
    True
    """
    return _load(Reading(case_folder(path_or_id)))


def load_scenario(case: Case, path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario file written for a case (docs/format.md, "scenarios").

    The file is checked exactly as the loader checks ``scenarios/*.yaml``
    inside a case folder: structure, party/issue/option/source ids, and that
    the changes apply to the case.

    Parameters
    ----------
    case : Case
        The case the scenario changes.
    path : str or path
        The YAML file; its name (without ``.yaml``) is the scenario id.

    Returns
    -------
    Scenario

    Raises
    ------
    CaseError
        Listing every problem as ``FILE:LINE:COLUMN: field: message``.

    Examples
    --------
    >>> case = load_case("tests/cases/tiny")
    >>> sc = load_scenario(case, "tests/cases/tiny/scenarios/b-softens.yaml")
    >>> sc == case.scenario("b-softens")
    True
    """
    p = Path(path)
    reading = Reading(p.resolve().parent)  # the file named, wherever a link to it points
    reg = Registry(
        {x.id: x for x in case.parties},
        {x.id: x for x in case.issues},
        {x.id: x for x in case.sources},
        set(),
    )
    scenario = scenario_file(reading, p, reg, case)
    if reading.problems or scenario is None:
        raise CaseError(
            reading.problems or [Problem(str(p), 1, 1, "", "scenario could not be read")]
        )
    return scenario


def _load(reading: Reading) -> Case:
    """Read the case folder: ``case.yaml``, then the party files, then the scenarios."""
    folder = reading.folder
    case_path = _case_file(folder)
    doc = read_document(
        reading, case_path, "case.schema.json", "title, as_of, parties, issues, sources"
    )
    data: dict[str, Any] = doc.data if doc else {}
    parts = case_parts(reading, doc) if doc is not None else None
    as_of = None
    if doc and "as_of" in data:
        as_of, err = parse_date(data["as_of"])
        if err:
            reading.add(doc, ("as_of",), err)
    reg = Registry(
        {p.id: p for p in parts.parties} if parts else {},
        {i.id: i for i in parts.issues} if parts else {},
        {s.id: s for s in parts.sources} if parts else {},
        parts.broken if parts else set(),
    )
    bonuses: dict[str, Any] = {}
    statements = party_files(reading, reg, bonuses)
    case: Case | None = None
    if doc and parts and as_of is not None and not reading.problems:
        case = Case(
            id=folder.resolve().name,
            title=str(data.get("title", "")),
            description=str(data.get("description", "") or ""),
            as_of=as_of,
            parties=tuple(
                dataclasses.replace(p, bonuses=bonuses[p.id]) if p.id in bonuses else p
                for p in parts.parties
            ),
            issues=tuple(parts.issues),
            sources=tuple(parts.sources),
            statements=tuple(statements),
            snapshots=tuple(sorted(parts.snapshots, key=lambda s: (s.date, s.id))),
            path=str(folder),
        )
    scenarios = scenario_files(reading, reg, case)
    if reading.problems or case is None:
        raise CaseError(
            reading.problems or [Problem(str(case_path), 1, 1, "", "case could not be read")]
        )
    return dataclasses.replace(case, scenarios=tuple(scenarios))


def _case_file(folder: Path) -> Path:
    """``case.yaml`` (or ``case.yml``) of the folder; neither is a :class:`CaseError`."""
    case_path = folder / "case.yaml"
    if not case_path.is_file() and (folder / "case.yml").is_file():
        case_path = folder / "case.yml"
    if not case_path.is_file():
        raise CaseError(
            [
                Problem(
                    str(folder),
                    0,
                    0,
                    "",
                    "no case.yaml in this folder; a case folder holds case.yaml, parties/ and scenarios/",
                )
            ]
        )
    return case_path
