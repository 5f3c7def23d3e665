"""Reading the field's third-party formats as zopa cases: KTAB, Decide and GENIUS.

Three formats hold most published negotiation data sets:

- **KTAB** (KAPSARC Toolkit for Behavioral Analysis), spatial-model CSV:
  ``Actor, Description, Power, Pos1, Sal1, Pos2, Sal2, …``, positions on
  0–100 scales;
- **Decide** (the exchange model of Stokman and others), CSV rows ``#A``
  (actor), ``#P`` (issue), ``#M`` (a meaningful point of an issue's scale),
  ``#D`` (actor × issue: position, salience, power), ``#O`` (a title), ``#/``
  and ``#0`` (comments);
- **GENIUS** (TU Delft), XML: a domain file (the issues and their values) and
  one preference profile per party (issue weights and per-value
  evaluations, or a non-linear sum of "hyperrectangle" constraints).

:func:`read_ktab`, :func:`read_decide` and :func:`read_genius` read a file (or
a GENIUS folder) and return an in-memory :class:`~engine.model.case.Case`; they
never write anything (``reports.export.caseio.write_case`` writes the case folder,
``zopa import`` does both). Every problem in the input is reported at once as
a :class:`~engine.model.errors.CaseError` whose problems name the file, line,
column and field — never a traceback. ``docs/import.md`` is the user's guide
to the mapping; the rules and their reasons are below.

Notes
-----
**What every import does.** One source per file read, dated ``source_date``
(default: ``as_of``) with the ``source_url`` given (zopa cannot know where
the file was published), its note naming the file and its SHA-256. One
statement per party, dated ``as_of``, citing those sources. Every party gets
the role ``observer``: none of the formats records roles (edit ``case.yaml``
to mark the principals). Identifiers are the file's keys turned into slugs
(``EU (incl Norway)`` → ``eu_incl_norway``; a clash gets ``-2``); names and
labels keep the original text.

**KTAB and Decide are spatial models with ideal points only.** Each actor's
position becomes the ``ideal``; the ``acceptable`` set is the ideal alone,
because the data say nothing about what else an actor could accept and zopa
never invents flexibility. A ``tolerance`` argument widens every acceptable
interval to ``ideal ± tolerance`` (clipped to the scale; on an ordinal Decide
issue, the scale points within that distance): a choice of the person
importing, stated in the case description, never a default.

- KTAB: every dimension is an ``interval`` issue on [0, 100] (KTAB's own
  scale), unit ``points``, named after its position column (``Tax Position``
  → ``Tax``); ``salience`` = KTAB salience / 100 (KTAB's saliences are an
  actor's shares of attention, 0–100 and at most 100 in all, so they keep
  their ratios); ``weight`` = the actor's power (influence, capability), as
  given. Actor name: the description when every actor has a distinct one
  (the key becomes the ``short`` name), else the key (the description goes
  to the note). The file's checks are KTAB's own: the declared numbers of
  actors and dimensions, positions and saliences in [0, 100], saliences of
  one actor summing to at most 100, power ≥ 0.
- Decide: ``salience`` and power are already on [0, 1] (Decide's own range,
  checked). Power is given on every ``#D`` row, so per actor and issue; zopa
  has one ``weight`` per party: the actor's power when it is the same on
  every row (as in every published file we know), else their mean, with the
  per-issue values kept in the party's note. **Scales**: an issue's range is
  given by its ``#M`` points (lowest to highest; without ``#M`` rows Decide's
  default 0–100). When the ``#M`` points are given and every position on
  the issue lies on one of them, the issue is **ordinal** and its options
  are the ``#M`` points in order, labelled by their descriptions (the
  number when there is none); otherwise it is an **interval** issue on the
  ``#M`` range and the descriptions of the points are kept in the issue's
  description. An ordinal issue spaces its options evenly (0, 30, 50, 70,
  100 become ranks 0–4): the labels are worth more than the uneven gaps,
  which the option descriptions keep as numbers.

**GENIUS.** Each discrete issue of the domain becomes a **nominal** issue
whose options are its values (GENIUS orders nothing); an integer issue an
**ordinal** one whose options are its integers (their distances are those of
an interval scale, and only integers are outcomes). Each profile becomes a
party named after its file.

- Additive profiles (weights and per-value evaluations): ``ideal`` = the
  value with the highest evaluation; ``acceptable`` = the ideal alone —
  GENIUS's reservation value is a threshold on the utility of a *whole bid*
  (all issues at once), so it says nothing about any one issue. When several
  values tie for the highest evaluation the party is indifferent between
  them: they are all acceptable and the ideal is the first in the domain's
  order. ``salience`` = the issue's weight / the profile's largest weight, so
  the issue that matters most has salience 1 and the ratios of the weights
  are kept.
- Non-linear profiles (a sum of hyperrectangles: ``utility u`` when every
  ``INCLUDES`` bound holds) have no weights and no per-issue evaluations.
  zopa computes, exactly (branch and bound over the issues, in integer
  arithmetic), the best utility reachable with each value of each issue,
  ``b_i(v) = max {U(x) : x_i = v}``. The acceptable set is the values
  through which the profile's maximum utility is reachable
  (``b_i(v) = max U``), the ideal the first of them; ``salience`` = the issue's
  swing ``max U − min_v b_i(v)`` (what the party loses at worst on this issue
  when everything else is set in its favour) / the largest swing of the
  profile.
- **What is lost**, plainly: GENIUS gives every party its own evaluation of
  every value; zopa has one distance between two outcomes, shared by all
  parties (on a nominal issue every other value is at distance 1 from the
  ideal). So the shape of each party's evaluation function — that ``fairly
  good`` is worth 98 % of ``good`` to one party and 0 % to another — is not
  representable and does not enter zopa's measures; it is kept as text in
  each position's note. Also lost: the reservation value and discount
  factor (kept in the party's note), similarity functions, and for
  non-linear profiles the interactions between issues (the position keeps
  only what each issue can reach on its own). Utilities computed by zopa
  (:func:`engine.package_utilities`) are therefore not GENIUS's utilities,
  and zopa's Pareto frontier is not GENIUS's.

**Safety.** Files larger than :data:`MAX_BYTES` are refused. XML is read with
the standard library's expat parser (through :mod:`xml.etree.ElementTree`'s
tree builder) with DTDs refused outright: a ``<!DOCTYPE`` or ``<!ENTITY``
declaration is an error, so no entity can expand ("billion laughs") and no
external entity is fetched; nesting is limited to :data:`MAX_XML_DEPTH`
levels. GENIUS files need neither, so no dependency (defusedxml) is needed.

Examples
--------
>>> case = read_ktab("tests/data/import/ktab/coalition.csv", as_of="2024-05-01",
...                  source_url="https://example.org/coalition")
>>> case.issue_ids, case.party_ids
(('tax', 'spending'), ('grn', 'lib', 'soc'))
>>> pos = case.at()[("grn", "tax")]
>>> pos.ideal, pos.acceptable, pos.salience, case.party("grn").weight
(20.0, Span(lo=20.0, hi=20.0), 0.6, 40.0)
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import math
import os
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any
from xml.parsers import expat

from engine.model.case import (
    Case,
    Issue,
    Option,
    OptionSet,
    Party,
    Position,
    Source,
    Span,
    Statement,
    as_date,
)
from engine.model.errors import CaseError, Problem, allowed_list, did_you_mean
from engine.model.parse import parse_partial_date

__all__ = [
    "MAX_BYTES",
    "MAX_XML_DEPTH",
    "find_genius_files",
    "read_decide",
    "read_genius",
    "read_ktab",
    "slugify",
]

#: Largest input file read (bytes).
MAX_BYTES = 4 << 20
#: Deepest XML nesting accepted.
MAX_XML_DEPTH = 64
#: Most values of one GENIUS integer issue (each becomes an option).
MAX_VALUES = 1000
#: Most search nodes for one non-linear GENIUS profile.
MAX_NODES = 2_000_000

_URL = re.compile(r"^https?://[^\s]+$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")


# ======================================================================= common


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


class _Ids:
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


def _g(x: float) -> str:
    """A number for messages and labels: ``10``, ``0.25``, ``1e+20``."""
    return f"{x:g}"


def _number(text: str) -> float | None:
    """A finite decimal number (``1``, ``-2.5``, ``1e3``), else ``None`` (no ``nan``, no ``1_000``)."""
    t = text.strip()
    if not _NUMBER.match(t):
        return None
    x = float(t)
    return x if math.isfinite(x) else None


@dataclass(frozen=True)
class _Meta:
    """The arguments every importer takes, validated."""

    as_of: _dt.date
    source_url: str
    title: str | None
    publisher: str
    source_date: str
    tolerance: float | None


def _meta(
    as_of: Any,
    source_url: Any,
    title: Any,
    publisher: Any,
    source_date: Any,
    tolerance: Any,
) -> _Meta:
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
    sdate = ""
    if source_date is not None:
        sdate_, err = parse_partial_date(
            source_date.isoformat() if isinstance(source_date, _dt.date) else source_date
        )
        if err:
            problems.append(Problem("", 0, 0, "source_date", err))
        sdate = sdate_ or ""
    elif date is not None:
        sdate = date.isoformat()
    tol: float | None = None
    if tolerance is not None:
        ok = isinstance(tolerance, int | float) and not isinstance(tolerance, bool)
        if not ok or not (math.isfinite(tolerance) and tolerance >= 0):
            problems.append(Problem("", 0, 0, "tolerance", f"{tolerance!r} is not a number >= 0"))
        else:
            tol = float(tolerance)
    ttl = str(title).strip() if title else None
    if problems:
        raise CaseError(problems)
    assert date is not None
    return _Meta(date, url, ttl or None, pub, sdate, tol)


class _Problems:
    """Problems of one input file."""

    def __init__(self, file: str):
        self.file = file
        self.items: list[Problem] = []

    def add(self, line: int, column: int, field_: str, message: str) -> None:
        self.items.append(Problem(self.file, max(line, 1), max(column, 1), field_, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise CaseError(self.items)


def _read_bytes(path: str | os.PathLike[str]) -> bytes:
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


def _decode(data: bytes, file: str, encoding: str) -> str:
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


def _source(path: Path, data: bytes, fmt: str, kind: str, meta: _Meta, ids: _Ids) -> Source:
    return Source(
        id=ids.new(path.name, "src"),
        title=f"{path.name} ({fmt} {kind})",
        publisher=meta.publisher,
        date=meta.source_date,
        url=meta.source_url,
        note=f"Imported by zopa from the {fmt} file {path.name} (SHA-256 {hashlib.sha256(data).hexdigest()}).",
    )


def _tolerance_text(meta: _Meta, unit: str) -> str:
    if meta.tolerance is None:
        return (
            "Acceptable sets are the ideal points alone: the file records no flexibility "
            "and zopa does not invent any."
        )
    return (
        f"Acceptable sets are widened to ideal ± {_g(meta.tolerance)} {unit} (clipped to the "
        "scale): a choice made at import, not something the data say."
    )


def _widen(ideal: float, lo: float, hi: float, tolerance: float | None) -> Span:
    if tolerance is None:
        return Span(ideal, ideal)
    return Span(max(lo, ideal - tolerance), min(hi, ideal + tolerance))


# ========================================================================= CSV


@dataclass(frozen=True)
class _Row:
    """One CSV line: its number, its fields (stripped) and their 1-based columns."""

    line: int
    fields: tuple[str, ...]
    columns: tuple[int, ...]
    end: int = 1  # the column just after the line's last character

    def col(self, i: int) -> int:
        """Column of field ``i`` (past the last field: the end of the line)."""
        return self.columns[i] if i < len(self.columns) else self.end

    def blank(self) -> bool:
        return not any(self.fields)


def _field_starts(line: str, delimiter: str, quote: str) -> list[int]:
    """1-based columns where the fields of one CSV line start (past leading blanks)."""
    starts: list[int] = []
    i, n = 0, len(line)
    while True:
        while i < n and line[i] in " \t" and line[i] != delimiter:
            i += 1
        starts.append(i + 1)
        if i < n and line[i] == quote:  # a quoted field: skip to its closing quote
            i += 1
            while i < n:
                if line[i] == quote:
                    if i + 1 < n and line[i + 1] == quote:
                        i += 2
                        continue
                    i += 1
                    break
                i += 1
        j = line.find(delimiter, i)
        if j < 0:
            return starts
        i = j + 1


def _csv_rows(
    text: str, delimiter: str, quote: str, problems: _Problems, skip_space: bool = True
) -> list[_Row]:
    """Every line as a :class:`_Row` (each physical line is one record in these formats)."""
    rows = []
    for n, line in enumerate(re.split(r"\r\n|\n|\r", text), 1):
        try:
            fields = next(
                csv.reader(
                    [line],
                    delimiter=delimiter,
                    quotechar=quote,
                    skipinitialspace=skip_space,
                    strict=False,
                ),
                [],
            )
        except csv.Error as exc:
            problems.add(n, 1, "", f"cannot read this line as CSV: {exc}")
            continue
        cols = _field_starts(line, delimiter, quote)
        rows.append(
            _Row(n, tuple(f.strip() for f in fields), tuple(cols[: len(fields)]), len(line) + 1)
        )
    return rows


def _trim(fields: tuple[str, ...]) -> tuple[str, ...]:
    """Fields without the trailing empty ones (spreadsheets add trailing commas)."""
    end = len(fields)
    while end and not fields[end - 1]:
        end -= 1
    return fields[:end]


# ------------------------------------------------------------------------ KTAB


def read_ktab(
    path: str | os.PathLike[str],
    *,
    as_of: Any,
    source_url: str,
    title: str | None = None,
    publisher: str | None = None,
    source_date: Any = None,
    tolerance: float | None = None,
    encoding: str = "utf-8",
) -> Case:
    """Read a KTAB spatial-model CSV file as a case.

    Parameters
    ----------
    path : str or path
        The CSV file: a first line ``scenario name, description, number of
        actors, number of dimensions``, a header ``Actor, Description,
        Power, <dim 1> Position, <dim 1> Salience, …`` and one line per
        actor.
    as_of : date or str
        The date the positions are as of (the statements' and the case's date).
    source_url : str
        Where the file was published (http or https).
    title, publisher : str, optional
        The case title (default: the scenario name) and the source's
        publisher (default: the host of ``source_url``).
    source_date : str, optional
        Publication date of the file (``YYYY[-MM[-DD]]``; default: ``as_of``).
    tolerance : float, optional
        Widen every acceptable set to ``ideal ± tolerance`` (clipped to
        0–100). Default: the ideal alone.
    encoding : str
        The file's text encoding (default UTF-8; a byte-order mark is skipped).

    Returns
    -------
    Case
        One interval issue (0–100) per dimension, one party per actor.

    Raises
    ------
    CaseError
        Every problem of the file (``FILE:LINE:COLUMN: column: message``) or
        of the arguments (field ``as_of``, ``source_url`` …).

    Notes
    -----
    ``ideal`` = position; ``acceptable`` = ``[ideal, ideal]`` (or widened by
    ``tolerance``); ``salience`` = KTAB salience / 100; ``weight`` = power.
    See the module docstring for the reasons and what is checked.

    Examples
    --------
    >>> case = read_ktab("tests/data/import/ktab/coalition.csv", as_of="2024-05-01",
    ...                  source_url="https://example.org/coalition", tolerance=10)
    >>> soc = case.party("soc")
    >>> soc.name, soc.short, soc.weight
    ('Social Democrats, left', 'SOC', 35.0)
    >>> case.at()[("soc", "spending")].acceptable   # 90 ± 10, clipped to 100
    Span(lo=80.0, hi=100.0)
    """
    meta = _meta(as_of, source_url, title, publisher, source_date, tolerance)
    p = Path(path)
    file = str(path)
    data = _read_bytes(p)
    text = _decode(data, file, encoding)
    probs = _Problems(file)
    rows = [r for r in _csv_rows(text, ",", '"', probs) if not r.blank()]
    probs.raise_if_any()
    if not rows:
        probs.add(
            1,
            1,
            "",
            "the file is empty; a KTAB file starts with: scenario name, description, "
            "number of actors, number of dimensions",
        )
        probs.raise_if_any()
    first = rows[0]
    f1 = first.fields
    n_actors = n_dims = None
    for i, what in ((2, "number of actors"), (3, "number of dimensions")):
        raw = f1[i] if i < len(f1) else ""
        if not _INTEGER.match(raw) or int(raw) < 1:
            probs.add(
                first.line,
                first.col(i),
                what,
                f"expected a whole number >= 1, got {raw!r}; the first line of a KTAB file is: "
                "scenario name, description, number of actors, number of dimensions",
            )
        elif i == 2:
            n_actors = int(raw)
        else:
            n_dims = int(raw)
    if n_dims is None or n_actors is None:
        probs.raise_if_any()
    assert n_dims is not None and n_actors is not None
    if len(rows) < 2:
        probs.add(
            first.line + 1,
            1,
            "",
            "missing the header line: Actor, Description, Power, then a position and a "
            "salience column per dimension",
        )
        probs.raise_if_any()
    header = rows[1]
    hf = _trim(header.fields)
    width = 3 + 2 * n_dims
    if len(hf) < width:
        probs.add(
            header.line,
            header.col(len(hf)),
            "",
            f"the header has {len(hf)} columns; {n_dims} dimension{'s' if n_dims != 1 else ''} "
            f"need {width}: Actor, Description, Power, then position and salience per dimension",
        )
        probs.raise_if_any()
    colname = [hf[i] if i < len(hf) and hf[i] else f"column {i + 1}" for i in range(width)]

    ids = _Ids()
    src = _source(p, data, "KTAB", "input file", meta, ids)
    issue_ids = _Ids()
    issues: list[Issue] = []
    for d in range(n_dims):
        pos_col, sal_col = hf[3 + 2 * d], hf[4 + 2 * d]
        name = re.sub(r"\s*position\s*$", "", pos_col, flags=re.IGNORECASE).strip() or pos_col
        name = name or f"Dimension {d + 1}"
        issues.append(
            Issue(
                issue_ids.new(name, "issue"),
                name,
                "interval",
                unit="points",
                min=0.0,
                max=100.0,
                description=f"KTAB dimension {d + 1} (columns '{pos_col}' and '{sal_col}'), 0–100.",
            )
        )

    actor_rows = rows[2:]
    if len(actor_rows) < n_actors:
        probs.add(
            first.line,
            first.col(2),
            "number of actors",
            f"the first line declares {n_actors} actors but the file has {len(actor_rows)} actor lines",
        )
    for k, extra in enumerate(actor_rows[n_actors:], n_actors + 1):
        probs.add(
            extra.line,
            1,
            "",
            f"the first line declares {n_actors} actors; this is actor line {k} (fix the count "
            "or remove the line)",
        )
    actors: list[tuple[_Row, str, str, float, list[tuple[float, float]]]] = []
    seen: dict[str, int] = {}
    for row in actor_rows[:n_actors]:
        f = row.fields
        ok = True
        if len(_trim(f)) < width:
            probs.add(
                row.line,
                row.col(len(_trim(f))),
                "",
                f"this line has {len(_trim(f))} values; expected {width}: actor, description, "
                f"power, then position and salience for each of the {n_dims} dimensions",
            )
            continue
        name, desc = f[0], f[1]
        if not name:
            probs.add(row.line, row.col(0), colname[0], "the actor has no name")
            ok = False
        elif name in seen:
            probs.add(
                row.line,
                row.col(0),
                colname[0],
                f"actor '{name}' is already on line {seen[name]}; each actor appears once",
            )
            ok = False
        else:
            seen[name] = row.line
        power = _number(f[2])
        if power is None or power < 0:
            probs.add(
                row.line, row.col(2), colname[2], f"expected a number >= 0 (power), got {f[2]!r}"
            )
            ok = False
        values: list[tuple[float, float]] = []
        total = 0.0
        for d in range(n_dims):
            pi, si = 3 + 2 * d, 4 + 2 * d
            pos, sal = _number(f[pi]), _number(f[si])
            if pos is None or not 0 <= pos <= 100:
                probs.add(
                    row.line,
                    row.col(pi),
                    colname[pi],
                    f"expected a position from 0 to 100, got {f[pi]!r}",
                )
                ok = False
            if sal is None or not 0 <= sal <= 100:
                probs.add(
                    row.line,
                    row.col(si),
                    colname[si],
                    f"expected a salience from 0 to 100, got {f[si]!r}",
                )
                ok = False
            else:
                total += sal
            # salience / 100 computed from the decimal as written (49.53 -> 0.4953 exactly)
            values.append((pos or 0.0, float(Fraction(f[si]) / 100) if sal is not None else 0.0))
        if ok and total > 100 + 1e-9:
            probs.add(
                row.line,
                row.col(4),
                colname[4],
                f"the saliences of '{name}' add up to {_g(total)}; KTAB allows at most 100 "
                "(an actor's attention shared among the dimensions)",
            )
            ok = False
        if ok:
            assert power is not None
            actors.append((row, name, desc, power, values))
    probs.raise_if_any()

    descs = [a[2] for a in actors]
    use_desc = all(descs) and len(set(descs)) == len(descs)
    parties: list[Party] = []
    statements: list[Statement] = []
    pids = _Ids()
    for row, name, desc, power, values in actors:
        pid = pids.new(name, "actor")
        if use_desc and desc != name:
            party = Party(pid, desc, "observer", power, short=name if len(name) <= 24 else "")
        else:
            party = Party(pid, name, "observer", power, note=desc if desc != name else "")
        parties.append(party)
        positions = []
        for issue, (pos, sal) in zip(issues, values, strict=True):
            positions.append(
                (
                    issue.id,
                    Position(
                        party=pid,
                        issue=issue.id,
                        ideal=pos,
                        acceptable=_widen(pos, 0.0, 100.0, meta.tolerance),
                        salience=sal,
                        confidence="inferred",
                        sources=(src.id,),
                        as_of=meta.as_of,
                    ),
                )
            )
        statements.append(
            Statement(
                pid,
                meta.as_of,
                (src.id,),
                tuple(positions),
                confidence="inferred",
                note=f"KTAB file {p.name}, line {row.line}.",
            )
        )
    scen_name, scen_desc = (f1[0] if f1 else ""), (f1[1] if len(f1) > 1 else "")
    title_ = meta.title or scen_name or p.stem
    description = (
        f"Imported from the KTAB spatial-model file {p.name}"
        + (f" (scenario '{scen_name}': {scen_desc})" if scen_desc else "")
        + f": {len(parties)} actors on {len(issues)} dimension{'s' if len(issues) != 1 else ''}. "
        "Each position is the actor's ideal point on KTAB's 0–100 scale; salience = KTAB "
        "salience / 100; weight = KTAB power. "
        + _tolerance_text(meta, "points")
        + " See docs/import.md."
    )
    return Case(
        id=slugify(p.stem, "case"),
        title=title_,
        as_of=meta.as_of,
        parties=tuple(parties),
        issues=tuple(issues),
        sources=(src,),
        statements=tuple(statements),
        description=description,
    )


# ---------------------------------------------------------------------- Decide

_DECIDE_KINDS = ("#A", "#P", "#M", "#D", "#O", "#/", "#0")
#: Fields after the row kind, for each kind (the last one absorbs any extra fields).
_DECIDE_FIELDS = {
    "#A": ("actor", "name", "comment"),
    "#P": ("issue", "name", "description"),
    "#M": ("issue", "position", "description"),
    "#D": ("actor", "issue", "position", "salience", "power", "comment"),
}
_DECIDE_REQUIRED = {"#A": 1, "#P": 1, "#M": 2, "#D": 5}


def _decide_dialect(text: str, probs: _Problems) -> tuple[str, str] | None:
    """(delimiter, quote character) from the first row that starts with ``#X``."""
    for n, line in enumerate(re.split(r"\r\n|\n|\r", text), 1):
        m = re.match(r"\s*(['\"]?)#[A-Za-z0-9/]\1([\t;,|])", line)
        if m:
            return m.group(2), (m.group(1) or '"')
        if line.strip() and n > 50:
            break
    probs.add(
        1,
        1,
        "",
        "not a Decide file: its rows start with #A (actor), #P (issue), #M (scale point), "
        "#D (actor × issue), #O or #/ followed by a tab, ';' or ','",
    )
    return None


