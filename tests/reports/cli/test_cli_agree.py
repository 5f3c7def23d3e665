"""End-to-end tests of ``zopa agree`` and ``zopa sheet`` (reports.cli.agree).

Three codings: the shipped case ``ukraine-russia`` and two perturbed copies
written by the case writer into tmp_path (other saliences, red lines and
ideals on a few positions; one position left uncoded).
"""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
import yaml

import engine
from reports.cli.main import main
from reports.export.caseio import write_case

SHIPPED = str(engine.shipped_cases()["ukraine-russia"])


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def perturbed(case: engine.Case, step: int, drop: tuple[str, str] | None) -> engine.Case:
    """Every ``step``-th position: salience moved, red line flipped; ideal moved on ordinal ones."""
    n = 0
    statements = []
    for st in case.statements:
        positions = []
        for i, p in st.positions:
            if drop is not None and (st.party, i) == drop:
                continue
            if p is not None:
                n += 1
                if n % step == 0:
                    issue = case.issue(i)
                    fields: dict = {
                        "salience": round(1 - p.salience, 2),
                        "red_line": not p.red_line,
                    }
                    if issue.scale == "ordinal" and n % (2 * step) == 0:
                        fields["ideal"] = issue.option_ids[0]
                        fields["acceptable"] = engine.OptionSet(
                            p.acceptable.ids | {issue.option_ids[0]}
                        )
                    p = dataclasses.replace(p, **fields)
            positions.append((i, p))
        if positions:
            statements.append(dataclasses.replace(st, positions=tuple(positions)))
    return dataclasses.replace(case, statements=tuple(statements), scenarios=())


@pytest.fixture(scope="module")
def codings(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    root = tmp_path_factory.mktemp("codings")
    case = engine.load_case(SHIPPED)
    ann = write_case(perturbed(case, 5, None), root / "ann")
    ben = write_case(perturbed(case, 7, ("ukraine", "nato")), root / "ben")
    return [SHIPPED, str(ann), str(ben)]


def test_agree_table(capsys, codings):
    code, out, err = run(capsys, "agree", *codings, "--key", "--draws", "200")
    assert code == 0, err
    assert "Coders: ukraine-russia, ann, ben (key: ukraine-russia)" in out
    for var in ("ideal", "acceptable", "salience", "red_line"):
        assert re.search(rf"^{var}\s+[0-9.]+\s+[0-9.]+–[0-9.]+", out, re.M), var
    assert "Krippendorff's guidance" in out
    assert "Most disputed units" in out and "salience:" in out
    assert "Each coder against the key (ukraine-russia)" in out


def test_agree_json_has_the_required_keys(capsys, codings):
    code, out, _ = run(capsys, "agree", *codings, "--format", "json", "--draws", "100")
    assert code == 0
    data = json.loads(out)
    assert data["coders"] == 3 and data["units"] == len(engine.load_case(SHIPPED).at())
    for var in ("ideal", "acceptable", "salience", "red_line"):
        a = data["alpha"][var]
        assert {"value", "low", "high"} <= set(a)
        assert a["low"] <= a["value"] <= 1
    assert data["alpha"]["salience"]["value"] < 1
    # seeded: the same command gives the same numbers
    assert (
        json.loads(run(capsys, "agree", *codings, "--format", "json", "--draws", "100")[1]) == data
    )


def test_agree_csv(capsys, codings):
    code, out, _ = run(capsys, "agree", *codings, "--format", "csv", "--draws", "0")
    assert code == 0
    assert out.splitlines()[0] == "measure,alpha,low,high,units,values,level,reading,reason"
    assert out.splitlines()[1].startswith("ideal,")


def test_agree_writes_page_and_consensus(capsys, codings, tmp_path):
    page, con = tmp_path / "page", tmp_path / "consensus"
    code, out, err = run(capsys, "agree", *codings, "--key", "--draws", "100", "-o", str(page),
                         "--consensus", str(con))  # fmt: skip
    assert code == 0, err
    html = (page / "agreement.html").read_text("utf-8")
    assert "<script" not in html and "Content-Security-Policy" in html
    assert "Most disputed units" in html and "background:#" in html
    code, out, _ = run(capsys, "check", str(con))
    assert code == 0 and "ok" in out
    # the same command twice gives the same bytes
    code, _, _ = run(capsys, "agree", *codings, "--key", "--draws", "100", "-o", str(page))
    assert (page / "agreement.html").read_text("utf-8") == html


def test_sheet_checks_and_a_coding_written_into_it_is_accepted(capsys, tmp_path):
    sheet = tmp_path / "sheet"
    code, out, err = run(capsys, "sheet", "ukraine-russia", str(sheet))
    assert code == 0, err
    code, out, _ = run(capsys, "check", str(sheet))
    assert code == 0 and "0 statements" in out
    # two students code Ukraine on NATO into copies of the sheet
    for name, ideal in (("ann", "membership"), ("ben", "open_door")):
        folder = tmp_path / name
        folder.mkdir()
        for f in sheet.rglob("*"):
            if f.is_file():
                (folder / f.relative_to(sheet)).parent.mkdir(parents=True, exist_ok=True)
                (folder / f.relative_to(sheet)).write_bytes(f.read_bytes())
        source = yaml.safe_load((sheet / "case.yaml").read_text("utf-8"))["sources"][0]["id"]
        doc = {"party": "ukraine", "statements": [{"as_of": "2026-01-01", "sources": [source],
               "positions": {"nato": {"ideal": ideal, "acceptable": [ideal], "salience": 0.9}}}]}  # fmt: skip
        (folder / "parties" / "ukraine.yaml").write_text(yaml.safe_dump(doc), "utf-8")
    code, out, err = run(capsys, "agree", str(tmp_path / "ann"), str(tmp_path / "ben"), "--format",
                         "json", "--draws", "0")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["units"] == 1 and data["coder_names"] == ["ann", "ben"]
    # one unit where they differ: observed = expected disagreement, α = 0
    assert data["alpha"]["ideal"]["value"] == 0
    # both gave salience 0.9: no variation, α undefined, with the reason
    assert data["alpha"]["salience"]["value"] is None
    assert "no variation" in data["alpha"]["salience"]["reason"]


def test_mismatched_party_id_is_a_located_error(capsys, codings, tmp_path):
    bad = tmp_path / "bad"
    case = engine.load_case(codings[1])
    renamed = dataclasses.replace(
        case,
        parties=tuple(dataclasses.replace(p, id="ukriane") if p.id == "ukraine" else p
                      for p in case.parties),
        statements=tuple(dataclasses.replace(s, party="ukriane") if s.party == "ukraine" else s
                         for s in case.statements),
    )  # fmt: skip
    write_case(renamed, bad)
    code, _out, err = run(capsys, "agree", codings[0], str(bad))
    assert code == 1 and "Traceback" not in err
    assert "case.yaml: parties: party 'ukriane'" in err and "did you mean 'ukraine'" in err


def test_missing_folder_and_single_coding(capsys, tmp_path):
    code, _, err = run(capsys, "agree", SHIPPED, str(tmp_path / "nope"))
    assert code == 1 and "Traceback" not in err and "nope" in err
    with pytest.raises(SystemExit) as exc:
        main(["agree", SHIPPED])
    assert exc.value.code == 2
    assert "CODING" in capsys.readouterr().err


def test_bad_options_are_usage_errors(capsys, codings):
    code, _, err = run(capsys, "agree", *codings[:2], "--at", "2026-13-01")
    assert code == 2 and "--at" in err
    code, _, err = run(capsys, "agree", *codings[:2], "--names", "x")
    assert code == 2 and "--names" in err
