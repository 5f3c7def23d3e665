"""Coder agreement: ``agree`` (compare codings of one case) and ``sheet`` (the blank coding sheet).

The commands load the codings, call :func:`engine.agreement` and
:func:`engine.consensus`, and print or write (no analysis here). Heavy
imports (pandas, krippendorff, jinja2) happen inside the command functions.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from reports.cli.kit import (
    UsageError,
    add_format,
    csv_text,
    emit,
    format_table,
    json_text,
    plain_or_none,
)

__all__ = ["register"]

_RAW = argparse.RawDescriptionHelpFormatter

AGREE_HELP = """\
Compare two or more codings of the same case — case folders made by different
coders from the same sources, sharing party, issue and option ids (start them
from 'zopa sheet') — with Krippendorff's α, the field's reliability statistic
(any number of coders, any level of measurement, missing data allowed).

Unit: a position in force, party × issue on the evaluation date (default: the
first coding's as_of). A coder with no position on a unit leaves it uncoded:
missing data, not a disagreement.

α is reported for the ideal (each issue at its own level: ordinal, nominal,
interval; chance disagreement within each issue), the acceptable set (MASI
distance), salience (interval), red line (nominal) and confidence (ordinal),
with a seeded bootstrap interval (resampling units), and read with
Krippendorff's guidance: α ≥ 0.800 reliable; 0.667 ≤ α < 0.800 tentative
conclusions only; below, unreliable."""

AGREE_EPILOG = """\
Table: α per variable with its 95% interval and reading, the most disputed
  units and who differs, each coder against the key (or the consensus).
CSV: measure, alpha, low, high, units, values, level, reading, reason.
JSON: {"case", "coders" (a count), "coder_names", "key", "dates", "units",
  "alpha": {"ideal": {"value", "low", "high", "units", "values", "level",
  "reading", "reason"}, "ideal.ordinal", "ideal.nominal", "ideal.interval",
  "acceptable", "salience", "red_line", "confidence"}, "by_issue", "reference",
  "versus", "disputed", "ties", "draws", "seed"}; value null with a reason when
  α is undefined (e.g. no variation).
HTML (--format html prints it, -o DIR writes DIR/agreement.html): the same,
  with a party × issue heatmap; self-contained, no scripts.
--consensus DIR writes the consensus coding as a case folder (medians, modes,
  majorities; ties broken by the key, else by the lowest option).
Exit codes: 0; 1 a coding is invalid or the codings do not share ids; 2 usage.

Examples:
  zopa sheet ukraine-russia sheet/
  zopa agree teacher/ ann/ ben/ --key -o agreement/
  zopa agree ann/ ben/ cat/ --format json --consensus consensus/"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "agree",
        help="coder agreement between codings of one case (Krippendorff's α)",
        formatter_class=_RAW,
        description=AGREE_HELP,
        epilog=AGREE_EPILOG,
    )
    p.add_argument("first", metavar="KEY_OR_FIRST", help="the first coding (the key with --key)")
    p.add_argument("others", nargs="+", metavar="CODING", help="the other codings (folders)")
    p.add_argument("--key", action="store_true", help="the first coding is the key (reference)")
    p.add_argument(
        "--at",
        metavar="DATE|snapshots",
        help="evaluation date(s): YYYY-MM-DD[,YYYY-MM-DD…] or 'snapshots' (default: the "
        "first coding's as_of)",
    )
    add_format(p, ("table", "csv", "json", "html"))
    p.add_argument("-o", "--output", metavar="DIR", help="write DIR/agreement.html")
    p.add_argument(
        "--consensus", metavar="DIR", help="write the consensus coding as a case folder"
    )
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default: 0)")
    p.add_argument(
        "--draws", type=int, default=1000, help="bootstrap draws (default: 1000; 0: none)"
    )
    p.add_argument("--names", metavar="A,B,…", help="coder names (default: folder names)")
    p.add_argument(
        "--force", action="store_true", help="replace files in DIR that zopa did not write"
    )
    p.set_defaults(func=cmd_agree)

    p = sub.add_parser(
        "sheet",
        help="the classroom coding sheet: a case's frame with no positions",
        formatter_class=_RAW,
        description=(
            "Write a blank coding sheet for a case: its case.yaml (parties, issues, options, "
            "sources, snapshots) and one parties/<id>.yaml per party with 'statements: []' and "
            "a commented example. Each coder copies the folder and codes the positions; the "
            "codings then share every id by construction and 'zopa agree' compares them. The "
            "sheet passes 'zopa check'. See docs/classroom.md."
        ),
    )
    p.add_argument("case", metavar="CASE", help="a shipped case id or a case folder")
    p.add_argument("folder", metavar="DIR", help="the sheet folder to write")
    p.add_argument(
        "--force", action="store_true", help="replace files in DIR that zopa did not write"
    )
    p.set_defaults(func=cmd_sheet)


