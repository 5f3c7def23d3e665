"""Analysis commands: ``matrix``, ``zones``, ``graph``, ``timeline``.

Each command loads a case, calls the engine and prints (SALib's rule: no
analysis here). Tables are plain text for 80–120 column terminals; CSV and
JSON are stable (case order for rows and columns, sorted JSON keys, floats
rounded to 6 decimals, NaN as empty/null). The layouts are documented in each
command's ``--help`` and in docs/cli.md.
"""

from __future__ import annotations

import argparse
import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

import engine
from engine import Case, UnknownIdError
from engine.analysis.measures import MATRIX_KINDS
from reports.cli.kit import (
    UsageError,
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
from reports.export.output import write_file

__all__ = ["GRAPH_WRITERS", "graph_bytes", "matrix_table", "register"]

#: Terminal width the tables are laid out for (wider matrices are split into column blocks).
WIDTH = 100
_RAW = argparse.RawDescriptionHelpFormatter


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "matrix",
        help="overlap, conflict, gap, distance or compatibility matrices",
        formatter_class=_RAW,
        description=MATRIX_HELP,
        epilog=MATRIX_EPILOG,
    )
    add_case(p)
    p.add_argument(
        "--kind",
        choices=list(MATRIX_KINDS),
        default="conflict",
        help="the measure (default: conflict)",
    )
    p.add_argument("--issue", metavar="ID", help="one issue's matrix (see the list above)")
    add_at(p)
    add_parties(p)
    add_format(p)
    p.set_defaults(func=cmd_matrix)

    p = sub.add_parser(
        "zones",
        help="agreement zones per issue and the parties blocking them",
        formatter_class=_RAW,
        description=ZONES_HELP,
        epilog=ZONES_EPILOG,
    )
    add_case(p)
    add_at(p)
    add_parties(p)
    add_format(p)
    p.set_defaults(func=cmd_zones)

    p = sub.add_parser(
        "graph",
        help="the incompatibility graph: export and summary",
        formatter_class=_RAW,
        description=GRAPH_HELP,
        epilog=GRAPH_EPILOG,
    )
    add_case(p)
    add_at(p)
    add_parties(p)
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the graph; the format follows the extension: "
        + ", ".join(sorted(GRAPH_WRITERS)),
    )
    p.add_argument(
        "--top", type=int, default=5, metavar="N", help="central positions to list (default: 5)"
    )
    p.set_defaults(func=cmd_graph)

    p = sub.add_parser(
        "timeline",
        help="conflict and agreement zones per snapshot; who hardened, who softened",
        formatter_class=_RAW,
        description=TIMELINE_HELP,
        epilog=TIMELINE_EPILOG,
    )
    add_case(p)
    add_parties(p)
    add_format(p)
    p.add_argument(
        "--changes",
        action="store_true",
        help="only the position changes (CSV: the change list instead of the snapshots)",
    )
    p.set_defaults(func=cmd_timeline)


# --------------------------------------------------------------------- help

MATRIX_HELP = """\
Party × party matrices of the measures of docs/format.md and DESIGN.md:

  overlap     Jaccard |A∩B| / |A∪B| of the acceptable sets (interval lengths)
  gap         smallest distance between an acceptable point of each party
  distance    distance between the ideals
  conflict    gap × (salience_p + salience_q) / 2
  compatible  1 when the acceptable sets meet, 0 when they do not

Without --issue:
  --kind overlap or conflict   the aggregate matrix: the salience-weighted mean
                               over the issues both parties have positions on,
                               w = (s_p + s_q)/2 (conflict: Σ w·gap / Σ w)
  --kind gap, distance or compatible
                               one matrix per issue, in the case's order
With --issue ID: that issue's matrix of the chosen kind.

'–' (NaN): no position on the issue, or no shared issue."""

MATRIX_EPILOG = """\
CSV: one matrix: header 'party,<id>,<id>,…' then one row per party;
  per issue: header 'issue,party,<id>,…', the issues one after another.
JSON: {"case", "title", "at", "kind", "parties": [ids],
  "scope": "aggregate" | "issue" | "per issue",
  "issue": id or null, "matrix": {row: {column: value}}} for one matrix;
  per issue, "matrices": {issue: {row: {column: value}}} instead of "matrix".
  Values are rounded to 6 decimals; NaN is null. Rows and columns follow the
  case's order of parties."""

