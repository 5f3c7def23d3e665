"""What the loader's steps share: the problems found so far, reading a file, the ids known."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.io.explain import describe, schema_problems
from engine.io.yamlsafe import Located, YamlProblems, read_yaml
from engine.model.case import Issue, Party, Source
from engine.model.errors import Problem, unknown_message
from engine.model.parse import is_slug

__all__ = ["YAML_SUFFIXES", "Reading", "Registry", "items", "read_document", "unique", "unknown"]

#: The endings of the YAML files a case folder's sub-folders hold.
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class Reading:
    """The problems found while reading one case folder (or one scenario file)."""

    folder: Path
    problems: list[Problem] = field(default_factory=list)

    def add(self, doc: Located, path: tuple[Any, ...], message: str, *, key: bool = False) -> None:
        """Record a problem, unless one is already reported at the same place (one message a spot)."""
        problem = doc.problem(path, message, key=key)
        if not any(
            (p.file, p.line, p.column) == (problem.file, problem.line, problem.column)
            for p in self.problems
        ):
            self.problems.append(problem)

    def problems_in(self, file: str) -> bool:
        return any(p.file == file for p in self.problems)


@dataclass(frozen=True)
class Registry:
    """The parties, issues and sources a file may refer to; issues too broken to check against."""

    parties: Mapping[str, Party]
    issues: Mapping[str, Issue]
    sources: Mapping[str, Source]
    broken_issues: set[str]


def read_document(reading: Reading, path: Path, schema_name: str, what: str) -> Located | None:
    """Read a YAML mapping and check it against its schema; ``None`` when it is no mapping.

    A file whose real path leaves the folder being read (a symbolic link to
    a file elsewhere) is refused unread: a case folder is read, nothing else.
    """
    if not _inside(path, reading.folder):
        reading.problems.append(
            Problem(
                str(path),
                0,
                0,
                "",
                "is a link to a file outside the case folder; zopa reads only files inside "
                "the folder (copy the file in instead of linking to it)",
            )
        )
        return None
    try:
        doc = read_yaml(path, str(path))
    except YamlProblems as exc:
        reading.problems += exc.problems
        return None
    reading.problems += doc.problems
    if not isinstance(doc.data, dict):
        reading.problems.append(
            Problem(
                doc.file,
                *doc.where(()),
                "",
                f"expected a mapping ({what}), got {describe(doc.data)}; see docs/format.md",
            )
        )
        return None
    flagged = {(p.line, p.column) for p in doc.problems}  # don't report a refused tag twice
    reading.problems += [
        p for p in schema_problems(doc, schema_name) if (p.line, p.column) not in flagged
    ]
    return doc


def _inside(path: Path, folder: Path) -> bool:
    """Whether the real path of ``path`` (links followed) lies inside ``folder``'s."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a loop of links
        return False


def unique(
    reading: Reading, doc: Located, entries: list[Any], path: str, kind: str
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Items (index, mapping) with valid, first-seen ids; report duplicates."""
    seen: dict[str, int] = {}
    for i, item in enumerate(entries):
        if not isinstance(item, dict) or not is_slug(item.get("id")):
            continue
        if item["id"] in seen:
            line = doc.where((path, seen[item["id"]], "id"))[0]
            reading.add(
                doc,
                (path, i, "id"),
                f"duplicate {kind} id '{item['id']}' (first at line {line}); ids must be unique",
            )
            continue
        seen[item["id"]] = i
        yield i, item


def items(data: Any, key: str) -> list[Any]:
    """``data[key]`` when ``data`` is a mapping and that is a list, else ``[]``."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def unknown(
    kind: str, name: object, known: Mapping[str, Any] | tuple[str, ...] | list[str]
) -> str:
    """The message for an unknown id, with a did-you-mean and the known ids."""
    return unknown_message(kind, str(name), list(known))
