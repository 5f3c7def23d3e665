"""The grammar-level fuzzer, a short seeded run (marked ``fuzz``; the long run is run_fuzz.py).

200 mutants of ``tests/cases/tiny`` (the small case keeps this to tens of
seconds): each must be refused with located problems, or load and go
through the analyses, the report and the exports without an exception.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.grammar import run

pytestmark = pytest.mark.fuzz


def test_two_hundred_mutants_never_crash(tmp_path: Path) -> None:
    outcomes = run(200, 20260705, tmp_path, figures_every=100, weights={"tiny": 1})
    crashes = [o for o in outcomes if o.result == "crash"]
    assert not crashes, "\n\n".join(
        f"seed={o.seed} file={o.file} mutation={o.mutation}\n{o.error}" for o in crashes[:3]
    )
    # the run exercises both paths: some mutants load, some are refused
    assert {o.result for o in outcomes} == {"loaded", "refused"}
