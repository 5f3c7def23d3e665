"""The concessions and debrief exercises in a real Chromium, on harbour-lease.

The teacher closes coding and opens both exercises; a group on a 390 px phone
and a student on a laptop each propose concessions and enter a package; the
teacher's dashboard ranks the proposals and plots the packages with the numbers
the API gives (the API's are checked against the engine in test_exercises.py);
after the reveal the students see them too. Screenshots go to
``$ZOPA_SCREENSHOTS`` when set.
"""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.reports.web.classroom.helpers import browser_page, shot

pytestmark = pytest.mark.browser

#: name → (party, issue, option also accepted, rationale, package, group)
STUDENTS = {
    "Group <1>": (
        "ferries",
        "rent",
        "r400k",
        "Rent matters less to us than the <i>term</i>.",
        {
            "term": "15",
            "rent": "r400k",
            "dredging": "split",
            "hiring": "quarter",
            "night_sailings": "summer_only",
        },
        "",
    ),
    "Ben": (
        "port",
        "rent",
        "r300k",
        "The port can take less rent for a long lease.",
        {
            "term": "25",
            "rent": "r500k",
            "dredging": "split",
            "hiring": "half",
            "night_sailings": "allowed",
        },
        "Group 2",
    ),
}


def _api(url: str, token: str, body: dict | None = None) -> dict:
    req = urllib.request.Request(
        url,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def _student(browser, url: str, code: str, name: str, width: int):
    ctx, page, problems = browser_page(browser, width, 844 if width == 390 else 720)
    page.goto(f"{url}join/{code}")
    page.fill("input[name=name]", name)
    page.click("#join-form button[type=submit]")
    page.wait_for_url(f"**/class/{code}/student")
    expect(page.locator("#concessions")).to_be_visible(timeout=30_000)
    expect(page.locator("#debrief")).to_be_visible()
    expect(page.locator("#coding")).to_be_hidden()
    party, issue, option, why, package, group = STUDENTS[name]
    page.select_option("#change-position", f"{party}|{issue}")
    page.locator(f"#change-fields input[name=acceptable][value={option}]").check()
    page.click("#add-change")
    expect(page.locator("#proposal-changes li")).to_have_count(1)
    page.fill("#concessions-form textarea[name=rationale]", why)
    page.click("#submit-concessions")
    expect(page.locator("#concessions-status")).to_contain_text("Saved", timeout=30_000)
    expect(page.locator("#concessions-effect")).to_contain_text("total conflict")
    form = page.locator("#package-form")
    for issue_id, value in package.items():
        field = form.locator(f"[name={issue_id}]")
        if issue_id == "term":
            field.fill(value)
        else:
            field.select_option(value)
    form.locator("input[name=group]").fill(group)
    page.click("#submit-package")
    expect(page.locator("#package-status")).to_contain_text("Saved", timeout=30_000)
    return ctx, page, problems


def test_concessions_and_debrief_in_the_browser(browser, class_server):
    req = urllib.request.Request(
        class_server + "api/classes",
        data=json.dumps({"case": "harbour-lease"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        made = json.loads(r.read())
    code, token = made["code"], made["teacher_token"]
    teacher_ctx, teacher, t_problems = browser_page(browser)
    teacher.goto(made["teacher_url"])
    expect(teacher.locator("#toggle-debrief")).to_have_text("Open the debrief", timeout=30_000)
    teacher.click("#toggle-coding")
    expect(teacher.locator("#toggle-coding")).to_have_text("Reopen coding", timeout=30_000)
    teacher.click("#toggle-concessions")
    expect(teacher.locator("#toggle-concessions")).to_have_text(
        "Close concessions", timeout=30_000
    )
    teacher.click("#toggle-debrief")
    expect(teacher.locator("#toggle-debrief")).to_have_text("Close the debrief", timeout=30_000)

    students = [
        _student(browser, class_server, code, name, 390 if n == 0 else 1280)
        for n, name in enumerate(STUDENTS)
    ]
    shot(students[0][1], "exercises-student-390")

    ranked = teacher.locator("#concessions-ranked tbody tr")
    expect(ranked).to_have_count(2, timeout=30_000)
    api = _api(f"{class_server}api/classes/{code}/concessions/ranked", token)
    assert [p["name"] for p in api["proposals"]] == [
        ranked.nth(n).get_attribute("data-name") for n in range(2)
    ]
    for n, p in enumerate(api["proposals"]):
        assert float(ranked.nth(n).get_attribute("data-removed")) == pytest.approx(p["removed"])
        assert f"{p['removed']:.3f}" in ranked.nth(n).inner_text()
    text = teacher.locator("#concessions-ranked").inner_text()
    assert "Rent matters less to us than the <i>term</i>." in text  # escaped, shown as written
    assert teacher.locator("#concessions-ranked i").count() == 0
    packages = teacher.locator("#debrief-body table.packages tbody tr")
    expect(packages).to_have_count(2, timeout=30_000)
    assert packages.nth(0).get_attribute("data-name") == "Group <1>"
    assert packages.nth(1).get_attribute("data-name") == "Group 2"
    assert packages.nth(0).get_attribute("data-on-frontier") == "false"
    assert packages.nth(1).get_attribute("data-on-frontier") == "true"
    assert "0.745" in packages.nth(0).inner_text() and "0.495" in packages.nth(0).inner_text()
    plot = teacher.locator("#debrief-body img.frontier-plot")
    expect(plot).to_be_visible()
    assert plot.get_attribute("src").startswith("data:image/svg+xml")
    assert "Package 1: Port 0.745, Ferries 0.495" in plot.get_attribute("alt")
    assert teacher.evaluate("document.querySelector('img.frontier-plot').naturalWidth") > 300
    expect(
        teacher.locator("#roster td[data-exercise=debrief][data-submitted=true]")
    ).to_have_count(2)
    shot(teacher, "exercises-teacher-1280")
    teacher.set_viewport_size({"width": 390, "height": 844})
    shot(teacher, "exercises-teacher-390")
    teacher.set_viewport_size({"width": 1280, "height": 720})

    # before the reveal a student sees no class results; after it, both exercises'
    _, ben, _ = students[1]
    assert ben.locator("#exercise-results").is_hidden()
    teacher.click("#reveal")
    expect(ben.locator("#concessions-results tbody tr")).to_have_count(2, timeout=30_000)
    expect(ben.locator("#debrief-results table.packages tbody tr")).to_have_count(2)
    expect(ben.locator("#debrief-results img.frontier-plot")).to_be_visible()
    shot(ben, "exercises-student-results-1280")
    _, group, _ = students[0]
    expect(group.locator("#debrief-results")).to_be_visible(timeout=30_000)
    shot(group, "exercises-student-results-390")
    # a closed exercise: the form says so and takes nothing
    teacher.click("#toggle-debrief")
    expect(group.locator("#debrief .closed-note")).to_be_visible(timeout=30_000)
    expect(group.locator("#submit-package")).to_be_disabled()
    for _, _, problems in students:
        assert problems == []
    assert t_problems == []
    for ctx, _, _ in students:
        ctx.close()
    teacher_ctx.close()
