"""Golden files: outputs compared byte for byte with files in tests/golden/.

Update them only on purpose: ``ZOPA_UPDATE_GOLDEN=1 pytest ...`` rewrites the
files, and the diff is then reviewed like any code change.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"


def assert_golden(name: str, actual: str | bytes) -> None:
    """Compare ``actual`` with ``tests/golden/<name>`` (or write it when updating)."""
    path = GOLDEN / name
    data = actual.encode("utf-8") if isinstance(actual, str) else actual
    if os.environ.get("ZOPA_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    assert path.exists(), f"no golden file {path}; create it with ZOPA_UPDATE_GOLDEN=1"
    expected = path.read_bytes()
    if expected != data:
        if isinstance(actual, str):
            diff = "".join(
                difflib.unified_diff(
                    expected.decode("utf-8").splitlines(True),
                    actual.splitlines(True),
                    str(path),
                    "actual",
                )
            )
        else:
            diff = f"{len(expected)} bytes expected, {len(data)} bytes actual"
        raise AssertionError(
            f"output differs from {path} (update with ZOPA_UPDATE_GOLDEN=1):\n{diff}"
        )