@dataclass
class _DRow:
    row: _Row
    kind: str
    values: tuple[str, ...]

    def col(self, i: int) -> int:
        return self.row.col(i + 1)

    @property
    def line(self) -> int:
        return self.row.line


def read_decide(
    path: str | os.PathLike[str],
    *,
    as_of: Any,
    source_url: str,
    title: str | None = None,
    publisher: str | None = None,
    source_date: Any = None,
    tolerance: float | None = None,
    encoding: str = "utf-8",
) -> Case:
    """Read a Decide exchange-model CSV file as a case.

    Parameters
    ----------
    path : str or path
        The CSV file (tab-, ``;``- or ``,``-separated, fields optionally
        quoted with ``'`` or ``"``; the first ``#`` row tells which).
    as_of, source_url, title, publisher, source_date, tolerance, encoding
        As for :func:`read_ktab`; the default title is the ``#O`` row, else
        the file name. ``tolerance`` is in the issue's own units.

    Returns
    -------
    Case
        One issue per ``#P`` row (ordinal or interval, see Notes), one party
        per ``#A`` row.

    Raises
    ------
    CaseError
        Every problem, located: unknown actor or issue keys in ``#D`` or
        ``#M`` rows (with a did-you-mean), keys defined twice, two ``#D``
        rows for one actor and issue, malformed numbers, positions outside
        the issue's range, salience or power outside [0, 1], missing fields,
        unknown row kinds.

    Notes
    -----
    ``ideal`` = position; ``acceptable`` = the ideal alone (or the points
    within ``tolerance``); ``salience`` as given (0–1); ``weight`` = the
    actor's power (its mean if it differs between issues). Scale: ordinal
    when the ``#M`` points are given and every position is one of them (the
    options are the points, labelled by their descriptions), else interval
    on the ``#M`` range (Decide's default 0–100 without ``#M`` rows).

    Examples
    --------
    >>> case = read_decide("tests/data/import/decide/summit.csv", as_of="2009-10-28",
    ...                    source_url="https://example.org/summit")
    >>> [(i.id, i.scale) for i in case.issues]
    [('legal', 'ordinal'), ('finance', 'interval'), ('mrv', 'interval')]
    >>> [o.label for o in case.issue("legal").options]
    ['No agreement', 'Non-binding pledges', 'Binding targets']
    >>> pos = case.at()[("south", "legal")]
    >>> pos.ideal, sorted(pos.acceptable), pos.salience, case.party("south").weight
    ('p100', ['p100'], 0.6, 0.3)
    """
    meta = _meta(as_of, source_url, title, publisher, source_date, tolerance)
    p = Path(path)
    file = str(path)
    data = _read_bytes(p)
    text = _decode(data, file, encoding)
    probs = _Problems(file)
    dialect = _decide_dialect(text, probs)
    probs.raise_if_any()
    assert dialect is not None
    delimiter, quote = dialect
    rows: list[_DRow] = []
    for row in _csv_rows(text, delimiter, quote, probs, skip_space=delimiter != "\t"):
        fields = _trim(row.fields)
        if not fields:
            continue
        kind = fields[0]
        if kind not in _DECIDE_KINDS:
            probs.add(
                row.line,
                row.col(0),
                "",
                f"'{kind}' is not a Decide row kind; rows start with #A (actor), #P (issue), "
                "#M (scale point), #D (actor × issue), #O (title), #/ or #0 (comment)",
            )
            continue
        values = fields[1:]
        names = _DECIDE_FIELDS.get(kind)
        if names is not None:
            if len(values) < _DECIDE_REQUIRED[kind]:
                missing = names[len(values) : _DECIDE_REQUIRED[kind]]
                probs.add(
                    row.line,
                    row.end,
                    f"{kind}.{missing[0]}",
                    f"this {kind} row has {len(values)} value{'s' if len(values) != 1 else ''}; "
                    f"missing: {', '.join(missing)} (a {kind} row is: {', '.join(names)})",
                )
                continue
            if len(values) > len(names):  # Decide joins the extra fields into the last one
                values = (*values[: len(names) - 1], " ".join(values[len(names) - 1 :]))
        rows.append(_DRow(row, kind, values))

    titles = [" ".join(r.values) for r in rows if r.kind == "#O" and r.values]
    actors: dict[str, _DRow] = {}
    issues_raw: dict[str, _DRow] = {}
    for r in rows:
        if r.kind not in ("#A", "#P"):
            continue
        table, what = (actors, "actor") if r.kind == "#A" else (issues_raw, "issue")
        key = r.values[0]
        if not key:
            probs.add(r.line, r.col(0), f"{r.kind}.{what}", f"the {what} key is empty")
        elif key in table:
            probs.add(
                r.line,
                r.col(0),
                f"{r.kind}.{what}",
                f"{what} '{key}' is already defined on line {table[key].line}; define each {what} once",
            )
        else:
            table[key] = r
    if not actors:
        probs.add(1, 1, "", "no actors: a Decide file defines its actors in #A rows")
    if not issues_raw:
        probs.add(1, 1, "", "no issues: a Decide file defines its issues in #P rows")

    points: dict[str, dict[float, tuple[str, _DRow]]] = {k: {} for k in issues_raw}
    for r in rows:
        if r.kind != "#M":
            continue
        key, raw = r.values[0], r.values[1]
        desc = r.values[2] if len(r.values) > 2 else ""
        if key not in issues_raw:
            probs.add(r.line, r.col(0), "#M.issue", _unknown("issue", key, issues_raw))
            continue
        x = _number(raw)
        if x is None:
            probs.add(r.line, r.col(1), "#M.position", f"expected a number, got {raw!r}")
            continue
        if x in points[key]:
            probs.add(
                r.line,
                r.col(1),
                "#M.position",
                f"issue '{key}' already has a scale point {_g(x)} (line {points[key][x][1].line})",
            )
            continue
        points[key][x] = (desc, r)
    ranges: dict[str, tuple[float, float]] = {}
    for key, pts in points.items():
        if len(pts) == 1:
            (x, (_, r)), *_ = pts.items()
            probs.add(
                r.line,
                r.col(1),
                "#M.position",
                f"issue '{key}' has a single scale point ({_g(x)}), so its range is empty; give at "
                "least two #M points (its lowest and highest positions) or none (0–100)",
            )
        elif pts:
            ranges[key] = (min(pts), max(pts))
        else:
            ranges[key] = (0.0, 100.0)

    cells: dict[tuple[str, str], tuple[float, float, float, _DRow]] = {}
    for r in rows:
        if r.kind != "#D":
            continue
        actor, issue, *nums = r.values[:5]
        ok = True
        if actor not in actors:
            probs.add(r.line, r.col(0), "#D.actor", _unknown("actor", actor, actors))
            ok = False
        if issue not in issues_raw:
            probs.add(r.line, r.col(1), "#D.issue", _unknown("issue", issue, issues_raw))
            ok = False
        parsed: list[float] = []
        for j, (name, raw) in enumerate(zip(("position", "salience", "power"), nums, strict=True)):
            x = _number(raw)
            if x is None:
                probs.add(
                    r.line, r.col(2 + j), f"#D.{name}", f"expected a number ({name}), got {raw!r}"
                )
                ok = False
            elif name != "position" and not 0 <= x <= 1:
                probs.add(
                    r.line,
                    r.col(2 + j),
                    f"#D.{name}",
                    f"{name} {raw} is outside Decide's range; allowed: 0 to 1",
                )
                ok = False
            parsed.append(x if x is not None else 0.0)
        pos = _number(nums[0])
        if pos is not None and issue in ranges:
            lo, hi = ranges[issue]
            if not lo <= pos <= hi:
                how = "its #M points" if points.get(issue) else "Decide's default without #M rows"
                probs.add(
                    r.line,
                    r.col(2),
                    "#D.position",
                    f"{nums[0]} is outside issue '{issue}''s range; allowed: {_g(lo)} to {_g(hi)} ({how})",
                )
                ok = False
        if ok and (actor, issue) in cells:
            probs.add(
                r.line,
                r.col(0),
                "#D",
                f"actor '{actor}' already has a position on issue '{issue}' (line "
                f"{cells[(actor, issue)][3].line}); give one #D row per actor and issue",
            )
            ok = False
        if ok:
            cells[(actor, issue)] = (parsed[0], parsed[1], parsed[2], r)
    probs.raise_if_any()

    ids = _Ids()
    src = _source(p, data, "Decide", "input file", meta, ids)
    issue_ids, pids = _Ids(), _Ids()
    issues: list[Issue] = []
    key_of: dict[str, str] = {}
    value_of: dict[str, dict[float, str]] = {}
    for key, r in issues_raw.items():
        name = (r.values[1] if len(r.values) > 1 else "") or key
        desc = r.values[2] if len(r.values) > 2 else ""
        desc = desc if desc and desc != name else ""
        iid = issue_ids.new(key, "issue")
        key_of[key] = iid
        pts = dict(sorted(points[key].items()))
        used = {c[0] for (a, i), c in cells.items() if i == key}
        if len(pts) >= 2 and used <= set(pts):
            opt_ids = _Ids()
            options = []
            value_of[key] = {}
            for x, (label, _) in pts.items():
                oid = opt_ids.new(_point_id(x), "p")
                value_of[key][x] = oid
                options.append(Option(oid, label or _g(x), f"Decide scale point {_g(x)}"))
            issues.append(
                Issue(
                    iid,
                    name,
                    "ordinal",
                    tuple(options),
                    description=_sentence(desc)
                    + "Ordinal: every position is one of the #M scale points.",
                    short=key if key != name and len(key) <= 24 else "",
                )
            )
        else:
            lo, hi = ranges[key]
            labelled = [f"{_g(x)} = {d}" for x, (d, _) in pts.items() if d]
            scale_note = (
                f"Interval {_g(lo)}–{_g(hi)} from the #M points"
                if pts
                else "Interval 0–100 (Decide's default: no #M points)"
            )
            if labelled:
                scale_note += "; scale points: " + "; ".join(labelled)
            issues.append(
                Issue(
                    iid,
                    name,
                    "interval",
                    unit="points",
                    min=lo,
                    max=hi,
                    description=_sentence(desc) + scale_note + ".",
                    short=key if key != name and len(key) <= 24 else "",
                )
            )
    by_key = dict(zip(issues_raw, issues, strict=True))

    parties: list[Party] = []
    statements: list[Statement] = []
    for key, r in actors.items():
        pid = pids.new(key, "actor")
        name = (r.values[1] if len(r.values) > 1 else "") or key
        comment = r.values[2] if len(r.values) > 2 else ""
        mine = [(ikey, c) for (a, ikey), c in cells.items() if a == key]
        powers = [c[2] for _, c in mine]
        notes = [comment] if comment else []
        weight: float | None = None
        if powers:
            weight = math.fsum(powers) / len(powers)
            if len(set(powers)) == 1:
                weight = powers[0]
            else:
                notes.append(
                    "Decide power differs by issue: "
                    + ", ".join(f"{key_of[i]} {_g(c[2])}" for i, c in mine)
                    + f"; weight = their mean, {_g(weight)}."
                )
        parties.append(
            Party(
                pid,
                name,
                "observer",
                weight,
                note=" ".join(notes),
                short=key if key != name and len(key) <= 24 else "",
            )
        )
        if not mine:
            continue
        positions = []
        for ikey, (pos, sal, _pw, _row) in sorted(
            mine, key=lambda m: list(issues_raw).index(m[0])
        ):
            iss = by_key[ikey]
            if iss.scale == "ordinal":
                ideal: str | float = value_of[ikey][pos]
                tol = meta.tolerance or 0.0
                acc: OptionSet | Span = OptionSet(
                    frozenset(o for x, o in value_of[ikey].items() if abs(x - pos) <= tol)
                )
                note = f"Decide position {_g(pos)}."
            else:
                assert iss.min is not None and iss.max is not None
                ideal = pos
                acc = _widen(pos, iss.min, iss.max, meta.tolerance)
                note = ""
            positions.append(
                (
                    iss.id,
                    Position(
                        party=pid,
                        issue=iss.id,
                        ideal=ideal,
                        acceptable=acc,
                        salience=sal,
                        note=note,
                        confidence="inferred",
                        sources=(src.id,),
                        as_of=meta.as_of,
                    ),
                )
            )
        lines = ", ".join(str(c[3].line) for _, c in mine)
        statements.append(
            Statement(
                pid,
                meta.as_of,
                (src.id,),
                tuple(positions),
                confidence="inferred",
                note=f"Decide file {p.name}, #D rows on line{'s' if len(mine) > 1 else ''} {lines}.",
            )
        )
    kinds = sorted({i.scale for i in issues})
    description = (
        f"Imported from the Decide exchange-model file {p.name}"
        + (f" ('{titles[0]}')" if titles else "")
        + f": {len(parties)} actors, {len(issues)} issues ({', '.join(kinds)}). Each position "
        "is the actor's ideal point; salience as given (0–1); weight = Decide power. An issue "
        "is ordinal when every position lies on one of its #M scale points, else an interval "
        "on the #M range (0–100 without #M rows). "
        + _tolerance_text(meta, "scale units")
        + " See docs/import.md."
    )
    return Case(
        id=slugify(p.stem, "case"),
        title=meta.title or (titles[0] if titles else p.stem),
        as_of=meta.as_of,
        parties=tuple(parties),
        issues=tuple(issues),
        sources=(src,),
        statements=tuple(statements),
        description=description,
    )


