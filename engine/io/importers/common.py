"""What every importer shares: arguments, reading files, ids, problems, building the case.

See :mod:`engine.io.importers` for the mapping of each format; this module
holds the steps that do not depend on the format.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.model.case import (
    Acceptable,
    Case,
    Issue,
    Outcome,
    Party,
    Position,
    Source,
    Span,
    Statement,
    as_date,
)
from engine.model.errors import CaseError, Problem
from engine.model.parse import parse_partial_date

__all__ = [
    "INTEGER",
    "MAX_BYTES",
    "FileProblems",
    "Ids",
    "Meta",
    "Stance",
    "decode",
    "file_source",
    "import_meta",
    "imported_case",
    "number_text",
    "parse_number",
    "party_statement",
    "read_bytes",
    "read_text",
    "slugify",
    "tolerance_text",
    "widen",
]

#: Largest input file read (bytes).
MAX_BYTES = 4 << 20

_URL = re.compile(r"^https?://[^\s]+$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
#: A whole number as text (``-3``, ``+12``).
INTEGER = re.compile(r"^[+-]?\d+$")


def slugify(text: str, prefix: str = "x") -> str:
    """An id for zopa made from free text: lower-case ASCII, digits, ``_`` and ``-``.

    Accents are dropped, every other run of characters becomes ``_``, the
    result starts with a letter (``prefix`` is put in front otherwise) and
    has at most 64 characters.

    Notes
    -----
    Different texts can give the same slug (``EU 27`` and ``eu_27``); the
    importers add ``-2``, ``-3`` … to keep ids unique, and keep the original
    text as the name or label.

    Examples
    --------
    >>> slugify("EU (incl Norway)"), slugify("Côte d'Ivoire"), slugify("$4.37", "v")
    ('eu_incl_norway', 'cote_d_ivoire', 'v_4_37')
    """
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^a-z0-9-]+", "_", s.lower()).strip("_-")
    if not s:
        s = prefix
    elif not s[0].isalpha():
        s = f"{prefix}_{s}"
    return s[:64].rstrip("_-")


class Ids:
    """Allocates unique slugs (``x``, ``x-2``, ``x-3`` …)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def new(self, text: str, prefix: str) -> str:
        base = slugify(text, prefix)
        out, k = base, 2
        while out in self.used:
            suffix = f"-{k}"
            out = base[: 64 - len(suffix)] + suffix
            k += 1
        self.used.add(out)
        return out


def number_text(x: float) -> str:
    """A number for messages and labels: ``10``, ``0.25``, ``1e+20``."""
    return f"{x:g}"


def parse_number(text: str) -> float | None:
    """A finite decimal number (``1``, ``-2.5``, ``1e3``), else ``None`` (no ``nan``, no ``1_000``)."""
    t = text.strip()
    if not _NUMBER.match(t):
        return None
    x = float(t)
    return x if math.isfinite(x) else None


# -------------------------------------------------------------------- arguments


@dataclass(frozen=True)
class Meta:
    """The arguments every importer takes, validated."""

    as_of: _dt.date
    source_url: str
    title: str | None
    publisher: str
    source_date: str
    tolerance: float | None


def import_meta(
    as_of: Any,
    source_url: Any,
    title: Any,
    publisher: Any,
    source_date: Any,
    tolerance: Any,
) -> Meta:
    """Check the importer's arguments; every problem is raised at once as a :class:`CaseError`."""
    problems: list[Problem] = []
    date: _dt.date | None = None
    try:
        date = as_date(as_of, "as_of")
    except CaseError as exc:
        problems += exc.problems
    url = str(source_url or "")
    if not _URL.match(url):
        problems.append(
            Problem(
                "",
                0,
                0,
                "source_url",
                f"'{url}' is not a web address; give the http:// or https:// address the data was published at",
            )
        )
    pub = str(publisher).strip() if publisher else ""
    if not pub and _URL.match(url):
        pub = url.split("/")[2]
    sdate = _source_date(source_date, date, problems)
    tol = _tolerance(tolerance, problems)
    ttl = str(title).strip() if title else None
    if problems:
        raise CaseError(problems)
    assert date is not None
    return Meta(date, url, ttl or None, pub, sdate, tol)


def _source_date(source_date: Any, as_of: _dt.date | None, problems: list[Problem]) -> str:
    """The publication date as text (default: ``as_of``)."""
    if source_date is not None:
        sdate_, err = parse_partial_date(
            source_date.isoformat() if isinstance(source_date, _dt.date) else source_date
        )
        if err:
            problems.append(Problem("", 0, 0, "source_date", err))
        return sdate_ or ""
    return as_of.isoformat() if as_of is not None else ""


def _tolerance(tolerance: Any, problems: list[Problem]) -> float | None:
    """The tolerance as a float, ``None`` when not given."""
    if tolerance is None:
        return None
    ok = isinstance(tolerance, int | float) and not isinstance(tolerance, bool)
    if not ok or not (math.isfinite(tolerance) and tolerance >= 0):
        problems.append(Problem("", 0, 0, "tolerance", f"{tolerance!r} is not a number >= 0"))
        return None
    return float(tolerance)


