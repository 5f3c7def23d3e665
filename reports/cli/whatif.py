"""What-if command: ``whatif`` (diff two analyses).

The command loads a case, applies the changes asked for, calls
:func:`engine.compare` and prints (SALib's rule: no analysis here). The table
is plain text for 80–120 column terminals; JSON is stable (case order, sorted
keys, floats rounded to 6 decimals, NaN as null). Layouts are documented in
the command's ``--help`` and in docs/cli.md.
"""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING, Any

import engine
from engine.model.errors import did_you_mean
from reports.cli import kit
from reports.cli.kit import format_table
from reports.cli.kit import number_text as _num

if TYPE_CHECKING:
    from engine import Case, Comparison, Scenario

__all__ = ["comparison_text", "register"]

WHATIF_HELP = """\
What a change of positions would change: applies a scenario (--scenario, an
id of the case's scenarios or a YAML file) and/or changes given on the
command line (--concede widens an acceptable set, --set changes one field),
then compares the analysis before and after, both on the same date:

- conflicts resolved (two parties' acceptable sets now meet) and created
  (they no longer meet), per issue and pair, with the conflict
  gap × (s_p + s_q)/2 before and after; also conflicts eased or worsened
  (still apart, closer or further), dropped (a position or party is gone)
  and new (a new position or party);
- agreement zones opened or closed, and the blockers (smallest sets of
  parties whose removal opens a zone) that changed;
- the total conflict before → after, by issue;
- the pairs of parties whose overlap or conflict (matrix entries) changed most.

A party the scenario adds or removes is "no position" on the other side:
its matrix entries there are empty, its conflicts are new or dropped."""

WHATIF_EPILOG = """\
Table: the header (case, date, scenario, changes); "Conflicts resolved",
  "Conflicts created" and "Other conflict changes" (issue, pair, change,
  conflict before → after); "Agreement zones" (issues whose zone or blockers
  changed: change, zone before → after, blockers before → after); "Total
  conflict" (before → after and by issue); "Largest matrix changes" (pair,
  overlap before → after, conflict before → after; at most 10 pairs).
JSON: {"case", "title", "at", "scenario": null or {"id", "title"}, "changes":
  [the --concede/--set specs], "summary": plain words, "comparison":
  {"case_before", "case_after", "at_before", "at_after", "parties",
  "parties_added", "parties_removed", "changed", "conflicts": [{"issue",
  "party", "other", "change", "compatible_before", "compatible_after",
  "conflict_before", "conflict_after", "delta"}], "zones": {issue: {"change",
  "zone_before", "zone_after", "empty_before", "empty_after",
  "blockers_before", "blockers_after", "blockers_changed"}},
  "total_conflict": {"before", "after", "delta", "by_issue": {issue:
  {"before", "after", "delta"}}}, "overlap_delta": {party: {other: Δ}},
  "conflict_delta": {...}, "largest_changes": [{"party", "other",
  "overlap_before", "overlap_after", "overlap_delta", "conflict_before",
  "conflict_after", "conflict_delta"}]}}.
A change that widens a position drawn as a red line prints a warning on stderr:
  "warning: PARTY drew a red line on ISSUE (accepts …); this concession crosses
  it (now accepts …)"; stdout (table or JSON) is unchanged.
Exit codes: 0, 1 invalid case or scenario file, 2 usage error (including a
  bad --concede/--set, or no change given).

Examples:
  zopa whatif --scenario neutrality-for-guarantees
  zopa whatif --concede russia:nato=open_door --parties ukraine,russia
  zopa whatif --set ukraine:crimea.red_line=false --set russia:army_cap.acceptable=85..600
  zopa whatif tests/cases/tiny --scenario my-scenario.yaml --format json"""


