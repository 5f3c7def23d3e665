"""End-to-end tests of ``zopa whatif`` and ``zopa packages`` (reports.cli.whatif).

The golden file ``tests/golden/packages-tiny-ab.txt`` holds the exact table
output on the tiny case; regenerate it with ``ZOPA_UPDATE_GOLDEN=1 pytest
tests/reports/cli/test_cli_whatif.py`` after an intended change, and review the diff.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from reports.cli.main import main
from tests.conftest import CASES
from tests.golden import assert_golden

TINY = str(CASES / "tiny")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------ packages


def test_packages_golden(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "packages", TINY, "--parties", "a,b")
    assert code == 0 and err == ""
    assert_golden("packages-tiny-ab.txt", out)


def test_packages_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "packages", TINY, "--parties", "a,b", "--logrolls")
    assert code == 0
    assert "Frontier (11 points;" in out
    assert "      0  0.667  0.559         1  o4   x    20   *" in out
    assert "Nash package (*, point 0)" in out
    assert "num: 0, 10, 20, 30, 40, 50, 80, 90, 100" in out
    assert "  num         80  nom         x    0.011   0.029" in out


def test_packages_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "packages", TINY, "--parties", "a,b", "--format", "json", "--logrolls"
    )
    assert code == 0
    data = json.loads(out)
    assert data["feasible"] and data["parties"] == ["a", "b"]
    assert len(data["frontier"]) == 11
    first = data["frontier"][0]
    assert first["package"] == {"ord": "o4", "nom": "x", "num": 20.0} and first["nash"] is True
    assert first["utilities"]["a"] == pytest.approx((0.8 * 0.25 + 0.4 + 0.6) / 1.8, abs=1e-6)
    assert data["nash"]["found"] and data["nash"]["point"] == 0
    assert data["logrolls"][0]["i"] == "num" and data["logrolls"][0]["j"] == "nom"
    assert data["interval_candidates"] == {
        "num": [0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 80.0, 90.0, 100.0]
    }


def test_packages_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "packages", TINY, "--parties", "a,b", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["point", "U(a)", "U(b)", "#packages", "ord", "nom", "num", "nash"]
    assert rows[1][0] == "0" and rows[1][-1] == "True" and len(rows) == 12
    code, out, _ = run(
        capsys, "packages", TINY, "--parties", "a,b", "--format", "csv", "--logrolls"
    )
    assert out.splitlines()[0].startswith("i,outcome_i,j,outcome_j,gain_a,gain_b,min_gain")


def test_packages_rows_and_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "packages", TINY, "--parties", "a,b", "--rows", "3")
    assert code == 0 and "(11 points, 3 shown;" in out
    code, out, _ = run(
        capsys, "packages", TINY, "--parties", "a,b", "--ignore-red-lines", "--format", "json"
    )
    assert len(json.loads(out)["frontier"]) == 23
    code, out, _ = run(
        capsys, "packages", TINY, "--parties", "a,b", "--interval-steps", "20", "--format", "json"
    )
    assert 25.0 in json.loads(out)["interval_candidates"]["num"]
    code, out, _ = run(capsys, "packages", TINY, "--parties", "a,b,c", "--format", "json")
    assert code == 0 and len(json.loads(out)["frontier"][0]["utilities"]) == 3


def test_packages_colliding_red_lines(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    party = folder / "parties" / "a.yaml"
    party.write_text(
        party.read_text(encoding="utf-8").replace(
            "ord: {ideal: o1, acceptable: {from: o1, to: o3}, salience: 0.8, requires: {nom: [x]}}",
            "ord: {ideal: o1, acceptable: {from: o1, to: o3}, salience: 0.8, red_line: true}",
        ),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "packages", str(folder), "--parties", "a,b")
    assert code == 0 and err == ""
    assert (
        "no package respects the red lines on issue 'ord'" in out and "--ignore-red-lines" in out
    )
    code, out, _ = run(capsys, "packages", str(folder), "--parties", "a,b", "--format", "json")
    data = json.loads(out)
    assert data["feasible"] is False and "red lines" in data["reason"]
    code, out, err = run(capsys, "packages", str(folder), "--parties", "a,b", "--format", "csv")
    assert code == 0 and out == "" and "red lines" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["packages", TINY], "--parties"),
        (["packages", TINY, "--parties", "a"], "at least two parties"),
        (["packages", TINY, "--parties", "a,zz"], "unknown party 'zz'"),
        (
            ["packages", TINY, "--parties", "a,b,c", "--logrolls"],
            "--logrolls compares two parties",
        ),
        (["packages", TINY, "--parties", "a,b", "--rows", "-1"], "whole number"),
        (["packages", TINY, "--parties", "a,b", "--at", "2024-13-01"], "not a date"),
        (["whatif", TINY], "nothing to compare"),
        (["whatif", TINY, "--scenario", "b-sofens"], "did you mean 'b-softens'"),
        (["whatif", TINY, "--scenario", "missing.yaml"], "no such file"),
        (["whatif", TINY, "--concede", "a:ord"], "expected PARTY:ISSUE=OPTION"),
        (["whatif", TINY, "--concede", "a:ord=o9"], "'o9' is not an option"),
        (["whatif", TINY, "--set", "a:ord.colour=red"], "unknown field 'colour'"),
        (["whatif", TINY, "--scenario", "b-softens", "--parties", "q"], "unknown party 'q'"),
    ],
)
def test_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert code == 2, (code, out, err)
    assert message in err and "Traceback" not in err


def test_bad_case_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "packages", str(tmp_path / "nowhere"), "--parties", "a,b")
    assert code == 1 and "no case folder" in err


# -------------------------------------------------------------------- whatif


def test_whatif_scenario_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "whatif", TINY, "--scenario", "b-softens")
    # b's ord position is a red line, and the scenario widens it: said on stderr
    assert code == 0 and err == (
        "warning: Party B drew a red line on Ordinal issue (accepts Four … Five); "
        "these changes cross it (now accepts Three … Five)\n"
    )
    assert "Scenario: B softens on the ordinal issue (b-softens)" in out
    assert "Conflicts resolved (the acceptable sets now meet): 1" in out
    assert "  ord    a–b   resolved   0.225  0.000" in out
    assert "Conflicts created (the acceptable sets no longer meet): none" in out
    assert "  ord    opened             (empty) → Three    a or b → none" in out
    # c states a position on nom only in the scenario: not a zone change, said apart
    assert "  nom    newly stated (+c)  (empty) → (empty)  a or b → a or b" in out
    assert "Total conflict: 0.565 → 0.340 (−0.225)" in out
    assert (
        "Largest matrix changes:" in out
        and "a–b   0.039 → 0.142  +0.103  0.300 → 0.171  −0.129" in out
    )


def test_whatif_concede_and_set(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "whatif", TINY, "--concede", "b:ord=o3", "--set", "a:num.acceptable=10..25"
    )
    assert code == 0
    assert "Changes: b:ord=o3; a:num.acceptable=10..25" in out
    assert "  ord    a–b   resolved" in out
    assert "  num    a–b   created   0.000  0.028" in out
    assert "  num    a–c   worsened" in out


def test_whatif_nothing_changes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "whatif", TINY, "--set", "a:nom.note=same")
    assert code == 0 and "Nothing changes" in out and "Total conflict: 0.565" in out


def test_whatif_scenario_file_and_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "drop-c.yaml"
    path.write_text("title: Without C\nchanges:\n  - {remove_party: c}\n", encoding="utf-8")
    code, out, _ = run(capsys, "whatif", TINY, "--scenario", str(path), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["scenario"] == {"id": "drop-c", "title": "Without C"}
    comp = data["comparison"]
    assert comp["parties_removed"] == ["c"] and comp["changed"] is True
    first = comp["conflicts"][0]
    assert (first["issue"], first["party"], first["other"], first["change"]) == (
        "num",
        "a",
        "c",
        "dropped",
    )
    # without c the zone on num is not empty, but c no longer states a position there
    assert comp["zones"]["num"]["change"] == "no longer stated"
    assert comp["zones"]["num"]["no_longer_stated"] == ["c"]
    assert comp["overlap_delta"]["a"]["c"] is None
    assert "Removed: c." in data["summary"]


def test_whatif_bad_scenario_file_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "title: Bad\nchanges:\n  - {party: a, issue: ord, add: [o9]}\n", encoding="utf-8"
    )
    code, _, err = run(capsys, "whatif", TINY, "--scenario", str(path))
    assert code == 1 and "bad.yaml:3" in err and "'o9' is not an option" in err


def test_help_documents_layouts(capsys: pytest.CaptureFixture[str]) -> None:
    for cmd in ("whatif", "packages"):
        with pytest.raises(SystemExit) as exc:
            main([cmd, "--help"])
        assert exc.value.code == 0
        out = capsys.readouterr().out
        assert "JSON:" in out and "Exit codes:" in out


def test_whatif_warns_on_stderr_when_a_concession_crosses_a_red_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # tiny: b's ord position (accepts Four … Five) is a red line; conceding Three crosses it
    code, out, err = run(capsys, "whatif", "tests/cases/tiny", "--concede", "b:ord=o3")
    assert code == 0
    assert err == (
        "warning: Party B drew a red line on Ordinal issue (accepts Four … Five); "
        "this concession crosses it (now accepts Three … Five)\n"
    )
    assert "warning" not in out
    # the JSON on stdout stays parseable; the warning goes to stderr there too
    code, out, err = run(
        capsys, "whatif", "tests/cases/tiny", "--concede", "b:ord=o3", "--format", "json"
    )
    assert json.loads(out)["changes"] == ["b:ord=o3"] and err.startswith("warning: Party B")
    # a concession on a position without a red line, or one inside the red line: no warning
    for spec in ("a:ord=o4", "b:ord=o4"):
        code, _, err = run(capsys, "whatif", "tests/cases/tiny", "--concede", spec)
        assert code == 0 and err == ""
    # setting the red line aside without widening the set crosses nothing
    code, _, err = run(capsys, "whatif", "tests/cases/tiny", "--set", "b:ord.red_line=false")
    assert code == 0 and err == ""
