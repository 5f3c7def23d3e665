"""A grammar-level fuzzer for case folders: mutate, load, analyse, report.

Each mutant starts from a shipped case (``ukraine-russia``, ``jcpoa``) or
``tests/cases/tiny`` and changes one file at the level of the YAML grammar:
keys deleted, duplicated or swapped, values of the wrong type, Unicode
control and bidi characters, NUL, a byte-order mark, CRLF line ends, huge
numbers, NaN and infinity, impossible dates, deep nesting, anchors and
aliases, tags. Every mutant that loads goes through the analyses (matrices,
zones, the graph, a settlement) and the report (``build_report``, HTML,
Markdown) and the export files. Only :class:`engine.CaseError` may be
raised; anything else is a crash, reported with the seed and the mutation
so that it can be replayed with :func:`run_one`.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

import engine
from engine.io.loader import shipped_cases

ROOT = Path(__file__).resolve().parents[2]
BASES = {
    "tiny": ROOT / "tests" / "cases" / "tiny",
    "jcpoa": shipped_cases()["jcpoa"],
    "ukraine-russia": shipped_cases()["ukraine-russia"],
}
#: How often each base is picked: the small case most, so that runs stay fast.
WEIGHTS = {"tiny": 6, "jcpoa": 2, "ukraine-russia": 1}

HOSTILE: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    0.5,
    1.5,
    -0.0,
    10**400,
    -(10**30),
    10**15,
    float("nan"),
    float("inf"),
    float("-inf"),
    "",
    " ",
    "x" * 25_000,
    "r" * 3000,
    "$x^$",
    r"$\frac{1}{2}$",
    '=HYPERLINK("http://evil.invalid","x")',
    "+1+2",
    "@SUM(A1)",
    "bell\x07",
    "North\x01",
    "nul\x00",
    "\x1b[31mred\x1b]0;title\x07",
    "c1\x85",
    "a\u202eb",
    "iso\u2066late",
    "tab\there",
    "line\nbreak",
    "cr\rhere",
    "2022-02-30",
    "2022-13-01",
    "0000-00-00",
    "9999-12-31",
    "2024",
    "<script>alert(1)</script>",
    "]]>&lt;&amp;",
    "ö" * 30,
    "\ufeffbom",
    [],
    {},
    [[[[]]]],
    {"min": 9, "max": 1},
    {"from": "o5", "to": "o1"},
    {"min": 0, "max": 10**20},
    {"a": 1},
    ["o1", "o1"],
]

TAGS = ["!!python/object:os.system", "!!python/name:builtins.exec", "!foo", "!!binary", "!!set"]


@dataclass(frozen=True)
class Outcome:
    """What one mutant did: ``loaded`` or ``refused`` (a CaseError), or a crash."""

    seed: int
    base: str
    file: str
    mutation: str
    result: str  # "loaded", "refused" or "crash"
    error: str = ""


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``data`` (mapping keys and list indices)."""
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        data = data[p]
    return data


def _known_words(data: Any) -> list[Any]:
    """Ids and values already in the file (plausible, in-grammar replacements)."""
    words = [v for p in _paths(data) if isinstance(v := _get(data, p), str | int | float)]
    return words[:500] or ["x"]


def _data_mutation(rng: random.Random, data: Any) -> str:
    """Change the parsed document in place; say what was done."""
    paths = [p for p in _paths(data) if p]
    if not paths:
        return "no-op (empty document)"
    path = rng.choice(paths)
    parent, key = _get(data, path[:-1]), path[-1]
    kind = rng.choice(
        ["delete", "hostile", "hostile", "known", "swap", "retype", "nest", "duplicate-item"]
    )
    if kind == "delete":
        del parent[key]
    elif kind == "hostile":
        parent[key] = rng.choice(HOSTILE)
    elif kind == "known":
        parent[key] = rng.choice(_known_words(data))
    elif kind == "swap":
        other = rng.choice(paths)
        try:
            oparent, okey = _get(data, other[:-1]), other[-1]
            parent[key], oparent[okey] = oparent[okey], parent[key]
        except (KeyError, IndexError, TypeError):
            return f"swap {path} (failed)"
        return f"swap {path} <-> {other}"
    elif kind == "retype":
        v = parent[key]
        parent[key] = [v] if not isinstance(v, list) else {"k": v}
    elif kind == "nest":
        v: Any = parent[key]
        for _ in range(rng.choice([3, 40, 70])):
            v = [v]
        parent[key] = v
    elif kind == "duplicate-item" and isinstance(parent, list):
        parent.insert(key, parent[key])
    return f"{kind} {path}"


