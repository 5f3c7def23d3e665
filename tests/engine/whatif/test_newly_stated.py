"""compare(): zones are compared only between the same position holders (issue 10)."""

from __future__ import annotations

import engine
from engine import Case, compare
from engine.whatif.compare import ZONE_CHANGES


def test_early_to_late_on_tiny(tiny: Case) -> None:
    # early (2023-06-01) and late (2024-01-01) have the same holders everywhere: a, b, c on
    # ord and num, a and b on nom; only a's ord set changes, so no issue is "newly stated"
    d = compare(tiny, tiny, at_before="2023-06-01", at_after="2024-01-01")
    assert d.newly_stated == () and d.no_longer_stated == ()
    assert set(d.zones["change"]) <= {"opened", "closed", "changed", "unchanged"}


def test_shipped_case_2022_to_2025_separates_newly_stated() -> None:
    case = engine.load_case("ukraine-russia")
    d = compare(case, case, at_before="2022-04-15", at_after="2025-11-23")
    z = d.zones
    for issue, row in z.iterrows():
        before = engine.agreement_zones(case, at="2022-04-15").loc[issue, "parties"]
        after = engine.agreement_zones(case, at="2025-11-23").loc[issue, "parties"]
        same = tuple(before) == tuple(after)
        if row["change"] in ("opened", "closed", "changed", "unchanged"):
            assert same, issue
        else:
            assert not same and row["change"] in ZONE_CHANGES, issue
            assert row["newly_stated"] == tuple(p for p in after if p not in before)
            assert row["no_longer_stated"] == tuple(p for p in before if p not in after)
    # before issue 10 this comparison reported 11 zones "closed", mostly first statements
    assert len(d.closed) == int((z["change"] == "closed").sum())
    assert len(d.closed) < 11 and len(d.newly_stated) > 0
    assert "newly stated" in d.summary()
