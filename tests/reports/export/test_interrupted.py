"""A bundle write killed half-way (SIGKILL) is finished by the next run, without --force (issue 9)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reports.export.output import MANIFEST, write_bundle

ROOT = Path(__file__).resolve().parents[3]

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    import reports.export.output as output

    real = os.replace
    done = []

    def replace(src, dst):  # the hook: die right after the first file replacement
        real(src, dst)
        if not str(dst).endswith(output.MANIFEST):
            done.append(dst)
            open(sys.argv[1] + "/.a.txt.leftover.tmp", "w").write("half")
            os.kill(os.getpid(), signal.SIGKILL)

    output.os.replace = replace
    output.write_bundle(sys.argv[1], {"a.txt": "new a", "b.txt": "new b", "c.txt": "new c"})
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_write_leaves_a_folder_the_next_run_accepts(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_bundle(out, {"a.txt": "old a", "b.txt": "old b", "c.txt": "old c"})
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(out)], env=env, capture_output=True, check=False
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert (out / "a.txt").read_text() == "new a"  # killed after the first replacement
    assert (out / "b.txt").read_text() == "old b"
    assert list(out.glob(".*.tmp"))  # what the kill left behind
    status = write_bundle(out, {"a.txt": "new a", "b.txt": "new b", "c.txt": "new c"})
    assert status == {"a.txt": "unchanged", "b.txt": "replaced", "c.txt": "replaced"}
    assert not list(out.glob(".*.tmp"))
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "a.txt", "b.txt", "c.txt"]


def test_an_edited_file_is_still_refused_after_an_interrupted_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_bundle(out, {"a.txt": "old a"})
    (out / "a.txt").write_text("the user's edit")
    with pytest.raises(Exception, match="not written by zopa"):
        write_bundle(out, {"a.txt": "new a"})


def test_temporaries_of_other_names_are_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    mine = out / ".notes.txt.abc.tmp"
    mine.write_text("the user's")
    write_bundle(out, {"a.txt": "a"})
    assert mine.exists()