# ------------------------------------------------------------------------ files


class FileProblems:
    """Problems of one input file."""

    def __init__(self, file: str):
        self.file = file
        self.items: list[Problem] = []

    def add(self, line: int, column: int, field_: str, message: str) -> None:
        self.items.append(Problem(self.file, max(line, 1), max(column, 1), field_, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise CaseError(self.items)


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes; a folder, a file over :data:`MAX_BYTES` or an unreadable one is a :class:`CaseError`."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise CaseError([Problem(str(p), 0, 0, "", "is a folder; give a file")])
        if size > MAX_BYTES:
            raise CaseError(
                [
                    Problem(
                        str(p),
                        1,
                        1,
                        "",
                        f"the file has {size} bytes; zopa imports files of at most {MAX_BYTES} bytes",
                    )
                ]
            )
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise CaseError(
            [Problem(str(p), 0, 0, "", f"cannot read the file: {exc.strerror or exc}")]
        ) from None
    if len(data) > MAX_BYTES:
        raise CaseError([Problem(str(p), 1, 1, "", f"the file is larger than {MAX_BYTES} bytes")])
    return data


def decode(data: bytes, file: str, encoding: str) -> str:
    """The text of a file (a byte-order mark dropped); a bad byte is located."""
    try:
        text = data.decode(encoding)
    except LookupError:
        raise CaseError(
            [Problem("", 0, 0, "encoding", f"'{encoding}' is not a known text encoding")]
        ) from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CaseError(
            [
                Problem(
                    file,
                    line,
                    col,
                    "",
                    f"byte 0x{data[exc.start]:02x} is not valid {encoding} text; save the file as "
                    "UTF-8, or give its encoding (e.g. --encoding cp1252)",
                )
            ]
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def read_text(
    path: str | os.PathLike[str], encoding: str
) -> tuple[Path, bytes, str, FileProblems]:
    """The file's path, bytes and text, and an empty list of its problems."""
    p = Path(path)
    file = str(path)
    data = read_bytes(p)
    return p, data, decode(data, file, encoding), FileProblems(file)


# --------------------------------------------------------------- building parts


def file_source(path: Path, data: bytes, fmt: str, kind: str, meta: Meta, ids: Ids) -> Source:
    """The source for one file read: named after it, with its SHA-256 in the note."""
    return Source(
        id=ids.new(path.name, "src"),
        title=f"{path.name} ({fmt} {kind})",
        publisher=meta.publisher,
        date=meta.source_date,
        url=meta.source_url,
        note=f"Imported by zopa from the {fmt} file {path.name} (SHA-256 {hashlib.sha256(data).hexdigest()}).",
    )


def tolerance_text(meta: Meta, unit: str) -> str:
    """The case description's sentence on acceptable sets."""
    if meta.tolerance is None:
        return (
            "Acceptable sets are the ideal points alone: the file records no flexibility "
            "and zopa does not invent any."
        )
    return (
        f"Acceptable sets are widened to ideal ± {number_text(meta.tolerance)} {unit} (clipped to the "
        "scale): a choice made at import, not something the data say."
    )


def widen(ideal: float, lo: float, hi: float, tolerance: float | None) -> Span:
    """``[ideal, ideal]``, or ``ideal ± tolerance`` clipped to ``[lo, hi]``."""
    if tolerance is None:
        return Span(ideal, ideal)
    return Span(max(lo, ideal - tolerance), min(hi, ideal + tolerance))


@dataclass(frozen=True)
class Stance:
    """What a file says about one party on one issue."""

    issue: str
    ideal: Outcome
    acceptable: Acceptable
    salience: float
    note: str = ""
    values: tuple[tuple[Outcome, float], ...] = ()


def party_statement(
    party: str,
    stances: Sequence[Stance],
    sources: tuple[str, ...],
    confidence: str,
    meta: Meta,
    note: str,
) -> Statement:
    """One statement of ``party``, dated ``meta.as_of``, with a position per stance."""
    positions = tuple(
        (
            s.issue,
            Position(
                party=party,
                issue=s.issue,
                ideal=s.ideal,
                acceptable=s.acceptable,
                salience=s.salience,
                note=s.note,
                confidence=confidence,
                sources=sources,
                as_of=meta.as_of,
                values=s.values,
            ),
        )
        for s in stances
    )
    return Statement(party, meta.as_of, sources, positions, confidence=confidence, note=note)


def imported_case(
    case_id: str,
    title: str,
    meta: Meta,
    parts: tuple[Sequence[Party], Sequence[Issue], Sequence[Source], Sequence[Statement]],
    description: str,
) -> Case:
    """The case an importer returns: ``parts`` are its parties, issues, sources and statements."""
    parties, issues, sources, statements = parts
    return Case(
        id=case_id,
        title=title,
        as_of=meta.as_of,
        parties=tuple(parties),
        issues=tuple(issues),
        sources=tuple(sources),
        statements=tuple(statements),
        description=description,
    )
