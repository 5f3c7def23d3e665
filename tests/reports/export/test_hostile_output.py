"""Case text is never a formula in CSV or XLSX, never raw control bytes on a terminal (issue 9)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import openpyxl
import pytest

from reports.cli.main import main
from reports.export.tables import csv_text, spreadsheet_text
from tests.conftest import CASES

FORMULAS = ['=HYPERLINK("http://evil.invalid","x")', "+1+2", "-3+4", "@SUM(A1)", "\tx"]


def test_spreadsheet_text_neutralises_formula_starts():
    for text in FORMULAS:
        assert spreadsheet_text(text) == "'" + text
    assert spreadsheet_text("Ukraine") == "Ukraine"
    assert spreadsheet_text(-1.5) == -1.5
    rows = list(csv.reader(io.StringIO(csv_text(["name", "x"], [[t, -1.0] for t in FORMULAS]))))
    assert [r[0] for r in rows[1:]] == ["'" + t for t in FORMULAS]
    assert {r[1] for r in rows[1:]} == {"-1"}  # numbers stay numbers


@pytest.fixture
def formula_case(tmp_path: Path) -> Path:
    dest = tmp_path / "tiny"
    shutil.copytree(CASES / "tiny", dest)
    path = dest / "case.yaml"
    text = path.read_text("utf-8")
    text = text.replace("name: Party A", 'name: \'=HYPERLINK("http://evil.invalid","x")\'')
    text = text.replace("name: Party B", "name: '+1+2'")
    text = text.replace("title: Source one", 'title: \'=HYPERLINK("http://evil.invalid","x")\'')
    text = text.replace("publisher: Test", "publisher: '@SUM(A1)'", 1)
    path.write_text(text, "utf-8")
    return dest


def test_export_writes_no_formula(formula_case: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["export", str(formula_case), "-o", str(out)]) == 0
    capsys.readouterr()
    book = openpyxl.load_workbook(out / "zopa-export.xlsx")
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert any(t.startswith("'=HYPERLINK") for t in texts)
    assert not any(t.startswith(("=", "+", "@")) for t in texts)
    for path in out.glob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_text("utf-8"))):
            assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for c in row), (path, row)


def test_escapes_in_an_invalid_value_are_not_echoed_raw(tmp_path: Path, capsys) -> None:
    dest = tmp_path / "tiny"
    shutil.copytree(CASES / "tiny", dest)
    path = dest / "parties" / "a.yaml"
    path.write_text(
        path.read_text("utf-8").replace(
            "confidence: reported", 'confidence: "\\e]0;pwned\\a\\e[31m"'
        ),
        "utf-8",
    )
    assert main(["check", str(dest)]) == 1
    captured = capsys.readouterr()
    err = captured.out + captured.err
    assert "\x1b" not in err and "\x07" not in err
    assert "\\x1b" in err or "U+001B" in err


def test_show_escapes_control_characters(capsys, monkeypatch) -> None:
    import reports.cli.kit as kit

    kit.emit("issue \x1b[31mred\x1b]0;title\x07 \u202eevil\n")
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert out == "issue \\x1b[31mred\\x1b]0;title\\x07 \\u202eevil\n"
