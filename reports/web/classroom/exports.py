"""The teacher's exports of a class: CSV tables, one JSON of everything, the consensus case folder.

Every function here is pure: a :class:`~.export_state.ClassState` (read from
the database in one statement by :mod:`reports.web.classroom.export_routes`)
in, text or bytes out. The same state gives the same bytes: rows in joining and case order, JSON
with sorted keys, zips with fixed timestamps, names and permissions, and no
date but the class's own (when each student joined, the case's ``as_of``).

What is exported is a list of :class:`~.export_state.Section` s, each a name,
the submission kinds it exports in full, and a builder of its part (CSV tables
and its share of the JSON). :data:`SECTIONS` holds the class itself, the
coding exercise (:mod:`.export_coding`) and the concessions and debrief
exercises (:mod:`.export_exercises`); every submission of a kind no section
exports goes, as it was stored, to the ``other_submissions`` table, so nothing
a student submitted is left out. Another exercise adds its own section.

Text cells of the CSV files (and of the XLSX workbook) that a spreadsheet
would run as a formula (``= + - @``, tab, carriage return at the start) get a
leading ``'`` (:func:`reports.export.tables.spreadsheet_text`): the text is
still all there, and shown as text. The JSON keeps every string as written.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

import engine
from reports.export.tables import csv_text, json_text
from reports.web.classroom.export_coding import CODING_SECTION, CONSENSUS_RULES, consensus_files
from reports.web.classroom.export_exercises import (
    CONCESSIONS_SECTION,
    DEBRIEF_SECTION,
    FRONTIER_SVG,
)
from reports.web.classroom.export_state import ClassState, Part, Section, Submitted, Table

__all__ = [
    "SECTIONS",
    "class_json",
    "class_tables",
    "class_xlsx",
    "consensus_folder",
    "export_files",
    "other_submissions",
    "readme",
    "table_csv",
    "table_descriptions",
    "zip_bytes",
]

#: Zip entries' timestamp: the earliest a zip can hold, so the bytes never depend on the clock.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# ------------------------------------------------------------------ the class


def _class_data(state: ClassState) -> dict[str, Any]:
    case = state.case
    return {
        "code": state.code,
        "case": case.id,
        "title": case.title,
        "as_of": case.as_of.isoformat(),
        "units": [list(u) for u in state.units],
        "exercises": dict(state.exercises),
        "revealed": state.revealed,
    }


def _kinds(state: ClassState) -> list[str]:
    """The exercises of the class and the kinds submitted, sorted."""
    return sorted(set(state.exercises) | {s.kind for s in state.submissions})


def _class_part(state: ClassState) -> Part:
    """The roster: each student, when they joined, the revision of each of their submissions."""
    kinds = _kinds(state)
    revision = {(s.name, s.kind): s.revision for s in state.submissions}
    rows = [
        [n, name, joined, *(revision.get((name, k)) for k in kinds)]
        for n, (name, joined) in enumerate(state.students, 1)
    ]
    students = [
        {"name": name, "joined": joined, "submitted": {k: revision[(name, k)] for k in kinds
                                                        if (name, k) in revision}}
        for name, joined in state.students
    ]  # fmt: skip
    return Part(
        tables={"roster": (["number", "name", "joined", *(f"{k}_revision" for k in kinds)], rows)},
        data={**_class_data(state), "students": students},
    )


SECTIONS: tuple[Section, ...] = (
    Section(
        "class",
        (),
        {
            "roster": "each student in joining order, when they joined (UTC), and the revision "
            "of each exercise they submitted (empty: nothing submitted)"
        },
        _class_part,
    ),
    CODING_SECTION,
    CONCESSIONS_SECTION,
    DEBRIEF_SECTION,
)

_OTHER_HEADERS = ["kind", "student", "revision", "body", "note"]


def _others(state: ClassState, claimed: set[str]) -> list[Submitted]:
    return sorted(
        (s for s in state.submissions if s.kind not in claimed),
        key=lambda s: s.kind,  # stable: joining order within a kind
    )


def _other_part(state: ClassState, claimed: set[str]) -> Part:
    """Every submission of a kind no section exports, as stored (the body as JSON text)."""
    subs = _others(state, claimed)
    rows = [
        [s.kind, s.name, s.revision, json.dumps(s.body, sort_keys=True, ensure_ascii=False),
         s.note]
        for s in subs
    ]  # fmt: skip
    data = [
        {"kind": s.kind, "student": s.name, "revision": s.revision, "body": s.body,
         "note": s.note}
        for s in subs
    ]  # fmt: skip
    return Part(tables={"other_submissions": (_OTHER_HEADERS, rows)}, data=data)


def _built(
    state: ClassState, sections: Sequence[Section]
) -> tuple[list[tuple[str, Part]], set[str]]:
    """Each section's part, and the kinds they exported."""
    parts = [(s.name, s.build(state)) for s in sections]
    claimed = {
        k for s, (_, part) in zip(sections, parts, strict=True) for k in s.kinds
        if k not in part.unexported
    }  # fmt: skip
    return parts, claimed