def _text_mutation(rng: random.Random, text: str) -> tuple[str, str]:
    """Change the file's text (what the data level cannot express)."""
    lines = text.split("\n")
    kind = rng.choice(
        [
            "bom",
            "crlf",
            "nul",
            "control",
            "duplicate-line",
            "anchor",
            "tag",
            "drop-line",
            "swap-lines",
        ]
    )
    i = rng.randrange(len(lines))
    if kind == "bom":
        return "\ufeff" + text, kind
    if kind == "crlf":
        return text.replace("\n", "\r\n"), kind
    if kind in ("nul", "control"):
        ch = (
            "\x00"
            if kind == "nul"
            else rng.choice(["\x07", "\x1b", "\x85", "\u202e", "\u2066", "\x7f"])
        )
        line = lines[i]
        j = rng.randrange(len(line) + 1)
        lines[i] = line[:j] + ch + line[j:]
        return "\n".join(lines), f"{kind} {ch!r} at line {i + 1}"
    if kind == "duplicate-line":
        lines.insert(i, lines[i])
    elif kind == "drop-line":
        del lines[i]
    elif kind == "swap-lines":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "anchor":
        j = rng.randrange(len(lines))
        if ": " in lines[i] and ": " in lines[j]:
            a, _, v = lines[i].partition(": ")
            lines[i] = f"{a}: &zz {v}"
            b, _, _ = lines[j].partition(": ")
            lines[j] = f"{b}: *zz"
    elif kind == "tag" and ": " in lines[i]:
        a, _, v = lines[i].partition(": ")
        lines[i] = f"{a}: {rng.choice(TAGS)} {v}"
    return "\n".join(lines), f"{kind} at line {i + 1}"


def mutate(rng: random.Random, folder: Path) -> tuple[str, str]:
    """Mutate one YAML file of ``folder``; return (file, mutation)."""
    files = sorted(p for p in folder.rglob("*.yaml"))
    path = rng.choice(files)
    rel = str(path.relative_to(folder))
    text = path.read_text("utf-8")
    if rng.random() < 0.6:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        what = ", ".join(_data_mutation(rng, data) for _ in range(rng.choice([1, 1, 2, 3])))
        text = yaml.safe_dump(data, allow_unicode=rng.random() < 0.5, sort_keys=False)
    else:
        text, what = _text_mutation(rng, text)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return rel, what


def exercise(case: engine.Case, *, figures: bool) -> None:
    """The analyses and the report on a case that loaded."""
    from reports.export.files import export_files
    from reports.render.content import build_report
    from reports.render.markup import render_html, render_markdown

    engine.conflict_matrix(case)
    engine.overlap_matrix(case)
    engine.issue_matrices(case, "gap")
    engine.agreement_zones(case)
    engine.incompatibility_graph(case)
    engine.total_conflict(case)
    two = tuple(p.id for p in case.parties[:2])
    with contextlib.suppress(engine.ZopaError):  # a stated refusal, not a crash
        engine.settle(case, "fair", parties=two)
    rep = build_report(case, figures_on=figures)
    render_html(rep)
    render_markdown(rep)
    export_files(case)


def run_one(
    seed: int, workdir: Path, *, figures: bool = False, weights: dict[str, int] = WEIGHTS
) -> Outcome:
    """Make mutant ``seed`` in ``workdir``, load it, and exercise it if it loads."""
    rng = random.Random(seed)
    base = rng.choices(list(weights), weights=list(weights.values()))[0]
    folder = workdir / f"m{seed}" / base
    shutil.rmtree(folder.parent, ignore_errors=True)
    shutil.copytree(BASES[base], folder, ignore=shutil.ignore_patterns("*.md"))
    rel, what = mutate(rng, folder)
    try:
        try:
            case = engine.load_case(folder)
        except engine.CaseError as exc:
            bad = [p for p in exc.problems if not p.file]
            if bad:
                return Outcome(seed, base, rel, what, "crash", f"unlocated problem: {bad[0]}")
            return Outcome(seed, base, rel, what, "refused")
        exercise(case, figures=figures)
        return Outcome(seed, base, rel, what, "loaded")
    except Exception:  # the point of the fuzzer: anything else is a crash
        return Outcome(seed, base, rel, what, "crash", traceback.format_exc(limit=6))
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


def run(
    mutants: int,
    seed: int,
    workdir: Path,
    *,
    figures_every: int = 50,
    progress: Callable[[Outcome], None] | None = None,
    weights: dict[str, int] = WEIGHTS,
) -> list[Outcome]:
    """Run ``mutants`` mutants, seeds ``seed``, ``seed + 1``, …; figures on every ``figures_every``-th."""
    out = []
    for k in range(mutants):
        figures = figures_every > 0 and k % figures_every == 0
        o = run_one(seed + k, workdir, figures=figures, weights=weights)
        out.append(o)
        if progress:
            progress(o)
    return out
