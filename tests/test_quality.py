"""Lint and types are part of the test suite, so CI's one command checks them too."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def _tool(name: str) -> list[str]:
    exe = shutil.which(
        name, path=str(__import__("pathlib").Path(sys.executable).parent)
    ) or shutil.which(name)
    if exe is None:
        pytest.skip(f"{name} is not installed (pip install '.[test]')")
    return [exe]


@pytest.mark.slow
def test_ruff_is_clean():
    out = subprocess.run(
        [*_tool("ruff"), "check", "engine", "reports", "tests"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.slow
def test_ruff_format_is_clean():
    out = subprocess.run(
        [*_tool("ruff"), "format", "--check", "engine", "reports", "tests"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.slow
def test_mypy_is_clean_on_the_engine():
    out = subprocess.run([*_tool("mypy")], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr


def test_engine_never_imports_drawing_or_reports():
    """Arrows point one way: reports imports engine, never the reverse."""
    code = (
        "import sys, engine, engine.io.loader, engine.whatif.scenario;"
        "import importlib, pkgutil;"
        "[importlib.import_module('engine.' + m.name) for m in pkgutil.iter_modules(engine.__path__)];"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'reports')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