def _sentence(text: str) -> str:
    """``text`` as a sentence followed by a space (``""`` stays empty)."""
    text = text.strip()
    if not text:
        return ""
    return text + (" " if text[-1] in ".!?" else ". ")


def _point_id(x: float) -> str:
    """Option id of a Decide scale point: ``p0``, ``p12_5``, ``pminus10``."""
    return "p" + _g(x).replace("-", "minus").replace("+", "").replace(".", "_")


def _unknown(kind: str, key: str, known: Iterable[str]) -> str:
    names = list(known)
    return f"unknown {kind} '{key}'{did_you_mean(key, names)}; known: {allowed_list(names)}"


# ======================================================================= GENIUS


class _Refused(Exception):
    def __init__(self, line: int, column: int, message: str):
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


@dataclass
class _Xml:
    """A parsed XML file: its root and where each element starts."""

    file: str
    data: bytes
    root: ET.Element
    where: dict[ET.Element, tuple[int, int]]

    def at(self, el: ET.Element | None) -> tuple[int, int]:
        if el is None:
            return (1, 1)
        return self.where.get(el, (1, 1))


def _parse_xml(path: Path, data: bytes) -> _Xml:
    """Parse with expat into an ElementTree, recording positions; DTDs are refused."""
    file = str(path)
    parser = expat.ParserCreate()
    builder = ET.TreeBuilder()
    where: dict[ET.Element, tuple[int, int]] = {}
    depth = 0

    def here() -> tuple[int, int]:
        return parser.CurrentLineNumber, parser.CurrentColumnNumber + 1

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _Refused(*here(), f"elements are nested deeper than {MAX_XML_DEPTH} levels")
        where[builder.start(tag, attrs)] = here()

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(tag)

    def refuse(*_: Any) -> None:
        raise _Refused(
            *here(),
            "DOCTYPE and ENTITY declarations are refused: GENIUS files need none, and entities "
            "can expand without bound; remove the declaration",
        )

    def refuse_external(*_: Any) -> int:
        refuse()
        return 0  # pragma: no cover - refuse() raises

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse_external
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
        root = builder.close()
    except expat.ExpatError as exc:
        raise CaseError(
            [
                Problem(
                    file,
                    max(exc.lineno, 1),
                    exc.offset + 1,
                    "",
                    f"XML syntax error: {expat.ErrorString(exc.code)}",
                )
            ]
        ) from None
    except _Refused as exc:
        raise CaseError([Problem(file, max(exc.line, 1), exc.column, "", exc.message)]) from None
    except (LookupError, ValueError) as exc:  # e.g. an unknown encoding in the XML declaration
        raise CaseError(
            [Problem(file, max(parser.CurrentLineNumber, 1), 1, "", f"cannot read the XML: {exc}")]
        ) from None
    return _Xml(file, data, root, where)


