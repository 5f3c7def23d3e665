"""The explorer in a real Chromium (Playwright), against a server started by ``zopa serve``.

Covers the path a user takes: load the page, click a concession, see the heatmap
cell and the agreement zone change to what the engine computes, open the
permalink in a fresh browser context and see the same state, download the
changes as a scenario and check that ``zopa whatif --scenario`` accepts it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import engine
from engine.whatif.requests import scenario_from_mappings
from reports.cli.main import main
from tests.reports.web.classroom.helpers import assert_no_sideways_scroll

pytestmark = pytest.mark.browser


def _open(browser, url):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(url)
    page.wait_for_selector("#settlement[aria-busy=false]", timeout=60_000)
    return context, page, problems


def _after_cell(page, party, other):
    cells = page.locator(
        f"table.heat[aria-label='Pair conflict after the changes'] td[data-party={party}][data-other={other}]"
    )
    return float(cells.first.get_attribute("data-value"))


def test_click_a_concession_then_permalink_then_download(browser, server, tmp_path):
    case = engine.load_case("ukraine-russia")
    context, page, problems = _open(browser, server + "explore/ukraine-russia")
    assert page.locator("table.map button.cell").count() == len(case.issues) * len(case.parties)
    before = _after_cell(page, "ukraine", "russia")
    assert before == pytest.approx(engine.conflict_matrix(case).loc["ukraine", "russia"], abs=1e-6)

    # Russia accepts keeping NATO's door open: tick the option in the editor and apply.
    page.locator("button.cell[data-party=russia][data-issue=nato]").click()
    page.locator("#editor input[name=acceptable][value=open_door]").check()
    page.locator("#editor-apply").click()
    expect(page.locator("#status")).to_contain_text("1 change", timeout=60_000)
    page.wait_for_selector("#settlement[aria-busy=false]", timeout=60_000)

    pos = case.at()[("russia", "nato")]
    change = {
        "party": "russia",
        "issue": "nato",
        "ideal": pos.ideal,
        "acceptable": [
            o for o in case.issue("nato").option_ids if o in pos.acceptable or o == "open_door"
        ],
        "salience": pos.salience,
        "red_line": pos.red_line,
    }
    changed = engine.apply(case, scenario_from_mappings(case, [change]))
    expected = engine.conflict_matrix(changed, at=case.as_of).loc["ukraine", "russia"]
    assert _after_cell(page, "ukraine", "russia") == pytest.approx(expected, abs=1e-6)
    zone = engine.agreement_zones(changed, at=case.as_of).loc["nato"]
    row = page.locator("table.zones tr[data-issue=nato]")
    assert row.get_attribute("data-empty") == ("true" if zone["empty"] else "false")
    assert zone["zone"] in row.inner_text()
    assert "What the changes do" in page.content()

    # The permalink reproduces the state in a fresh context.
    link = page.locator("#permalink").get_attribute("href")
    assert "s=" in link
    context2, page2, problems2 = _open(browser, server + link.lstrip("/"))
    assert _after_cell(page2, "ukraine", "russia") == pytest.approx(expected, abs=1e-6)
    assert page2.locator("table.zones tr[data-issue=nato]").get_attribute(
        "data-empty"
    ) == row.get_attribute("data-empty")
    context2.close()

    # The changes download as a scenario that zopa whatif accepts.
    with page.expect_download() as info:
        page.locator("#scenario-link").click()
    path = tmp_path / "explorer.yaml"
    info.value.save_as(path)
    assert main(["whatif", "--scenario", str(path)]) == 0

    # Undo restores the case as coded.
    page.locator("#undo").click()
    expect(page.locator("#status")).to_contain_text("as coded", timeout=60_000)
    assert _after_cell(page, "ukraine", "russia") == pytest.approx(before, abs=1e-6)
    assert not problems and not problems2, problems + problems2
    context.close()


def test_a_rejected_change_is_explained_not_applied(browser, server):
    context, page, _ = _open(browser, server + "explore/ukraine-russia")
    page.locator("button.cell[data-party=russia][data-issue=army_cap]").click()
    page.locator("#editor input[name=lo]").fill("900")
    page.locator("#editor input[name=hi]").fill("100")
    page.locator("#editor-apply").click()
    expect(page.locator("#status")).to_contain_text("Not applied", timeout=60_000)
    assert (
        "army_cap" in page.locator("#status").inner_text()
        or "min" in page.locator("#status").inner_text()
    )
    assert page.locator("#reset").is_disabled()
    context.close()


def test_phone_width_does_not_scroll_sideways(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server + "explore/ukraine-russia")
    page.wait_for_selector("#settlement[aria-busy=false]", timeout=60_000)
    assert_no_sideways_scroll(page)
    context.close()
