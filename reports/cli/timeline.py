"""Timeline command: ``timeline`` (conflict and zones per snapshot, who moved).

The command loads a case, calls :func:`engine.timeline`,
:func:`engine.issue_timeline` and :func:`engine.position_changes` and prints
(SALib's rule: no analysis here). Layouts are documented in the command's
``--help`` and in docs/cli.md.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

import engine
from reports.cli import kit
from reports.cli.kit import format_table

if TYPE_CHECKING:
    from engine import Case

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    p = kit.add_command(
        sub,
        "timeline",
        cmd_timeline,
        help="conflict and agreement zones per snapshot; who hardened, who softened",
        description=TIMELINE_HELP,
        epilog=TIMELINE_EPILOG,
        raw=True,
    )
    kit.add_case(p)
    kit.add_parties(p)
    kit.add_format(p)
    p.add_argument(
        "--changes",
        action="store_true",
        help="only the position changes (CSV: the change list instead of the snapshots)",
    )


TIMELINE_HELP = """\
The case at each snapshot (the case's named snapshots, else every statement
date): the pair conflict by stake of two parties (the first two belligerents
chosen: Σ_shared w·gap / Σ_either w, a share comparable between dates), the
share of compared issues (two or more positions) with a non-empty agreement
zone, the chosen parties with no position at all, the total conflict (Σ over
issues and pairs of gap × (s_p + s_q)/2: a sum, which grows with the positions
stated), how many issues have positions, how many are compared and how many
of those have a zone, and the mean pair overlap by stake. Then every position that changed between consecutive snapshots:
new, withdrawn, softened (acceptable set grew or red line dropped), hardened
(set shrank or red line added), moved (ideal moved, or mixed changes) or
other (salience or linkage only)."""

TIMELINE_EPILOG = """\
CSV: the snapshots (snapshot, date, label, pair_conflict, open_zone_share,
  without_position, total_conflict, issues_with_positions, issues_compared,
  open_zones, mean_overlap); with
  --changes the changes instead (party, issue, from_snapshot, to_snapshot,
  from_date, to_date, kind, changed, before, after, salience_before,
  salience_after).
JSON: {"case", "title", "parties", "pair": [id, id] or null (the pair
  followed), "snapshots": [rows as above],
  "issues": [{"snapshot", "issue", "date", "n_parties", "total_conflict",
  "incompatible_pairs", "zone_empty"}], "changes": [rows as above]};
  with --changes only "changes". Dates are ISO strings."""


def _row_json(row: dict[str, Any]) -> dict[str, Any]:
    """A row of an engine table for output: dates as ISO strings, NaN as None."""
    import pandas as pd

    out = {}
    for k, v in row.items():
        if isinstance(v, pd.Timestamp):
            v = v.date().isoformat()
        out[str(k)] = kit.plain_or_none(v)
    return out


def cmd_timeline(args: argparse.Namespace) -> int:
    case = kit.case_of(args)
    parties = kit.parties_of(args, case)
    changes = engine.position_changes(case, parties=parties)
    change_rows = [_row_json(r) for r in changes.to_dict("records")]
    snaps = None if args.changes else engine.timeline(case, parties=parties)
    snap_rows = (
        []
        if snaps is None
        else [_row_json({"snapshot": i, **r}) for i, r in snaps.to_dict("index").items()]
    )
    if args.format == "json":
        data: dict[str, Any] = {
            "case": case.id,
            "title": case.title,
            "parties": list(case.resolve_parties(parties)),
            "changes": change_rows,
        }
        if not args.changes:
            it = engine.issue_timeline(case, parties=parties).reset_index()
            assert snaps is not None
            data["pair"] = None if snaps.attrs["pair"] is None else list(snaps.attrs["pair"])
            data["snapshots"] = snap_rows
            data["issues"] = [_row_json(r) for r in it.to_dict("records")]
        kit.emit(kit.json_text(data))
    elif args.format == "csv":
        rows = change_rows if args.changes else snap_rows
        headers = (
            list(changes.columns)
            if args.changes
            else ["snapshot", *(snaps.columns if snaps is not None else [])]
        )
        kit.emit(kit.csv_text(headers, ([r[h] for h in headers] for r in rows)))
    else:
        pair = None if snaps is None else snaps.attrs["pair"]
        kit.emit(_timeline_text(case, snap_rows, change_rows, args.changes, pair))
    return 0


def _timeline_text(
    case: Case,
    snap_rows: list[dict[str, Any]],
    change_rows: list[dict[str, Any]],
    changes_only: bool,
    pair: tuple[str, str] | None = None,
) -> str:
    """The table layout of ``zopa timeline``: the snapshots, then the changes between them."""
    out = [f"Timeline — {case.title} ({case.id})\n"]
    if not changes_only:
        out += _snapshot_table(snap_rows, pair)
    out.append(f"\nPosition changes between snapshots: {len(change_rows)}\n")
    for (s0, s1), grp in _groups(change_rows):
        out.append(f"\n{s0} → {s1}\n")
        body = [[r["party"], r["issue"], r["kind"], r["before"], r["after"]] for r in grp]
        out.append(
            format_table(
                ["party", "issue", "kind", "before", "after"], body, max_width=34, indent="  "
            )
        )
    return "".join(out)


def _snapshot_table(snap_rows: list[dict[str, Any]], pair: tuple[str, str] | None) -> list[str]:
    body = [
        [r["snapshot"], r["date"], r["label"], r["pair_conflict"], r["open_zone_share"],
         r["without_position"] or "", r["total_conflict"], r["issues_compared"],
         r["open_zones"]]
        for r in snap_rows
    ]  # fmt: skip
    headers = ["snapshot", "date", "label", "pair", "open share", "no position", "total",
               "compared", "open"]  # fmt: skip
    who = "–".join(pair) if pair else "none (fewer than two parties)"
    return [
        "\n" + format_table(headers, body, align="lllrrlrrr", max_width=28),
        f"\npair: pair conflict by stake of {who}, Σ_shared w·gap / Σ_either w with\n"
        "w = (s_p + s_q)/2 (salience 0 without a position); open share: open / compared;\n"
        "no position: chosen parties with no position at all; total: total conflict,\n"
        "Σ gap × (s_p + s_q)/2 over issues and pairs (a sum: it grows with the positions\n"
        "stated); compared: issues with two or more positions; open: compared issues\n"
        "with a non-empty agreement zone. CSV and JSON add issues_with_positions and\n"
        "mean_overlap (mean pair overlap by stake).\n",
    ]


def _groups(rows: list[dict[str, Any]]) -> list[tuple[tuple[str, str], list[dict[str, Any]]]]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["from_snapshot"], r["to_snapshot"]), []).append(r)
    return list(groups.items())
