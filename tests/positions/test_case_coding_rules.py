"""The shipped Ukraine–Russia case follows the coding rules its README states.

Each rule is a small checker returning the problems it finds, so that the
same function runs on the shipped case (no problems) and on a deliberately
broken copy in ``tmp_path`` (the problem is found): a check that cannot fail
checks nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

import engine

CASE_DIR = Path(engine.case_folder("ukraine-russia"))
README = CASE_DIR / "README.md"
TOP_README = CASE_DIR.parent.parent / "README.md"

#: The reliability tags listed in the case README ("Sources and citations").
TAGS = {
    "OFF",
    "NEWS",
    "NEWS-UA",
    "NEWS-RU",
    "STATE-RU",
    "STATE-CN",
    "STATE-UA",
    "STATE-TR",
    "STATE-PL",
    "THINK",
    "SEC",
    "LOW",
    "OPINION",
}
#: Tags that may never be the only basis of a position.
WEAK = {"LOW", "OPINION"}
#: Inference rules named in the README ("Inferred positions").
RULES = {"I1", "I2", "I3", "I4", "I5"}


@pytest.fixture(scope="module")
def case() -> engine.Case:
    return engine.load_case(CASE_DIR)


def _broken(tmp_path: Path, path: str, old: str, new: str, count: int = 1) -> engine.Case:
    """A copy of the case with one text replacement in one file, loaded."""
    dst = tmp_path / "ukraine-russia"
    shutil.copytree(CASE_DIR, dst)
    f = dst / path
    text = f.read_text(encoding="utf-8")
    assert old in text, f"test set-up: {old!r} not in {path}"
    f.write_text(text.replace(old, new, count), encoding="utf-8")
    return engine.load_case(dst)


def _positions(case: engine.Case):
    for s in case.statements:
        for issue, p in s.positions:
            if p is not None:
                yield s, issue, p


# ------------------------------------------------------------------ checkers


def weakly_sourced(case: engine.Case) -> list[str]:
    """Positions whose every source is LOW or OPINION (README: never the only basis)."""
    out = []
    for s, issue, p in _positions(case):
        tags = {case.source(sid).reliability for sid in p.sources}
        if tags and tags <= WEAK:
            out.append(f"{s.origin}: {issue} rests only on {sorted(tags)}")
    return out


def official_without_a_party_source(case: engine.Case) -> list[str]:
    """An `official` position must cite at least one source that is not LOW/OPINION."""
    out = []
    for s, issue, p in _positions(case):
        if p.confidence == "official":
            tags = [case.source(sid).reliability for sid in p.sources]
            if all(t in WEAK for t in tags):
                out.append(f"{s.origin}: {issue} is official on {tags}")
    return out


def inferred_without_rule(case: engine.Case) -> list[str]:
    """Every inferred position names one of the README's inference rules in its note."""
    out = []
    for s, issue, p in _positions(case):
        if p.confidence == "inferred":
            named = set(re.findall(r"\brule (I\d)\b", p.note))
            if not named or not named <= RULES:
                out.append(f"{s.origin}: {issue} is inferred without a named rule")
    return out


def unresolved_short_refs(case: engine.Case) -> list[str]:
    """Every short citation like [fs-149] or [ext-babel] names exactly one source."""
    ids = [src.id for src in case.sources]
    texts = [(s.origin, s.note) for s in case.statements]
    texts += [(s.origin, p.note) for s, _, p in _positions(case)]
    out = []
    for origin, text in texts:
        for group in re.findall(r"\[((?:fs|ext)-[^\]]*)\]", text):
            for ref in re.split(r"[,;]\s*", group):
                ref = re.sub(r"\s*\(.*$", "", ref.strip())
                if not re.match(r"(fs|ext)-[a-z0-9-]+$", ref):
                    continue
                hits = [i for i in ids if i.startswith(ref)]
                if len(hits) != 1:
                    out.append(f"{origin}: [{ref}] matches {hits or 'no source'}")
    return out


def source_problems(case: engine.Case) -> list[str]:
    """Every source has a date, a URL and a reliability tag from the README's list."""
    out = []
    for src in case.sources:
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", src.date or ""):
            out.append(f"{src.id}: date {src.date!r}")
        if src.reliability not in TAGS:
            out.append(f"{src.id}: reliability {src.reliability!r}")
        if not re.match(r"https?://", src.url):
            out.append(f"{src.id}: url {src.url!r}")
    return out