def _looks_like_xml(data: bytes) -> bool:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") or head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff")


def find_genius_files(
    folder: str | os.PathLike[str],
) -> tuple[Path, list[Path], list[tuple[Path, str]]]:
    """Sort a GENIUS folder's ``*.xml`` files: (domain, profiles, skipped with the reason).

    The domain is the file whose root element is ``negotiation_template``;
    profiles are the files whose root is ``utility_space``, in name order.
    Files that are not XML documents (such as a published ``pareto.xml``,
    which is a list of numbers) or have another root are skipped.

    Raises
    ------
    CaseError
        When there is no domain file or more than one, no profile, or an
        XML file cannot be parsed.

    Notes
    -----
    A file is taken for XML when its first non-blank byte is ``<`` (or it
    starts with a UTF-16 byte-order mark); only those are parsed, with the
    same safeguards as every GENIUS file (no DTDs, bounded size and depth).

    Examples
    --------
    >>> domain, profiles, skipped = find_genius_files("tests/data/import/genius/market")
    >>> domain.name, [p.name for p in profiles], [(s.name, why) for s, why in skipped]
    ('domain.xml', ['buyer.xml', 'seller.xml'], [('frontier.xml', 'not an XML document')])
    """
    root = Path(folder)
    domains: list[Path] = []
    profiles: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    if not root.is_dir():
        raise CaseError([Problem(str(root), 0, 0, "", "is not a folder")])
    for path in sorted(root.glob("*.xml")):
        data = _read_bytes(path)
        if not _looks_like_xml(data):
            skipped.append((path, "not an XML document"))
            continue
        tag = _parse_xml(path, data).root.tag
        if tag == "negotiation_template":
            domains.append(path)
        elif tag == "utility_space":
            profiles.append(path)
        else:
            skipped.append((path, f"root element <{tag}> is neither a domain nor a profile"))
    if len(domains) != 1 or not profiles:
        what = (
            "no domain file (root element <negotiation_template>)"
            if not domains
            else f"{len(domains)} domain files ({', '.join(d.name for d in domains)}); keep one"
            if len(domains) > 1
            else "no profile (root element <utility_space>)"
        )
        raise CaseError([Problem(str(root), 0, 0, "", f"{what}; name the files explicitly")])
    return domains[0], profiles, skipped


