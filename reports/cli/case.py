"""Commands about cases themselves: ``cases``, ``check``, ``show``, ``schema``, ``new``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import engine
from engine import CaseError
from engine.model.case import ROLES
from reports.cli import kit
from reports.cli.kit import UsageError, emit, format_table
from reports.export.output import write_bundle
from reports.export.tables import (
    POSITION_COLUMNS,
    position_csv_rows,
    position_rows,
    requires_cell,
)

if TYPE_CHECKING:
    from engine import Case

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    p = kit.add_command(
        sub, "cases", cmd_cases, help="list the shipped cases", description=CASES_HELP
    )
    kit.add_format(p)

    p = kit.add_command(
        sub, "check", cmd_check, help="validate case folders", description=CHECK_HELP
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="case folders (or shipped case ids)")

    p = kit.add_command(
        sub,
        "show",
        cmd_show,
        help="the positions in force on a date",
        description=SHOW_HELP,
        epilog=SHOW_EPILOG,
    )
    kit.add_case(p)
    kit.add_at(p)
    kit.add_parties(p)
    kit.add_format(p)

    p = kit.add_command(
        sub,
        "schema",
        cmd_schema,
        help="write the JSON Schemas of the case format",
        description=SCHEMA_HELP,
    )
    p.add_argument(
        "folder", metavar="DIR", help="folder to write the schemas into (created if needed)"
    )
    p.add_argument("--force", action="store_true", help="overwrite existing schema files")
    _register_new(sub)


def _register_new(sub: argparse._SubParsersAction) -> None:
    p = kit.add_command(
        sub,
        "new",
        cmd_new,
        help="scaffold a new case folder (for a class or a new negotiation)",
        description=NEW_HELP,
    )
    p.add_argument("folder", metavar="DIR", help="the new case folder; its name is the case id")
    p.add_argument("--title", help="the case title (default: from the folder name)")
    p.add_argument("--as-of", metavar="DATE", help="the case's evaluation date (default: today)")
    p.add_argument(
        "--parties",
        metavar="A[:ROLE],B[:ROLE],…",
        default="party_a,party_b",
        help=(
            "party ids, each with an optional role, e.g. north:belligerent,south:belligerent,"
            f"un:mediator (roles: {', '.join(ROLES)}); a party without ':ROLE' is a "
            f"{DEFAULT_NEW_ROLE}, at the table, so settle and rank count it "
            "(default: party_a,party_b)"
        ),
    )
    p.add_argument(
        "--issues", metavar="X,Y,…", default="issue_1", help="issue ids (default: issue_1)"
    )
    kit.add_force(p)


#: The role ``zopa new`` gives a party named without one: at the table (a principal role,
#: so that ``settle`` and ``rank`` search for its consent), taking no side in a war.
DEFAULT_NEW_ROLE = "negotiator"

CASES_HELP = "List the cases shipped with zopa."

CHECK_HELP = (
    "Validate case folders (case.yaml, parties/*.yaml, scenarios/*.yaml). Exit code 0 when "
    "every case is valid; 1 with every problem listed as FILE:LINE:COLUMN: field: message; "
    "2 for a usage error. A valid case whose statements give no confidence gets a note "
    "(their count and first locations, FILE:LINE): they count as official; exit code 0."
)

SHOW_HELP = (
    "Show the issue × party table of positions in force on a date: each party's ideal, "
    "acceptable set, salience, red line and confidence. A party with no statement on an "
    "issue has no position there."
)

SHOW_EPILOG = (
    "CSV: one row per issue and party (issue, party, ideal, acceptable as ids 'a|b' or 'lo..hi', salience, "
    "red_line, requires as 'issue=a|b; ...', confidence, as_of, sources space-separated, note); empty cells "
    "for 'no position'. JSON: {case, title, at, positions: [...]} with the same fields, acceptable as a list "
    "of ids or {min, max}, requires as {issue: ids or {min, max}}, sources as a list, plus acceptable_label; "
    "null for 'no position'."
)

SCHEMA_HELP = "Write case.schema.json, party.schema.json and scenario.schema.json to a folder, for editors (see docs/format.md)."

NEW_HELP = (
    "Write a new case folder that passes 'zopa check': case.yaml with the parties and issues "
    "named, one file per party with a commented example statement, a scenarios/ folder, the "
    "JSON Schemas for editors and a README with the next steps. No position is made up: the "
    "parties start with no statements. Give each party its role as id:role in --parties; a "
    f"party without one is a {DEFAULT_NEW_ROLE}."
)


# ----------------------------------------------------------------------- cases


def cmd_cases(args: argparse.Namespace) -> int:
    rows = []
    for cid in engine.shipped_cases():
        case = engine.load_case(cid)
        span = case.date_span
        rows.append(
            {
                "id": cid,
                "title": case.title,
                "parties": len(case.parties),
                "issues": len(case.issues),
                "statements": len(case.statements),
                "scenarios": len(case.scenarios),
                "from": span[0].isoformat() if span else None,
                "to": span[1].isoformat() if span else None,
                "as_of": case.as_of.isoformat(),
            }
        )
    headers = [
        "id",
        "title",
        "parties",
        "issues",
        "statements",
        "scenarios",
        "from",
        "to",
        "as_of",
    ]
    if args.format == "json":
        emit(kit.json_text({"cases": rows}))
    elif args.format == "csv":
        emit(kit.csv_text(headers, ([r[h] for h in headers] for r in rows)))
    else:
        emit(format_table(headers, ([r[h] for h in headers] for r in rows), max_width=40))
    return 0


# ----------------------------------------------------------------------- check


def cmd_check(args: argparse.Namespace) -> int:
    bad = 0
    for path in args.paths:
        try:
            case = engine.load_case(path)
        except CaseError as exc:
            bad += 1
            for problem in exc.problems:
                emit(f"{problem}\n")
            n = len(exc.problems)
            emit(f"{path}: {n} problem{'s' if n != 1 else ''}\n")
            continue
        emit(
            f"{path}: ok ({len(case.parties)} parties, {len(case.issues)} issues, "
            f"{len(case.statements)} statements, {len(case.sources)} sources, "
            f"{len(case.scenarios)} scenarios)\n"
        )
        _confidence_note(path, case)
    return 1 if bad else 0


#: How many locations the note of ``zopa check`` lists before "…".
NOTE_LOCATIONS = 5


def _confidence_note(path: str, case: Case) -> None:
    """A note (not a problem) listing the statements whose confidence is the default."""
    from engine.io.partyfiles import defaulted_confidence

    where = defaulted_confidence(case)
    if not where:
        return
    n = len(where)
    shown = ", ".join(where[:NOTE_LOCATIONS]) + (", …" if n > NOTE_LOCATIONS else "")
    emit(
        f"{path}: note: {n} statement{'s give' if n != 1 else ' gives'} no confidence, so "
        f"{'their' if n != 1 else 'its'} positions without one count as official "
        f"(docs/format.md): {shown}\n"
    )


# ------------------------------------------------------------------------ show


def cmd_show(args: argparse.Namespace) -> int:
    case = kit.case_of(args)
    at = kit.date_of(args)
    parties = kit.parties_of(args, case)
    rows = position_rows(case, at, parties)
    date = (at or case.as_of).isoformat()
    if args.format == "json":
        emit(kit.json_text({"case": case.id, "title": case.title, "at": date, "positions": rows}))
    elif args.format == "csv":
        emit(kit.csv_text(POSITION_COLUMNS, position_csv_rows(rows)))
    else:
        emit(_show_text(case, date, rows))
    return 0


def _show_text(case: Case, date: str, rows: list[dict[str, Any]]) -> str:
    """The table layout of ``zopa show``: one table of parties per issue."""
    out = [f"Positions in force on {date} — {case.title} ({case.id})\n"]
    for issue in case.issues:
        kind = issue.scale + (
            f", {issue.unit} {issue.min:g}–{issue.max:g}" if issue.is_interval else ""
        )
        out.append(f"\n{issue.id} — {issue.name} ({kind})\n")
        body = [_show_row(r) for r in rows if r["issue"] == issue.id]
        out.append(
            format_table(
                ["party", "ideal", "acceptable", "salience", "", "confidence"],
                body,
                align="lllrll",
                max_width=60,
                indent="  ",
            )
        )
    out.append(
        "\n'(no position)': no statement of the party names the issue on or before this date.\n"
    )
    return "".join(out)


def _show_row(r: dict[str, Any]) -> list[Any]:
    if r["ideal"] is None:
        return [r["party"], "(no position)", "", None, "", ""]
    ideal = f"{r['ideal']:g}" if isinstance(r["ideal"], float) else r["ideal"]
    acc = r["acceptable_label"] + (
        f"  [if {requires_cell(r['requires'])}]" if r["requires"] else ""
    )
    red = "RED LINE" if r["red_line"] else ""
    return [r["party"], ideal, acc, r["salience"], red, r["confidence"]]


# ---------------------------------------------------------------------- schema


def cmd_schema(args: argparse.Namespace) -> int:
    from engine.io.schema import schema_json, schemas

    files = {name: schema_json(schema) for name, schema in schemas().items()}
    status = write_bundle(Path(args.folder), files, force=args.force)
    for name, how in status.items():
        emit(f"{how}: {Path(args.folder) / name}\n")
    return 0


# ------------------------------------------------------------------------- new


def _ids(raw: str, what: str) -> list[str]:
    from engine.model.parse import is_slug

    ids = list(dict.fromkeys(x.strip() for x in raw.split(",") if x.strip()))
    bad = [x for x in ids if not is_slug(x)]
    if bad or not ids:
        raise UsageError(
            f"--{what}: {', '.join(repr(b) for b in bad) or 'nothing given'}: ids are lower-case "
            "letters, digits, '_' and '-', starting with a letter"
        )
    return ids


def _parties(raw: str) -> list[tuple[str, str]]:
    """``--parties`` as (id, role) pairs: ``id`` or ``id:role``, the role checked."""
    from engine.model.errors import allowed_list, did_you_mean

    items = [x.strip() for x in raw.split(",") if x.strip()]
    ids = _ids(",".join(x.partition(":")[0].strip() for x in items), "parties")
    roles: dict[str, str] = {}
    for item in items:
        pid, colon, role = (x.strip() for x in item.partition(":"))
        role = role if colon else DEFAULT_NEW_ROLE
        if role not in ROLES:
            raise UsageError(
                f"--parties: {pid}: unknown role '{role}'{did_you_mean(role, ROLES)}; "
                f"roles: {allowed_list(ROLES)}"
            )
        if roles.setdefault(pid, role) != role:
            raise UsageError(f"--parties: {pid} is given two roles, {roles[pid]} and {role}")
    return [(p, roles[p]) for p in ids]


def _title(slug: str) -> str:
    return slug.replace("_", " ").replace("-", " ").strip().capitalize() or slug


def scaffold(
    folder: Path,
    title: str,
    parties: list[tuple[str, str]],
    issues: list[str],
    as_of: str,
) -> dict[str, str]:
    """The files of a new case: valid as written, every field explained in a comment.

    ``parties`` are (id, role) pairs.
    """
    from engine.io.schema import schema_json, schemas

    files = {"case.yaml": _case_yaml(title, parties, issues, as_of)}
    first = issues[0]
    for p, _ in parties:
        files[f"parties/{p}.yaml"] = _party_yaml(p, first)
    for name, schema in schemas().items():
        files[f"schemas/{name}"] = schema_json(schema)
    files["scenarios/README.md"] = (
        "# Scenarios\n\nOne YAML file per what-if scenario (see docs/format.md, 'scenarios'). "
        "Example:\n\n```yaml\ntitle: First concession\nchanges:\n"
        f"  - {{party: {parties[0][0]}, issue: {first}, add: [middle]}}\n```\n"
    )
    files["README.md"] = (
        f"# {title}\n\nA zopa case. Next steps:\n\n"
        "1. Name the parties and issues in `case.yaml`; give each issue its options, ordered from "
        "one pole to the other.\n"
        "2. Add your sources (publisher, date, URL) to `case.yaml`.\n"
        "3. In `parties/<party>.yaml`, add one dated statement per source: the party's ideal, what "
        "it could accept, the salience, red lines. Say why in each `note`.\n"
        f"4. Check: `zopa check {folder}`. Look: `zopa show {folder}`, `zopa report {folder}`.\n\n"
        "Editors with the YAML language server validate and complete the files from `schemas/`.\n"
    )
    return files


def _case_yaml(title: str, parties: list[tuple[str, str]], issues: list[str], today: str) -> str:
    """case.yaml of a new case: the parties and issues named, placeholder options and source."""
    lines = [
        "# yaml-language-server: $schema=schemas/case.schema.json",
        "# The case: its parties, issues (with their scales) and sources. See docs/format.md.",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        "description: >-",
        "  What this case covers, and what it does not (dates, gaps).",
        f"as_of: {today}            # the default evaluation date",
        f"parties:                  # role: {' | '.join(ROLES)}",
        "  # settle and rank seek the consent of the belligerents and negotiators (if two or",
        f"  # more); a party given without a role on the command line is a {DEFAULT_NEW_ROLE}",
    ]
    lines += [f"  - {{id: {p}, name: {_title(p)}, role: {role}}}" for p, role in parties]
    lines.append("issues:")
    for i in issues:
        lines += [
            f"  - id: {i}",
            f"    name: {_title(i)}",
            "    scale: ordinal          # ordinal (ordered) | nominal (unordered) | interval (numbers)",
            "    options:                # ordered from one pole to the other; rename them",
            "      - {id: first_pole, label: One pole}",
            "      - {id: middle, label: A middle option}",
            "      - {id: other_pole, label: The other pole}",
        ]
    lines += [
        "sources:                  # every statement cites at least one of these",
        "  - id: first-source",
        "    title: Replace with the title of a dated public source",
        "    publisher: Its publisher",
        f"    date: {today[:4]}",
        "    url: https://example.org/replace-with-the-real-address",
        "snapshots: []             # optional: named dates for the timeline, {id, date, label}",
        "",
    ]
    return "\n".join(lines)


def _party_yaml(party: str, issue: str) -> str:
    """A party file with no statement, and a commented example of one on ``issue``."""
    return (
        "# yaml-language-server: $schema=../schemas/party.schema.json\n"
        f"party: {party}\n"
        "statements: []\n"
        "# A statement records what one or more dated sources say this party asks for:\n"
        "#  - as_of: 2025-01-31              # the date of the event or document\n"
        "#    sources: [first-source]\n"
        "#    confidence: official           # official | reported (leaks, drafts) | inferred\n"
        "#    positions:\n"
        f"#      {issue}:\n"
        "#        ideal: first_pole           # what it asks for\n"
        "#        acceptable: {from: first_pole, to: middle}   # what it could live with\n"
        "#        salience: 0.8               # how much the issue matters to it, 0 to 1\n"
        "#        red_line: false             # true only if a source says it will not move\n"
        "#        note: Why this coding; cite the source.\n"
    )


def cmd_new(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    parties = _parties(args.parties)
    issues = _ids(args.issues, "issues")
    title = args.title or _title(folder.name)
    if (folder / "case.yaml").exists() and not args.force:
        raise UsageError(
            f"{folder} already holds a case (case.yaml); choose a new folder or use --force"
        )
    from datetime import date

    as_of = (
        date.today().isoformat() if args.as_of is None else kit.date_of(args, "as_of").isoformat()
    )
    status = write_bundle(
        folder, scaffold(folder, title, parties, issues, as_of), force=args.force
    )
    engine.load_case(folder)  # what was written is valid
    emit(
        f"wrote {folder}/ ({len(status)} files); next: edit case.yaml, then: zopa check {folder}\n"
    )
    return 0
