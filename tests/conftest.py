"""Shared fixtures and Hypothesis profiles.

Profiles: ``default`` (fast, used by CI) and ``thorough`` (many more examples);
choose with ``HYPOTHESIS_PROFILE=thorough``. Deadlines are off: timing is for
benchmarks, never for tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import engine

settings.register_profile(
    "default",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
settings.register_profile(
    "thorough", max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture
def tiny() -> engine.Case:
    """The hand-worked tiny case (three parties, one issue of each scale)."""
    return engine.load_case(CASES / "tiny")


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or skip when it is absent (the project stands alone)."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


@pytest.fixture
def forking_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the report fork its workers although earlier tests left idle threads behind.

    Web tests leave AnyIO's idle worker thread and asyncio's child watcher in
    this process, so :mod:`reports.render.helper` would refuse to fork and a
    test of the workers would test nothing; the refusal itself is tested in
    ``tests/reports/render/test_drawing.py``.
    """
    from reports.render import helper

    monkeypatch.setattr(helper, "_single_threaded", lambda: True)
