"""Every header of ``zopa matrix``, ``timeline`` and ``settle`` against the number it describes.

Each test reads the numbers the command prints and recomputes them from the
formula its header states (independently of the engine: the reference
implementation of tests/engine/analysis/test_measures.py, or the definition).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import engine
from reports.cli.analysis import PAIR_HEADERS
from reports.cli.main import main
from tests.conftest import CASES
from tests.engine.analysis.test_measures import reference_aggregate

TINY = str(CASES / "tiny")


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("kind", "measure", "formula_start"),
    [
        ("conflict", "stake", "Σ_shared w·gap / Σ_either w"),
        ("conflict", "intensity", "Σ_shared w·gap / Σ_shared w"),
        ("overlap", "stake", "Σ_shared w·overlap / Σ_either w"),
        ("overlap", "intensity", "Σ_shared w·overlap / Σ_shared w"),
        ("coverage", "stake", "Σ_shared w / Σ_either w"),
        ("shared", "stake", "The number of issues on which both"),
    ],
)
@pytest.mark.parametrize("case", [TINY, "ukraine-russia"])
def test_matrix_header_states_what_is_computed(
    capsys: pytest.CaptureFixture[str], kind: str, measure: str, formula_start: str, case: str
) -> None:
    data = run_json(
        capsys, "matrix", case, "--kind", kind, "--measure", measure, "--format", "json"
    )
    title, formula = PAIR_HEADERS[(kind, measure)]
    assert data["heading"] == title and data["formula"] == formula.replace("\n", " ")
    assert formula.startswith(formula_start)
    ids = data["parties"]
    got = np.array([[np.nan if data["matrix"][p][q] is None else data["matrix"][p][q]
                     for q in ids] for p in ids], dtype=float)  # fmt: skip
    ref_kind = {"conflict": "conflict", "overlap": "overlap", "coverage": "coverage"}.get(
        kind, "shared"
    )
    want = np.array(
        reference_aggregate(engine.load_case(case), ref_kind, measure=measure), dtype=float
    )
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.allclose(got[~np.isnan(got)], want[~np.isnan(want)], atol=1e-6)


def test_matrix_text_header_and_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", TINY]) == 0
    out = capsys.readouterr().out
    title, formula = PAIR_HEADERS[("conflict", "stake")]
    assert out.startswith(f"{title} — ") and formula.splitlines()[0] in out
    assert "mean salience" not in out  # salience cancels out of a weighted mean: never claim it
    # a–c by hand: gap 1/10 on num (w 0.4), 0 on ord (w 0.55), a alone on nom (w 0.2)
    assert f"{0.4 * 0.1 / (0.55 + 0.4 + 0.2):.2f}" in out.split("\nc ")[1]


def test_matrix_pair_only_kinds_refuse_an_issue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", TINY, "--kind", "coverage", "--issue", "ord"]) == 2


def test_timeline_header_pair_column_is_the_pair_conflict(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = run_json(
        capsys, "timeline", "ukraine-russia", "--parties", "ukraine,russia", "--format", "json"
    )
    case = engine.load_case("ukraine-russia")
    assert data["pair"] == ["ukraine", "russia"]
    for row in data["snapshots"]:
        ref = reference_aggregate(case, "conflict", at=row["date"], parties=data["pair"],
                                  measure="stake")[0][1]  # fmt: skip
        if np.isnan(ref):
            assert row["pair_conflict"] is None
        else:
            assert row["pair_conflict"] == pytest.approx(ref, abs=1e-6)  # JSON: 6 decimals
        # total: the sum over issues and pairs of gap × (s_p + s_q)/2, a different quantity
        assert row["total_conflict"] == pytest.approx(
            engine.total_conflict(case, at=row["date"], parties=data["pair"]), abs=1e-6
        )
    assert main(["timeline", "ukraine-russia", "--parties", "ukraine,russia"]) == 0
    out = capsys.readouterr().out
    assert "pair: pair conflict by stake of ukraine–russia" in out
    assert "total: total conflict" in out and "a sum" in out


def test_settle_says_whether_the_package_is_the_only_optimum(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["settle", TINY, "--parties", "a,c"]) == 0
    out = capsys.readouterr().out
    s = engine.settle(engine.load_case(TINY), parties=["a", "c"])
    assert s.n_optimal == 2
    assert "Optimality: one of 2 optimal packages (tie rule: leximin" in out
    assert "alternative 1: ord=o2" in out
    assert main(["settle", TINY]) == 0
    assert "Optimality: the only optimal package" in capsys.readouterr().out


def test_packages_names_each_disagreement_value(capsys: pytest.CaptureFixture[str]) -> None:
    # harbour-lease gives both roles a reservation (their walk-away score), so the disagreement
    # point is the reservations, not the status quo; the tiny case has none (status quo)
    assert main(["packages", "harbour-lease", "--parties", "port,ferries"]) == 0
    out = capsys.readouterr().out
    case = engine.load_case("harbour-lease")
    port, ferries = (case.party(p).reservation for p in ("port", "ferries"))
    assert (
        f"Disagreement point: port {port:.3f} (reservation), ferries {ferries:.3f} (reservation)"
        in out
    )
    assert "Status quo (disagreement point)" not in out
    assert main(["packages", str(CASES / "tiny"), "--parties", "a,b"]) == 0
    assert "a 0.567 (status quo), b 0.353 (status quo)" in capsys.readouterr().out
