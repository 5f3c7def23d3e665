"""The installed package stands alone: a plain, non-editable install finds the shipped cases.

Builds and installs zopa (``pip install --no-deps --target``) into a temporary
folder, then runs it from an empty working directory with only that folder on
the path, so nothing can come from the repository checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_non_editable_install_finds_shipped_cases(tmp_path):
    target = tmp_path / "site"
    work = tmp_path / "elsewhere"
    work.mkdir()
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-compile",
            "--target",
            str(target),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert build.returncode == 0, build.stderr[-2000:]
    assert (target / "positions" / "ukraine-russia" / "case.yaml").is_file()
    assert (target / "engine" / "io" / "schemas" / "case.schema.json").is_file()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PYTHONPATH"] = str(target)

    def run(*code_or_args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-P", *code_or_args],
            capture_output=True,
            text=True,
            cwd=work,
            env=env,
        )

    where = run(
        "-c",
        "import positions, engine, reports; print(positions.__file__); print(engine.__file__)",
    )
    assert where.returncode == 0, where.stderr
    assert all(line.startswith(str(target)) for line in where.stdout.split()), where.stdout
    shown = run("-m", "reports", "show")
    assert shown.returncode == 0, shown.stderr
    assert "Positions in force on" in shown.stdout and "ukraine" in shown.stdout
    checked = run("-m", "reports", "check", "ukraine-russia")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    listed = run("-m", "reports", "cases")
    assert listed.returncode == 0 and "ukraine-russia" in listed.stdout
    assert (target / "bin" / "zopa").is_file()  # the console script is installed


def test_installed_zopa_command_runs_from_anywhere(tmp_path):
    """Where zopa is installed in this environment (CI installs it with pip), the command works
    from an empty folder and uses the installed package, not the checkout."""
    exe = Path(sys.executable).parent / "zopa"
    if not exe.is_file():
        pytest.skip("the zopa command is not installed in this environment")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    out = subprocess.run(
        [str(exe), "show", "--format", "csv"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("issue,party,ideal,acceptable")
