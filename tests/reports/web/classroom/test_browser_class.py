"""A whole class in a real Chromium: the teacher creates it, three students join and code, the teacher reveals.

The α on the teacher's dashboard must equal the engine's α for the same
codings computed the command line's way (case folders, ``engine.coder_agreement``).
Screenshots at 1280×720 and 390 px wide go to ``$ZOPA_SCREENSHOTS`` when set.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import engine
from tests.reports.web.classroom.helpers import browser_page, engine_alpha, shot

pytestmark = pytest.mark.browser

#: name → {(party, issue): (ideal, salience, red line)}
CODINGS = {
    "Ann <b>": {
        ("ukraine", "nato"): ("membership", 0.9, False),
        ("russia", "nato"): ("permanent_neutrality", 0.8, True),
    },
    "Ben": {
        ("ukraine", "nato"): ("membership", 0.9, False),
        ("russia", "nato"): ("legal_bar", 0.6, False),
    },
    "Cat": {
        ("ukraine", "nato"): ("membership", 0.8, False),
        ("russia", "nato"): ("legal_bar", 0.9, True),
    },
}


def test_a_whole_class_in_the_browser(browser, class_server, tmp_path):
    teacher_ctx, teacher, t_problems = browser_page(browser)
    teacher.goto(class_server + "class")
    shot(teacher, "new-1280")
    teacher.select_option("select[name=case]", "ukraine-russia")
    teacher.fill("input[name=parties]", "russia, ukraine")
    teacher.fill("input[name=issues]", "nato")
    teacher.click("#create")
    teacher.wait_for_url("**/teacher?token=*")
    code = teacher.locator("#class-code").inner_text()
    join_url = teacher.locator("#join-url").get_attribute("href")
    assert join_url.endswith(f"/join/{code}")
    assert teacher.locator("img.qr").get_attribute("src").startswith("data:image/svg+xml")
    teacher_link = teacher.url

    contexts = []
    for n, (name, coding) in enumerate(CODINGS.items()):
        width = 390 if n == 0 else 1280
        ctx, page, problems = browser_page(browser, width, 844 if width == 390 else 720)
        contexts.append((ctx, page, problems))
        page.goto(join_url)
        page.fill("input[name=name]", name)
        page.click("#join-form button[type=submit]")
        page.wait_for_url(f"**/class/{code}/student")
        expect(page.locator("#who")).to_have_text(name)
        for (party, issue), (ideal, salience, red) in coding.items():
            unit = page.locator(f"fieldset.unit[data-party={party}][data-issue={issue}]")
            unit.locator("select[name=ideal]").select_option(ideal)
            unit.locator("input[name=salience]").fill(str(salience))
            unit.locator("input[name=red_line]").set_checked(red)
            unit.locator("textarea[name=justification]").fill(
                f"{name} read the sources <i>carefully</i>."
            )
        page.click("#submit-coding")
        expect(page.locator("#status")).to_contain_text("Saved", timeout=30_000)
        if n == 0:
            shot(page, "student-390")
        # a student cannot open the teacher's page, with no token or with their own
        assert page.goto(f"{class_server}class/{code}/teacher").status == 403
        token = page.evaluate(f"JSON.parse(sessionStorage.getItem('zopa-student-{code}')).token")
        assert page.goto(f"{class_server}class/{code}/teacher?token={token}").status == 403
        assert "teacher" in page.content()
        page.goto(f"{class_server}class/{code}/student")

    expect(teacher.locator("#roster tr[data-submitted=true]")).to_have_count(3, timeout=30_000)
    assert "Ann <b>" in teacher.locator("#roster").inner_text()  # escaped, shown as written
    assert teacher.locator("#roster b").count() == 0
    teacher.click("#reveal")
    expect(teacher.locator("#agreement")).to_be_visible(timeout=30_000)
    case = engine.load_case("ukraine-russia")
    expected_codings = {
        name: {
            party: {
                issue: {"ideal": ideal, "acceptable": [ideal], "salience": sal, "red_line": red}
                for (p2, issue), (ideal, sal, red) in coding.items()
                if p2 == party
            }
            for party in {p for p, _ in coding}
        }
        for name, coding in CODINGS.items()
    }
    want = engine_alpha(
        case, {f"c{n}": c for n, c in enumerate(expected_codings.values())}, tmp_path
    )
    for variable, value in want.items():
        cell = teacher.locator(f"#alpha tr[data-variable={variable}]")
        shown = cell.get_attribute("data-alpha")
        if value is None:
            assert shown == ""
        else:
            assert float(shown) == pytest.approx(value, abs=1e-12), variable
            assert f"{value:.3f}" in cell.inner_text()
    expect(teacher.locator("#disputed figure")).to_have_count(
        2
    )  # both units: Cat's salience differs
    expect(teacher.locator("#disputed figcaption").first).to_contain_text("russia × nato")
    assert "<i>carefully</i>" in teacher.locator("#disputed").inner_text()
    shot(teacher, "teacher-1280")
    teacher.set_viewport_size({"width": 390, "height": 844})
    shot(teacher, "teacher-390")
    # the students see the results once revealed
    ctx, page, _ = contexts[1]
    expect(page.locator("#results")).to_be_visible(timeout=30_000)
    shot(page, "student-results-1280")
    assert teacher.goto(teacher_link).status == 200
    for _, _, problems in contexts:
        assert problems == []
    assert t_problems == []
    for ctx, _, _ in contexts:
        ctx.close()
    teacher_ctx.close()
