"""End-to-end tests of ``zopa cases``, ``check``, ``show`` and ``schema``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from reports.cli.main import main
from tests.conftest import ROOT
from tests.golden import assert_golden

BROKEN = ["tests/cases/broken-refs", "tests/cases/broken-values", "tests/cases/broken-unsafe"]


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # golden outputs show paths relative to the repository


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("zopa 0.1.0")


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for cmd in ("cases", "check", "show", "schema"):
        assert f"    {cmd}" in out


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["shwo"])
    assert info.value.code == 2
    assert "unknown command 'shwo' (did you mean 'show'?)" in capsys.readouterr().err


def test_check_valid_case(capsys):
    code, out, _ = run(capsys, "check", "tests/cases/tiny")
    assert code == 0
    assert_golden("check-tiny.txt", out)


def test_check_notes_statements_that_leave_confidence_to_the_default(capsys, tmp_path):
    import shutil

    import engine

    folder = tmp_path / "tiny"
    shutil.copytree("tests/cases/tiny", folder)
    # c gives confidence on each of its positions instead: nothing defaults there
    c = folder / "parties" / "c.yaml"
    c.write_text(
        c.read_text(encoding="utf-8")
        .replace("salience: 0.2}", "salience: 0.2, confidence: inferred}")
        .replace("salience: 0.3}", "salience: 0.3, confidence: inferred}"),
        encoding="utf-8",
    )
    # b gains five more statements without confidence (and one with): 6 in b, 1 in a
    b = folder / "parties" / "b.yaml"
    extra = "".join(
        f"  - as_of: 2023-07-0{d}\n    sources: [s1]\n"
        + ("    confidence: reported\n" if d == 7 else "")
        + "    positions:\n      nom: {ideal: z, salience: 0.2}\n"
        for d in range(2, 8)
    )
    b.write_text(b.read_text(encoding="utf-8") + extra, encoding="utf-8")
    case = engine.load_case(folder)
    code, out, err = run(capsys, "check", str(folder))
    assert code == 0 and err == ""
    ok, note = out.splitlines()
    assert ok.startswith(f"{folder}: ok (3 parties")
    head = f"{folder}: note: 7 statements give no confidence, so their positions without one "
    assert note.startswith(head + "count as official (docs/format.md): ")
    listed = note.split("(docs/format.md): ", 1)[1].split(", ")
    assert listed[-1] == "…" and len(listed) == 6
    assert listed[0] == f"{folder}/parties/a.yaml:3"
    assert listed[1:3] == [f"{folder}/parties/b.yaml:3", f"{folder}/parties/b.yaml:9"]
    # every location is a statement the loader read, and none is c's or the explicit one
    origins = {s.origin: s for s in case.statements}
    for where in listed[:-1]:
        assert origins[where].confidence == "official"
    assert not any("c.yaml" in w for w in listed)
    # one statement: singular words; none: no note
    for extra_file in ("b.yaml", "a.yaml"):
        path = folder / "parties" / extra_file
        text = path.read_text(encoding="utf-8").replace(
            "    sources: [s1]\n    positions",
            "    sources: [s1]\n    confidence: official\n    positions",
        )
        path.write_text(text, encoding="utf-8")
        out = run(capsys, "check", str(folder))[1]
        if extra_file == "b.yaml":
            assert "note: 1 statement gives no confidence, so its positions" in out
            assert out.rstrip().endswith(f"(docs/format.md): {folder}/parties/a.yaml:3")
    assert ": note:" not in out and len(out.splitlines()) == 1


def test_check_broken_cases(capsys):
    code, out, err = run(capsys, "check", *BROKEN)
    assert code == 1
    assert "Traceback" not in out + err
    assert_golden("check-broken.txt", out)
    for line in out.splitlines():
        if not line.endswith("problems"):
            path, lineno, col, *_ = line.split(":", 3)
            assert path.startswith("tests/cases/broken-") and int(lineno) >= 1 and int(col) >= 1


def test_check_missing_folder(capsys):
    code, out, _ = run(capsys, "check", "no/such/folder")
    assert code == 1
    assert "no case folder or shipped case 'no/such/folder'" in out


def test_check_needs_a_path(capsys):
    with pytest.raises(SystemExit) as info:
        main(["check"])
    assert info.value.code == 2


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_show_tiny(capsys, fmt):
    code, out, _ = run(capsys, "show", "tests/cases/tiny", "--format", fmt)
    assert code == 0
    assert_golden(f"show-tiny.{'txt' if fmt == 'table' else fmt}", out)


def test_show_json_layout(capsys):
    _, out, _ = run(
        capsys,
        "show",
        "tests/cases/tiny",
        "--format",
        "json",
        "--at",
        "2023-06-01",
        "--parties",
        "a,c",
    )
    data = json.loads(out)
    assert data["at"] == "2023-06-01"
    rows = {(r["issue"], r["party"]): r for r in data["positions"]}
    assert set(rows) == {(i, p) for i in ("ord", "nom", "num") for p in ("a", "c")}
    assert rows[("ord", "a")]["acceptable"] == ["o1", "o2"]
    assert rows[("ord", "a")]["acceptable_label"] == "o1 … o2"
    assert rows[("nom", "c")]["ideal"] is None  # no position


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["show", "tests/cases/tiny", "--parties", "a,zz"], "unknown party 'zz'"),
        (["show", "tests/cases/tiny", "--at", "2024-13-01"], "'2024-13-01' is not a date"),
        (["show", "tests/cases/tiny", "--parties", ","], "give at least one party id"),
    ],
)
def test_show_usage_errors(capsys, argv, fragment):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert fragment in err and "Traceback" not in err


def test_show_bad_case_exits_1(capsys):
    code, _, err = run(capsys, "show", "tests/cases/broken-values")
    assert code == 1
    assert "broken-values/parties/north.yaml:6:45" in err


def test_schema_command_writes_the_shipped_schemas(tmp_path, capsys):
    code, _, _ = run(capsys, "schema", str(tmp_path))
    assert code == 0
    for name in ("case", "party", "scenario"):
        assert (tmp_path / f"{name}.schema.json").read_bytes() == (
            ROOT / "engine" / "io" / "schemas" / f"{name}.schema.json"
        ).read_bytes()
    # a second run changes nothing; a user's edited file is not replaced without --force
    assert run(capsys, "schema", str(tmp_path))[0] == 0
    (tmp_path / "case.schema.json").write_text("{}", encoding="utf-8")
    code, _, err = run(capsys, "schema", str(tmp_path))
    assert code == 1 and "were not written by zopa" in err
    assert (tmp_path / "case.schema.json").read_text(encoding="utf-8") == "{}"
    assert run(capsys, "schema", str(tmp_path), "--force")[0] == 0


def test_python_dash_m_reports():
    out = subprocess.run(
        [sys.executable, "-m", "reports", "check", "tests/cases/tiny"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0 and "ok (3 parties" in out.stdout


def test_new_scaffolds_a_valid_case(tmp_path, capsys):
    folder = tmp_path / "class-case"
    code, out, _ = run(
        capsys,
        "new",
        str(folder),
        "--parties",
        "north,south",
        "--issues",
        "border,army",
        "--as-of",
        "2026-01-01",
    )
    assert code == 0 and "next: edit case.yaml" in out
    case = __import__("engine").load_case(folder)
    assert case.party_ids == ("north", "south") and case.issue_ids == ("border", "army")
    assert not case.statements  # no position is made up
    assert (folder / "schemas" / "party.schema.json").is_file()
    # the files are what `zopa check` accepts, and a second `new` refuses to overwrite the case
    assert run(capsys, "check", str(folder))[0] == 0
    code, _, err = run(capsys, "new", str(folder))
    assert code == 2 and "already holds a case" in err
    code, _, err = run(capsys, "new", str(tmp_path / "x"), "--parties", "North")
    assert code == 2 and "ids are lower-case" in err


def test_new_takes_roles_and_gives_the_default_to_a_party_without_one(tmp_path, capsys):
    from reports.cli.case import DEFAULT_NEW_ROLE

    folder = tmp_path / "roles"
    code, _, _ = run(
        capsys,
        "new",
        str(folder),
        "--parties",
        "north:belligerent, south:belligerent,un:mediator,eu",
        "--as-of",
        "2026-01-01",
    )
    assert code == 0
    case = __import__("engine").load_case(folder)
    roles = {p.id: p.role for p in case.parties}
    assert roles == {
        "north": "belligerent",
        "south": "belligerent",
        "un": "mediator",
        "eu": DEFAULT_NEW_ROLE,
    }
    assert DEFAULT_NEW_ROLE == "negotiator"
    assert case.negotiators()[0] == ("north", "south", "eu")
    text = (folder / "case.yaml").read_text(encoding="utf-8")
    assert f"without a role on the command line is a {DEFAULT_NEW_ROLE}" in text
    with pytest.raises(SystemExit):
        main(["new", "--help"])
    assert f"without ':ROLE' is a {DEFAULT_NEW_ROLE}" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize(
    ("parties", "message"),
    [
        ("north:beligerent,south", "unknown role 'beligerent' (did you mean 'belligerent'?)"),
        ("north:chair", "unknown role 'chair'; roles: "),
        ("north:,south", "unknown role ''"),
        ("north:mediator,north:observer", "north is given two roles"),
    ],
)
def test_new_refuses_a_bad_role_with_exit_2(tmp_path, capsys, parties, message):
    folder = tmp_path / "bad"
    code, _, err = run(capsys, "new", str(folder), "--parties", parties)
    assert code == 2 and message in err
    assert not folder.exists()


def test_internal_errors_are_reported_plainly(capsys, monkeypatch):
    """A bug gives one line and exit 3 (a traceback only with ZOPA_DEBUG=1)."""
    import reports.cli.case as cmd_case

    def boom(args):
        raise RuntimeError("kaput")

    monkeypatch.setattr(cmd_case, "cmd_cases", boom)
    code, _, err = run(capsys, "cases")
    assert code == 3 and "internal error: RuntimeError: kaput" in err and "Traceback" not in err
    monkeypatch.setenv("ZOPA_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["cases"])


def test_unwritable_output_is_a_clear_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, _, err = run(capsys, "schema", str(blocker / "sub"))
    assert code == 1 and "Traceback" not in err and str(blocker) in err


def test_no_command_prints_help(capsys):
    code, out, _ = run(capsys)
    assert code == 2 and "usage: zopa" in out