@dataclass
class _GIssue:
    """An issue of a GENIUS domain."""

    index: str
    name: str
    kind: str  # "discrete" | "integer"
    values: list[str]  # discrete values, or the integers as text
    element: ET.Element
    lo: int = 0
    hi: int = 0
    issue: Issue | None = None
    option_of: dict[str, str] = field(default_factory=dict)


def _etype(el: ET.Element) -> str:
    for key in ("vtype", "etype", "type"):
        v = el.get(key)
        if v in ("discrete", "integer", "real"):
            return v
    return "discrete"


def _domain(xml: _Xml, probs: _Problems) -> list[_GIssue]:
    space = xml.root if xml.root.tag == "utility_space" else xml.root.find("utility_space")
    if space is None:
        probs.add(
            *xml.at(xml.root),
            "",
            f"not a GENIUS domain: expected <negotiation_template> holding <utility_space>, got <{xml.root.tag}>",
        )
        return []
    out: list[_GIssue] = []
    seen_index: dict[str, int] = {}
    for el in space.iter("issue"):
        line, col = xml.at(el)
        name = (el.get("name") or "").strip()
        index = (el.get("index") or "").strip()
        if not name:
            probs.add(line, col, "issue@name", "the issue has no name")
            continue
        if index in seen_index:
            probs.add(
                line,
                col,
                "issue@index",
                f"issue index {index} is already used on line {seen_index[index]}; indexes are unique",
            )
            continue
        seen_index[index] = line
        kind = _etype(el)
        if kind == "real":
            probs.add(
                line,
                col,
                f"issue '{name}'",
                "real-valued issues are not supported: zopa imports discrete and integer GENIUS issues",
            )
            continue
        if kind == "integer":
            lo_raw, hi_raw = el.get("lowerbound", ""), el.get("upperbound", "")
            if not (_INTEGER.match(lo_raw.strip()) and _INTEGER.match(hi_raw.strip())):
                probs.add(
                    line,
                    col,
                    f"issue '{name}'",
                    f"an integer issue needs whole-number lowerbound and upperbound, got {lo_raw!r} and {hi_raw!r}",
                )
                continue
            lo, hi = int(lo_raw), int(hi_raw)
            if not lo < hi or hi - lo + 1 > MAX_VALUES:
                probs.add(
                    line,
                    col,
                    f"issue '{name}'",
                    f"bounds {lo}..{hi}: zopa needs lowerbound < upperbound and at most {MAX_VALUES} values",
                )
                continue
            out.append(
                _GIssue(index, name, "integer", [str(v) for v in range(lo, hi + 1)], el, lo, hi)
            )
            continue
        values: list[str] = []
        for item in el.findall("item"):
            v = item.get("value")
            if v is None or not v.strip():
                probs.add(*xml.at(item), f"issue '{name}'.item", "the item has no value")
            elif v in values:
                probs.add(*xml.at(item), f"issue '{name}'.item", f"value '{v}' is listed twice")
            else:
                values.append(v)
        if len(values) < 2:
            probs.add(
                line,
                col,
                f"issue '{name}'",
                f"the issue has {len(values)} value{'s' if len(values) != 1 else ''}; zopa needs at least two options",
            )
            continue
        out.append(_GIssue(index, name, "discrete", values, el))
    if not out and not probs.items:
        probs.add(*xml.at(space), "", "the domain has no issues")
    return out