def _latest_day(date: str) -> dt.date:
    """The last day a source dated to the day, month or year may have appeared."""
    parts = [int(x) for x in date.split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    if len(parts) == 2:
        y, m = parts
        return dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(parts[0], 12, 31)


def dated_after_all_sources(case: engine.Case) -> list[str]:
    """A statement cannot postdate every source that reports it."""
    out = []
    for s in case.statements:
        if all(_latest_day(case.source(sid).date) < s.as_of for sid in s.sources):
            out.append(f"{s.origin}: as_of {s.as_of} after all its sources")
    return out


def reported_words_not_official(case: engine.Case) -> list[str]:
    """A note calling its basis a leak or anonymous report may not be `official`."""
    words = re.compile(r"\b(leak(ed)?|anonymous|according to the reuters sources)\b", re.I)
    out = []
    for s, issue, p in _positions(case):
        basis = words.search(p.note) or words.search(s.note)
        if p.confidence == "official" and basis:
            out.append(f"{s.origin}: {issue} official but note says {basis.group(0)!r}")
    return out


def salience_vs_red_line(case: engine.Case) -> list[str]:
    return [
        f"{s.origin}: {issue}"
        for s, issue, p in _positions(case)
        if (p.salience == 1.0) != p.red_line
    ]


def readme_counts(case: engine.Case, readme: Path, top: Path) -> list[str]:
    """The statement and source counts written in the READMEs match the case."""
    n_st, n_src = len(case.statements), len(case.sources)
    out = []
    text = readme.read_text(encoding="utf-8")
    m = re.search(r"\*\*Counts\.\*\*.*?(\d+) statements.*?(\d+) sources", text, re.S)
    if not m or (int(m[1]), int(m[2])) != (n_st, n_src):
        out.append(f"case README counts {m and m.groups()} != {(n_st, n_src)}")
    per_party = {}
    if m:
        block = text[m.start() : text.index("\n\n", m.start())]
        for name, n in re.findall(
            r"(Ukraine|Russia|United States|EU|E3|UN|Türkiye|China) (\d+)", block
        ):
            per_party[name] = int(n)
    names = {
        "ukraine": "Ukraine",
        "russia": "Russia",
        "united_states": "United States",
        "eu": "EU",
        "e3": "E3",
        "un": "UN",
        "turkey": "Türkiye",
        "china": "China",
    }
    for pid, name in names.items():
        got = sum(1 for s in case.statements if s.party == pid)
        if per_party.get(name) != got:
            out.append(f"case README: {name} {per_party.get(name)} != {got}")
    top_text = top.read_text(encoding="utf-8")
    m = re.search(r"(\d+) dated statements.*?(\d+) sources", top_text, re.S)
    if not m or (int(m[1]), int(m[2])) != (n_st, n_src):
        out.append(f"top README counts {m and m.groups()} != {(n_st, n_src)}")
    return out


# ------------------------------------------------------------ shipped case


@pytest.mark.parametrize(
    "check",
    [
        weakly_sourced,
        official_without_a_party_source,
        inferred_without_rule,
        unresolved_short_refs,
        source_problems,
        dated_after_all_sources,
        reported_words_not_official,
        salience_vs_red_line,
    ],
)
def test_shipped_case_follows_the_rule(case, check):
    assert check(case) == []


def test_readme_counts_match(case):
    assert readme_counts(case, README, TOP_README) == []


def test_readme_names_every_tag_and_rule():
    text = README.read_text(encoding="utf-8")
    for tag in TAGS:
        assert f"`{tag}`" in text, tag
    for rule in RULES:
        assert f"**{rule} —" in text, rule
    for heading in (
        "## Coding rules",
        "### Confidence",
        "### Signatories",
        "### Inferred positions",
    ):
        assert heading in text, heading


def test_signatories_coded_evenly(case):
    """README signatory rule: each documented signatory has the text's positions."""
    texts = {
        ("ext-fdfa-burgenstock-communique", dt.date(2024, 6, 16)): {
            "ukraine",
            "eu",
            "united_states",
            "turkey",
            "e3",
        },
        ("ext-censor-nato-washington-declaration", dt.date(2024, 7, 10)): {
            "united_states",
            "turkey",
            "e3",
        },
        ("fs-166-liga-berlin-statement", dt.date(2025, 12, 15)): {"e3", "eu"},
    }
    for (sid, day), parties in texts.items():
        coded = {s.party for s in case.statements if s.as_of == day and sid in s.sources}
        assert coded == parties, (sid, coded)
        issues = {
            p: {
                i
                for s in case.statements
                if s.party == p and s.as_of == day
                for i, _ in s.positions
            }
            for p in coded
        }
        if sid != "fs-166-liga-berlin-statement":  # the EU already held eu_membership
            assert len({frozenset(v) for v in issues.values()}) == 1, issues


def test_neutrality_offers_are_linked(case):
    """Both Ukrainian offers to give up NATO membership carry their guarantee linkage."""
    offers = [
        p
        for s, issue, p in _positions(case)
        if s.party == "ukraine" and issue == "nato" and len(p.acceptable.ids) > 1
    ]
    assert len(offers) >= 3  # March 2022, 14 Dec 2025, 24 Dec 2025
    for p in offers:
        assert p.ideal == "open_door"
        assert "security_guarantees" in dict(p.requires), p.origin


# ------------------------------------------------- the checks can fail


def test_weak_only_source_is_caught(tmp_path):
    broken = _broken(
        tmp_path,
        "parties/turkey.yaml",
        "sources: [ext-online-ua-erdogan-crimea, ext-anews-erdogan-crimea, fs-216-observatoire-erdogan-crimea]",
        "sources: [fs-012-news-front-unsc-2202]",
    )
    assert weakly_sourced(broken)
    assert official_without_a_party_source(broken)


def test_inferred_without_rule_is_caught(tmp_path):
    broken = _broken(tmp_path, "parties/china.yaml", "rule I1: plain-wording", "plain-wording")
    assert inferred_without_rule(broken)


def test_unknown_rule_is_caught(tmp_path):
    broken = _broken(tmp_path, "parties/ukraine.yaml", "(rule I3:", "(rule I9:")
    assert inferred_without_rule(broken)


def test_ambiguous_short_ref_is_caught(tmp_path):
    broken = _broken(tmp_path, "parties/united_states.yaml", "[ext-censor-nato]", "[ext-censor]")
    assert unresolved_short_refs(broken)


def test_missing_short_ref_is_caught(tmp_path):
    broken = _broken(tmp_path, "parties/russia.yaml", "[fs-200]", "[fs-999]")
    assert unresolved_short_refs(broken)


def test_untagged_source_is_caught(tmp_path):
    broken = _broken(tmp_path, "case.yaml", "reliability: OPINION", "reliability: EDITORIAL")
    assert source_problems(broken)


def test_statement_after_its_sources_is_caught(tmp_path):
    broken = _broken(tmp_path, "parties/russia.yaml", "as_of: 2025-09-05", "as_of: 2025-09-30")
    assert dated_after_all_sources(broken)


def test_leak_marked_official_is_caught(tmp_path):
    broken = _broken(
        tmp_path,
        "parties/united_states.yaml",
        "    confidence: reported\n    note: Reuters report based on anonymous sources.",
        "    confidence: official\n    note: Reuters report based on anonymous sources.",
    )
    assert reported_words_not_official(broken)


def test_salience_without_red_line_is_caught(tmp_path):
    broken = _broken(
        tmp_path,
        "parties/russia.yaml",
        "        salience: 1.0\n        red_line: true\n        note: >-\n          Lavrov said",
        "        salience: 1.0\n        note: >-\n          Lavrov said",
    )
    assert salience_vs_red_line(broken)


def test_wrong_counts_are_caught(tmp_path, case):
    readme = tmp_path / "README.md"
    readme.write_text(README.read_text(encoding="utf-8").replace("71 statements", "70 statements"))
    assert readme_counts(case, readme, TOP_README)
    top = tmp_path / "TOP.md"
    top.write_text(TOP_README.read_text(encoding="utf-8").replace("138 sources", "127 sources"))
    assert readme_counts(case, README, top)


def test_uneven_signatory_is_caught(tmp_path):
    broken = _broken(
        tmp_path,
        "parties/turkey.yaml",
        "ext-fdfa-burgenstock-communique, ",
        "",
    )
    coded = {
        s.party
        for s in broken.statements
        if s.as_of == dt.date(2024, 6, 16) and "ext-fdfa-burgenstock-communique" in s.sources
    }
    assert coded != {"ukraine", "eu", "united_states", "turkey", "e3"}
