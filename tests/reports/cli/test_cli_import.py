"""End-to-end tests of ``zopa import`` (and of the case writer's examples)."""

from __future__ import annotations

import doctest

import pytest

import engine
import reports.cli.importing
import reports.export.caseio
from reports.cli.main import main
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "import"
ARGS = ["--as-of", "2024-05-01", "--source-url", "https://example.org/data"]


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_reports_module_examples_run():
    """reports/ is not collected for doctests; run the examples of the new modules here."""
    for module in (reports.export.caseio, reports.cli.importing):
        assert doctest.testmod(module).failed == 0


def test_help_lists_import(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "    import" in capsys.readouterr().out


def test_import_ktab_writes_a_valid_case_and_says_how(capsys, tmp_path):
    out_dir = tmp_path / "coalition"
    code, out, err = run(
        capsys, "import", "ktab", DATA / "ktab/coalition.csv", "-o", out_dir, *ARGS
    )
    assert code == 0, err
    assert out.splitlines()[1:4] == [
        "  2 issues (interval: 2), 3 parties, 6 positions, 1 source",
        "  ideal = KTAB position (0–100 interval issues); salience = KTAB salience / 100; "
        "weight = KTAB power",
        "  acceptable sets = ideal points (no tolerance given)",
    ]
    assert f"wrote {out_dir}/ (case.yaml and 3 party files)" in out
    case = engine.load_case(out_dir)
    assert case.id == "coalition" and case.party_ids == ("grn", "lib", "soc")
    code, out, _ = run(capsys, "check", out_dir)
    assert code == 0 and "ok (3 parties, 2 issues" in out
    # a rerun replaces what zopa wrote; --tolerance is stated
    code, out, _ = run(
        capsys,
        "import",
        "ktab",
        DATA / "ktab/coalition.csv",
        "-o",
        out_dir,
        *ARGS,
        "--tolerance",
        "10",
    )
    assert code == 0 and "acceptable sets = ideal ± 10" in out
    assert engine.load_case(out_dir).at()[("grn", "tax")].acceptable == engine.Span(10, 30)


def test_import_decide_and_genius(capsys, tmp_path):
    code, out, err = run(
        capsys, "import", "decide", DATA / "decide/summit.csv", "-o", tmp_path / "summit", *ARGS
    )
    assert code == 0, err
    assert "3 issues (ordinal: 1, interval: 2), 3 parties, 8 positions" in out
    code, out, err = run(
        capsys, "import", "genius", DATA / "genius/market", "-o", tmp_path / "market", *ARGS
    )
    assert code == 0, err
    assert "3 issues (nominal: 3), 2 parties, 6 positions, 3 sources" in out
    assert "1 with several values tied for best" in out
    assert "not read: " in out and "frontier.xml (not an XML document)" in out
    folder = DATA / "genius/grid"
    code, out, err = run(
        capsys,
        "import",
        "genius",
        folder / "domain.xml",
        folder / "p1.xml",
        folder / "p2.xml",
        "-o",
        tmp_path / "grid",
        *ARGS,
        "--title",
        "Grid",
    )
    assert code == 0, err
    assert engine.load_case(tmp_path / "grid").title == "Grid"


def test_bad_input_lists_every_problem_and_writes_nothing(capsys, tmp_path):
    out_dir = tmp_path / "never"
    code, out, err = run(
        capsys, "import", "decide", "tests/data/import/decide/errors.csv", "-o", out_dir, *ARGS
    )
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith("tests/data/import/decide/errors.csv:3:4: #A.actor: ")
    assert lines[-1] == "zopa: 10 problems; nothing was written"
    assert not out_dir.exists()


COAL = "tests/data/import/ktab/coalition.csv"
URL = "https://example.org/data"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["ktab", COAL, "--as-of", "2024-02-30", "--source-url", URL], "--as-of"),
        (["ktab", COAL, "--as-of", "2024-05-01", "--source-url", "example.org"], "--source-url"),
        ([*("ktab", COAL), *ARGS, "--tolerance", "-1"], "--tolerance"),
        ([*("ktab", COAL), *ARGS, "--source-date", "May"], "--source-date"),
        (
            ["genius", "tests/data/import/genius/market", *ARGS, "--tolerance", "5"],
            "--tolerance applies",
        ),
        (["decide", "a.csv", "b.csv", *ARGS], "give one file"),
        (
            ["genius", "tests/data/import/genius/market/domain.xml", *ARGS],
            "the domain file followed",
        ),
    ],
)
def test_usage_errors(capsys, tmp_path, argv, message):
    code, _, err = run(capsys, "import", *argv, "-o", tmp_path / "x")
    assert code == 2 and message in err
    assert not (tmp_path / "x").exists()


