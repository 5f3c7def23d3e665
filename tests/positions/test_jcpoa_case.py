"""The shipped JCPOA case: loads, validates, and encodes what its sources say."""

from __future__ import annotations

import datetime as dt
import re

import pytest

import engine

SIGNATORIES = (
    "iran",
    "united_states",
    "france",
    "united_kingdom",
    "germany",
    "russia",
    "china",
    "eu",
)
JPOA, LAUSANNE, JCPOA = dt.date(2013, 11, 24), dt.date(2015, 4, 2), dt.date(2015, 7, 14)


@pytest.fixture(scope="module")
def case() -> engine.Case:
    return engine.load_case("jcpoa")


def test_listed_and_loadable_by_id(case):
    assert "jcpoa" in engine.shipped_cases()
    assert {p.id for p in case.parties} == set(SIGNATORIES)
    assert all(p.role == "negotiator" for p in case.parties)
    assert len(case.issues) == 10
    assert {i.scale for i in case.issues} == {"ordinal", "interval"}


def test_every_statement_is_sourced_and_every_source_exists(case):
    ids = {s.id for s in case.sources}
    for s in case.statements:
        assert s.sources, s.origin
        for sid in s.sources:
            assert sid in ids, (s.origin, sid)
            src = case.source(sid)
            assert src.publisher and src.date and re.match(r"https?://", src.url), sid


def test_sources_cited_in_notes_exist(case):
    """Every [source-id] cited inside a note names a source of the case."""
    ids = {s.id for s in case.sources}
    cited = re.compile(r"\[([a-z0-9-]+(?:,\s*[a-z0-9-]+)*)")
    for s in case.statements:
        notes = [s.note] + [p.note for _, p in s.positions if p is not None]
        for note in notes:
            for group in cited.findall(note):
                for sid in re.split(r",\s*", group):
                    assert sid in ids, (s.origin, sid)


def test_rubric(case):
    for s in case.statements:
        for issue, p in s.positions:
            if p is None:
                continue
            assert len(p.note) > 20, (s.origin, issue)
            assert (p.salience == 1.0) == p.red_line, (s.origin, issue)
            if p.red_line:
                assert re.search(r"red[- ]line|precondition|refus|unacceptable", p.note, re.I)


def test_signed_texts_are_coded_for_every_signatory(case):
    for date in (JPOA, LAUSANNE, JCPOA):
        parties = {s.party for s in case.statements if s.as_of == date}
        assert parties == set(SIGNATORIES), date


def test_final_agreement_terms(case):
    state = case.at(JCPOA)
    for p in SIGNATORIES:
        assert state[(p, "enrichment_level")].ideal == pytest.approx(3.67)
        assert state[(p, "stockpile")].ideal == pytest.approx(300)
        assert state[(p, "enrichment_capacity")].ideal == pytest.approx(5.06)
        assert state[(p, "duration")].ideal == pytest.approx(10)
        assert state[(p, "fordow")].ideal == "research_centre"
        assert state[(p, "sanctions")].ideal == "on_iaea_verification"
        assert state[(p, "arms_embargo")].ideal == "time_limited"
        assert not state[(p, "sanctions")].red_line


def test_scenario_applies_and_sets_the_jcpoa_terms(case):
    scen = next(s for s in case.scenarios if s.id == "final-agreement")
    assert scen.sources and scen.description and scen.at == dt.date(2015, 7, 13)
    before = case.at(scen.at)
    after = engine.apply(case, scen).at()
    assert after != before
    for p in SIGNATORIES:
        assert after[(p, "enrichment_level")].ideal == pytest.approx(3.67)
        assert after[(p, "stockpile")].ideal == pytest.approx(300)
        assert after[(p, "inspections")].ideal == "ap_access_mechanism"
    # The scenario ends where the signed text does.
    final = case.at(JCPOA)
    for key, pos in final.items():
        assert after[key].ideal == pos.ideal, key


def test_khamenei_red_lines_and_the_us_fact_sheet(case):
    before_vienna = case.at(dt.date(2015, 7, 13))
    sanctions = before_vienna[("iran", "sanctions")]
    assert sanctions.ideal == "on_signing" and sanctions.red_line
    assert before_vienna[("iran", "inspections")].ideal == "ap_excluding_military"
    us = case.at(LAUSANNE)
    assert us[("united_states", "enrichment_level")].ideal == pytest.approx(3.67)
    assert us[("united_states", "stockpile")].ideal == pytest.approx(300)
    # The JPOA's interim caps are withdrawn at Lausanne for the others, not carried forward.
    assert ("united_kingdom", "enrichment_level") not in us
    assert ("iran", "enrichment_capacity") not in us


def test_no_position_without_a_source(case):
    """The UK, Germany and the EU speak only through the texts they signed."""
    for p in ("united_kingdom", "germany", "eu"):
        dates = {s.as_of for s in case.statements if s.party == p}
        assert dates == {JPOA, LAUSANNE, JCPOA}, p


def test_snapshots(case):
    snaps = case.snapshot_dates()
    assert snaps[0].date == JPOA and snaps[-1].date == JCPOA
    assert any(s.date == LAUSANNE for s in snaps)