def _parts(state: ClassState, sections: Sequence[Section]) -> list[tuple[str, Part]]:
    parts, claimed = _built(state, sections)
    return [*parts, ("other_submissions", _other_part(state, claimed))]


def other_submissions(
    state: ClassState, sections: Sequence[Section] = SECTIONS
) -> list[Submitted]:
    """The submissions no section exports (kind, then joining order): the ``other_submissions`` table's."""
    return _others(state, _built(state, sections)[1])


# ------------------------------------------------------------------ the files


def class_tables(state: ClassState, sections: Sequence[Section] = SECTIONS) -> dict[str, Table]:
    """Every CSV table of the export: name → (headers, rows), sections in order.

    Examples
    --------
    >>> import engine
    >>> from reports.web.classroom.export_state import class_state
    >>> state = class_state("K7QX2M", engine.load_case("ukraine-russia"), [["russia", "nato"]])
    >>> list(class_tables(state))  # doctest: +NORMALIZE_WHITESPACE
    ['roster', 'codings', 'agreement', 'versus', 'spread', 'disputed', 'consensus_ties',
     'concessions', 'concession_changes', 'packages', 'frontier', 'other_submissions']
    """
    out: dict[str, Table] = {}
    for _, part in _parts(state, sections):
        out.update(part.tables)
    return out


def table_csv(table: Table) -> str:
    """A table as CSV text (:func:`reports.export.tables.csv_text`: formula-safe, 6 digits)."""
    headers, rows = table
    return csv_text(headers, rows)


def class_json(state: ClassState, sections: Sequence[Section] = SECTIONS) -> str:
    """One JSON of everything: ``{"format", "zopa", section name: its data, …}``, keys sorted.

    Floats are rounded to 6 decimals (:func:`reports.export.tables.json_text`);
    strings are as the students wrote them (JSON is for programs, not
    spreadsheets).
    """
    data: dict[str, Any] = {"format": "zopa-class-export/1", "zopa": engine.__version__}
    for name, part in _parts(state, sections):
        data[name] = part.data
    return json_text(data)


def consensus_folder(state: ClassState) -> str:
    """The consensus case folder's name: the case id, ``-consensus`` (its id when loaded)."""
    return f"{state.case.id}-consensus"


def zip_bytes(files: Mapping[str, str | bytes]) -> bytes:
    """A zip of ``files`` (path → content), the same bytes for the same files.

    Entries are sorted, dated :data:`FIXED_ZIP_TIME`, mode 0644, deflated.

    Examples
    --------
    >>> zip_bytes({"b.txt": "2", "a.txt": b"1"}) == zip_bytes({"a.txt": "1", "b.txt": "2"})
    True
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the mode below is read
            info.external_attr = 0o644 << 16
            body = files[name]
            archive.writestr(info, body.encode("utf-8") if isinstance(body, str) else body)
    return buf.getvalue()


def export_files(
    state: ClassState, report_html: str, sections: Sequence[Section] = SECTIONS
) -> dict[str, str | bytes]:
    """Every file of ``export.zip``, under one folder ``zopa-class-<code>/``.

    README.txt, class.json, report.html (``report_html``), class.xlsx (every
    table, a sheet each), one CSV per table, the sections' other files (the
    debrief's plot) and the consensus case folder when there are two codings
    or more.
    """
    top = f"zopa-class-{state.code}"
    tables = class_tables(state, sections)
    consensus = consensus_files(state)
    extra = {n: t for _, part in _parts(state, sections) for n, t in part.files.items()}
    files: dict[str, str | bytes] = {
        f"{top}/README.txt": readme(state, consensus is not None, sections, extra=list(extra)),
        f"{top}/class.json": class_json(state, sections),
        f"{top}/report.html": report_html,
        f"{top}/class.xlsx": class_xlsx(state, tables),
    }
    for name, table in tables.items():
        files[f"{top}/{name}.csv"] = table_csv(table)
    for name, text in extra.items():
        files[f"{top}/{name}"] = text
    for path, text in (consensus or {}).items():
        files[f"{top}/{consensus_folder(state)}/{path}"] = text
    return files


def class_xlsx(state: ClassState, tables: Mapping[str, Table]) -> bytes:
    """The tables as one XLSX workbook, a sheet each, formula-safe, dated the case's ``as_of``."""
    import pandas as pd

    from reports.export.files import _xlsx

    frames = {
        name: pd.DataFrame(rows, columns=headers) for name, (headers, rows) in tables.items()
    }
    return _xlsx(frames, state.case.as_of.isoformat())


