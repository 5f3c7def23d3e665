"""``zopa report`` and ``zopa export``: the files people read, cite and reuse."""

from __future__ import annotations

import argparse
import gc
from pathlib import Path
from typing import Any

from reports.cli import kit
from reports.cli.kit import UsageError, emit
from reports.export.output import write_bundle

__all__ = ["register"]

FORMATS = ("html", "md", "pdf")

REPORT_EPILOG = """\
With no arguments, writes the report on the shipped Ukraine–Russia case to
./zopa-report/report.html and prints the path.

Files: report.html (one self-contained file: CSS and figures inline, no
script, nothing fetched), report.md with its figures in figures/ (SVG),
report.pdf (figures sized for the page: no text under 7 pt). The output folder keeps a manifest of the files zopa wrote:
a later run replaces them, but never a file you made or edited there (it
stops and names the file; --force overrides). Same input, same bytes.

Contents: headline findings; position map; an agreement-zone chart per issue
(in the HTML a table drawn with CSS, in the Markdown and PDF a picture);
overlap and conflict heatmaps; the incompatibility graph; settlement
packages (total, fair, Nash) with each party's concessions; the timeline
across the case's snapshots; with --scenario, a before/after section; every
source, numbered and linked; and the method (every definition used).

examples:
  zopa report
  zopa report --format html,md,pdf -o out/
  zopa report --at 2022-04-15 --parties ukraine,russia,turkey
  zopa report --scenario neutrality-for-guarantees
  zopa report my-case/ --scenario my-case/scenarios/what-if.yaml
"""

EXPORT_EPILOG = """\
Writes positions.csv/json, overlap_matrix.csv, conflict_matrix.csv, pairs.csv
(every measure per issue and pair), zones.csv, contested_issues.csv,
timeline.csv, issue_timeline.csv, position_changes.csv, sources.csv,
graph.graphml, zopa-export.xlsx (all tables, a sheet each) and README.txt
(what each file holds). Same manifest rule as 'zopa report'.
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = kit.add_command(
        sub,
        "report",
        cmd_report,
        help="write the conflict-matrix report (HTML, Markdown, PDF)",
        description="Write the conflict-matrix report on a case.",
        epilog=REPORT_EPILOG,
        raw=True,
    )
    kit.add_case(p)
    _add_output(p, "zopa-report")
    p.add_argument(
        "--format",
        default="html",
        metavar="FORMATS",
        help="comma-separated: html, md, pdf (default: html)",
    )
    _add_date_scenario_parties(
        p, "add a before/after section for this scenario (an id of the case, or a YAML file)"
    )
    p.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=None,
        metavar="N",
        help="worker processes drawing the figures for HTML and Markdown while the report is "
        "computed, the settlement search in a process of its own (default: the CPUs available, "
        "at most 4, on Linux; 1: one step after another)",
    )

    p = kit.add_command(
        sub,
        "export",
        cmd_export,
        help="write the matrices and tables as CSV, XLSX, GraphML and JSON",
        description="Export the analysis of a case for spreadsheets, notebooks and graph tools.",
        epilog=EXPORT_EPILOG,
        raw=True,
    )
    kit.add_case(p)
    _add_output(p, "zopa-export")
    _add_date_scenario_parties(p, "apply this scenario first (an id of the case, or a YAML file)")


def _add_date_scenario_parties(p: argparse.ArgumentParser, scenario_help: str) -> None:
    """--at, --scenario, --parties and --force, in that order, for report and export."""
    kit.add_at(p)
    p.add_argument("--scenario", metavar="FILE|ID", help=scenario_help)
    kit.add_parties(p)
    kit.add_force(p, "the output folder")


def _add_output(p: argparse.ArgumentParser, default: str) -> None:
    p.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        default=default,
        help=f"output folder (default: ./{default})",
    )


def _formats(raw: str) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(f.strip().lower() for f in raw.split(",") if f.strip()))
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise UsageError(
            f"--format: {', '.join(bad) or 'nothing given'} is not a report format; allowed: {', '.join(FORMATS)} (comma-separated)"
        )
    return wanted


def _jobs(raw: str) -> int:
    try:
        n = int(raw)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(
            f"'{raw}' is not a number of processes; give a whole number ≥ 1"
        )
    return n


def _inputs(args: argparse.Namespace) -> tuple[Any, Any, tuple[str, ...] | None, Any]:
    """The case, the date, the parties and the scenario named on the command line."""
    case = kit.case_of(args)
    at = kit.date_of(args)
    parties = kit.parties_of(args, case)
    scenario = kit.scenario_of(case, args.scenario) if args.scenario else None
    return case, at, parties, scenario


def cmd_report(args: argparse.Namespace) -> int:
    from reports.render.helper import Helper, can_fork, default_jobs

    formats = _formats(args.format)
    jobs = args.jobs or default_jobs()
    # forked before the heavy imports, which it makes alongside this process, on the other core
    helper = Helper(_HELPER_IMPORTS) if jobs > 1 and can_fork() else None
    try:
        return _report(args, formats, jobs, helper)
    finally:
        if helper is not None:
            helper.close()


#: What the helper process imports before the settlement search reaches it.
_HELPER_IMPORTS = ("reports.render.content", "scipy.optimize")


def _report(args: argparse.Namespace, formats: tuple[str, ...], jobs: int, helper: Any) -> int:
    gc.disable()  # the modules and the case live to the end: collecting them wastes ~0.1 s
    try:
        from reports.render.content import build_report
        from reports.render.markup import render_html, render_markdown

        case, at, parties, scenario = _inputs(args)
    finally:
        gc.enable()
    rep = build_report(
        case, at=at, parties=parties, scenario=scenario, jobs=jobs, formats=formats, helper=helper
    )
    files: dict[str, bytes | str] = {}
    if "html" in formats:
        files["report.html"] = render_html(rep)
    if "md" in formats:
        text, figs = render_markdown(rep)
        files["report.md"] = text
        files.update(figs)
    if "pdf" in formats:
        from reports.render.pdf import render_pdf  # reportlab: only when a PDF is asked for

        files["report.pdf"] = render_pdf(rep)
    out = Path(args.output)
    status = write_bundle(out, files, force=args.force)
    _say(out, status)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from reports.export.files import export_files

    case, at, parties, scenario = _inputs(args)
    files = export_files(case, at=at, parties=parties, scenario=scenario)
    out = Path(args.output)
    status = write_bundle(out, files, force=args.force)
    _say(out, status)
    return 0


def _say(out: Path, status: dict[str, str]) -> None:
    replaced = [n for n, s in status.items() if s == "replaced"]
    main = [n for n in status if n.startswith("report.")] or sorted(status)[:1]
    counts = {
        k: sum(1 for s in status.values() if s == k) for k in ("new", "replaced", "unchanged")
    }
    summary = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
    emit(f"wrote {out}/ ({summary})\n")
    if replaced:
        emit("replaced files zopa wrote before: " + ", ".join(replaced) + "\n")
    for name in main:
        emit(f"{(out / name)}\n")
