"""The double-coded audit of the Russia–Ukraine case (issue 13, step 3).

Recomputes coder agreement between the pre-audit coding (coding A), the
resolved shipped case and the blind second coding (coding B), and checks
that the published numbers (``before.json``, ``after.json`` and the α table
in the case README) match, so the README cannot drift from the data.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from engine import coder_agreement, load_case

ROOT = Path(__file__).resolve().parents[2]
AUDIT = ROOT / "docs" / "audit" / "ukraine-russia"
CASE = ROOT / "positions" / "ukraine-russia"
README = CASE / "README.md"
VARIABLES = (
    "ideal",
    "ideal.ordinal",
    "ideal.nominal",
    "ideal.interval",
    "acceptable",
    "salience",
    "red_line",
    "confidence",
)


@pytest.fixture(scope="module")
def results():
    # draws and seed as in the published commands (the CLI defaults)
    kw = {"at": "snapshots", "names": ["A", "B"], "draws": 1000, "seed": 0}
    before = coder_agreement([AUDIT / "coding-a", AUDIT / "coding-b"], **kw)
    after = coder_agreement([CASE, AUDIT / "coding-b"], **kw)
    return {"before": before, "after": after}


def test_codings_load():
    for name in ("coding-a", "coding-b"):
        case = load_case(AUDIT / name)
        assert case.party_ids == load_case(CASE).party_ids
        assert case.issue_ids == load_case(CASE).issue_ids


@pytest.mark.parametrize("which", ["before", "after"])
def test_published_json_matches(results, which):
    published = json.loads((AUDIT / f"{which}.json").read_text(encoding="utf-8"))
    agr = results[which]
    assert published["units"] == agr.units
    for var in VARIABLES:
        est = agr.alpha[var]
        pub = published["alpha"][var]
        for field in ("value", "low", "high"):
            assert pub[field] == pytest.approx(getattr(est, field), abs=5e-6), (which, var, field)


def test_readme_alpha_table_matches(results):
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Double-coded audit") :]
    for var in VARIABLES:
        m = re.search(
            rf"^\| {re.escape(var)} \| ([0-9.]+) \(([0-9.]+)–([0-9.]+)\) \| [^|]+ \| "
            rf"([0-9.]+) \(([0-9.]+)–([0-9.]+)\) \|",
            section,
            re.M,
        )
        assert m, f"no README row for {var}"
        got = [float(x) for x in m.groups()]
        for which, nums in (("before", got[:3]), ("after", got[3:])):
            est = results[which].alpha[var]
            assert nums == [round(est.value, 3), round(est.low, 3), round(est.high, 3)], (
                which,
                var,
            )


def test_coding_b_judgements_unchanged_by_frame():
    """Coding B's party files are the coder's hand-in; only case.yaml was replaced."""
    b = load_case(AUDIT / "coding-b")
    shipped = load_case(CASE)
    for issue in b.issues:
        assert issue.scale == shipped.issue(issue.id).scale
