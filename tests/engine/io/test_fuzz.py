"""Fuzzing the loader: mutate valid case files at random, thousands of times.

Loading a mutated case must either succeed or raise :class:`engine.CaseError`
whose every problem names a file, a line and a column. Anything else (an
uncaught exception, a problem without a location) is a bug; the failure
message gives the seed and the mutation, so it can be replayed.

``ZOPA_FUZZ_N`` sets the number of mutations (default 2000).
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

import engine
from tests.conftest import CASES

N = int(os.environ.get("ZOPA_FUZZ_N", "2000"))
SEED = int(os.environ.get("ZOPA_FUZZ_SEED", "20261129"))

TOKENS = [
    "null",
    "~",
    "[]",
    "{}",
    "- ",
    ": ",
    "&a",
    "*a",
    "*nowhere",
    "!!python/object:os.system",
    "!!python/name:builtins.exec",
    "!foo",
    "'",
    '"',
    "yes",
    "no",
    "on",
    "1e999",
    "-0",
    ".nan",
    ".inf",
    "2022-02-30",
    "2022-13-01",
    "ö",
    "\t",
    "<<",
    "? [a]",
    "%YAML 1.1",
    "---",
    "...",
    "|",
    ">",
    "#",
    "0x1F",
    "0o17",
    "-1",
    "2",
    "1.5",
    "99999999999999999999999999",
    "true",
    "false",
    "",
    " ",
    "{from: o5, to: o1}",
    "{min: 9, max: 1}",
    "[o1, o1]",
    "ord",
    "nom",
    "num",
    "a",
    "b",
    "c",
    "x",
    "y",
    "z",
    "o1",
    "o9",
    "s1",
    "s9",
    "ideal",
    "acceptable",
    "salience",
    "red_line",
    "requires",
    "party",
    "issue",
    "positions",
    "as_of",
    "sources",
    "remove_party",
    "add_party",
    "withdraw",
    "\u202e",
    "\x00",
    "\x7f",
    "\ufeff",
    "😀",
]
SNIPPETS = [
    "x: &x [1, 2, 3]\ny: [*x, *x, *x]",
    "- {as_of: 2023-01-01, sources: [s1], positions: {ord: null}}",
    "  - as_of: 2023-07-01\n    sources: [s1]\n    positions: {nom: {ideal: y}}",
    "extra: {a: [b, {c: d}]}",
    "? complex key\n: value",
    "&anchor key: value",
    "note: !!binary aGVsbG8=",
    "when: 2023-01-01T10:00:00Z",
]


def mutate(text: str, rng: random.Random) -> tuple[str, str]:
    """Apply one random mutation; return (new text, description)."""
    lines = text.split("\n")
    op = rng.randrange(10)
    i = rng.randrange(len(lines))
    if op == 0:
        del lines[i]
        return "\n".join(lines), f"delete line {i + 1}"
    if op == 1:
        lines.insert(i, lines[i])
        return "\n".join(lines), f"duplicate line {i + 1}"
    if op == 2:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines), f"swap lines {i + 1} and {j + 1}"
    if op in (3, 4):
        import re

        spans = [m.span() for m in re.finditer(r"[\w.-]+|[^\w\s]", text)]
        if not spans:
            return text + "x", "append x"
        a, b = rng.choice(spans)
        tok = rng.choice(TOKENS)
        return text[:a] + tok + text[b:], f"replace {text[a:b]!r} at {a} with {tok!r}"
    if op == 5:
        snip = rng.choice(SNIPPETS)
        lines.insert(i, snip)
        return "\n".join(lines), f"insert snippet at line {i + 1}: {snip!r}"
    if op == 6:
        cut = rng.randrange(len(text) + 1)
        return text[:cut], f"truncate at {cut}"
    if op == 7:
        delta = rng.choice([-4, -2, -1, 1, 2, 4])
        line = lines[i]
        lines[i] = (
            line[-delta:]
            if delta < 0 and line.startswith(" " * -delta)
            else " " * max(delta, 0) + line
        )
        return "\n".join(lines), f"indent line {i + 1} by {delta}"
    if op == 8:
        pos = rng.randrange(len(text) + 1)
        ch = rng.choice(
            [
                "\x00",
                "\x01",
                "\t",
                "\r",
                "\u2028",
                "\ufffe",
                "é",
                "'",
                '"',
                "{",
                "[",
                ":",
                "&",
                "*",
                "!",
                "%",
                "@",
                "`",
            ]
        )
        return text[:pos] + ch + text[pos:], f"insert {ch!r} at {pos}"
    num = rng.choice(
        ["1e308", "-1", "1e400", "nan", ".inf", "0x10", "1" * 30, "0.0", "100.5", "-0.0"]
    )
    import re

    nums = [m.span() for m in re.finditer(r"(?<![\w-])\d+(\.\d+)?(?![\w-])", text)]
    if not nums:
        return text, "no number"
    a, b = rng.choice(nums)
    return text[:a] + num + text[b:], f"replace number {text[a:b]} at {a} with {num}"


@pytest.mark.slow
def test_mutated_case_files_load_or_fail_with_located_problems(tmp_path: Path) -> None:
    src = CASES / "tiny"
    files = sorted(p.relative_to(src) for p in src.rglob("*.yaml"))
    originals = {rel: (src / rel).read_text(encoding="utf-8") for rel in files}
    folder = tmp_path / "tiny"
    shutil.copytree(src, folder)
    rng = random.Random(SEED)
    outcomes = {"loaded": 0, "rejected": 0}
    for n in range(N):
        rel = rng.choice(files)
        text, how = originals[rel], []
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            text, what = mutate(text, rng)
            how.append(what)
        path = folder / rel
        if rng.randrange(20) == 0:  # sometimes raw bytes, e.g. invalid UTF-8
            data = bytearray(text.encode("utf-8"))
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
            path.write_bytes(bytes(data))
        else:
            path.write_text(text, encoding="utf-8")
        try:
            case = engine.load_case(folder)
            case.at()
            outcomes["loaded"] += 1
        except engine.CaseError as exc:
            outcomes["rejected"] += 1
            for p in exc.problems:
                assert p.file and p.line >= 1 and p.column >= 1 and p.message, (
                    f"mutation {n} (seed {SEED}) of {rel}: {how}: problem without a location: {p!r}"
                )
        except Exception as exc:  # anything else is a bug
            pytest.fail(f"mutation {n} (seed {SEED}) of {rel}: {how}: {type(exc).__name__}: {exc}")
        finally:
            path.write_text(originals[rel], encoding="utf-8")
    assert outcomes["loaded"] + outcomes["rejected"] == N
    assert outcomes["rejected"] > N // 4  # the mutations really do break things