ZONES_HELP = """\
The agreement zone of each issue is the intersection of the acceptable sets
of the parties with a position on it. When it is empty, the blockers are the
smallest sets of parties whose removal would open it (every such set, exact).
A zone over fewer than two parties is not an agreement: see the 'n' column."""

ZONES_EPILOG = """\
CSV columns: issue, scale, n_parties, parties (space-separated ids), zone
  (readable), zone_ids (option ids, or 'lo hi', space-separated; empty when
  the zone is empty), empty (True/False), blocker_size, blockers (sets
  separated by '|', members by '+', e.g. 'russia|ukraine+usa').
JSON: {"case", "title", "at", "parties", "zones": [{"issue", "scale",
  "n_parties", "parties": [ids], "zone", "zone_ids": [ids] or [lo, hi],
  "empty", "blocker_size", "blockers": [[ids], …]}]} in the case's order."""

GRAPH_HELP = """\
The incompatibility graph: nodes are the stated positions ('party:issue'),
conflict edges join positions on one issue whose acceptable sets do not meet
(weight = conflict), linkage edges join a position to the positions on the
issue its 'requires' names. Prints the most central positions, the clusters
of conflict and the cheapest set of positions to relax so that no conflict
remains (a minimum weighted vertex cover by salience; exact up to the sizes
people write by hand, else a 2-approximation, as stated)."""

GRAPH_EPILOG = """\
Output formats, by the extension of -o:
  .graphml  GraphML (yEd, Gephi, Cytoscape; networkx.read_graphml)
  .gexf     GEXF 1.2 (Gephi)
  .json     networkx node-link JSON ({"nodes": […], "edges": […]}, sorted keys)
  .svg .png .pdf  a picture of the graph (the report's figure: issues as rows,
            parties as columns, conflicts as arcs, linkages dashed)
Node attributes: party, issue, party_name, issue_name, party_short,
issue_short, role, scale, label,
ideal, ideal_label, acceptable, acceptable_ids, salience, red_line, requires,
confidence, as_of, sources, note. Edge attributes: kind (conflict|linkage),
weight; conflict edges: issue, conflict, gap, distance, overlap; linkage
edges: holders, condition."""

TIMELINE_HELP = """\
The case at each snapshot (the case's named snapshots, else every statement
date): total conflict (Σ over issues and pairs of gap × mean salience), how
many issues have positions, how many are compared (two or more positions)
and how many of those have a non-empty agreement zone, and the mean overlap
over pairs. Then every position that changed between consecutive snapshots:
new, withdrawn, softened (acceptable set grew or red line dropped), hardened
(set shrank or red line added), moved (ideal moved, or mixed changes) or
other (salience or linkage only)."""

TIMELINE_EPILOG = """\
CSV: the snapshots (snapshot, date, label, total_conflict,
  issues_with_positions, issues_compared, open_zones, mean_overlap); with
  --changes the changes instead (party, issue, from_snapshot, to_snapshot,
  from_date, to_date, kind, changed, before, after, salience_before,
  salience_after).
JSON: {"case", "title", "parties", "snapshots": [rows as above],
  "issues": [{"snapshot", "issue", "date", "n_parties", "total_conflict",
  "incompatible_pairs", "zone_empty"}], "changes": [rows as above]};
  with --changes only "changes". Dates are ISO strings."""


# ---------------------------------------------------------------- helpers


def _date_text(case: Case, at: Any) -> str:
    return (at or case.as_of).isoformat()


def _issue_of(case: Case, issue_id: str) -> str:
    try:
        return case.issue(issue_id).id
    except UnknownIdError as exc:
        raise UsageError(f"--issue: {exc}") from None


