"""Shared by the class-mode tests: codings written by hand, and the engine's α computed the CLI's way."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

import engine
from reports.export.sheet import write_sheet

UNITS = ["russia:nato", "ukraine:nato", "russia:crimea", "ukraine:crimea"]

#: Three students' codings of the four units (they disagree on some).
CODINGS: dict[str, dict[str, Any]] = {
    "Ann": {
        "russia": {
            "nato": {
                "ideal": "permanent_neutrality",
                "acceptable": ["permanent_neutrality", "legal_bar"],
                "salience": 0.8,
                "red_line": True,
                "justification": "The memorandum asks for neutrality.",
                "sources": ["fs-111-natylie-memorandums"],
            },
            "crimea": {"ideal": "de_jure_russian", "salience": 0.9, "red_line": True},
        },
        "ukraine": {
            "nato": {
                "ideal": "membership",
                "acceptable": ["membership", "open_door"],
                "salience": 0.9,
                "red_line": False,
            },
            "crimea": {"ideal": "ukrainian_control", "salience": 0.7, "red_line": False},
        },
    },
    "Ben": {
        "russia": {
            "nato": {
                "ideal": "legal_bar",
                "salience": 0.6,
                "red_line": False,
                "justification": "A legal bar is what they said in 2025.",
            },
            "crimea": {"ideal": "de_jure_russian", "salience": 0.9, "red_line": True},
        },
        "ukraine": {
            "nato": {"ideal": "membership", "salience": 0.9, "red_line": False},
            "crimea": {"ideal": "ukrainian_control", "salience": 0.6, "red_line": False},
        },
    },
    "Cat": {
        "russia": {
            "nato": {"ideal": "legal_bar", "salience": 0.9, "red_line": True},
            "crimea": {"ideal": "de_jure_russian", "salience": 1.0, "red_line": True},
        },
        "ukraine": {"nato": {"ideal": "membership", "salience": 0.8, "red_line": False}},
    },
}


def coding_folders(case: engine.Case, codings: dict[str, dict[str, Any]], tmp: Path) -> list[Path]:
    """Each coding as a case folder from the coding sheet, as a student would write it by hand."""
    folders = []
    for name, coding in codings.items():
        folder = tmp / name
        write_sheet(case, folder)
        for party, positions in coding.items():
            clean = {
                i: {k: v for k, v in p.items() if k not in ("justification", "sources")}
                for i, p in positions.items()
            }
            doc = {
                "party": party,
                "statements": [
                    {
                        "as_of": case.as_of.isoformat(),
                        "sources": [case.sources[0].id],
                        "positions": clean,
                    }
                ],
            }
            (folder / "parties" / f"{party}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
        folders.append(folder)
    return folders


def engine_alpha(
    case: engine.Case, codings: dict[str, dict[str, Any]], tmp: Path
) -> dict[str, float | None]:
    """α per variable the CLI's way: each coding written as a case folder from the sheet, loaded, compared."""
    folders = coding_folders(case, codings, tmp)
    agr = engine.coder_agreement(
        [engine.load_case(f) for f in folders], names=list(codings), draws=0
    )
    return {v: agr.alpha[v].value for v in ("ideal", "acceptable", "salience", "red_line")}


def shot(page: Any, name: str) -> None:
    """A full-page screenshot into ``$ZOPA_SCREENSHOTS`` when it is set."""
    where = os.environ.get("ZOPA_SCREENSHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(where) / f"{name}.png"), full_page=True)


def browser_page(browser: Any, width: int = 1280, height: int = 720) -> tuple[Any, Any, list[str]]:
    """A new browser context and page, and the console errors and page errors it meets (not 403s)."""
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" and "403" not in m.text else None,
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    return ctx, page, problems


def assert_no_sideways_scroll(page: Any) -> None:
    """The page is no wider than its viewport (nothing scrolls sideways)."""
    viewport = page.viewport_size["width"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport, f"the page is {width} px wide at {viewport} px"