_OTHER_TABLE = {
    "other_submissions": "every submission of an exercise no table above shows, as stored: "
    "kind, student, revision, body (as JSON), note"
}
#: Other files a section may add to the zip, and what they hold.
_OTHER_FILES = {
    FRONTIER_SVG: "the debrief's plot: each group's package (its number) by the "
    "two roles' points against the Pareto frontier (the line) and the Nash package (the "
    "star), the walk-away scores dashed (written for two roles, on a scorable case)",
}


def table_descriptions(sections: Sequence[Section] = SECTIONS) -> dict[str, str]:
    """Every CSV table's name and what it holds, in the export's order."""
    out: dict[str, str] = {}
    for s in sections:
        out.update(s.tables)
    return {**out, **_OTHER_TABLE}


_README = """\
zopa class export — class {code}, case "{title}" ({case}), positions in force on {as_of}
{rule}

{files}

Text cells that a spreadsheet would read as a formula (starting with =, +, -, @, a tab
or a carriage return) begin with an added ' so that they are shown as text; nothing
else is changed. class.json keeps every text exactly as written.

{consensus_rules}
"""


def _entry(name: str, text: str) -> str:
    """``name`` then ``text`` wrapped in a column 24 characters in (on the next line if long)."""
    import textwrap

    lines = textwrap.wrap(text, 88 - 24)
    if len(name) >= 23:
        return "\n".join([name, *(" " * 24 + line for line in lines)])
    return "\n".join([f"{name:<24}{lines[0]}", *(" " * 24 + line for line in lines[1:])])


def readme(
    state: ClassState,
    with_consensus: bool,
    sections: Sequence[Section] = SECTIONS,
    *,
    extra: Sequence[str] = (),
) -> str:
    """The README.txt of ``export.zip``: what each file holds, and how the consensus is made.

    ``extra`` names the sections' other files in the zip (:data:`_OTHER_FILES` says what they hold).
    """
    import textwrap

    files = {
        "README.txt": "this file",
        "report.html": "the class report: what each number compares, the students, the "
        "disputed positions with the justifications side by side, the ranked concessions and "
        "the debrief's packages (open it in a browser; no scripts, nothing fetched; prints "
        "well)",
        "class.json": "everything below in one file (floats rounded to 6 decimals; text as "
        "the students wrote it)",
        "class.xlsx": "every table below, a sheet each",
        **{f"{n}.csv": text for n, text in table_descriptions(sections).items()},
        **{n: _OTHER_FILES.get(n, "a file of the class's exercises") for n in extra},
    }
    folder = consensus_folder(state) + "/"
    files[folder] = (
        "the students' consensus coding as a case folder: zopa check, zopa report and zopa "
        "agree read it; zip it to start a new class from it"
        if with_consensus
        else "(not written: the consensus needs two codings or more)"
    )
    case = state.case
    return _README.format(
        code=state.code,
        title=case.title,
        case=case.id,
        as_of=case.as_of.isoformat(),
        rule="=" * 88,
        files="\n".join(_entry(n, t) for n, t in files.items()),
        consensus_rules=textwrap.fill(CONSENSUS_RULES, 88),
    )