def _records(df: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {str(r): {str(c): _py(df.loc[r, c]) for c in df.columns} for r in df.index}


def _py(v: Any) -> Any:
    if hasattr(v, "item") and not isinstance(v, str | bytes | tuple):
        v = v.item()
    if isinstance(v, float) and v != v:
        return None
    return v


def matrix_table(df: pd.DataFrame, *, width: int = WIDTH, indent: str = "") -> str:
    """A party × party matrix as text, split into column blocks wider than ``width``."""
    cols = [str(c) for c in df.columns]
    label_w = max([len("party"), *(len(str(r)) for r in df.index)])
    col_w = [max(len(c), 4) for c in cols]
    blocks: list[list[int]] = [[]]
    used = len(indent) + label_w
    for j, w in enumerate(col_w):
        if blocks[-1] and used + 2 + w > width:
            blocks.append([])
            used = len(indent) + label_w
        blocks[-1].append(j)
        used += 2 + w
    out = []
    for b in blocks:
        headers = ["party", *(cols[j] for j in b)]
        rows = [[str(r), *(_py(df.iloc[i, j]) for j in b)] for i, r in enumerate(df.index)]
        out.append(format_table(headers, rows, align="l" + "r" * len(b), indent=indent))
    return "\n".join(out)


# ----------------------------------------------------------------- matrix

_TITLES = {
    "overlap": "Overlap (Jaccard of acceptable sets)",
    "gap": "Gap (smallest distance between acceptable points)",
    "distance": "Distance between ideals",
    "conflict": "Conflict (gap × mean salience)",
    "compatible": "Compatible (1: acceptable sets meet)",
}


def cmd_matrix(args: argparse.Namespace) -> int:
    case = case_of(args)
    at = date_of(args)
    parties = parties_of(args, case)
    kind = args.kind
    issue = _issue_of(case, args.issue) if args.issue else None
    date = _date_text(case, at)
    if issue is not None:
        scope = "issue"
        mats = {issue: engine.issue_matrices(case, kind, at=at, parties=parties)[issue]}
    elif kind in ("overlap", "conflict"):
        scope = "aggregate"
        fn = engine.overlap_matrix if kind == "overlap" else engine.conflict_matrix
        mats = {"": fn(case, at=at, parties=parties)}
    else:
        scope = "per issue"
        mats = engine.issue_matrices(case, kind, at=at, parties=parties)
    ids = list(case.resolve_parties(parties))
    if args.format == "json":
        data: dict[str, Any] = {
            "case": case.id,
            "title": case.title,
            "at": date,
            "kind": kind,
            "parties": ids,
            "scope": scope,
            "issue": issue,
        }
        if scope == "per issue":
            data["matrices"] = {i: _records(m) for i, m in mats.items()}
        else:
            data["matrix"] = _records(next(iter(mats.values())))
        emit(json_text(data))
        return 0
    if args.format == "csv":
        if scope == "per issue":
            rows = [[i, r, *m.loc[r].tolist()] for i, m in mats.items() for r in m.index]
            emit(csv_text(["issue", "party", *ids], rows))
        else:
            m = next(iter(mats.values()))
            emit(csv_text(["party", *ids], ([r, *m.loc[r].tolist()] for r in m.index)))
        return 0
    head = f"{_TITLES[kind]} — {case.title} ({case.id}), at {date}\n"
    if scope == "aggregate":
        head += "Salience-weighted mean over the issues both parties have positions on.\n"
    out = [head]
    for i, m in mats.items():
        if i:
            iss = case.issue(i)
            out.append(f"\n{i} — {iss.name} ({iss.scale})\n")
        else:
            out.append("\n")
        out.append(matrix_table(m, indent="  " if i else ""))
    out.append("\n'–': no position on the issue, or no shared issue.\n")
    emit("".join(out))
    return 0


# ------------------------------------------------------------------ zones


def _blockers_text(blockers: Sequence[Sequence[str]], sep: str, width: int = 0) -> str:
    """Blocking sets joined by ``sep``; with ``width``, cut at whole sets ("+ N more")."""
    sets = ["+".join(b) for b in blockers]
    text = sep.join(sets)
    if not width or len(text) <= width:
        return text
    shown: list[str] = []
    for s in sets:
        rest = len(sets) - len(shown) - 1
        tail = f"{sep}{rest} more" if rest else ""
        if shown and len(sep.join([*shown, s]) + tail) > width:
            break
        shown.append(s)
    return sep.join([*shown, f"{len(sets) - len(shown)} more"])


def _zone_ids(ids: Sequence[Any]) -> list[Any]:
    return [float(x) if isinstance(x, int | float) else x for x in ids]


def cmd_zones(args: argparse.Namespace) -> int:
    case = case_of(args)
    at = date_of(args)
    parties = parties_of(args, case)
    z = engine.agreement_zones(case, at=at, parties=parties)
    date = _date_text(case, at)
    records = [
        {
            "issue": str(i),
            "scale": r["scale"],
            "n_parties": int(r["n_parties"]),
            "parties": list(r["parties"]),
            "zone": r["zone"],
            "zone_ids": _zone_ids(r["zone_ids"]),
            "empty": bool(r["empty"]),
            "blocker_size": int(r["blocker_size"]),
            "blockers": [list(b) for b in r["blockers"]],
        }
        for i, r in z.iterrows()
    ]
    if args.format == "json":
        emit(
            json_text(
                {
                    "case": case.id,
                    "title": case.title,
                    "at": date,
                    "parties": list(case.resolve_parties(parties)),
                    "zones": records,
                }
            )
        )
        return 0
    if args.format == "csv":
        headers = ["issue", "scale", "n_parties", "parties", "zone", "zone_ids", "empty",
                   "blocker_size", "blockers"]  # fmt: skip
        rows = [
            [r["issue"], r["scale"], r["n_parties"], " ".join(r["parties"]), r["zone"],
             " ".join(f"{x:g}" if isinstance(x, float) else x for x in r["zone_ids"]),
             r["empty"], r["blocker_size"], _blockers_text(r["blockers"], "|")]
            for r in records
        ]  # fmt: skip
        emit(csv_text(headers, rows))
        return 0
    out = [f"Agreement zones — {case.title} ({case.id}), at {date}\n\n"]
    body = [
        [
            r["issue"],
            r["n_parties"],
            r["zone"],
            _blockers_text(r["blockers"], " | ", width=60) if r["empty"] else "",
        ]
        for r in records
    ]
    out.append(format_table(["issue", "n", "zone", "blockers"], body, align="lrll", max_width=60))
    n_empty = sum(r["empty"] for r in records)
    out.append(
        f"\n{n_empty} of {len(records)} zones empty. n: parties with a position. Blockers: the "
        "smallest sets of parties\nwhose removal opens the zone ('+' joins a set's members, "
        "'|' separates the sets).\n"
    )
    emit("".join(out))
    return 0


# ------------------------------------------------------------------ graph


def _graphml(G: nx.Graph) -> bytes:
    buf = io.BytesIO()
    nx.write_graphml(G, buf)
    return buf.getvalue()


def _gexf(G: nx.Graph) -> bytes:
    buf = io.BytesIO()
    nx.write_gexf(G, buf)
    # networkx stamps today's date; use the evaluation date so output is reproducible
    at = str(G.graph.get("at", ""))
    return re.sub(
        rb'lastmodifieddate="[^"]*"', f'lastmodifieddate="{at}"'.encode(), buf.getvalue()
    )


def _node_link(G: nx.Graph) -> bytes:
    data = nx.node_link_data(G, edges="edges")
    return json_text(data).encode("utf-8")


def _picture(fmt: str) -> Callable[[nx.Graph], bytes]:
    """A writer that draws the graph (the report's figure) as SVG, PNG or PDF."""

    def write(G: nx.Graph) -> bytes:
        # matplotlib only when a picture is asked for
        from reports.figures import style
        from reports.figures.graph import alt_graph, graph_data, plot_graph, size_graph

        data = graph_data(G)
        fig, ax = style.new_figure(*size_graph(data))
        plot_graph(data, ax=ax)
        if fmt == "svg":
            return style.to_svg(fig, alt=alt_graph(data)).encode("utf-8")
        return style.to_png(fig) if fmt == "png" else style.to_pdf(fig)

    return write


#: Graph writers by file extension: ``G -> bytes``. Data formats keep every
#: attribute; picture formats draw the report's figure of the graph.
GRAPH_WRITERS: dict[str, Callable[[nx.Graph], bytes]] = {
    ".graphml": _graphml,
    ".gexf": _gexf,
    ".json": _node_link,
    ".svg": _picture("svg"),
    ".png": _picture("png"),
    ".pdf": _picture("pdf"),
}


def graph_bytes(G: nx.Graph, path: str | Path) -> bytes:
    """The bytes of ``G`` in the format the extension of ``path`` names."""
    ext = Path(path).suffix.lower()
    writer = GRAPH_WRITERS.get(ext)
    if writer is None:
        allowed = ", ".join(sorted(GRAPH_WRITERS))
        got = f"'{ext}'" if ext else "no extension"
        raise UsageError(
            f"--output: {got} is not a graph format zopa writes; use one of: {allowed}"
        )
    return writer(G)


def cmd_graph(args: argparse.Namespace) -> int:
    case = case_of(args)
    at = date_of(args)
    parties = parties_of(args, case)
    if args.top < 0:
        raise UsageError("--top: give a number >= 0")
    G = engine.incompatibility_graph(case, at=at, parties=parties)
    data = graph_bytes(G, args.output) if args.output else None  # check the extension first
    kinds = [k for _, _, k in G.edges(data="kind")]
    out = [
        f"Incompatibility graph — {case.title} ({case.id}), at {_date_text(case, at)}\n",
        f"{G.number_of_nodes()} positions, {kinds.count('conflict')} conflict edges, "
        f"{kinds.count('linkage')} linkage edges\n",
    ]
    cent = engine.position_centrality(G)
    cent = cent[cent["conflict_degree"] > 0].head(args.top)
    if len(cent):
        out.append("\nMost central positions (by conflict strength):\n")
        rows = [
            [v, int(r.conflict_degree), float(r.conflict_strength), float(r.betweenness)]
            for v, r in cent.iterrows()
        ]
        out.append(
            format_table(["position", "conflicts", "strength", "betweenness"], rows, indent="  ")
        )
    clusters = engine.conflict_clusters(G)
    out.append(f"\nConflict clusters: {len(clusters)}\n")
    for n, c in enumerate(clusters[:10], 1):
        issues = sorted({str(G.nodes[v].get("issue", "")) for v in c})
        members = ", ".join(str(G.nodes[v].get("party", v)) for v in c)
        line = f"  {n}. {'/'.join(issues)}: {members}"
        out.append((line if len(line) <= WIDTH else line[: WIDTH - 1] + "…") + "\n")
    if len(clusters) > 10:
        out.append(f"  … and {len(clusters) - 10} more\n")
    relax = engine.cheapest_relaxation(G)
    if relax.positions:
        how = "exact" if relax.exact else "approximate, at most twice the minimum"
        out.append(
            f"\nCheapest relaxation ({how}; {relax.method}): relax {len(relax.positions)} "
            f"position(s), total salience {relax.total_salience:.2f}\n"
        )
        rows = [
            [v, G.nodes[v].get("acceptable", ""), float(G.nodes[v].get("salience", 1.0))]
            for v in relax.positions
        ]
        out.append(format_table(["position", "acceptable now", "salience"], rows, indent="  "))
        out += [f"  note: {n}\n" for n in relax.notes]
    else:
        out.append("\nNo conflict edge: nothing to relax.\n")
    if data is not None:
        status = write_file(args.output, data)
        out.append(f"\n{status}: {args.output}\n")
    emit("".join(out))
    return 0


# --------------------------------------------------------------- timeline


def _row_json(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in row.items():
        if isinstance(v, pd.Timestamp):
            v = v.date().isoformat()
        out[str(k)] = _py(v)
    return out


def cmd_timeline(args: argparse.Namespace) -> int:
    case = case_of(args)
    parties = parties_of(args, case)
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
            data["snapshots"] = snap_rows
            data["issues"] = [_row_json(r) for r in it.to_dict("records")]
        emit(json_text(data))
        return 0
    if args.format == "csv":
        rows = change_rows if args.changes else snap_rows
        headers = (
            list(changes.columns)
            if args.changes
            else ["snapshot", *(snaps.columns if snaps is not None else [])]
        )
        emit(csv_text(headers, ([r[h] for h in headers] for r in rows)))
        return 0
    out = [f"Timeline — {case.title} ({case.id})\n"]
    if not args.changes:
        body = [
            [r["snapshot"], r["date"], r["label"], r["total_conflict"], r["issues_with_positions"],
             r["issues_compared"], r["open_zones"], r["mean_overlap"]]
            for r in snap_rows
        ]  # fmt: skip
        headers = [
            "snapshot",
            "date",
            "label",
            "conflict",
            "issues",
            "compared",
            "open",
            "overlap",
        ]
        out.append("\n" + format_table(headers, body, align="lllrrrrr", max_width=28))
        out.append(
            "\nconflict: Σ gap × mean salience over issues and pairs; issues: with a position; "
            "compared: with two\nor more; open: compared issues with a non-empty agreement zone; "
            "overlap: mean pairwise overlap.\n"
        )
    out.append(f"\nPosition changes between snapshots: {len(change_rows)}\n")
    for (s0, s1), grp in _groups(change_rows):
        out.append(f"\n{s0} → {s1}\n")
        body = [[r["party"], r["issue"], r["kind"], r["before"], r["after"]] for r in grp]
        out.append(
            format_table(
                ["party", "issue", "kind", "before", "after"], body, max_width=34, indent="  "
            )
        )
    emit("".join(out))
    return 0


def _groups(rows: list[dict[str, Any]]) -> list[tuple[tuple[str, str], list[dict[str, Any]]]]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["from_snapshot"], r["to_snapshot"]), []).append(r)
    return list(groups.items())
