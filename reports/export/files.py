"""``zopa export``: the matrices and tables as CSV and one XLSX workbook, the graph as
GraphML, and the positions in force as JSON — for further work in a spreadsheet,
R, pandas or Gephi.

Every file is deterministic: sorted in case order, floats rounded to 6
decimals in CSV/JSON, and the XLSX workbook written with fixed zip
timestamps and document properties (the case's evaluation date is the only
date), so the same input gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any

import pandas as pd

import engine
from engine import Case
from reports.cli.analysis import graph_bytes
from reports.cli.case import POSITION_COLUMNS, position_csv_rows, position_rows
from reports.cli.kit import csv_text, json_text

__all__ = ["export_files"]

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _long_pairs(case: Case, at: Any, parties: tuple[str, ...]) -> pd.DataFrame:
    """Per-issue pair measures in long form: issue, party, other, and each measure."""
    kinds = ("compatible", "overlap", "gap", "distance", "conflict")
    mats = {k: engine.issue_matrices(case, k, at=at, parties=parties) for k in kinds}
    rows = []
    for issue in case.issue_ids:
        for i, p in enumerate(parties):
            for q in parties[i + 1 :]:
                vals = {k: mats[k][issue].loc[p, q] for k in kinds}
                if all(pd.isna(v) for v in vals.values()):
                    continue  # one of the two has no position
                rows.append(
                    {
                        "issue": issue,
                        "party": p,
                        "other": q,
                        **{k: float(v) for k, v in vals.items()},
                    }
                )
    return pd.DataFrame(rows, columns=["issue", "party", "other", *kinds])


def _frame_csv(df: pd.DataFrame, index: bool = True) -> str:
    if index:
        df = df.reset_index()
    return csv_text(list(map(str, df.columns)), df.itertuples(index=False, name=None))


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Cells that CSV and Excel can hold: tuples and lists joined as text."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(_cell)
    return out


def _cell(v: Any) -> Any:
    if isinstance(v, tuple | list):
        return "; ".join(_cell(x) if isinstance(x, tuple | list) else str(x) for x in v)
    return v


def _xlsx(sheets: dict[str, pd.DataFrame], date: str) -> bytes:
    """One workbook, a sheet each, with fixed metadata and zip timestamps."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, df in sheets.items():
            df.to_excel(writer, sheet_name=name[:31], index=False)
            ws = writer.sheets[name[:31]]
            ws.freeze_panes = "A2"
            for col in ws.columns:
                width = max((len(str(c.value)) for c in col if c.value is not None), default=8)
                ws.column_dimensions[col[0].column_letter].width = min(60, max(8, width + 2))
        props = writer.book.properties
        stamp = pd.Timestamp(date).to_pydatetime()
        props.created = props.modified = stamp
        props.creator = props.lastModifiedBy = "zopa"
    return _normalise_zip(buf.getvalue(), date)


def _normalise_zip(data: bytes, date: str) -> bytes:
    """Rewrite a zip (XLSX) with fixed timestamps, order and core-property dates."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            body = src.read(name)
            if name == "docProps/core.xml":
                body = re.sub(
                    rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", f"{date}T00:00:00Z".encode(), body
                )
            info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, body)
    return out.getvalue()


README = """\
zopa export of the case "{case}" — positions in force on {date}{scenario}
=====================================================================

positions.csv / positions.json   the issue × party positions in force (ideal, acceptable
                                  set, salience, red line, linkage, confidence, sources)
overlap_matrix.csv               party × party pair overlap by stake (Σ_shared w·overlap / Σ_either w)
conflict_matrix.csv              party × party pair conflict by stake (Σ_shared w·gap / Σ_either w)
pairs.csv                        per issue and pair of parties: compatible, overlap, gap, distance, conflict
zones.csv                        per issue: the agreement zone or its blockers
contested_issues.csv             issues ranked by total conflict
timeline.csv                     measures on each snapshot date
issue_timeline.csv               per snapshot and issue: total conflict, zone empty
position_changes.csv             who hardened, softened or moved, between snapshots
sources.csv                      every source of the case
graph.graphml                    the incompatibility graph (networkx.read_graphml, Gephi, yEd)
zopa-export.xlsx                 all of the tables above, a sheet each

Definitions: see the "Method" section of `zopa report`, or docs/cli.md.
Floats in CSV and JSON are rounded to 6 decimals.
"""


def export_files(
    case: Case,
    *,
    at: Any = None,
    parties: Iterable[str] | None = None,
    scenario: engine.Scenario | None = None,
) -> dict[str, bytes]:
    """All export files, name -> bytes (see the module docstring and README.txt)."""
    if scenario is not None:
        case = engine.apply(case, scenario, at=at)
        at = case.as_of
    chosen = case.resolve_parties(parties)
    date = engine.as_date(at, "at") if at is not None else case.as_of
    rows = position_rows(case, date, chosen)
    positions_df = pd.DataFrame(position_csv_rows(rows), columns=POSITION_COLUMNS)
    tables: dict[str, pd.DataFrame] = {
        "positions": positions_df,
        "overlap_matrix": engine.overlap_matrix(case, at=date, parties=chosen)
        .rename_axis("party")
        .reset_index(),
        "conflict_matrix": engine.conflict_matrix(case, at=date, parties=chosen)
        .rename_axis("party")
        .reset_index(),
        "pairs": _long_pairs(case, date, chosen),
        "zones": _plain(engine.agreement_zones(case, at=date, parties=chosen).reset_index()),
        "contested_issues": _plain(
            engine.contested_issues(case, at=date, parties=chosen).reset_index()
        ),
        "timeline": _plain(engine.timeline(case, parties=chosen).reset_index()),
        "issue_timeline": _plain(engine.issue_timeline(case, parties=chosen).reset_index()),
        "position_changes": _plain(engine.position_changes(case, parties=chosen)),
        "sources": pd.DataFrame(
            [
                [s.id, s.title, s.publisher, s.date, s.url, s.reliability, s.note]
                for s in case.sources
            ],
            columns=["id", "title", "publisher", "date", "url", "reliability", "note"],
        ),
    }
    files: dict[str, bytes] = {}
    for name, df in tables.items():
        files[f"{name}.csv"] = _frame_csv(df, index=False).encode("utf-8")
    files["positions.json"] = json_text(
        {"case": case.id, "title": case.title, "at": date.isoformat(), "positions": rows}
    ).encode("utf-8")
    files["graph.graphml"] = graph_bytes(
        engine.incompatibility_graph(case, at=date, parties=chosen), "graph.graphml"
    )
    files["zopa-export.xlsx"] = _xlsx(dict(tables), date.isoformat())
    files["README.txt"] = README.format(
        case=case.id,
        date=date.isoformat(),
        scenario=f" (scenario applied: {scenario.title})" if scenario else "",
    ).encode("utf-8")
    return files