@dataclass
class _Profile:
    """What one profile says about each issue: ideal, acceptable values, salience, note."""

    party: Party
    per_issue: list[tuple[_GIssue, str, list[str], float, str]]
    kind: str


def _match_issue(
    xml: _Xml, el: ET.Element, domain: list[_GIssue], probs: _Problems
) -> _GIssue | None:
    """The domain issue a profile's ``<issue>`` refers to (by index, checked against its name)."""
    index, name = (el.get("index") or "").strip(), (el.get("name") or "").strip()
    by_index = {d.index: d for d in domain}
    by_name = {d.name: d for d in domain}
    found = by_index.get(index) if index else by_name.get(name)
    if found is None:
        found = by_name.get(name) if name and not index else None
    if found is None:
        label = f"'{name}'" if name else f"index {index}"
        probs.add(
            *xml.at(el),
            "issue",
            f"the profile names issue {label} (index {index or '?'}), which the domain does not have"
            f"{did_you_mean(name, by_name) if name else ''}; domain issues: "
            + allowed_list([f"{d.index}: {d.name}" for d in domain]),
        )
        return None
    if name and name != found.name:
        probs.add(
            *xml.at(el),
            "issue@name",
            f"issue index {index} is '{found.name}' in the domain but '{name}' here; the profile "
            "belongs to another domain, or the files disagree",
        )
        return None
    return found


def _fraction(text: str) -> Fraction | None:
    x = _number(text)
    return Fraction(text.strip()) if x is not None else None


def _profile_note_head(xml: _Xml, path: Path) -> list[str]:
    notes = [f"GENIUS profile {path.name}."]
    res = xml.root.find(".//reservation")
    disc = xml.root.find(".//discount_factor")
    extras = []
    if res is not None and res.get("value") is not None:
        extras.append(f"reservation value {res.get('value')}")
    if disc is not None and disc.get("value") is not None:
        extras.append(f"discount factor {disc.get('value')}")
    if extras:
        notes.append(
            "Not imported (zopa has no equivalent; they apply to whole bids and to time): "
            + ", ".join(extras)
            + "."
        )
    return notes


def _additive(
    xml: _Xml, domain: list[_GIssue], probs: _Problems
) -> list[tuple[_GIssue, str, list[str], float, str]] | None:
    """Ideal, acceptable values, salience and note per issue of an additive profile."""
    start = len(probs.items)
    unmatched = False  # a profile issue matched no domain issue: "not evaluated" would repeat it
    evals: dict[str, tuple[ET.Element, dict[str, Fraction]]] = {}
    for el in xml.root.iter("issue"):
        d = _match_issue(xml, el, domain, probs)
        if d is None:
            unmatched = True
            continue
        if d.index in evals:
            probs.add(*xml.at(el), "issue", f"issue '{d.name}' is evaluated twice in this profile")
            continue
        if d.kind != "discrete":
            probs.add(
                *xml.at(el),
                f"issue '{d.name}'",
                "an integer issue in an additive profile (an evaluator function) is not supported; "
                "zopa reads discrete issues with per-value evaluations, and integer issues of "
                "hyperRectangle profiles",
            )
            evals[d.index] = (el, {})
            continue
        table: dict[str, Fraction] = {}
        before = len(probs.items)
        for item in el.findall("item"):
            v, raw = item.get("value"), item.get("evaluation")
            where = f"issue '{d.name}'.item"
            if v is None or v not in d.values:
                probs.add(
                    *xml.at(item),
                    where,
                    f"value {v!r} is not a value of issue '{d.name}' in the domain"
                    f"{did_you_mean(str(v), d.values)}; values: {allowed_list(d.values)}",
                )
                continue
            if v in table:
                probs.add(*xml.at(item), where, f"value '{v}' is evaluated twice")
                continue
            ev = _fraction(raw) if raw is not None else None
            if ev is None:
                probs.add(
                    *xml.at(item),
                    f"{where}@evaluation",
                    f"expected a number (the evaluation of '{v}'), got {raw!r}",
                )
                continue
            table[v] = ev
        missing = [v for v in d.values if v not in table]
        if missing and len(probs.items) == before:
            probs.add(
                *xml.at(el),
                f"issue '{d.name}'",
                f"no evaluation for {', '.join(repr(m) for m in missing)}; a profile evaluates "
                "every value of the domain",
            )
        evals[d.index] = (el, table)
    weights: dict[str, Fraction] = {}
    bad_weight = False
    for w in xml.root.iter("weight"):
        index, raw = (w.get("index") or "").strip(), w.get("value")
        if index not in {d.index for d in domain}:
            probs.add(
                *xml.at(w),
                "weight@index",
                f"weight for issue index {index!r}, which the domain does not have; issue indexes: "
                + allowed_list([d.index for d in domain]),
            )
            bad_weight = True
            continue
        val = _fraction(raw) if raw is not None else None
        if val is None or val < 0:
            probs.add(*xml.at(w), "weight@value", f"expected a number >= 0, got {raw!r}")
            bad_weight = True
            continue
        if index in weights:
            probs.add(*xml.at(w), "weight@index", f"issue index {index} has two weights")
            continue
        weights[index] = val
    obj = xml.root.find(".//objective")
    for d in domain:
        if d.index not in evals:
            if not unmatched:
                probs.add(
                    *xml.at(obj if obj is not None else xml.root),
                    "issue",
                    f"the profile does not evaluate issue '{d.name}' (index {d.index}) of the domain",
                )
        elif d.index not in weights and not bad_weight:
            probs.add(
                *xml.at(evals[d.index][0]),
                f"issue '{d.name}'",
                f'no <weight index="{d.index}" value="…"/> for this issue',
            )
    if len(probs.items) > start:
        return None
    top = max(weights.values())
    if top <= 0:
        probs.add(*xml.at(obj), "weight", "every weight is 0: the profile cares about nothing")
        return None
    out = []
    for d in domain:
        table = evals[d.index][1]
        best = max(table.values())
        tied = [v for v in d.values if table[v] == best]
        note = (
            "GENIUS evaluations: "
            + "; ".join(f"{v} {_g(float(table[v]))}" for v in d.values)
            + f". Weight {_g(float(weights[d.index]))}."
        )
        if len(tied) > 1:
            note += f" Tied best values, all acceptable: {', '.join(tied)}."
        out.append((d, tied[0], tied, float(weights[d.index] / top), note))
    return out


