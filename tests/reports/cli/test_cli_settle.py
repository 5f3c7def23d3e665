"""End-to-end tests of ``zopa settle`` and ``zopa rank`` (reports.cli.settle).

The golden file ``tests/golden/settle-tiny.txt`` holds the exact table output
on the tiny case; regenerate it with ``ZOPA_UPDATE_GOLDEN=1 pytest
tests/reports/cli/test_cli_settle.py`` after an intended change, and review the diff.
"""

from __future__ import annotations

import json
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


# ------------------------------------------------------------------ settle


def test_settle_tiny_golden(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "settle", TINY)
    assert code == 0 and err == ""
    assert_golden("settle-tiny.txt", out)


def test_settle_nash_golden(capsys: pytest.CaptureFixture[str]) -> None:
    # nash states whether its package is the only optimum, like total and fair
    code, out, err = run(capsys, "settle", TINY, "--objective", "nash", "--parties", "a,b")
    assert code == 0 and err == ""
    assert "Optimality: the only optimal package (no other is as good)." in out
    assert_golden("settle-tiny-nash.txt", out)
    code, out, err = run(capsys, "settle", TINY, "--objective", "nash")
    assert code == 0 and err == "" and "Status: degenerate" in out
    assert "Optimality: the only optimal package" in out
    assert_golden("settle-tiny-nash-degenerate.txt", out)


def test_settle_tiny_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "settle", TINY)
    assert code == 0
    assert "Status: optimal; objective 0.4200, best bound 0.4200, gap 0" in out
    assert "ord    Ordinal issue   o4       Four" in out
    assert "- Party A accepts Four instead of One on Ordinal issue (cost 0.20)" in out
    assert "total           0.4200" in out


def test_settle_objectives(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "settle", TINY, "--objective", "fair")
    assert code == 0 and "fairest" in out and "objective 0.2000" in out
    code, out, _ = run(capsys, "settle", TINY, "--objective", "nash", "--parties", "a,b")
    assert code == 0 and "Nash bargaining package" in out
    assert "party  name       cost       U       d    gain" in out
    code, out, _ = run(capsys, "settle", TINY, "--objective", "nash")
    assert code == 0 and "Status: degenerate" in out and "smallest gain" in out


def test_settle_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "settle", TINY, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["feasible"] is True and data["status"] == "optimal"
    assert data["package"] == [
        {"issue": "ord", "label": "Four", "outcome": "o4"},
        {"issue": "nom", "label": "X", "outcome": "x"},
        {"issue": "num", "label": "40 units", "outcome": 40.0},
    ]
    assert data["total_cost"] == pytest.approx(0.8 * 1 / 4 + 0.2 * 1 + 0.2 * 10 / 100)
    assert data["concessions"][0]["description"].startswith("Party A accepts Four")
    assert data["scenario"] is None and data["changes"] == []
    assert data["title"] == "Tiny test case" and data["proof"]["gap"] == 0
    again = run(capsys, "settle", TINY, "--format", "json")[1]
    assert again == out  # stable


def test_settle_infeasible_lists_the_red_lines(capsys: pytest.CaptureFixture[str]) -> None:
    # a's ord position becomes a red line: o1…o3 (if nom = x), b's stays o4…o5
    code, out, _ = run(capsys, "settle", TINY, "--set", "a:ord.red_line=true")
    assert code == 0
    assert "No package respects every red line." in out
    assert (
        "- a on ord: Party A will not accept anything outside One … Three on Ordinal issue" in out
    )
    assert (
        "- b on ord: Party B will not accept anything outside Four … Five on Ordinal issue" in out
    )
    # relaxing either red line of this collision is enough: the first the deletion filter
    # keeps (case order drops a's first) is named, and the command given is checked to work
    assert (
        "Relaxing this red line makes a package possible (checked: keep it and none is): b on ord."
        in out
    )
    cmd = f"Try: zopa settle {TINY} --set a:ord.red_line=true --set b:ord.red_line=false\n"
    assert cmd in out
    tried = run(capsys, *cmd.split()[2:])[1]
    assert "No package" not in tried and "Package" in tried
    code, out, _ = run(capsys, "settle", TINY, "--set", "a:ord.red_line=true", "--format", "json")
    data = json.loads(out)
    assert data["feasible"] is False and data["package"] == []
    assert [(r["party"], r["issue"]) for r in data["conflicting_red_lines"]] == [
        ("a", "ord"),
        ("b", "ord"),
    ]
    assert data["changes"] == ["a:ord.red_line=true"]
    assert data["relax_together"] == [{"party": "b", "issue": "ord"}]


