"""Analysis commands: ``matrix``, ``zones``, ``graph``.

Each command loads a case, calls the engine and prints (SALib's rule: no
analysis here). Tables are plain text for 80–120 column terminals; CSV and
JSON are stable (case order for rows and columns, sorted JSON keys, floats
rounded to 6 decimals, NaN as empty/null). The layouts are documented in each
command's ``--help`` and in docs/cli.md. ``zopa timeline`` lives in
:mod:`reports.cli.timeline`.
"""

from __future__ import annotations

import argparse
import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import engine
from engine import UnknownIdError
from reports.cli import kit
from reports.cli.kit import WIDTH, UsageError, format_table, json_text
from reports.cli.kit import plain_or_none as _py
from reports.export.output import write_file

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

    from engine import Case

__all__ = ["GRAPH_WRITERS", "WIDTH", "graph_bytes", "matrix_table", "register"]


def register(sub: argparse._SubParsersAction) -> None:
    p = kit.add_command(
        sub,
        "matrix",
        cmd_matrix,
        help="overlap, conflict, gap, distance or compatibility matrices",
        description=MATRIX_HELP,
        epilog=MATRIX_EPILOG,
        raw=True,
    )
    kit.add_case(p)
    p.add_argument(
        "--kind",
        choices=[*kit.MATRIX_KINDS, *PAIR_ONLY_KINDS],
        default="conflict",
        help="the measure (default: conflict)",
    )
    p.add_argument(
        "--measure",
        choices=["stake", "intensity"],
        default="stake",
        help="pair conflict and pair overlap: over every issue either party states "
        "(stake, default) or over the issues both state (intensity)",
    )
    p.add_argument("--issue", metavar="ID", help="one issue's matrix (see the list above)")
    _add_evaluation(p, table=True)

    p = kit.add_command(
        sub,
        "zones",
        cmd_zones,
        help="agreement zones per issue and the parties blocking them",
        description=ZONES_HELP,
        epilog=ZONES_EPILOG,
        raw=True,
    )
    kit.add_case(p)
    _add_evaluation(p, table=True)

    p = kit.add_command(
        sub,
        "graph",
        cmd_graph,
        help="the incompatibility graph: export and summary",
        description=GRAPH_HELP,
        epilog=GRAPH_EPILOG,
        raw=True,
    )
    kit.add_case(p)
    _add_evaluation(p, table=False)
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


def _add_evaluation(p: argparse.ArgumentParser, table: bool) -> None:
    """``--at`` and ``--parties``, then ``--format`` when the output is a table."""
    kit.add_at(p)
    kit.add_parties(p)
    if table:
        kit.add_format(p)


# --------------------------------------------------------------------- help

MATRIX_HELP = """\
Party × party matrices of the measures of docs/format.md and DESIGN.md:

  overlap     Jaccard |A∩B| / |A∪B| of the acceptable sets (interval lengths)
  gap         smallest distance between an acceptable point of each party
  distance    distance between the ideals
  conflict    issue conflict: gap × (salience_p + salience_q) / 2
  compatible  1 when the acceptable sets meet, 0 when they do not

Without --issue, with w_i = (s_p,i + s_q,i)/2 (salience 0 where a party has
no position), "shared" the issues both parties state, "either" the issues
at least one of them states:
  --kind conflict   pair conflict:  Σ_shared w·gap / Σ_either w   (--measure stake)
                                    Σ_shared w·gap / Σ_shared w   (--measure intensity)
  --kind overlap    pair overlap:   the same with overlap for gap
  --kind coverage   Σ_shared w / Σ_either w  (stake = intensity × coverage)
  --kind shared     the number of shared issues
  --kind gap, distance or compatible
                    one matrix per issue, in the case's order
With --issue ID: that issue's matrix of the chosen kind (not coverage, shared).

'–' (NaN): no position on the issue, or nothing to compare (see the footnote)."""