@dataclass
class _Rect:
    utility: Fraction
    bounds: dict[int, tuple[Fraction, Fraction]]  # position in the domain list -> [min, max]


def _hyper_rects(xml: _Xml, domain: list[_GIssue], probs: _Problems) -> list[_Rect] | None:
    start = len(probs.items)
    pos_of = {d.index: k for k, d in enumerate(domain)}
    rects: list[_Rect] = []
    for util in xml.root.iter("utility"):
        for uf in util:
            if uf.tag != "ufun":
                probs.add(*xml.at(uf), "utility", f"unsupported element <{uf.tag}> in <utility>")
                continue
            agg = uf.get("aggregation", "sum")
            if agg != "sum" or uf.get("type", "PlainUfun") != "PlainUfun":
                probs.add(
                    *xml.at(uf),
                    "ufun",
                    f"unsupported ufun (type {uf.get('type')!r}, aggregation {agg!r}); zopa reads "
                    "PlainUfun sums of hyperRectangles",
                )
                continue
            weight = _fraction(uf.get("weight", "1"))
            if weight is None:
                probs.add(
                    *xml.at(uf), "ufun@weight", f"expected a number, got {uf.get('weight')!r}"
                )
                continue
            for hr in uf:
                if hr.tag != "hyperRectangle":
                    probs.add(
                        *xml.at(hr),
                        "ufun",
                        f"unsupported element <{hr.tag}>; zopa reads hyperRectangle constraints",
                    )
                    continue
                u = _fraction(hr.get("utility", ""))
                if u is None:
                    probs.add(
                        *xml.at(hr),
                        "hyperRectangle@utility",
                        f"expected a number, got {hr.get('utility')!r}",
                    )
                    continue
                bounds: dict[int, tuple[Fraction, Fraction]] = {}
                for b in hr:
                    if b.tag != "INCLUDES":
                        probs.add(
                            *xml.at(b),
                            "hyperRectangle",
                            f"unsupported bound <{b.tag}>; zopa reads INCLUDES bounds",
                        )
                        continue
                    index = (b.get("index") or "").strip()
                    lo, hi = _fraction(b.get("min", "")), _fraction(b.get("max", ""))
                    if index not in pos_of:
                        probs.add(
                            *xml.at(b),
                            "INCLUDES@index",
                            f"issue index {index!r} is not in the domain; indexes: "
                            + allowed_list([d.index for d in domain]),
                        )
                    elif domain[pos_of[index]].kind != "integer":
                        probs.add(
                            *xml.at(b),
                            "INCLUDES@index",
                            f"issue '{domain[pos_of[index]].name}' is discrete; hyperRectangle bounds apply to integer issues",
                        )
                    elif lo is None or hi is None or lo > hi:
                        probs.add(
                            *xml.at(b),
                            "INCLUDES",
                            f"expected numbers min <= max, got min={b.get('min')!r}, max={b.get('max')!r}",
                        )
                    elif pos_of[index] in bounds:
                        probs.add(
                            *xml.at(b),
                            "INCLUDES@index",
                            f"issue index {index} is bounded twice in this hyperRectangle",
                        )
                    else:
                        bounds[pos_of[index]] = (lo, hi)
                rects.append(_Rect(u * weight, bounds))
    if len(probs.items) > start:
        return None
    return rects


class _TooHard(Exception):
    pass


class _Hyper:
    """Exact best utilities of a sum of hyperrectangles, by branch and bound over the issues.

    ``U(x) = Σ_r u_r [x_i ∈ [lo_r,i, hi_r,i] for every bound of r]``. The
    values of an issue are grouped into classes that satisfy the same
    bounds; the search assigns a class issue by issue (most-constrained
    first) and prunes with the bound "utility of the rectangles already
    decided + every positive utility still possible". Utilities are scaled
    to integers, so comparisons are exact.
    """

    def __init__(self, domain: list[_GIssue], rects: list[_Rect]):
        den = 1
        for r in rects:
            den = den * r.utility.denominator // math.gcd(den, r.utility.denominator)
        self.u = [int(r.utility * den) for r in rects]
        self.den = den
        self.const = sum(u for u, r in zip(self.u, rects, strict=True) if not r.bounds)
        live = [k for k, r in enumerate(rects) if r.bounds]
        touched = sorted(
            {i for k in live for i in rects[k].bounds},
            key=lambda i: -sum(1 for k in live if i in rects[k].bounds),
        )
        self.order = touched
        self.values = {i: [int(v) for v in domain[i].values] for i in touched}
        # classes: issue -> list of (kill mask, values)
        self.classes: dict[int, list[tuple[int, list[int]]]] = {}
        for i in touched:
            groups: dict[int, list[int]] = {}
            for v in self.values[i]:
                kill = 0
                for k in live:
                    b = rects[k].bounds.get(i)
                    if b is not None and not b[0] <= v <= b[1]:
                        kill |= 1 << k
                groups.setdefault(kill, []).append(v)
            self.classes[i] = sorted(groups.items(), key=lambda kv: kv[1][0])
        self.live_mask = sum(1 << k for k in live)
        depth_of = {i: d for d, i in enumerate(touched)}
        self.det = [0] * len(touched)  # rectangles decided once depth d is assigned
        for k in live:
            last = max(depth_of[i] for i in rects[k].bounds)
            for d in range(last, len(touched)):
                self.det[d] |= 1 << k
        self.nodes = 0
        self.top: int | None = None

    def _sum(self, mask: int, positive: bool = False) -> int:
        total = 0
        while mask:
            low = mask & -mask
            u = self.u[low.bit_length() - 1]
            total += max(u, 0) if positive else u
            mask ^= low
        return total

    def best(self, fix: tuple[int, int] | None = None) -> int:
        """Max over bids of the integer-scaled utility (issue ``fix[0]`` fixed to class ``fix[1]``)."""
        if not self.order:
            return self.const
        best: int | None = None
        last = len(self.order) - 1
        stack: list[tuple[int, int, int]] = [(0, 0, self.live_mask)]  # (bound, depth, alive)
        while stack:
            bound, depth, alive = stack.pop()
            if best is not None and depth and bound <= best:
                continue  # the bound was computed before a better package was found
            i = self.order[depth]
            choices = self.classes[i]
            if fix is not None and fix[0] == i:
                choices = [choices[fix[1]]]
            children = []
            for kill, _ in choices:
                self.nodes += 1
                if self.nodes > MAX_NODES:
                    raise _TooHard
                a = alive & ~kill
                value = self._sum(a & self.det[depth])
                bound = value + self._sum(a & ~self.det[depth], positive=True)
                if best is not None and bound <= best:
                    continue
                if depth == last:
                    best = value
                else:
                    children.append((bound, depth + 1, a))
            stack.extend(sorted(children))  # the most promising child is explored first
        assert best is not None
        return best + self.const

    def envelope(self, pos: int, domain: list[_GIssue]) -> list[int]:
        """``b_i(v)`` for every value of issue ``pos`` (integer-scaled)."""
        if pos not in self.classes:  # no bound on this issue: every value reaches the maximum
            if self.top is None:
                self.top = self.best()
            return [self.top] * len(domain[pos].values)
        out: dict[int, int] = {}
        for c, (_, values) in enumerate(self.classes[pos]):
            b = self.best((pos, c))
            for v in values:
                out[v] = b
        return [out[int(v)] for v in domain[pos].values]


def _runs(values: Sequence[str], scores: Sequence[Fraction]) -> str:
    """``0–5: 662; 6: 640`` (consecutive values with the same score merged)."""
    parts: list[str] = []
    k = 0
    while k < len(values):
        j = k
        while j + 1 < len(values) and scores[j + 1] == scores[k]:
            j += 1
        key = values[k] if j == k else f"{values[k]}–{values[j]}"
        parts.append(f"{key}: {_g(float(scores[k]))}")
        k = j + 1
    return "; ".join(parts)


