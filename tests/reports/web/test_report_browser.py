"""The HTML report's agreement-zone tables in a real Chromium: on a phone and on a projector.

The report of the shipped case is written to a file and opened as a user opens it. At 390 px
(a phone) the page must not scroll sideways, no zone table may need its own sideways scroll,
and no cell may overflow (words are never broken, so a word too long for its cell would
overflow it); at 1280 × 720 every zone table is shown whole.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import engine
from reports.render.content import build_report
from reports.render.markup import render_html
from tests.reports.web.classroom.helpers import assert_no_sideways_scroll, browser_page, shot

pytestmark = pytest.mark.browser

#: For each zone table: does it fit its box, and which of its cells overflow (and how)?
_MEASURE = """() => [...document.querySelectorAll('figure.zt')].map(f => {
  const box = f.querySelector('.zt-box'), table = f.querySelector('table');
  const cells = [...table.querySelectorAll('th, td')].filter(
    c => c.scrollWidth > c.clientWidth + 1 || c.scrollHeight > c.clientHeight + 1);
  return {id: f.id, box: box.clientWidth, table: table.scrollWidth, scroll: box.scrollWidth,
          overflow: cells.map(c => c.textContent.trim().slice(0, 40))};
})"""


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int]:
    rep = build_report(engine.load_case("ukraine-russia"))
    path = Path(tmp_path_factory.mktemp("report")) / "report.html"
    path.write_text(render_html(rep), encoding="utf-8")
    return path.as_uri(), sum(k.startswith("zone-") for k in rep.figures)


def test_zone_tables_fit_a_phone(browser, report_file):
    url, n = report_file
    ctx, page, problems = browser_page(browser, 390, 844)
    page.goto(url + "#zones")
    assert_no_sideways_scroll(page)
    tables = page.evaluate(_MEASURE)
    assert len(tables) == n
    for t in tables:
        assert t["scroll"] <= t["box"], f"{t['id']} scrolls sideways in its box: {t}"
        assert not t["overflow"], f"{t['id']}: cells overflow at 390px: {t['overflow']}"
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('.zt-table th[scope=row]'));"
        " return [s.overflowWrap, s.wordBreak, s.hyphens]; })()"
    )
    assert style == ["normal", "normal", "manual"], "words in a zone table are never broken"
    # the phone layout (a grid per row) keeps the table's roles for screen readers
    tree = page.locator("#fig-zone-crimea table").aria_snapshot()
    assert '- columnheader "Ukraine salience 1.00 red line"' in tree
    assert '- rowheader "Returned to Ukraine\'s control"' in tree
    assert '- cell "acceptable, its ideal, red line"' in tree
    shot(page, "report-zones-390")
    assert not problems
    ctx.close()


def test_every_zone_table_is_shown_whole_on_a_projector(browser, report_file):
    url, n = report_file
    ctx, page, problems = browser_page(browser, 1280, 720)
    page.goto(url + "#zones")
    assert_no_sideways_scroll(page)
    tables = page.locator("figure.zt table")
    assert tables.count() == n
    for i in range(n):
        assert tables.nth(i).is_visible()
    for t in page.evaluate(_MEASURE):
        assert t["table"] <= t["box"], f"{t['id']} is cut at 1280px: {t}"
        assert not t["overflow"], f"{t['id']}: cells overflow at 1280px: {t['overflow']}"
    shot(page, "report-zones-1280")
    assert not problems
    ctx.close()
