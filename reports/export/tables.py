"""Tables and files built from a case, shared by ``zopa export`` and the commands that print them.

Stable text (CSV and JSON with floats rounded to 6 decimals, NaN as empty or
null), the positions table, and a graph as bytes in the format its file
extension names. Light to import: numpy, networkx and matplotlib are loaded
inside the functions that need them.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import engine

if TYPE_CHECKING:
    import networkx as nx

    from engine import Case, Issue, Position
    from engine.model.case import Acceptable

__all__ = [
    "GRAPH_WRITERS",
    "POSITION_COLUMNS",
    "acceptable_cell",
    "acceptable_data",
    "csv_text",
    "graph_bytes",
    "json_text",
    "position_csv_rows",
    "position_rows",
    "requires_cell",
    "rounded",
]


# ------------------------------------------------------------------ stable text


def rounded(x: Any, digits: int = 6) -> Any:
    """Round floats for CSV/JSON (NaN → None); leave other values alone."""
    if isinstance(x, float):
        return None if math.isnan(x) else round(x, digits) + 0.0
    if hasattr(x, "item") and not isinstance(x, str | bytes):  # numpy scalars
        return rounded(x.item(), digits)
    if isinstance(x, dict):
        return {str(k): rounded(v, digits) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [rounded(v, digits) for v in x]
    return x


def json_text(data: Any) -> str:
    """Stable JSON: sorted keys, 2-space indent, UTF-8, floats to 6 decimals, final newline."""
    return (
        json.dumps(rounded(data), indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
        + "\n"
    )


#: What a spreadsheet reads as the start of a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(v: Any) -> Any:
    """Text that a spreadsheet would run as a formula, made inert with a leading ``'``.

    Only text is changed (numbers are written as numbers); the ``'`` is what
    spreadsheets themselves use to mark a cell as text (docs/cli.md, "Exports").

    Examples
    --------
    >>> spreadsheet_text('=HYPERLINK("http://x")'), spreadsheet_text("-1"), spreadsheet_text(-1)
    ('\\'=HYPERLINK("http://x")', "'-1", -1)
    """
    if isinstance(v, str) and v.startswith(FORMULA_STARTS):
        return "'" + v
    return v


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV with a header row; floats to 6 significant digits, text made formula-safe."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([spreadsheet_text(str(h)) for h in headers])
    for row in rows:
        w.writerow(
            [
                "" if v is None else (f"{v:.6g}" if isinstance(v, float) else spreadsheet_text(v))
                for v in rounded(list(row))
            ]
        )
    return buf.getvalue()


# -------------------------------------------------------------- positions table


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
    if isinstance(acceptable, engine.Span):
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


#: The columns of the positions table in CSV (``zopa show``, ``zopa export``).
POSITION_COLUMNS = [
    "issue", "party", "ideal", "acceptable", "salience", "red_line", "requires", "confidence",
    "as_of", "sources", "note",
]  # fmt: skip


def position_csv_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """:func:`position_rows` as CSV cells (acceptable ``a|b`` or ``lo..hi``, requires ``i=a|b``)."""
    return [[_cell(h, r[h]) for h in POSITION_COLUMNS] for r in rows]


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


# ------------------------------------------------------------------------ graphs


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
    """The bytes of ``G`` in the format the extension of ``path`` names.

    Raises
    ------
    ValueError
        An extension not in :data:`GRAPH_WRITERS` (the message names those allowed).
    """
    ext = Path(path).suffix.lower()
    writer = GRAPH_WRITERS.get(ext)
    if writer is None:
        allowed = ", ".join(sorted(GRAPH_WRITERS))
        got = f"'{ext}'" if ext else "no extension"
        raise ValueError(f"{got} is not a graph format zopa writes; use one of: {allowed}")
    return writer(G)
