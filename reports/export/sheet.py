"""The classroom coding sheet: a case's frame with no positions, for each coder to fill in.

:func:`sheet_files` writes the case's ``case.yaml`` (title, as_of, parties,
issues with their options or ranges, sources, snapshots) and one
``parties/<id>.yaml`` per party with ``statements: []`` under a commented
template. Every coder who starts from the sheet shares the party, issue and
option ids by construction, so ``zopa agree`` can compare their codings.
The sheet passes ``zopa check`` as written.

Examples
--------
>>> import engine
>>> files = sheet_files(engine.load_case("tests/cases/tiny"))
>>> sorted(files)
['README.md', 'case.yaml', 'parties/a.yaml', 'parties/b.yaml', 'parties/c.yaml']
>>> files["parties/a.yaml"].splitlines()[-1]
'statements: []'
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from engine import Case
from reports.export.caseio import case_files
from reports.export.output import write_bundle

__all__ = ["sheet_files", "write_sheet"]


def _template(case: Case, party: str) -> str:
    issue = case.issues[0]
    if issue.is_interval:
        ideal = f"{issue.min:g}"
        acceptable = f"{{min: {issue.min:g}, max: {issue.max:g}}}"
    else:
        ideal = issue.option_ids[0]
        acceptable = f"[{issue.option_ids[0]}]"
    source = case.sources[0].id if case.sources else "SOURCE_ID"
    issues = ", ".join(case.issue_ids)
    lines = [
        f"# Coding sheet: {case.party(party).name} in '{case.title}'.",
        "# Code what the sources say this party asks for, one statement per dated source",
        "# (see docs/format.md and docs/classroom.md). Keep the ids as they are: party,",
        "# issue and option ids are shared by every coder, so the codings can be compared.",
        f"# Issues: {issues}.",
        "# Replace 'statements: []' by a list like this one (remove the '# '):",
        "#",
        "# statements:",
        f"#   - as_of: {case.as_of.isoformat()}",
        f"#     sources: [{source}]",
        "#     confidence: official        # official | reported | inferred",
        "#     positions:",
        f"#       {issue.id}:",
        f"#         ideal: {ideal}",
        f"#         acceptable: {acceptable}",
        "#         salience: 0.5           # 0 … 1, see the case's salience rubric",
        "#         red_line: false",
        f"party: {party}",
        "statements: []",
    ]
    return "\n".join(lines) + "\n"


def sheet_files(case: Case) -> dict[str, str]:
    """The files of a blank coding sheet for a case: relative path → text.

    Notes
    -----
    ``case.yaml`` is the case writer's (:func:`reports.export.caseio.case_files`)
    for the case without statements and scenarios; each party gets a
    ``parties/<id>.yaml`` with ``statements: []`` and a commented example;
    ``README.md`` says what to do.
    """
    blank = dataclasses.replace(case, statements=(), scenarios=())
    files = {"case.yaml": case_files(blank)["case.yaml"]}
    for p in case.party_ids:
        files[f"parties/{p}.yaml"] = _template(case, p)
    files["README.md"] = (
        f"# Coding sheet: {case.title}\n\n"
        "Each coder copies this folder (keep its files and ids), codes the positions of\n"
        "every party from the sources listed in `case.yaml` into `parties/<party>.yaml`,\n"
        "and checks the folder with `zopa check FOLDER`. The teacher collects the folders\n"
        "and compares them with `zopa agree KEY CODING...` (see docs/classroom.md).\n"
    )
    return files


def write_sheet(
    case: Case, folder: str | os.PathLike[str], *, force: bool = False
) -> dict[str, str]:
    """Write the blank coding sheet of a case into a folder (manifest rule, atomic writes).

    Returns ``{relative name: "new" | "replaced" | "unchanged"}``.
    """
    return write_bundle(Path(folder), sheet_files(case), force=force)
