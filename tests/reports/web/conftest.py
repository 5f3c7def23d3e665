"""Fixtures for the explorer: a real server started by zopa itself, and a real Chromium.

The browser is Debian's ``chromium`` driven by Playwright (``playwright install``
cannot download browsers here): ``ZOPA_CHROMIUM`` or ``/usr/bin/chromium``. In CI
(``CI`` set) a missing browser is a failure, never a skip; ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT


def chromium_path() -> str | None:
    return (
        os.environ.get("ZOPA_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


def need(what: str) -> None:
    """Skip a test on a developer machine without ``what``; fail in CI, where it must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing in CI: .ci/run must install it")
    pytest.skip(f"{what} is not installed (bash .ci/run installs it)")


def start_server(*args: str) -> tuple[subprocess.Popen[str], str]:
    """Start ``zopa serve --port 0 ARGS`` and return the process and the URL it printed.

    Without ``--db`` the class database goes to a fresh temporary data folder,
    never to the user's own (``$XDG_DATA_HOME``).
    """
    env = dict(os.environ)
    if "--db" not in args:
        env["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="zopa-data-")
    proc = subprocess.Popen(
        [sys.executable, "-m", "reports.cli", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("zopa explorer: "):
        proc.kill()
        raise AssertionError(
            f"zopa serve did not start: {line}{proc.stderr.read() if proc.stderr else ''}"
        )
    url = line.split()[2]
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "api/health", timeout=5) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.1)


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    proc, url = start_server()
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    exe = chromium_path()
    if exe is None:
        need("Debian's chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need("playwright (pip install '.[test]')")
    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=exe,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    return tmp_path
