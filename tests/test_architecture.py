"""The arrows of the architecture, read from the source with ``ast`` (nothing is imported).

- ``engine`` never imports ``reports`` or matplotlib;
- ``engine.model`` imports nothing else of the engine;
- the engine's sub-packages form a ladder, model ← io ← analysis ← whatif ← solve:
  a module imports only from its own sub-package or lower ones;
- the command-line modules import no matplotlib, pandas or scipy at module level
  (``zopa --help`` stays fast), and building the parser loads none of them.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

LADDER = ("model", "io", "analysis", "whatif", "solve")
HEAVY = {"matplotlib", "pandas", "scipy"}

#: Known upward imports, (module file, imported module), each to be removed:
def _imports(path: Path, top_level_only: bool = False) -> list[str]:
    """The absolute module names ``path`` imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names = []
    for node in nodes:
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            names.append(base)
            names += [f"{base}.{a.name}" for a in node.names if base in ("engine", "reports")]
    return names


def _files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_engine_never_imports_reports_or_matplotlib():
    bad = [
        (_rel(f), name)
        for f in _files("engine")
        for name in _imports(f)
        if name.split(".")[0] in ("reports", "matplotlib")
    ]
    assert bad == []


def test_the_model_imports_nothing_else_of_the_engine():
    bad = [
        (_rel(f), name)
        for f in _files("engine/model")
        for name in _imports(f)
        if name.split(".")[0] == "engine" and not name.startswith("engine.model")
    ]
    assert bad == []


def _rung(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) > 1 and parts[0] == "engine" and parts[1] in LADDER:
        return LADDER.index(parts[1])
    return None


def test_engine_sub_packages_import_only_their_own_or_lower_ones():
    bad = []
    for f in _files("engine"):
        own = _rung(".".join(f.relative_to(ROOT).with_suffix("").parts))
        if own is None:
            continue
        for name in _imports(f):
            rung = _rung(name)
            if rung is not None and rung > own:
                bad.append((_rel(f), name))
    assert bad == [], f"upward imports (order: {' ← '.join(LADDER)})"


def test_cli_modules_import_nothing_heavy_at_module_level():
    bad = [
        (_rel(f), name)
        for f in _files("reports/cli")
        for name in _imports(f, top_level_only=True)
        if name.split(".")[0] in HEAVY
    ]
    assert bad == []


@pytest.mark.parametrize("argv", [["--help"], ["--version"]])
def test_help_and_version_load_no_heavy_library(argv):
    code = (
        "import sys\n"
        "from reports.cli import build_parser\n"
        f"try:\n    build_parser().parse_args({argv!r})\n"
        "except SystemExit:\n    pass\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(HEAVY)!r}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"