def _nonlinear(
    xml: _Xml, domain: list[_GIssue], probs: _Problems
) -> list[tuple[_GIssue, str, list[str], float, str]] | None:
    start = len(probs.items)
    for el in xml.root.iter("issue"):  # the profile's own declarations must match the domain
        d = _match_issue(xml, el, domain, probs)
        if d is not None and d.kind == "integer" and _etype(el) == "integer":
            lo, hi = el.get("lowerbound", "").strip(), el.get("upperbound", "").strip()
            if (lo, hi) != (str(d.lo), str(d.hi)):
                probs.add(
                    *xml.at(el),
                    f"issue '{d.name}'",
                    f"bounds {lo}..{hi} differ from the domain's {d.lo}..{d.hi}",
                )
    rects = _hyper_rects(xml, domain, probs)
    if rects is None or len(probs.items) > start:
        return None
    hyper = _Hyper(domain, rects)
    try:
        top = hyper.best()
        envelopes = [hyper.envelope(k, domain) for k in range(len(domain))]
    except _TooHard:
        probs.add(
            *xml.at(xml.root.find(".//utility")),
            "utility",
            f"this non-linear utility needs more than {MAX_NODES} search steps to analyse exactly; "
            "zopa cannot import it",
        )
        return None
    swings = [top - min(env) for env in envelopes]
    widest = max(swings) if swings else 0
    out = []
    for d, env, swing in zip(domain, envelopes, swings, strict=True):
        tied = [v for v, b in zip(d.values, env, strict=True) if b == top]
        scores = [Fraction(b, hyper.den) for b in env]
        note = (
            f"GENIUS non-linear profile: the best utility reachable with each value "
            f"(of {_g(float(Fraction(top, hyper.den)))} at most): {_runs(d.values, scores)}."
        )
        out.append((d, tied[0], tied, 0.0 if widest == 0 else swing / widest, note))
    return out


def read_genius(
    domain: str | os.PathLike[str],
    profiles: Sequence[str | os.PathLike[str]] | None = None,
    *,
    as_of: Any,
    source_url: str,
    title: str | None = None,
    publisher: str | None = None,
    source_date: Any = None,
) -> Case:
    """Read a GENIUS domain and its preference profiles as a case.

    Parameters
    ----------
    domain : str or path
        The domain file (``<negotiation_template>``), or a folder holding
        the domain and the profiles (see :func:`find_genius_files`; files
        that are not GENIUS XML, such as ``pareto.xml``, are skipped).
    profiles : sequence of str or path, optional
        The profile files (``<utility_space>``), one party each, in order.
        Required unless ``domain`` is a folder.
    as_of, source_url, title, publisher, source_date
        As for :func:`read_ktab`.

    Returns
    -------
    Case
        One nominal issue per discrete issue (an ordinal one per integer
        issue), one party per profile.

    Raises
    ------
    CaseError
        Every problem, located: XML syntax errors (with their line), DTDs,
        a profile naming an issue or value the domain does not have, missing
        or malformed weights and evaluations, unsupported constructs.

    Notes
    -----
    Additive profiles: ``ideal`` = the value with the highest evaluation
    (ties: all acceptable, the first is the ideal); ``acceptable`` = the
    ideal alone; ``salience`` = weight / the profile's largest weight.
    Non-linear (hyperRectangle) profiles: acceptable = the values through
    which the maximum utility is reachable, salience = the issue's swing /
    the largest swing. GENIUS's per-party evaluation functions are not
    representable in zopa's shared distance model; see the module docstring
    for what is kept and what is lost.

    Examples
    --------
    >>> case = read_genius("tests/data/import/genius/market", as_of="2024-01-15",
    ...                    source_url="https://example.org/market")
    >>> [(i.id, i.scale, i.option_ids) for i in case.issues][:2]
    [('price', 'nominal', ('low', 'medium', 'high')), ('delivery', 'nominal', ('v_1_week', 'v_1_month'))]
    >>> buyer = case.at()[("buyer", "colour")]          # red and blue tie at the top
    >>> buyer.ideal, sorted(buyer.acceptable), buyer.salience
    ('red', ['blue', 'red'], 0.4)
    """
    meta = _meta(as_of, source_url, title, publisher, source_date, None)
    skipped: list[tuple[Path, str]] = []
    if profiles is None:
        if not Path(domain).is_dir():
            raise CaseError(
                [
                    Problem(
                        "",
                        0,
                        0,
                        "profiles",
                        "give the profile files after the domain, or a folder holding both",
                    )
                ]
            )
        dpath, ppaths, skipped = find_genius_files(domain)
    else:
        dpath, ppaths = Path(domain), [Path(p) for p in profiles]
        if not ppaths:
            raise CaseError(
                [Problem("", 0, 0, "profiles", "give at least one profile file (one per party)")]
            )
    problems: list[Problem] = []
    ids = _Ids()
    ddata = _read_bytes(dpath)
    dxml = _parse_xml(dpath, ddata)
    dprobs = _Problems(str(dpath))
    gissues = _domain(dxml, dprobs)
    dprobs.raise_if_any()
    dsrc = _source(dpath, ddata, "GENIUS", "domain", meta, ids)
    issue_ids = _Ids()
    for g in gissues:
        opt_ids = _Ids()
        opts = []
        for v in g.values:
            oid = opt_ids.new(v, "v")
            g.option_of[v] = oid
            opts.append(Option(oid, v))
        g.issue = Issue(
            issue_ids.new(g.name, "issue"),
            g.name,
            "nominal" if g.kind == "discrete" else "ordinal",
            tuple(opts),
            description=f"GENIUS {g.kind} issue (index {g.index}) of {dpath.name}.",
        )
    sources = [dsrc]
    parties: list[Party] = []
    statements: list[Statement] = []
    kinds: list[str] = []
    pids = _Ids()
    for ppath in ppaths:
        try:
            pdata = _read_bytes(ppath)
            pxml = _parse_xml(ppath, pdata)
        except CaseError as exc:
            problems += exc.problems
            continue
        probs = _Problems(str(ppath))
        if pxml.root.tag != "utility_space":
            probs.add(
                *pxml.at(pxml.root),
                "",
                f"not a GENIUS profile: expected <utility_space>, got <{pxml.root.tag}>",
            )
            problems += probs.items
            continue
        nonlinear = (
            pxml.root.get("type") == "nonlinear" or pxml.root.find(".//utility") is not None
        )
        result = _nonlinear(pxml, gissues, probs) if nonlinear else _additive(pxml, gissues, probs)
        problems += probs.items
        if result is None:
            continue
        kinds.append("non-linear (hyperRectangle)" if nonlinear else "additive")
        src = _source(ppath, pdata, "GENIUS", "profile", meta, ids)
        sources.append(src)
        pid = pids.new(ppath.stem, "party")
        notes = _profile_note_head(pxml, ppath)
        parties.append(Party(pid, ppath.stem, "observer", None, note=" ".join(notes)))
        positions = []
        for g, ideal, tied, salience, note in result:
            assert g.issue is not None
            positions.append(
                (
                    g.issue.id,
                    Position(
                        party=pid,
                        issue=g.issue.id,
                        ideal=g.option_of[ideal],
                        acceptable=OptionSet(frozenset(g.option_of[v] for v in tied)),
                        salience=salience,
                        note=note,
                        confidence="official",
                        sources=(dsrc.id, src.id),
                        as_of=meta.as_of,
                    ),
                )
            )
        statements.append(
            Statement(
                pid,
                meta.as_of,
                (dsrc.id, src.id),
                tuple(positions),
                confidence="official",
                note=f"GENIUS {kinds[-1]} profile {ppath.name} on the domain {dpath.name}.",
            )
        )
    if problems:
        raise CaseError(problems)
    issues = tuple(g.issue for g in gissues if g.issue is not None)
    skip_text = (
        " Not read: " + "; ".join(f"{s.name} ({why})" for s, why in skipped) + "."
        if skipped
        else ""
    )
    description = (
        f"Imported from the GENIUS domain {dpath.name} and {len(parties)} preference profile"
        f"{'s' if len(parties) != 1 else ''} ({', '.join(p.name for p in ppaths)}; "
        f"{', '.join(sorted(set(kinds)))}). Ideal = each party's best value on each issue; "
        "acceptable = the ideal alone (or every value tied with it): GENIUS's reservation value "
        "applies to whole bids, not to issues; salience = issue weight / the profile's largest "
        "weight (non-linear profiles: the issue's swing / the largest swing). GENIUS's per-party "
        "evaluation of every value is not representable in zopa's shared distances: it is kept "
        "as text in each position's note, and zopa's utilities are not GENIUS's."
        + skip_text
        + " See docs/import.md."
    )
    return Case(
        id=slugify(dpath.parent.name if profiles is None else dpath.stem, "case"),
        title=meta.title or f"{dpath.stem} (GENIUS)",
        as_of=meta.as_of,
        parties=tuple(parties),
        issues=issues,
        sources=tuple(sources),
        statements=tuple(statements),
        description=description,
    )