def test_settle_names_every_red_line_to_relax_together_when_one_is_not_enough(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The shipped case: two collisions (ZNPP, and Donetsk–Luhansk among others); relaxing one
    red line of the first is not enough, so one suggestion names the red lines to relax together,
    and the settlement with exactly those relaxed exists while keeping any one of them fails."""
    import engine

    code, out, _ = run(capsys, "settle", "ukraine-russia", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["feasible"] is False
    relax = [(r["party"], r["issue"]) for r in data["relax_together"]]
    assert len(relax) >= 2
    listed = {(r["party"], r["issue"]) for r in data["conflicting_red_lines"]}
    assert set(relax) & listed and not set(relax) <= listed  # beyond the first collision
    case = engine.load_case("ukraine-russia")

    def settles(keys):
        specs = [f"{p}:{i}.red_line=false" for p, i in keys]
        changes = [engine.change_from_set(case, sp) for sp in specs]
        work = engine.apply(case, engine.scenario_from_changes(changes))
        return engine.settle(work, "total").feasible

    assert settles(relax)
    for key in relax:
        assert not settles([k for k in relax if k != key])
    text = run(capsys, "settle", "ukraine-russia")[1]
    sets = " ".join(f"--set {p}:{i}.red_line=false" for p, i in relax)
    assert f"Try: zopa settle ukraine-russia {sets}\n" in text
    assert "Relaxing these red lines together makes a package possible" in text


def test_settle_scenario_by_id_and_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, by_id, _ = run(capsys, "settle", TINY, "--scenario", "b-softens", "--format", "json")
    assert code == 0
    data = json.loads(by_id)
    assert data["scenario"] == {"id": "b-softens", "title": "B softens on the ordinal issue"}
    assert data["package"][0]["outcome"] == "o3"  # b's red line is gone and o3 is acceptable to b
    path = str(CASES / "tiny" / "scenarios" / "b-softens.yaml")
    code, by_file, _ = run(capsys, "settle", TINY, "--scenario", path, "--format", "json")
    assert code == 0 and json.loads(by_file)["package"] == data["package"]
    code, out, _ = run(capsys, "settle", TINY, "--scenario", "b-softens")
    assert "Scenario: B softens on the ordinal issue (b-softens)" in out


def test_settle_concede_and_set(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "settle", TINY, "--concede", "b:nom=x", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["changes"] == ["b:nom=x"]
    assert data["total_cost"] == pytest.approx(
        0.8 * 1 / 4 + 0.2 * 10 / 100
    )  # b no longer pays on nom
    code, out, _ = run(
        capsys, "settle", TINY, "--concede", "b:nom=x", "--set", "a:ord.salience=0.4"
    )
    assert code == 0 and "Changes: b:nom=x; a:ord.salience=0.4" in out
    assert "total           0.1200" in out  # 0.4·1/4 + 0.2·10/100


def test_settle_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "settle", TINY, "--scenario", "b-soften")
    assert code == 2 and "did you mean 'b-softens'" in err
    code, _, err = run(capsys, "settle", TINY, "--scenario", "missing.yaml")
    assert code == 2 and "no such file" in err
    code, _, err = run(capsys, "settle", TINY, "--concede", "b:nom=w")
    assert code == 2 and "'w' is not an option of issue 'nom'" in err
    code, _, err = run(capsys, "settle", TINY, "--set", "b:nom.colour=red")
    assert code == 2 and "unknown field 'colour'" in err
    code, _, err = run(capsys, "settle", TINY, "--parties", "a,zz")
    assert code == 2 and "zz" in err
    code, _, err = run(capsys, "settle", TINY, "--at", "yesterday")
    assert code == 2 and "not a date" in err
    with pytest.raises(SystemExit) as exc:
        main(["settle", TINY, "--objective", "cheapest"])
    assert exc.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_settle_invalid_scenario_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "title: Bad\nchanges:\n  - {party: zed, issue: nom, add: [x]}\n", encoding="utf-8"
    )
    code, _, err = run(capsys, "settle", TINY, "--scenario", str(bad))
    assert code == 1
    assert f"{bad}:3:" in err and "unknown party 'zed'" in err


def test_settle_help_documents_the_layout(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["settle", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "JSON:" in out and "conflicting_red_lines" in out and "Exit codes" in out


# -------------------------------------------------------------------- rank


def test_rank_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rank", TINY)
    assert code == 0
    assert "Total conflict now: 0.5650; 11 one-step concessions" in out
    first = out.splitlines()[5]
    assert first.split()[:5] == ["1", "b", "nom", "add", "X"]
    assert "red line" in out.splitlines()[3]


def test_rank_csv_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rank", TINY, "--format", "csv", "--top", "2")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "rank,party,issue,direction,added,added_id,red_line,conflict_before,conflict_after,"
        "reduction,opens_zone,cost"
    )
    assert lines[1] == "1,b,nom,add,X,x,False,0.565,0.265,0.3,True,0.2"
    assert len(lines) == 3
    code, out, _ = run(capsys, "rank", TINY, "--format", "json")
    data = json.loads(out)
    assert data["total_conflict"] == pytest.approx(0.565) and len(data["concessions"]) == 11
    assert data["concessions"][0]["rank"] == 1 and data["parties"] == ["a", "b", "c"]


def test_rank_top_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rank", TINY, "--top", "3")
    assert code == 0 and "(8 more; --top 0 shows all)" in out
    code, _, err = run(capsys, "rank", TINY, "--top", "-1")
    assert code == 2 and "--top" in err
    code, _, err = run(capsys, "rank", TINY, "--parties", "a,b", "--at", "2023-13-01")
    assert code == 2
