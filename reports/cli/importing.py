"""``zopa import``: read KTAB, Decide or GENIUS data into a case folder.

The command reads the file(s) with :mod:`engine.io.importers`, writes the case
folder with :func:`reports.export.caseio.write_case`, loads what it wrote with
:func:`engine.load_case` to prove it valid, and says what was mapped how.
The mapping and its reasons are in ``docs/import.md``.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import engine
from reports.cli import kit
from reports.cli.kit import UsageError, date_of, emit

if TYPE_CHECKING:
    from engine import Case

__all__ = ["register"]

FORMATS = ("ktab", "decide", "genius")

_MAPPING = {
    "ktab": "ideal = KTAB position (0–100 interval issues); salience = KTAB salience / 100; "
    "weight = KTAB power",
    "decide": "ideal = Decide position; salience as given (0–1); weight = Decide power; "
    "ordinal where every position is an #M point, else interval on the #M range (0–100 "
    "without #M rows)",
    "genius": "ideal = each profile's best value; salience = issue weight as written "
    "(non-linear profiles: swing / largest swing); discrete issues nominal, integer issues "
    "ordinal; additive evaluations kept as position values, non-linear hyperRectangles as the "
    "party's bonuses (utility / maxutility), so zopa's utilities are GENIUS's",
}


def register(sub: argparse._SubParsersAction) -> None:
    p = kit.add_command(
        sub,
        "import",
        cmd_import,
        help="read KTAB, Decide or GENIUS data into a case folder",
        description=IMPORT_HELP,
        epilog=IMPORT_EPILOG,
    )
    p.add_argument("format", choices=FORMATS, metavar="FORMAT", help="ktab, decide or genius")
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="the input file (ktab, decide); genius: the domain file then the profiles, or one folder",
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="DIR",
        help="the case folder to write (its name is the case id)",
    )
    _add_source_options(p)
    p.add_argument(
        "--tolerance",
        type=float,
        metavar="X",
        help="ktab, decide: widen every acceptable set to ideal ± X in scale units (default: the ideal alone)",
    )
    p.add_argument(
        "--encoding",
        default="utf-8",
        help="ktab, decide: the file's text encoding (default utf-8)",
    )
    kit.add_force(p)


def _add_source_options(p: argparse.ArgumentParser) -> None:
    """The date of the positions, and the source the data come from."""
    p.add_argument(
        "--as-of",
        required=True,
        metavar="DATE",
        help="the date the positions are as of (YYYY-MM-DD)",
    )
    p.add_argument(
        "--source-url",
        required=True,
        metavar="URL",
        help="where the data were published (http/https)",
    )
    p.add_argument("--title", help="the case title (default: from the file)")
    p.add_argument("--publisher", help="the source's publisher (default: the URL's host)")
    p.add_argument(
        "--source-date",
        metavar="DATE",
        help="publication date of the data: YYYY-MM-DD, YYYY-MM or YYYY (default: --as-of)",
    )


IMPORT_HELP = (
    "Read third-party negotiation data into a zopa case folder, then load the folder to "
    "prove it valid. ktab FILE: a KTAB spatial-model CSV. decide FILE: a Decide "
    "exchange-model CSV (#A, #P, #M, #D rows). genius DOMAIN PROFILE…, or genius FOLDER "
    "(the domain and profile XML files in it). Every problem in the input is listed as "
    "FILE:LINE:COLUMN: field: message (exit 1); nothing is written then."
)

IMPORT_EPILOG = (
    "Mapping (docs/import.md): KTAB and Decide give ideal points only, so acceptable sets "
    "are the ideals alone unless --tolerance widens them to ideal ± X (a choice you make, "
    "stated in the case description). GENIUS: ideal = the best-valued option, acceptable "
    "= the ideal (and any option tied with it), salience = the issue's weight. Every "
    "party gets the role observer; sources are dated --source-date (default --as-of) "
    "and point to --source-url."
)


def _check_args(args: argparse.Namespace) -> None:
    date_of(args, "as_of")
    if args.source_date is not None:
        from engine.model.parse import parse_partial_date

        if parse_partial_date(args.source_date)[1]:
            raise UsageError(
                f"--source-date: '{args.source_date}' is not a date; use YYYY-MM-DD, YYYY-MM or YYYY"
            )
    if not re.match(r"^https?://[^\s]+$", args.source_url):
        raise UsageError(
            f"--source-url: '{args.source_url}' is not a web address; give the http:// or "
            "https:// address the data were published at"
        )
    if args.tolerance is not None:
        if args.format == "genius":
            raise UsageError(
                "--tolerance applies to ktab and decide (interval and ordinal positions); GENIUS "
                "issues here are nominal or come with their own evaluations"
            )
        if not (args.tolerance >= 0 and args.tolerance != float("inf")):
            raise UsageError(f"--tolerance: {args.tolerance:g} must be a number >= 0")
    if args.format in ("ktab", "decide") and len(args.files) != 1:
        raise UsageError(f"{args.format}: give one file (got {len(args.files)})")
    if args.format == "genius" and len(args.files) == 1 and not Path(args.files[0]).is_dir():
        raise UsageError(
            "genius: give the domain file followed by the profile files, or one folder holding them"
        )


def _read(args: argparse.Namespace) -> tuple[Case, list[str]]:
    """The imported case, and notes on files that were not read."""
    from engine.io.importers import find_genius_files, read_decide, read_genius, read_ktab

    common = {
        "as_of": args.as_of,
        "source_url": args.source_url,
        "title": args.title,
        "publisher": args.publisher,
        "source_date": args.source_date,
    }
    if args.format == "ktab":
        return read_ktab(
            args.files[0], tolerance=args.tolerance, encoding=args.encoding, **common
        ), []
    if args.format == "decide":
        return read_decide(
            args.files[0], tolerance=args.tolerance, encoding=args.encoding, **common
        ), []
    if len(args.files) == 1:
        domain, profiles, skipped = find_genius_files(args.files[0])
        notes = [f"not read: {p} ({why})" for p, why in skipped]
        return read_genius(domain, profiles, **common), notes
    return read_genius(args.files[0], args.files[1:], **common), []


def summary(case: Case, fmt: str, tolerance: float | None) -> list[str]:
    """What was imported and how it was mapped, one line each.

    Examples
    --------
    >>> from engine.io.importers import read_ktab
    >>> case = read_ktab("tests/data/import/ktab/coalition.csv", as_of="2024-05-01",
    ...                  source_url="https://example.org/coalition")
    >>> summary(case, "ktab", None)[0]
    '2 issues (interval: 2), 3 parties, 6 positions, 1 source'
    """
    scales = Counter(i.scale for i in case.issues)
    kinds = ", ".join(f"{s}: {scales[s]}" for s in ("ordinal", "nominal", "interval") if scales[s])
    positions = sum(1 for s in case.statements for _, p in s.positions if p is not None)
    n_i, n_p = len(case.issues), len(case.parties)
    lines = [
        f"{n_i} issue{'s' if n_i != 1 else ''} ({kinds}), {n_p} part{'ies' if n_p != 1 else 'y'}, "
        f"{positions} position{'s' if positions != 1 else ''}, {len(case.sources)} "
        f"source{'s' if len(case.sources) != 1 else ''}",
        _MAPPING[fmt],
    ]
    if fmt == "genius":
        tied = sum(
            1
            for s in case.statements
            for _, p in s.positions
            if p is not None
            and isinstance(p.acceptable, engine.OptionSet)
            and len(p.acceptable) > 1
        )
        lines.append(
            "acceptable sets = the ideal alone (GENIUS's reservation value applies to whole bids)"
            + (f"; {tied} with several values tied for best" if tied else "")
        )
    elif tolerance is None:
        lines.append("acceptable sets = ideal points (no tolerance given)")
    else:
        lines.append(
            f"acceptable sets = ideal ± {tolerance:g} (--tolerance, clipped to each scale; "
            "stated in the case description)"
        )
    return lines


def cmd_import(args: argparse.Namespace) -> int:
    from reports.export.caseio import write_case

    _check_args(args)
    case, notes = _read(args)
    folder = Path(args.output)
    write_case(case, folder, force=args.force)
    loaded = engine.load_case(folder)  # what was written is a valid case
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.yaml"))
    party_files = sum(1 for f in files if f.startswith("parties/"))
    out = [f"imported {args.format}: {', '.join(args.files)}"]
    out += [f"  {line}" for line in summary(loaded, args.format, args.tolerance)]
    out += [f"  {n}" for n in notes]
    out.append(
        f"wrote {folder}/ (case.yaml and {party_files} party file{'s' if party_files != 1 else ''}); "
        f"it loads as a valid case: zopa check {folder}"
    )
    out.append(f"next: zopa show {folder}   zopa report {folder} -o {folder}-report")
    emit("\n".join(out) + "\n")
    return 0
