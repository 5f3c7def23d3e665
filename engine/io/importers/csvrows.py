"""CSV lines with their line and column numbers, for the KTAB and Decide readers."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from engine.io.importers.common import FileProblems

__all__ = ["Row", "csv_rows", "lines", "trim"]


@dataclass(frozen=True)
class Row:
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


def lines(text: str) -> list[str]:
    """The physical lines of a text (``\\r\\n``, ``\\n`` or ``\\r`` ends a line)."""
    return re.split(r"\r\n|\n|\r", text)


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


def csv_rows(
    text: str, delimiter: str, quote: str, problems: FileProblems, skip_space: bool = True
) -> list[Row]:
    """Every line as a :class:`Row` (each physical line is one record in these formats)."""
    rows = []
    for n, line in enumerate(lines(text), 1):
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
            Row(n, tuple(f.strip() for f in fields), tuple(cols[: len(fields)]), len(line) + 1)
        )
    return rows


def trim(fields: tuple[str, ...]) -> tuple[str, ...]:
    """Fields without the trailing empty ones (spreadsheets add trailing commas)."""
    end = len(fields)
    while end and not fields[end - 1]:
        end -= 1
    return fields[:end]
