"""The shipped Ukraine–Russia case meets the size, coverage and sourcing bar."""

from __future__ import annotations

import datetime as dt
import re

import pytest

import engine


@pytest.fixture(scope="module")
def case() -> engine.Case:
    return engine.load_case("ukraine-russia")


def test_shipped_cases_are_listed():
    assert "ukraine-russia" in engine.shipped_cases()


def test_unknown_case_id_did_you_mean():
    with pytest.raises(engine.CaseError, match="did you mean 'ukraine-russia'"):
        engine.load_case("ukraine-rusia")


def test_size(case):
    roles = {p.id: p.role for p in case.parties}
    assert len(case.parties) >= 8 and len(case.issues) >= 12
    for pid in ("ukraine", "russia", "united_states", "eu", "e3", "turkey", "china", "un"):
        assert pid in roles
    assert roles["ukraine"] == roles["russia"] == "belligerent"
    scales = {i.scale for i in case.issues}
    assert scales == {"ordinal", "nominal", "interval"}
    assert case.issue("army_cap").is_interval


@pytest.mark.parametrize(
    ("start", "end", "what"),
    [
        ("2015-01-01", "2015-12-31", "Minsk II"),
        ("2022-02-24", "2022-06-30", "Istanbul 2022"),
        ("2022-07-01", "2024-12-31", "competing frameworks 2022–2024"),
        ("2025-01-01", "2025-12-31", "US-brokered talks and the 28/20-point plans"),
        ("2026-01-01", "2026-12-31", "2026"),
    ],
)
def test_statements_span_the_five_snapshots(case, start, end, what):
    lo, hi = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    dated = [s for s in case.statements if lo <= s.as_of <= hi]
    assert dated, f"no statement for {what}"
    assert {s.party for s in dated} >= {"ukraine", "russia"} or what == "2026"


def test_every_statement_is_sourced(case):
    for s in case.statements:
        assert s.sources, s.origin
        for sid in s.sources:
            src = case.source(sid)
            assert src.publisher and src.date and re.match(r"https?://", src.url), sid


def test_drafts_and_leaks_are_marked_reported(case):
    """A statement whose note calls its basis a draft, leak or anonymous report is not 'official'."""
    words = re.compile(
        r"\b(reported draft|leak|anonymous|according to the reuters sources)\b", re.I
    )
    for s in case.statements:
        if words.search(s.note):
            assert s.confidence == "reported" or all(
                p is None or p.confidence == "reported" for _, p in s.positions
            ), s.origin


def test_every_position_has_a_note(case):
    for s in case.statements:
        for issue, p in s.positions:
            if p is not None:
                assert len(p.note) > 20, f"{s.origin}: {issue}"


def test_red_lines_cite_their_wording(case):
    for s in case.statements:
        for issue, p in s.positions:
            if p is not None and p.red_line:
                assert re.search(
                    r"red[- ]line|precondition|non-negotiable|refus|unacceptable", p.note, re.I
                ), f"{s.origin}: {issue}: a red line must say why"


def test_salience_one_exactly_with_a_red_line(case):
    """The README's rubric: the top salience row is reserved for red lines."""
    for s in case.statements:
        for issue, p in s.positions:
            if p is not None:
                assert (p.salience == 1.0) == p.red_line, f"{s.origin}: {issue}"


def test_scenarios_apply(case):
    ids = {s.id for s in case.scenarios}
    assert {"neutrality-for-guarantees", "freeze-line-of-contact", "us-28-point-plan"} <= ids
    for scen in case.scenarios:
        assert scen.sources and scen.description and scen.at
        new = engine.apply(case, scen)
        assert new.as_of == scen.at
        assert new.at() != case.at(scen.at)


def test_snapshots(case):
    snaps = case.snapshot_dates()
    assert len(snaps) >= 5
    assert all(s.label for s in snaps)
    assert snaps[-1].date <= case.as_of