def register(sub: argparse._SubParsersAction) -> None:
    p = kit.add_command(
        sub,
        "whatif",
        cmd_whatif,
        help="what a scenario or concession changes: conflicts, zones, matrices",
        description=WHATIF_HELP,
        epilog=WHATIF_EPILOG,
        raw=True,
    )
    kit.add_case(p)
    kit.add_what_if(p, "a scenario of the case (by id) or a scenario YAML file")
    kit.add_at(p)
    kit.add_parties(p)
    kit.add_format(p, ("table", "json"))


def _union_parties(args: argparse.Namespace, before: Case, after: Case) -> tuple[str, ...] | None:
    wanted = kit.requested_parties(args)
    if wanted is None:
        return None
    known = list(before.party_ids) + [p for p in after.party_ids if p not in before.party_ids]
    for p in wanted:
        if p not in known:
            raise kit.UsageError(
                f"--parties: unknown party '{p}'{did_you_mean(p, known)}; known: {', '.join(known)}"
            )
    return tuple(wanted)


def cmd_whatif(args: argparse.Namespace) -> int:
    case = kit.case_of(args)
    at = kit.date_of(args)
    if args.scenario is None and not args.changes:
        raise kit.UsageError("nothing to compare: give --scenario FILE|ID, --concede or --set")
    work, scenario, specs = kit.what_if(case, at, args.scenario, args.changes)
    date = work.as_of
    parties = _union_parties(args, case, work)
    diff = engine.compare(case, work, at_before=date, at_after=date, parties=parties)
    what = "this concession crosses" if args.scenario is None else "these changes cross"
    for line in red_line_warnings(case, work, what):
        kit.emit(line, err=True)
    if args.format == "json":
        data = {
            "case": case.id,
            "title": case.title,
            "at": date.isoformat(),
            "scenario": kit.scenario_ref(scenario),
            "changes": specs,
            "summary": diff.summary(),
            "comparison": diff.as_dict(),
        }
        kit.emit(kit.json_text(data))
        return 0
    kit.emit(comparison_text(case, diff, scenario, specs))
    return 0


def red_line_warnings(
    before: Case, after: Case, what: str = "this concession crosses"
) -> list[str]:
    """One ``warning:`` line for each red line the changes cross (printed on stderr)."""
    out = []
    for c in engine.crossed_red_lines(before, after):
        issue = before.issue(c.issue)
        out.append(
            f"warning: {before.party(c.party).name} drew a red line on {issue.name} "
            f"(accepts {issue.describe(c.before.acceptable)}); {what} it "
            f"(now accepts {issue.describe(c.after.acceptable)})\n"
        )
    return out


# --------------------------------------------------------------------- table


def comparison_text(
    case: Case, diff: Comparison, scenario: Scenario | None, specs: list[str]
) -> str:
    """The table layout of ``zopa whatif``."""
    out = ["What-if: the analysis before and after the changes\n"]
    out.append(f"Case: {case.title} ({case.id}), positions on {diff.at_after.isoformat()}\n")
    out += kit.what_if_lines(scenario, specs)
    out.append(f"Parties: {', '.join(diff.parties)}\n")
    if diff.parties_added:
        out.append(f"Added by the change: {', '.join(diff.parties_added)}\n")
    if diff.parties_removed:
        out.append(f"Removed by the change: {', '.join(diff.parties_removed)}\n")
    if not diff.changed:
        out.append("\nNothing changes: same conflicts, agreement zones and matrices.\n")
        out.append(f"Total conflict: {_num(diff.total_before)}\n")
        return "".join(out)
    out += _conflict_sections(diff)
    out += _zone_section(diff)
    out += _total_section(diff)
    out += _matrix_section(diff)
    out.append(
        "\nconflict: issue conflict, gap × (s_p + s_q)/2 on one issue; matrix changes: pair\n"
        "overlap and pair conflict by stake, Σ_shared w·m / Σ_either w, w = (s_p + s_q)/2\n"
        "(salience 0 without a position); newly stated / no longer stated: the parties\n"
        "with a position differ (+ states one only after, − only before), so the zone is\n"
        "not compared; '–' = no position (or the party is absent on that side).\n"
    )
    return "".join(out)


