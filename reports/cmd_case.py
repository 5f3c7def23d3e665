"""Commands about cases themselves: ``cases``, ``check``, ``show``, ``schema``, ``new``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import engine
from engine import Case, CaseError, Issue, Position, Span
from engine.model import Acceptable
from engine.schema import schema_json, schemas

from .clikit import (
    add_at,
    add_case,
    add_format,
    add_parties,
    case_of,
    csv_text,
    date_of,
    emit,
    format_table,
    json_text,
    parties_of,
)
from .output import write_bundle

__all__ = ["position_rows", "register"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "cases", help="list the shipped cases", description="List the cases shipped with zopa."
    )
    add_format(p)
    p.set_defaults(func=cmd_cases)

    p = sub.add_parser(
        "check",
        help="validate case folders",
        description=(
            "Validate case folders (case.yaml, parties/*.yaml, scenarios/*.yaml). Exit code 0 when "
            "every case is valid; 1 with every problem listed as FILE:LINE:COLUMN: field: message; "
            "2 for a usage error."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="case folders (or shipped case ids)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "show",
        help="the positions in force on a date",
        description=(
            "Show the issue × party table of positions in force on a date: each party's ideal, "
            "acceptable set, salience, red line and confidence. A party with no statement on an "
            "issue has no position there."
        ),
    )
    p.epilog = (
        "CSV: one row per issue and party (issue, party, ideal, acceptable as ids 'a|b' or 'lo..hi', salience, "
        "red_line, requires as 'issue=a|b; ...', confidence, as_of, sources space-separated, note); empty cells "
        "for 'no position'. JSON: {case, title, at, positions: [...]} with the same fields, acceptable as a list "
        "of ids or {min, max}, requires as {issue: ids or {min, max}}, sources as a list, plus acceptable_label; "
        "null for 'no position'."
    )
    add_case(p)
    add_at(p)
    add_parties(p)
    add_format(p)
    p.set_defaults(func=cmd_show)

    p = sub.add_parser(
        "schema",
        help="write the JSON Schemas of the case format",
        description="Write case.schema.json, party.schema.json and scenario.schema.json to a folder, for editors (see docs/format.md).",
    )
    p.add_argument(
        "folder", metavar="DIR", help="folder to write the schemas into (created if needed)"
    )
    p.add_argument("--force", action="store_true", help="overwrite existing schema files")
    p.set_defaults(func=cmd_schema)


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
        emit(json_text({"cases": rows}))
    elif args.format == "csv":
        emit(csv_text(headers, ([r[h] for h in headers] for r in rows)))
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
    return 1 if bad else 0


# ------------------------------------------------------------------------ show


def position_rows(
    case: Case, at: Any = None, parties: tuple[str, ...] | None = None
) -> list[dict[str, Any]]:
    """One row per (issue, party) in case order; ``ideal`` is None for "no position"."""
    chosen = case.resolve_parties(parties)
    state = case.at(at)
    rows = []
    for issue in case.issues:
        for pid in chosen:
            pos: Position | None = state.get((pid, issue.id))
            row: dict[str, Any] = {"issue": issue.id, "party": pid}
            if pos is None:
                row.update(
                    ideal=None,
                    acceptable=None,
                    acceptable_label=None,
                    salience=None,
                    red_line=None,
                    requires=None,
                    confidence=None,
                    as_of=None,
                    sources=None,
                    note=None,
                )
            else:
                row.update(
                    ideal=pos.ideal,
                    acceptable=acceptable_data(issue, pos.acceptable),
                    acceptable_label=issue.describe(pos.acceptable, ids=True),
                    salience=pos.salience,
                    red_line=pos.red_line,
                    requires={i: acceptable_data(case.issue(i), a) for i, a in pos.requires}
                    or None,
                    confidence=pos.confidence,
                    as_of=pos.as_of.isoformat() if pos.as_of else None,
                    sources=list(pos.sources),
                    note=pos.note or None,
                )
            rows.append(row)
    return rows


def acceptable_data(issue: Issue, acceptable: Acceptable) -> Any:
    """An acceptable set as data: ordered option ids, or ``{"min": lo, "max": hi}``."""
    if isinstance(acceptable, Span):
        return {"min": acceptable.lo, "max": acceptable.hi}
    return list(issue.ordered(acceptable))


def acceptable_cell(value: Any) -> str:
    """An acceptable set in a CSV cell: ``a|b|c`` or ``lo..hi``."""
    if isinstance(value, dict):
        return f"{value['min']:g}..{value['max']:g}"
    return "|".join(value)


def requires_cell(value: Any) -> str:
    """A ``requires`` mapping in a cell: ``issue=a|b; other=lo..hi``."""
    return "; ".join(f"{i}={acceptable_cell(v)}" for i, v in value.items())


def _cell(header: str, value: Any) -> Any:
    if value is None:
        return None
    if header == "acceptable":
        return acceptable_cell(value)
    if header == "requires":
        return requires_cell(value)
    if header == "sources":
        return " ".join(value)
    return value


def cmd_show(args: argparse.Namespace) -> int:
    case = case_of(args)
    at = date_of(args)
    parties = parties_of(args, case)
    rows = position_rows(case, at, parties)
    date = (at or case.as_of).isoformat()
    if args.format == "json":
        emit(json_text({"case": case.id, "title": case.title, "at": date, "positions": rows}))
        return 0
    headers = [
        "issue",
        "party",
        "ideal",
        "acceptable",
        "salience",
        "red_line",
        "requires",
        "confidence",
        "as_of",
        "sources",
        "note",
    ]
    if args.format == "csv":
        emit(csv_text(headers, ([_cell(h, r[h]) for h in headers] for r in rows)))
        return 0
    out = [f"Positions in force on {date} — {case.title} ({case.id})\n"]
    for issue in case.issues:
        kind = issue.scale + (
            f", {issue.unit} {issue.min:g}–{issue.max:g}" if issue.is_interval else ""
        )
        out.append(f"\n{issue.id} — {issue.name} ({kind})\n")
        body = []
        for r in rows:
            if r["issue"] != issue.id:
                continue
            if r["ideal"] is None:
                body.append([r["party"], "(no position)", "", None, "", ""])
            else:
                ideal = f"{r['ideal']:g}" if isinstance(r["ideal"], float) else r["ideal"]
                acc = r["acceptable_label"] + (
                    f"  [if {requires_cell(r['requires'])}]" if r["requires"] else ""
                )
                body.append(
                    [
                        r["party"],
                        ideal,
                        acc,
                        r["salience"],
                        "RED LINE" if r["red_line"] else "",
                        r["confidence"],
                    ]
                )
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
    emit("".join(out))
    return 0


# ---------------------------------------------------------------------- schema


def cmd_schema(args: argparse.Namespace) -> int:
    files = {name: schema_json(schema) for name, schema in schemas().items()}
    status = write_bundle(Path(args.folder), files, force=args.force)
    for name, how in status.items():
        emit(f"{how}: {Path(args.folder) / name}\n")
    return 0
