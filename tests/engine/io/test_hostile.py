"""Hostile input (issue 9): each test is built from an audit reproducer.

Every one must end in a :class:`engine.CaseError` whose problems are located
and safe to print, never in another exception, and without quoting more
than a short excerpt of what the file holds.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import engine
from engine import CaseError
from engine.model.errors import EXCERPT, did_you_mean, excerpt, printable
from tests.conftest import CASES


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    dest = tmp_path / "tiny"
    shutil.copytree(CASES / "tiny", dest)
    return dest


def edit(folder: Path, rel: str, old: str, new: str) -> None:
    path = folder / rel
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def problems(folder: Path) -> list[engine.Problem]:
    with pytest.raises(CaseError) as info:
        engine.load_case(folder)
    return list(info.value.problems)


@pytest.mark.parametrize(
    ("rel", "old", "new", "field"),
    [
        ("parties/a.yaml", "salience: 0.8", "salience: " + "9" * 401, "salience"),
        ("case.yaml", "max: 100", "max: " + "9" * 401, "issues[2].max"),
        ("case.yaml", "min: 0\n", "min: -" + "9" * 30 + "\n", "issues[2].min"),
        ("case.yaml", "distance: 0.5", "distance: " + "1" * 400, "distance"),
        (
            "scenarios/b-softens.yaml",
            "changes:\n",
            "changes:\n  - {party: a, issue: ord, salience: 1" + "0" * 400 + "}\n",
            "changes[0].salience",
        ),
    ],
)
def test_huge_numbers_are_located_errors(folder, rel, old, new, field):
    edit(folder, rel, old, new)
    found = problems(folder)
    assert any("too large" in p.message and field in p.field and p.line for p in found), found
    assert all(len(str(p)) < 400 for p in found)


@pytest.mark.parametrize("value", ["2", "true", "1.5", "{a: 1}", "text"])
def test_distances_of_the_wrong_type(folder, value):
    edit(
        folder,
        "case.yaml",
        "    distances:\n      - {between: [x, y], distance: 0.5}",
        f"    distances: {value}",
    )
    found = problems(folder)
    assert [p.field for p in found] == ["issues[1].distances"], found
    assert "expected a list" in found[0].message


@pytest.mark.parametrize(
    ("escaped", "code", "position"),
    [
        (r"bell\x07", "U+0007", 5),
        (r"North\x01", "U+0001", 6),
        (r"nul\0", "U+0000", 4),
        (r"\e[31mred\e]0;title\a", "U+001B", 1),
        (r"c1\x85", "U+0085", 3),
        (r"ab\u202Ecd", "U+202E", 3),
        (r"isolate\u2066", "U+2066", 8),
        (r"cr\r", "U+000D", 3),
    ],
)
def test_control_and_bidi_characters_are_refused_where_they_stand(folder, escaped, code, position):
    edit(folder, "case.yaml", "name: Party A", f'name: "{escaped}"')
    found = problems(folder)
    assert len(found) == 1, found
    p = found[0]
    assert (p.line, p.field) == (5, "parties[0].name")
    assert f"{code} at character {position}" in p.message
    assert printable(str(p)) == str(p)  # nothing raw reaches a terminal


def test_tab_and_newline_are_allowed(folder):
    edit(folder, "case.yaml", "name: Party A", r'name: "Party\tA\nline two"')
    assert engine.load_case(folder).party("a").name == "Party\tA\nline two"


def test_overlong_text_is_an_error_that_quotes_an_excerpt(folder):
    edit(folder, "case.yaml", "name: Party A", "name: " + "a" * 30_000)
    (p,) = problems(folder)
    assert "30,000 characters" in p.message and "20,000" in p.message
    assert len(p.message) < 200


def test_an_echoed_value_is_short_and_its_escapes_are_neutralised(folder):
    edit(
        folder,
        "parties/a.yaml",
        "confidence: reported",
        'confidence: "\\e]0;pwned\\a' + "x" * 5000 + '"',
    )
    for p in problems(folder):
        assert "\x1b" not in str(p) and "\x07" not in str(p)
        assert len(str(p)) < 400


def test_did_you_mean_on_a_huge_value_does_bounded_work(folder):
    # 200,000 characters in `confidence`: three messages; this used to take 10–35 s.
    edit(folder, "parties/a.yaml", "confidence: reported", "confidence: " + "r" * 19_000)
    for p in problems(folder):
        assert len(str(p)) < 400
    assert did_you_mean("r" * 200_000, ["official", "reported", "inferred"]) == ""


def test_did_you_mean_still_finds_typos():
    assert did_you_mean("ukriane", ["ukraine", "russia"]) == " (did you mean 'ukraine'?)"
    assert (
        did_you_mean("repoted", ["official", "reported", "inferred"])
        == " (did you mean 'reported'?)"
    )
    known = [f"source-{i:03d}-{'x' * 40}" for i in range(300)]
    assert did_you_mean("source-123-" + "x" * 39, known) == f" (did you mean '{known[123]}'?)"


def test_many_unknown_long_ids_are_each_reported(folder):
    ids = ", ".join(f"unknown-{i:03d}-" + "q" * 48 for i in range(300))
    edit(folder, "parties/a.yaml", "sources: [s1]", f"sources: [{ids}]")
    found = problems(folder)
    assert len([p for p in found if "unknown source" in p.message]) == 300


def test_excerpt_is_short_and_safe():
    assert excerpt("x" * 1000) == "'" + "x" * EXCERPT + "…'"
    assert "\x1b" not in excerpt("\x1b[2J")
    assert "401 digits" in excerpt(10**400)


def test_a_link_out_of_the_case_folder_is_refused_unread(folder, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-TOKEN-0123456789\n", "utf-8")
    (folder / "case.yaml").unlink()
    (folder / "case.yaml").symlink_to(secret)
    found = problems(folder)
    assert "outside the case folder" in found[0].message
    assert found[0].file.endswith("case.yaml")
    assert not any("SECRET" in str(p) for p in found)


def test_a_linked_parties_folder_is_refused(folder, tmp_path):
    outside = tmp_path / "elsewhere"
    shutil.move(folder / "parties", outside)
    (folder / "parties").symlink_to(outside)
    found = problems(folder)
    assert {Path(p.file).name for p in found} == {"a.yaml", "b.yaml", "c.yaml"}
    assert all("outside the case folder" in p.message for p in found)


def test_a_link_inside_the_case_folder_is_followed(folder):
    (folder / "parties" / "a.yaml").rename(folder / "a-original.yaml")
    (folder / "parties" / "a.yaml").symlink_to(folder / "a-original.yaml")
    assert engine.load_case(folder).party("a").id == "a"


def test_counts_beyond_the_limits_are_located_errors(folder):
    from engine.io.schema import MAX_OPTIONS, MAX_PARTIES

    extra = "".join(
        f"  - {{id: p{n}, name: Party {n}, role: observer}}\n" for n in range(MAX_PARTIES)
    )
    edit(folder, "case.yaml", "parties:\n", "parties:\n" + extra)
    options = "".join(f"      - {{id: x{n}, label: X{n}}}\n" for n in range(MAX_OPTIONS))
    edit(
        folder, "case.yaml", "      - {id: z, label: Z}\n", "      - {id: z, label: Z}\n" + options
    )
    found = {(p.field, p.message) for p in problems(folder)}
    assert ("parties", f"must have at most {MAX_PARTIES} items") in found
    assert any(f == "issues[1].options" and "at most 100 items" in m for f, m in found), found