def test_unknown_format_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["import", "csv", "x.csv", "-o", "out", *ARGS])
    assert info.value.code == 2


def test_never_writes_over_the_users_files(capsys, tmp_path):
    out_dir = tmp_path / "mine"
    out_dir.mkdir()
    (out_dir / "case.yaml").write_text("title: my own work\n")
    code, _, err = run(capsys, "import", "ktab", DATA / "ktab/coalition.csv", "-o", out_dir, *ARGS)
    assert code == 1 and "were not written by zopa" in err
    assert (out_dir / "case.yaml").read_text() == "title: my own work\n"


# ----------------------------------------------------------------- shared data

SHARED_OK = [
    ("ktab", "ktab/SOE-Policy.csv", 26, 1),
    ("ktab", "ktab/dummyData-a080.csv", 80, 1),
    ("ktab", "ktab/dummyData_3Dim.csv", 7, 3),
    ("ktab", "ktab/dummyData_6Dim.csv", 27, 6),
    ("decide", "decide/cop21.csv", 15, 13),
    ("decide", "decide/copenhagen.csv", 11, 7),
    ("genius", "genius/10issues", 2, 10),
    ("genius", "genius/Car-A-domain", 2, 6),
    ("genius", "genius/EnglandZimbabwe", 2, 5),
    ("genius", "genius/ItexvsCypress", 2, 4),
    ("genius", "genius/Laptop", 2, 3),
    ("genius", "genius/Travel", 2, 7),
]


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "fmt, rel, n_parties, n_issues", SHARED_OK, ids=[r for _, r, _, _ in SHARED_OK]
)
def test_every_shared_file_imports_and_passes_check(
    capsys, tmp_path, shared_data, fmt, rel, n_parties, n_issues
):
    out_dir = tmp_path / "case"
    code, out, err = run(capsys, "import", fmt, shared_data / rel, "-o", out_dir, *ARGS)
    assert code == 0, err
    code, out, err = run(capsys, "check", out_dir)
    assert code == 0, out + err
    assert f"ok ({n_parties} parties, {n_issues} issues" in out


@pytest.mark.shared_data
def test_shared_file_with_errors_fails_with_located_problems(capsys, tmp_path, shared_data):
    path = shared_data / "decide/copenhagen_with_errors.csv"
    code, out, err = run(capsys, "import", "decide", path, "-o", tmp_path / "x", *ARGS)
    assert code == 1 and out == "" and not (tmp_path / "x").exists()
    assert err.splitlines() == [
        f"{path}:86:19: #D.position: 160 is outside issue 'Control''s range; allowed: 0 to 100 "
        "(Decide's default without #M rows)",
        f"{path}:87:32: #D.power: power -0.247 is outside Decide's range; allowed: 0 to 1",
        "zopa: 2 problems; nothing was written",
    ]


@pytest.mark.shared_data
def test_import_10issues_then_packages_and_score(capsys, tmp_path, shared_data):
    """The imported folder keeps the rectangles as bonuses: packages and score use them."""
    import json

    out_dir = tmp_path / "ten"
    code, _, err = run(
        capsys, "import", "genius", shared_data / "genius" / "10issues", "-o", out_dir, *ARGS
    )
    assert code == 0, err
    assert "97/662" in (out_dir / "parties" / "profile-1.yaml").read_text()
    parties = ["--parties", "profile-1,profile-2"]
    code, out, err = run(capsys, "packages", out_dir, *parties, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert len(data["frontier"]) == 10 and data["frontier"][0]["packages"] is None
    nash = data["nash"]["package"]
    pkg = ",".join(f"{k}={v}" for k, v in nash.items())
    code, out, err = run(capsys, "score", out_dir, *parties, "--package", pkg)
    assert code == 0, err
    assert "0.758" in out and "0.916" in out