MATRIX_EPILOG = """\
CSV: one matrix: header 'party,<id>,<id>,…' then one row per party;
  per issue: header 'issue,party,<id>,…', the issues one after another.
JSON: {"case", "title", "at", "kind", "parties": [ids],
  "scope": "aggregate" | "issue" | "per issue"; aggregate adds "measure",
  "heading" and "formula" (what the numbers are),
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


# ---------------------------------------------------------------- helpers


def _date_text(case: Case, at: Any) -> str:
    return (at or case.as_of).isoformat()


def _issue_of(case: Case, issue_id: str) -> str:
    try:
        return case.issue(issue_id).id
    except UnknownIdError as exc:
        raise kit.UsageError(f"--issue: {exc}") from None


def _records(df: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {str(r): {str(c): _py(df.loc[r, c]) for c in df.columns} for r in df.index}


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

#: Kinds of ``zopa matrix`` that exist only for pairs over all issues (no --issue).
PAIR_ONLY_KINDS = ("coverage", "shared")

_TITLES = {
    "overlap": "Overlap (Jaccard of acceptable sets)",
    "gap": "Gap (smallest distance between acceptable points)",
    "distance": "Distance between ideals",
    "conflict": "Issue conflict (gap × (s_p + s_q) / 2)",
    "compatible": "Compatible (1: acceptable sets meet)",
}

_W = (
    "where w = (s_p + s_q)/2 with salience 0 where a party\n"
    "has no position; shared: the issues both parties state; either: the issues at least\n"
    "one of them states."
)

#: Title and formula lines of the matrices over all issues, by (kind, measure).
PAIR_HEADERS: dict[tuple[str, str], tuple[str, str]] = {
    ("conflict", "stake"): (
        "Pair conflict by stake",
        f"Σ_shared w·gap / Σ_either w, {_W}\n"
        "= intensity (--measure intensity) × coverage (--kind coverage).",
    ),
    ("conflict", "intensity"): (
        "Pair conflict, intensity",
        f"Σ_shared w·gap / Σ_shared w, {_W}\n"
        "Issues only one party states are not counted (see --kind coverage).",
    ),
    ("overlap", "stake"): (
        "Pair overlap by stake",
        f"Σ_shared w·overlap / Σ_either w, {_W}\n"
        "= intensity (--measure intensity) × coverage (--kind coverage).",
    ),
    ("overlap", "intensity"): (
        "Pair overlap, intensity",
        f"Σ_shared w·overlap / Σ_shared w, {_W}\n"
        "Issues only one party states are not counted (see --kind coverage).",
    ),
    ("coverage", "stake"): ("Coverage", f"Σ_shared w / Σ_either w, {_W}"),
    ("shared", "stake"): (
        "Shared issues",
        "The number of issues on which both parties state a position (diagonal: its own).",
    ),
}

#: The footnote of each matrix over all issues, by measure.
_FOOTNOTES = {
    "stake": "\n'–': nothing at stake (neither states an issue with a positive salience),\n"
    "or a party states no position.\n",
    "intensity": "\n'–': no shared issue, or every shared issue weighs 0.\n",
    "shared": "",
}


def cmd_matrix(args: argparse.Namespace) -> int:
    case = kit.case_of(args)
    at = kit.date_of(args)
    parties = kit.parties_of(args, case)
    issue = _issue_of(case, args.issue) if args.issue else None
    measure = args.measure
    if issue is not None and args.kind in PAIR_ONLY_KINDS:
        raise kit.UsageError(f"--kind {args.kind} is over all issues; it takes no --issue")
    if args.kind in PAIR_ONLY_KINDS:
        measure = "stake"  # coverage and the count have one definition
    scope, mats = _matrices(case, args.kind, issue, at, parties, measure)
    ids = list(case.resolve_parties(parties))
    date = _date_text(case, at)
    if args.format == "json":
        data: dict[str, Any] = {"case": case.id, "title": case.title, "at": date,
                                "kind": args.kind, "parties": ids, "scope": scope,
                                "issue": issue}  # fmt: skip
        if scope == "aggregate":
            title, formula = PAIR_HEADERS[(args.kind, measure)]
            data.update(measure=measure, heading=title, formula=formula.replace("\n", " "))
        if scope == "per issue":
            data["matrices"] = {i: _records(m) for i, m in mats.items()}
        else:
            data["matrix"] = _records(next(iter(mats.values())))
        kit.emit(kit.json_text(data))
    elif args.format == "csv" and scope == "per issue":
        rows = [[i, r, *m.loc[r].tolist()] for i, m in mats.items() for r in m.index]
        kit.emit(kit.csv_text(["issue", "party", *ids], rows))
    elif args.format == "csv":
        m = next(iter(mats.values()))
        kit.emit(kit.csv_text(["party", *ids], ([r, *m.loc[r].tolist()] for r in m.index)))
    else:
        kit.emit(_matrix_text(case, args.kind, scope, mats, date, measure))
    return 0


def _matrices(
    case: Case,
    kind: str,
    issue: str | None,
    at: Any,
    parties: tuple[str, ...] | None,
    measure: str = "stake",
) -> tuple[str, dict[str, pd.DataFrame]]:
    """The scope ("issue", "aggregate" or "per issue") and its matrices by issue ("": all)."""
    if issue is not None:
        return "issue", {issue: engine.issue_matrices(case, kind, at=at, parties=parties)[issue]}
    if kind in ("overlap", "conflict"):
        fn = engine.overlap_matrix if kind == "overlap" else engine.conflict_matrix
        return "aggregate", {"": fn(case, at=at, parties=parties, measure=measure)}
    if kind == "coverage":
        return "aggregate", {"": engine.coverage_matrix(case, at=at, parties=parties)}
    if kind == "shared":
        return "aggregate", {"": engine.shared_issues_matrix(case, at=at, parties=parties)}
    return "per issue", engine.issue_matrices(case, kind, at=at, parties=parties)


def _matrix_text(
    case: Case,
    kind: str,
    scope: str,
    mats: dict[str, pd.DataFrame],
    date: str,
    measure: str = "stake",
) -> str:
    if scope == "aggregate":
        title, formula = PAIR_HEADERS[(kind, measure)]
        out = [f"{title} — {case.title} ({case.id}), at {date}\n{formula}\n"]
        for m in mats.values():
            out += ["\n", matrix_table(m)]
        out.append(_FOOTNOTES["shared" if kind == "shared" else measure])
        return "".join(out)
    head = f"{_TITLES[kind]} — {case.title} ({case.id}), at {date}\n"
    out = [head]
    for i, m in mats.items():
        if i:
            iss = case.issue(i)
            out.append(f"\n{i} — {iss.name} ({iss.scale})\n")
        else:
            out.append("\n")
        out.append(matrix_table(m, indent="  " if i else ""))
    out.append("\n'–': no position on the issue, or no shared issue.\n")
    return "".join(out)


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
    case = kit.case_of(args)
    at = kit.date_of(args)
    parties = kit.parties_of(args, case)
    records = _zone_records(engine.agreement_zones(case, at=at, parties=parties))
    date = _date_text(case, at)
    if args.format == "json":
        data = {"case": case.id, "title": case.title, "at": date,
                "parties": list(case.resolve_parties(parties)), "zones": records}  # fmt: skip
        kit.emit(kit.json_text(data))
    elif args.format == "csv":
        headers = ["issue", "scale", "n_parties", "parties", "zone", "zone_ids", "empty",
                   "blocker_size", "blockers"]  # fmt: skip
        rows = [
            [r["issue"], r["scale"], r["n_parties"], " ".join(r["parties"]), r["zone"],
             " ".join(f"{x:g}" if isinstance(x, float) else x for x in r["zone_ids"]),
             r["empty"], r["blocker_size"], _blockers_text(r["blockers"], "|")]
            for r in records
        ]  # fmt: skip
        kit.emit(kit.csv_text(headers, rows))
    else:
        kit.emit(_zones_text(case, date, records))
    return 0


def _zone_records(z: pd.DataFrame) -> list[dict[str, Any]]:
    return [
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


def _zones_text(case: Case, date: str, records: list[dict[str, Any]]) -> str:
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
    return "".join(out)


# ------------------------------------------------------------------ graph


def _graphml(G: nx.Graph) -> bytes:
    import networkx as nx

    buf = io.BytesIO()
    nx.write_graphml(G, buf)
    return buf.getvalue()


def _gexf(G: nx.Graph) -> bytes:
    import networkx as nx

    buf = io.BytesIO()
    nx.write_gexf(G, buf)
    # networkx stamps today's date; use the evaluation date so output is reproducible
    at = str(G.graph.get("at", ""))
    return re.sub(
        rb'lastmodifieddate="[^"]*"', f'lastmodifieddate="{at}"'.encode(), buf.getvalue()
    )


def _node_link(G: nx.Graph) -> bytes:
    import networkx as nx

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
    case = kit.case_of(args)
    at = kit.date_of(args)
    parties = kit.parties_of(args, case)
    if args.top < 0:
        raise kit.UsageError("--top: give a number >= 0")
    G = engine.incompatibility_graph(case, at=at, parties=parties)
    data = graph_bytes(G, args.output) if args.output else None  # check the extension first
    kinds = [k for _, _, k in G.edges(data="kind")]
    out = [
        f"Incompatibility graph — {case.title} ({case.id}), at {_date_text(case, at)}\n",
        f"{G.number_of_nodes()} positions, {kinds.count('conflict')} conflict edges, "
        f"{kinds.count('linkage')} linkage edges\n",
    ]
    out += _central_lines(G, args.top)
    out += _cluster_lines(G)
    out += _relaxation_lines(G)
    if data is not None:
        status = write_file(args.output, data)
        out.append(f"\n{status}: {args.output}\n")
    kit.emit("".join(out))
    return 0


def _central_lines(G: nx.Graph, top: int) -> list[str]:
    """The ``top`` positions in conflict, by conflict strength."""
    cent = engine.position_centrality(G)
    cent = cent[cent["conflict_degree"] > 0].head(top)
    if not len(cent):
        return []
    rows = [
        [v, int(r.conflict_degree), float(r.conflict_strength), float(r.betweenness)]
        for v, r in cent.iterrows()
    ]
    headers = ["position", "conflicts", "strength", "betweenness"]
    return [
        "\nMost central positions (by conflict strength):\n",
        format_table(headers, rows, indent="  "),
    ]


def _cluster_lines(G: nx.Graph) -> list[str]:
    """The clusters of conflict (the first ten), one line each."""
    clusters = engine.conflict_clusters(G)
    out = [f"\nConflict clusters: {len(clusters)}\n"]
    for n, c in enumerate(clusters[:10], 1):
        issues = sorted({str(G.nodes[v].get("issue", "")) for v in c})
        members = ", ".join(str(G.nodes[v].get("party", v)) for v in c)
        line = f"  {n}. {'/'.join(issues)}: {members}"
        out.append((line if len(line) <= WIDTH else line[: WIDTH - 1] + "…") + "\n")
    if len(clusters) > 10:
        out.append(f"  … and {len(clusters) - 10} more\n")
    return out


def _relaxation_lines(G: nx.Graph) -> list[str]:
    """The cheapest set of positions to relax so that no conflict remains."""
    relax = engine.cheapest_relaxation(G)
    if not relax.positions:
        return ["\nNo conflict edge: nothing to relax.\n"]
    how = "exact" if relax.exact else "approximate, at most twice the minimum"
    rows = [
        [v, G.nodes[v].get("acceptable", ""), float(G.nodes[v].get("salience", 1.0))]
        for v in relax.positions
    ]
    return [
        f"\nCheapest relaxation ({how}; {relax.method}): relax {len(relax.positions)} "
        f"position(s), total salience {relax.total_salience:.2f}\n",
        format_table(["position", "acceptable now", "salience"], rows, indent="  "),
        *(f"  note: {n}\n" for n in relax.notes),
    ]