_CONFLICT_SECTIONS = (
    ("Conflicts resolved (the acceptable sets now meet)", ("resolved",)),
    ("Conflicts created (the acceptable sets no longer meet)", ("created",)),
    ("Other conflict changes", ("eased", "worsened", "dropped", "new")),
)


def _conflict_sections(diff: Comparison) -> list[str]:
    """Resolved, created and other changed conflicts: issue, pair, change, before, after."""
    c = diff.conflicts
    out = []
    for title, changes in _CONFLICT_SECTIONS:
        sel = c[c["change"].isin(changes)]
        rows = [
            [r.issue, f"{r.party}–{r.other}", r.change, _num(r.conflict_before),
             _num(r.conflict_after)]
            for r in sel.itertuples()
        ]  # fmt: skip
        out.append(f"\n{title}: {len(rows) if rows else 'none'}\n")
        if rows:
            headers = ["issue", "pair", "change", "before", "after"]
            out.append(format_table(headers, rows, align="lllrr", indent="  "))
    return out


def _zone_section(diff: Comparison) -> list[str]:
    """The issues whose agreement zone or blockers changed."""
    z = diff.zones
    moved = z[(z["change"] != "unchanged") | z["blockers_changed"]]
    out = [f"\nAgreement zones: {'no change' if moved.empty else ''}".rstrip() + "\n"]
    if not moved.empty:
        rows = [
            [
                issue,
                _change_text(r),
                f"{r['zone_before'] or '–'} → {r['zone_after'] or '–'}",
                f"{_blockers(r['blockers_before'])} → {_blockers(r['blockers_after'])}",
            ]
            for issue, r in moved.iterrows()
        ]
        headers = ["issue", "change", "zone", "blockers"]
        out.append(format_table(headers, rows, align="llll", max_width=60, indent="  "))
    return out


def _change_text(r: Any) -> str:
    """A zone's change, with who newly states or no longer states a position."""
    who = [f"+{p}" for p in r["newly_stated"]] + [f"−{p}" for p in r["no_longer_stated"]]
    return f"{r['change']} ({', '.join(who)})" if who else str(r["change"])


def _total_section(diff: Comparison) -> list[str]:
    """The total conflict before and after, then by issue where it moved."""
    delta = diff.total_change
    sign = "+" if delta > 0 else "−" if delta < 0 else "±"
    out = [
        f"\nTotal conflict: {_num(diff.total_before)} → {_num(diff.total_after)} ({sign}{abs(delta):.3f})\n"
    ]
    rows = [
        [i, _num(r["before"]), _num(r["after"]), _signed(r["delta"])]
        for i, r in diff.total_by_issue.iterrows()
        if not (abs(r["delta"]) <= 1e-12)
    ]
    if rows:
        headers = ["issue", "before", "after", "change"]
        out.append(format_table(headers, rows, align="lrrr", indent="  "))
    return out


def _matrix_section(diff: Comparison) -> list[str]:
    """The (at most 10) pairs whose overlap or conflict changed most."""
    top = diff.largest_changes(10)
    out = [f"\nLargest matrix changes: {'none' if top.empty else ''}".rstrip() + "\n"]
    if not top.empty:
        rows = [
            [
                f"{r.party}–{r.other}",
                f"{_num(r.overlap_before)} → {_num(r.overlap_after)}",
                _signed(r.overlap_delta),
                f"{_num(r.conflict_before)} → {_num(r.conflict_after)}",
                _signed(r.conflict_delta),
            ]
            for r in top.itertuples()
        ]
        headers = ["pair", "overlap", "Δ", "conflict", "Δ"]
        out.append(format_table(headers, rows, align="llrlr", indent="  "))
    return out


def _signed(x: float) -> str:
    if isinstance(x, float) and math.isnan(x):
        return "–"
    return f"{x:+.3f}".replace("-", "−")


def _blockers(b: Any) -> str:
    if not b:
        return "none"
    return " or ".join("+".join(s) for s in b)