def _at(raw: str | None) -> Any:
    if raw is None:
        return None
    if raw == "snapshots":
        return "snapshots"
    import engine
    from engine import CaseError

    try:
        return [engine.as_date(d.strip(), "--at") for d in raw.split(",") if d.strip()]
    except CaseError as exc:
        raise UsageError(str(exc.problems[0]).replace("<input>: ", "")) from None


def _say(out: Path, status: dict[str, str]) -> None:
    counts = {
        k: sum(1 for s in status.values() if s == k) for k in ("new", "replaced", "unchanged")
    }
    summary = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
    emit(f"wrote {out}/ ({summary})\n")


def cmd_agree(args: argparse.Namespace) -> int:
    import engine
    from engine.agreement import MEASURES, load_codings, reading

    if args.draws < 0:
        raise UsageError("--draws: give a number of draws, 0 or more")
    names = None
    paths = [args.first, *args.others]
    if args.names is not None:
        names = [n.strip() for n in args.names.split(",")]
        if len(names) != len(paths) or len(set(names)) != len(names) or not all(names):
            raise UsageError(f"--names: give {len(paths)} distinct names, one per coding")
    at = _at(args.at)
    cases = load_codings(paths)
    key = 0 if args.key else None
    agr = engine.coder_agreement(
        cases, key=key, at=at, names=names, draws=args.draws, seed=args.seed
    )
    con = engine.consensus(cases, key=key, at=at, names=names)
    case = cases[0]
    written: list[tuple[Path, dict[str, str]]] = []
    if args.output:
        from reports.export.output import write_bundle
        from reports.render.agreement import render_agreement_html

        page = render_agreement_html(case, agr, draws=args.draws, seed=args.seed)
        out = Path(args.output)
        written.append((out, write_bundle(out, {"agreement.html": page}, force=args.force)))
    if args.consensus:
        from reports.export.caseio import write_case

        folder = write_case(con.case, args.consensus, force=args.force)
        written.append((Path(folder), {"consensus": "written"}))
    alpha = {
        m: {**agr.alpha[m].as_dict(), "reading": reading(agr.alpha[m].value)} for m in MEASURES
    }
    if args.format == "json":
        data = {
            "case": case.id,
            "title": case.title,
            "coders": len(agr.coders),
            "coder_names": list(agr.coders),
            "key": agr.key,
            "dates": [d.isoformat() for d in agr.dates],
            "units": agr.units,
            "alpha": alpha,
            "by_issue": [
                {"issue": i, **{k: plain_or_none(v) for k, v in row.items()}}
                for i, row in agr.by_issue.to_dict("index").items()
            ],
            "reference": agr.reference,
            "versus": {
                c: {k: plain_or_none(v) for k, v in row.items()}
                for c, row in agr.versus.to_dict("index").items()
            },
            "disputed": [
                {k: plain_or_none(v) for k, v in row.items()}
                for row in agr.disputed[agr.disputed["disagreement"] > 0].to_dict("records")
            ],
            "ties": con.ties.to_dict("records"),
            "draws": args.draws,
            "seed": args.seed,
        }
        emit(json_text(data))
    elif args.format == "csv":
        cols = ["measure", "alpha", "low", "high", "units", "values", "level", "reading", "reason"]
        emit(csv_text(cols, ([m, a["value"], a["low"], a["high"], a["units"], a["values"],
                               a["level"], a["reading"], a["reason"]] for m, a in alpha.items())))  # fmt: skip
    elif args.format == "html":
        from reports.render.agreement import render_agreement_html

        emit(render_agreement_html(case, agr, draws=args.draws, seed=args.seed))
    else:
        emit(_table(case, agr, args.draws, args.seed))
    for out, status in written:
        if status == {"consensus": "written"}:
            emit(f"wrote the consensus coding to {out}/ ({len(con.ties)} ties broken)\n")
        else:
            _say(out, status)
    return 0


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def _table(case: Any, agr: Any, draws: int, seed: int) -> str:
    from engine.agreement import MEASURES, reading

    out = [
        f"Coder agreement — {case.title}\n",
        f"Coders: {', '.join(agr.coders)}" + (f" (key: {agr.key})" if agr.key else "") + "\n",
        f"Units: {agr.units} positions in force (party × issue) on "
        f"{', '.join(d.isoformat() for d in agr.dates)}\n\n",
    ]
    rows = []
    for m in MEASURES:
        est = agr.alpha[m]
        if est.units == 0 and m.startswith("ideal."):
            continue
        interval = "–" if est.low is None else f"{_fmt(est.low)}–{_fmt(est.high)}"
        rows.append([m, _fmt(est.value), interval, est.units, est.level,
                     reading(est.value) if est.value is not None else est.reason])  # fmt: skip
    out.append(format_table(["variable", "alpha", "95% interval", "units", "level", "reading"],
                            rows, align="lrrrll", max_width=60))  # fmt: skip
    out.append(
        f"\nIntervals: percentile bootstrap over units, {draws} draws, seed {seed}.\n"
        "Krippendorff's guidance: α ≥ 0.800 reliable; 0.667 ≤ α < 0.800 tentative conclusions "
        "only;\nbelow 0.667 unreliable. Guidance, not a test: read the interval as well.\n"
    )
    disputed = agr.disputed[agr.disputed["disagreement"] > 0]
    out.append(f"\nMost disputed units ({len(disputed)} with some disagreement)\n")
    if len(disputed):
        rows = [[r.party, r.issue, f"{r.disagreement:.2f}", r.differs]
                for r in disputed.head(10).itertuples()]  # fmt: skip
        out.append(format_table(["party", "issue", "disagreement", "who differs (value)"], rows,
                                align="llrl", max_width=90, indent="  "))  # fmt: skip
    else:
        out.append("  (none: the coders agree on every unit)\n")
    if len(agr.versus):
        ref = f"the key ({agr.key})" if agr.key else "the consensus"
        out.append(f"\nEach coder against {ref}: share of units with the same value\n")
        variables = ["ideal", "acceptable", "salience", "red_line", "confidence"]
        rows = []
        for coder, row in agr.versus.iterrows():
            cells = []
            for v in variables:
                share, a = plain_or_none(row[f"{v}_agree"]), plain_or_none(row[f"{v}_alpha"])
                cell = "–" if share is None else f"{share:.0%}"
                if agr.key and a is not None:
                    cell += f" (α {a:.2f})"
                cells.append(cell)
            rows.append([coder, *cells])
        out.append(format_table(["coder", *variables], rows, align="l" + "r" * 5, indent="  "))
    return "".join(out)


def cmd_sheet(args: argparse.Namespace) -> int:
    import engine
    from reports.export.sheet import write_sheet

    case = engine.load_case(args.case)
    out = Path(args.folder)
    status = write_sheet(case, out, force=args.force)
    _say(out, status)
    emit(
        f"Coders: copy {out}/, code each party's positions in parties/<party>.yaml, check with "
        f"'zopa check', then compare with 'zopa agree'.\n"
    )
    return 0
