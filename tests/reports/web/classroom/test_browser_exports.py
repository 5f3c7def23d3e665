"""The teacher's download links in a real Chromium: the zip downloads, the report opens, offline-safe.

Two students code through the API; the teacher opens the dashboard, downloads
the export and the consensus with clicks, and opens the class report at
1280 px and 390 px (no console error, so nothing was blocked by its policy;
nothing wider than the screen). Screenshots go to ``$ZOPA_SCREENSHOTS`` when set.
"""

from __future__ import annotations

import io
import json
import urllib.request
import zipfile

import pytest
from playwright.sync_api import expect

import engine
from tests.reports.web.classroom.helpers import CODINGS, assert_no_sideways_scroll, shot

pytestmark = pytest.mark.browser

NAMES = {"Ann <b>bold</b>": CODINGS["Ann"], "=2+2": CODINGS["Ben"]}


def _call(url: str, body: dict, method: str = "POST", token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, json.dumps(body).encode(), headers, method=method)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def test_the_teacher_downloads_the_class(browser, class_server, tmp_path):
    api = class_server + "api/classes"
    made = _call(api, {"case": "ukraine-russia", "parties": ["russia", "ukraine"],
                       "issues": ["nato", "crimea"]})  # fmt: skip
    code = made["code"]
    for name, coding in NAMES.items():
        token = _call(f"{api}/{code}/students", {"name": name})["student_token"]
        _call(f"{api}/{code}/coding", {"positions": coding}, "PUT", token)

    ctx = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    page = ctx.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(made["teacher_url"])
    expect(page.locator("#roster tr[data-submitted=true]")).to_have_count(2, timeout=30_000)
    expect(page.locator("#consensus-note")).to_have_text("")

    with page.expect_download() as got:
        page.get_by_role("link", name="Everything (.zip)").click()
    assert got.value.suggested_filename == f"zopa-class-{code}.zip"
    with zipfile.ZipFile(got.value.path()) as z:
        roster = z.read(f"zopa-class-{code}/roster.csv").decode()
        assert f"zopa-class-{code}/ukraine-russia-consensus/case.yaml" in z.namelist()
    assert "'=2+2" in roster and "Ann <b>bold</b>" in roster

    with page.expect_download() as got:
        page.get_by_role("link", name="Consensus coding (case folder, .zip)").click()
    with zipfile.ZipFile(got.value.path()) as z:
        z.extractall(tmp_path)
    assert engine.load_case(tmp_path / "ukraine-russia-consensus").at()

    page.locator("#downloads summary").click()
    with page.expect_download() as got:
        page.get_by_role("link", name="codings.csv").click()
    assert got.value.suggested_filename == f"zopa-class-{code}-codings.csv"

    page.get_by_role("link", name="Class report (HTML)").click()
    page.wait_for_url("**/report.html?token=*")
    expect(page.locator("h1")).to_have_text("Russia–Ukraine peace talks")
    assert page.locator("b").count() == 0  # the name is text, not markup
    expect(page.locator("#students")).to_contain_text("Ann <b>bold</b>")
    # the inline stylesheet applied (the report's policy allows inline style only)
    assert page.locator(".callout").evaluate("e => getComputedStyle(e).borderLeftStyle") == "solid"
    shot(page, "class-report-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_sideways_scroll(page)
    shot(page, "class-report-390")
    assert problems == []
    ctx.close()


def test_the_export_zip_by_http_matches_the_one_clicked(class_server):
    """The same class gives the same zip, by link or by header; with no coding, no consensus."""
    api = class_server + "api/classes"
    made = _call(api, {"case": "ukraine-russia", "units": ["russia:nato"]})
    url = f"{api}/{made['code']}/export.zip"
    with urllib.request.urlopen(f"{url}?token={made['teacher_token']}", timeout=30) as r:
        by_link = r.read()
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {made['teacher_token']}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        by_header = r.read()
    assert by_link == by_header
    with zipfile.ZipFile(io.BytesIO(by_link)) as z:
        notes = z.read(f"zopa-class-{made['code']}/README.txt").decode()
    assert "(not written: the consensus needs two codings or more)" in notes


def test_a_debrief_class_from_the_class_page_and_its_report(browser, class_server):
    """The teacher starts a class with only concessions and the debrief open; the report shows both."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(class_server + "class")
    debrief_box = page.locator("input[name=exercises][value=debrief]")
    page.select_option("select[name=case]", "ukraine-russia")
    expect(debrief_box).to_be_disabled()
    expect(page.locator("#debrief-why")).to_contain_text("points tables")
    page.select_option("select[name=case]", "harbour-lease")
    expect(debrief_box).to_be_enabled()
    expect(page.locator("#debrief-why")).to_be_hidden()
    page.locator("input[name=exercises][value=coding]").uncheck()
    page.locator("input[name=exercises][value=concessions]").check()
    debrief_box.check()
    shot(page, "class-new-1280")
    page.click("#create")
    page.wait_for_url("**/teacher?token=*")
    expect(page.locator("#class-runs")).to_have_text(
        "Open: concessions, the negotiation debrief", timeout=30_000
    )
    expect(page.locator("#toggle-coding")).to_have_text("Open coding")
    code = page.locator("#class-code").inner_text()
    api = f"{class_server}api/classes/{code}"
    rent = [{"party": "port", "issue": "rent", "add": ["r300k"]}]
    for name, group, package in (
        ("Ann <i>", "=Pair 1", "term=15,rent=r400k,dredging=split,hiring=quarter,"
                               "night_sailings=summer_only"),
        ("Ben", None, "term=25,rent=r500k,dredging=split,hiring=half,night_sailings=allowed"),
    ):  # fmt: skip
        token = _call(f"{api}/students", {"name": name})["student_token"]
        why = f"{name} thinks the port <b>can</b> move."
        _call(
            f"{api}/concessions", {"changes": rent, "rationale": why, "group": group}, "PUT", token
        )
        _call(f"{api}/package", {"package": package, "group": group}, "PUT", token)
    expect(page.locator("#counts")).to_have_text(
        "(2 joined; submitted: concessions 2, debrief 2)", timeout=30_000
    )
    expect(page.locator("#roster-head th")).to_have_text(["#", "Name", "Concessions", "Debrief"])
    expect(page.locator("#debrief-body table.packages tbody tr")).to_have_count(2)
    shot(page, "class-teacher-debrief-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "class-teacher-debrief-390")
    page.set_viewport_size({"width": 1280, "height": 720})

    page.get_by_role("link", name="Class report (HTML)").click()
    page.wait_for_url("**/report.html?token=*")
    expect(page.locator("#concessions tbody tr")).to_have_count(2)
    expect(page.locator("#concessions")).to_contain_text("tie with")
    expect(page.locator("#concessions")).to_contain_text("Ben thinks the port <b>can</b> move.")
    assert page.locator("main b, main i").count() == 0  # student text is text, not markup
    expect(page.locator("#debrief tbody tr")).to_have_count(2)
    expect(page.locator("#debrief")).to_contain_text("=Pair 1")
    plot = page.locator("#debrief figure img")
    assert plot.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert page.evaluate("document.querySelector('#debrief figure img').naturalWidth") > 300
    assert page.locator("#alpha").count() == 0  # the class codes nothing
    shot(page, "class-report-debrief-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_sideways_scroll(page)
    shot(page, "class-report-debrief-390")
    assert problems == []
    ctx.close()
