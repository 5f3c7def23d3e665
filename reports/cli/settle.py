"""Settlement commands: ``settle`` (the best package) and ``rank`` (single concessions).

Each command loads a case, optionally applies a scenario and command-line
changes, calls :func:`engine.settle` or :func:`engine.rank_concessions`, and
prints (SALib's rule: no analysis here). Tables are plain text for 80–120
column terminals; JSON is stable (sorted keys, lists in the case's order,
floats rounded to 6 decimals). Layouts are documented in each command's
``--help`` and in docs/cli.md.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

import engine
from reports.cli import kit
from reports.cli.kit import emit, format_table, wrap

if TYPE_CHECKING:
    from engine import Case, Scenario, Settlement

__all__ = ["register", "settle_text"]

SETTLE_HELP = """\
The package of outcomes, one per issue, that settles the case at the lowest
concession cost without crossing any red line — found exactly by an integer
programme (HiGHS), with the solver's proof (bound and gap).

Concession cost of party p on issue i: salience × distance from the outcome
to p's acceptable set, or to its ideal alone where a 'requires' condition of
the position fails. A red line forces the outcome into the acceptable set
(onto the ideal when its condition fails).

Objectives:
  total  minimise the sum of the parties' costs (default)
  fair   minimise the largest party's cost, then the sum
  nash   maximise the Nash product Π (U_p − d_p) of utility gains over the
         status quo; U_p = Σ s·(1 − distance to the ideal) / Σ s, and an issue
         without a status quo counts 0 in d_p

When the red lines collide, prints a minimal set of colliding red lines
(relaxing any one of them ends that collision), and the red lines to relax
together so that a package is possible — checked by settling again, and
irreducible: keep any one of them and there is none — as one command to try.

What-if: --scenario applies a scenario of the case (by id) or a scenario
file; --concede and --set apply further changes, in the order given."""

SETTLE_EPILOG = """\
Table: the status line with the proof, the package (issue, outcome, label),
  each party's cost (nash: utility U, status quo d and gain U − d), and the
  concessions: one sentence per party and issue where the outcome is not its
  ideal. Infeasible: the colliding red lines (party, issue, description),
  the red lines to relax together and the command that does it.
JSON: {"case", "title", "objective", "at", "parties", "issues", "feasible",
  "status", "objective_value", "total_cost", "max_cost",
  "package": [{"issue", "outcome", "label"}],
  "party_costs": [{"party", "cost", "utility", "status_quo_utility"}],
  "concessions": [{"party", "issue", "ideal", "outcome", "within_acceptable",
  "condition_met", "cost", "description"}],
  "conflicting_red_lines": [{"party", "issue", "description"}],
  "relax_together": [{"party", "issue"}] (the red lines to relax together;
  [] when a package exists), "proof": {"solver", "bound", "gap", "tolerance", "solves"}, "note",
  "scenario": null or {"id", "title"}, "changes": [the --concede/--set specs]}
  Lists follow the case's order; numbers are rounded to 6 decimals.
Exit codes: 0 (also when the red lines collide: that is an answer), 1 invalid
  case or scenario file, 2 usage error (including a bad --concede/--set).

Examples:
  zopa settle --objective fair
  zopa settle --at 2022-04-15 --parties ukraine,russia
  zopa settle --scenario neutrality-for-guarantees --concede russia:nato=open_door
  zopa settle --set ukraine:crimea.red_line=false --format json"""

RANK_HELP = """\
Every single concession — one party widening one acceptable set by one step —
ranked by how much it lowers the total conflict (Σ over issues and pairs of
gap × mean salience). A step adds, on an ordinal scale, the option just below
or just above the run of acceptable options around the ideal; on a nominal
scale, one option not yet acceptable; on an interval scale, it moves a bound
to the nearest end of another party's acceptable interval. Its cost is
salience × the distance the set is stretched. 'opens' marks a step that turns
an empty agreement zone into a non-empty one."""

RANK_EPILOG = """\
Table: rank, party, issue, step (lower/higher/add), added, reduction, conflict
  after, opens (zone opened), cost, red line (the widened position is one).
  Without --top the table shows the first 20 rows.
CSV columns: rank, party, issue, direction, added, added_id, red_line,
  conflict_before, conflict_after, reduction, opens_zone, cost.
JSON: {"case", "title", "at", "parties", "total_conflict", "concessions":
  [{rank, party, issue, direction, added, added_id, red_line, conflict_before,
  conflict_after, reduction, opens_zone, cost}]} best first.
--top N keeps the first N rows in every format (0: all)."""


def register(sub: argparse._SubParsersAction) -> None:
    p = kit.add_command(
        sub,
        "settle",
        cmd_settle,
        help="the cheapest package that crosses no red line (exact)",
        description=SETTLE_HELP,
        epilog=SETTLE_EPILOG,
        raw=True,
    )
    kit.add_case(p)
    p.add_argument(
        "--objective",
        choices=list(kit.SETTLEMENT_OBJECTIVES),
        default="total",
        help="what the package optimises (default: total)",
    )
    kit.add_parties(p)
    kit.add_at(p)
    kit.add_what_if(
        p, "apply a scenario first: the id of one of the case's scenarios, or a YAML file"
    )
    kit.add_format(p, ("table", "json"))

    p = kit.add_command(
        sub,
        "rank",
        cmd_rank,
        help="single concessions ranked by how much conflict they remove",
        description=RANK_HELP,
        epilog=RANK_EPILOG,
        raw=True,
    )
    kit.add_case(p)
    kit.add_at(p)
    kit.add_parties(p)
    p.add_argument("--top", type=int, metavar="N", help="keep the first N rows (0: all)")
    kit.add_format(p)


# ------------------------------------------------------------------ settle


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:.4f}"


_OBJECTIVE_NAMES = {
    "total": "lowest total concession cost",
    "fair": "fairest (lowest largest cost)",
    "nash": "Nash bargaining package",
}


def settle_text(
    case: Case,
    s: Settlement,
    scenario: Scenario | None,
    specs: list[str],
    case_arg: str = "",
    relax: list[tuple[str, str]] | None = None,
) -> str:
    """The table layout of ``zopa settle`` (``case_arg``: the CASE as typed, for the hint;
    ``relax``: the red lines to relax together, from :func:`relax_together`)."""
    out = [f"Settlement — {_OBJECTIVE_NAMES[s.objective]} ({s.objective})\n"]
    out.append(f"Case: {case.title} ({case.id}), positions on {s.at.isoformat()}\n")
    out.append(f"Parties: {', '.join(s.parties)}\n")
    out += kit.what_if_lines(scenario, specs)
    if not s.feasible:
        return "".join(out + _collision_lines(s, specs, case_arg, relax or []))
    out += _proof_lines(s)
    out.append("\nPackage\n")
    rows = [
        [i, case.issue(i).name, kit.outcome_text(o), s.labels[i]] for i, o in s.outcomes.items()
    ]
    out.append(
        format_table(["issue", "name", "outcome", "label"], rows, align="llll", indent="  ")
    )
    out.append("\nCost by party\n")
    out.append(_cost_table(case, s))
    out.append("\nConcessions\n")
    if s.concessions:
        out.extend(wrap(f"- {c.describe(case)}", "  ", "    ") for c in s.concessions)
    else:
        out.append("  (none: every party gets its ideal)\n")
    out.append(
        "\nCost = salience × distance from the outcome to the party's acceptable set (to its "
        "ideal alone\nwhere a linkage condition fails); red lines are never crossed.\n"
    )
    return "".join(out)


def _collision_lines(
    s: Settlement, specs: list[str], case_arg: str, relax: list[tuple[str, str]]
) -> list[str]:
    """No package: the colliding red lines, a command to try, the proof."""
    out = ["\nNo package respects every red line.\n"]
    out.append(
        "These red lines collide (a minimal set: relaxing any one of them ends this collision):\n"
    )
    for r in s.conflicting_red_lines:
        out.append(wrap(f"- {r.party} on {r.issue}: {r.description}", "  ", "    "))
    if "Other red lines collide" in s.note:
        out.append("\nOther red lines collide as well: relaxing one of these is not enough.\n")
    cmd = " ".join(x for x in ("zopa settle", case_arg, *(f"--set {sp}" for sp in specs)) if x)
    if relax:
        names = ", ".join(f"{p} on {i}" for p, i in relax)
        what = (
            "these red lines together makes a package possible (checked: keep any one of them "
            "and none is)"
            if len(relax) > 1
            else "this red line makes a package possible (checked: keep it and none is)"
        )
        out.append("\n" + wrap(f"Relaxing {what}: {names}."))
        sets = " ".join(f"--set {p}:{i}.red_line=false" for p, i in relax)
        out.append(f"Try: {cmd} {sets}\n")
    out.append("\n" + wrap(f"Proof: {s.proof}."))
    return out


def relax_together(
    case: Case, s: Settlement, *, parties: Any = None, at: Any = None
) -> list[tuple[str, str]]:
    """Red lines (party, issue) whose relaxation *together* makes a package possible.

    Start from the colliding set ``s`` names; while red lines still collide,
    add the next colliding set the settlement search names; then drop, in
    case order, each red line the others do without (a deletion filter), so
    that keeping any one of those left gives no package. Each step is an
    exact :func:`engine.settle` on the case with those red lines set aside.
    """
    state = case.at(s.at)
    limit = sum(1 for pos in state.values() if pos.red_line)

    def feasible(keys: list[tuple[str, str]]) -> Settlement:
        changes = [engine.change_from_set(case, f"{p}:{i}.red_line=false") for p, i in keys]
        work = engine.apply(case, engine.scenario_from_changes(changes), at=s.at)
        return engine.settle(work, s.objective, parties=parties or s.parties, at=s.at)

    relax = [(r.party, r.issue) for r in s.conflicting_red_lines]
    while len(relax) <= limit:
        trial = feasible(relax)
        if trial.feasible:
            break
        new = [(r.party, r.issue) for r in trial.conflicting_red_lines]
        if not new:
            return []
        relax += [k for k in new if k not in relax]
    else:
        return []
    order = {key: n for n, key in enumerate(state)}
    relax.sort(key=lambda k: order.get(k, len(order)))
    for key in list(relax):
        rest = [k for k in relax if k != key]
        if rest and feasible(rest).feasible:
            relax = rest
    return relax


def _proof_lines(s: Settlement) -> list[str]:
    gap = 0.0 if s.gap is None or s.gap < 1e-12 else s.gap
    out = [
        f"Status: {s.status}; objective {_num(s.objective_value)}, best bound {_num(s.bound)}, "
        f"gap {gap:.2g} ({s.solves} MILP solves, HiGHS)\n"
    ]
    out += _optima_lines(s)
    if s.note:
        out.append(wrap(f"Note: {s.note}"))
    return out


def _optima_lines(s: Settlement) -> list[str]:
    """Whether the package is the only optimum; the others and the equally good ranges."""
    if s.unique is None:
        return ["Optimality: the only optimum? not checked for this objective.\n"]
    if s.unique:
        return ["Optimality: the only optimal package (no other is as good).\n"]
    out = []
    if s.n_optimal > 1:
        n = f"at least {s.n_optimal}" if s.more_optimal else str(s.n_optimal)
        out.append(wrap(f"Optimality: one of {n} optimal packages (tie rule: {s.tie_rule})."))
    else:
        out.append("Optimality: the only optimal package of candidate outcomes, but:\n")
    for i, (lo, hi) in s.ranges.items():
        out.append(f"  any {i} from {lo:g} to {hi:g} is as good (the other outcomes as below)\n")
    for n_alt, a in enumerate(s.alternatives, 1):
        diff = [f"{i}={kit.outcome_text(o)}" for i, o in a.outcomes.items() if o != s.outcomes[i]]
        costs = ", ".join(f"{p} {a.party_costs.get(p, 0.0):.4f}" for p in s.parties)
        out.append(wrap(f"  alternative {n_alt}: {', '.join(diff)} (costs {costs})", "", "    "))
    return out


def _cost_table(case: Case, s: Settlement) -> str:
    """Each party's cost (nash: with its utility U, status quo d and gain), then the total."""
    if s.objective == "nash":
        headers = ["party", "name", "cost", "U", "d", "gain"]
        prow = []
        for p in s.parties:
            u, d = s.utilities.get(p), s.status_quo_utilities.get(p)
            gain = None if u is None or d is None else u - d
            prow.append(
                [p, case.party(p).name, _num(s.party_costs[p]), _num(u), _num(d), _num(gain)]
            )
        prow.append(["total", "", _num(s.total_cost), "", "", ""])
    else:
        headers = ["party", "name", "cost"]
        prow = [[p, case.party(p).name, _num(s.party_costs[p])] for p in s.parties]
        prow.append(["total", "", _num(s.total_cost)])
    return format_table(headers, prow, align="ll" + "r" * (len(headers) - 2), indent="  ")


def cmd_settle(args: argparse.Namespace) -> int:
    case = kit.case_of(args)
    at = kit.date_of(args)
    work, scenario, specs = kit.what_if(case, at, args.scenario, args.changes)
    parties = kit.parties_of(args, work)
    s = engine.settle(work, args.objective, parties=parties, at=at if work is case else None)
    relax = [] if s.feasible else relax_together(work, s, parties=parties)
    if args.format == "json":
        data = s.as_dict(work)
        data["relax_together"] = [{"party": p, "issue": i} for p, i in relax]
        data["title"] = case.title
        data["scenario"] = kit.scenario_ref(scenario)
        data["changes"] = specs
        emit(kit.json_text(data))
        return 0
    emit(settle_text(work, s, scenario, specs, args.case, relax))
    return 0


# -------------------------------------------------------------------- rank

_RANK_COLUMNS = [
    "rank", "party", "issue", "direction", "added", "added_id", "red_line",
    "conflict_before", "conflict_after", "reduction", "opens_zone", "cost",
]  # fmt: skip


def cmd_rank(args: argparse.Namespace) -> int:
    case = kit.case_of(args)
    at = kit.date_of(args)
    parties = kit.parties_of(args, case)
    if args.top is not None and args.top < 0:
        raise kit.UsageError("--top: give a number of rows, 0 or more (0: all)")
    df = engine.rank_concessions(case, at=at, parties=parties)
    before = float(engine.total_conflict(case, at=at, parties=parties))
    total_rows = len(df)
    top = args.top if args.top is not None else (20 if args.format == "table" else 0)
    if top:
        df = df.head(top)
    records = [
        {"rank": int(r), **{c: kit.plain(df.loc[r, c]) for c in _RANK_COLUMNS[1:]}}
        for r in df.index
    ]
    date = (at or case.as_of).isoformat()
    chosen = list(case.resolve_parties(parties))
    if args.format == "json":
        emit(kit.json_text({"case": case.id, "title": case.title, "at": date, "parties": chosen,
                            "total_conflict": before, "concessions": records}))  # fmt: skip
    elif args.format == "csv":
        emit(kit.csv_text(_RANK_COLUMNS, ([r[c] for c in _RANK_COLUMNS] for r in records)))
    else:
        emit(_rank_text(case, date, before, records, total_rows))
    return 0


def _rank_text(
    case: Case, date: str, before: float, records: list[dict[str, Any]], total_rows: int
) -> str:
    """The table layout of ``zopa rank``."""
    out = [
        f"Single concessions ranked by the conflict they remove — {case.title} ({case.id}), "
        f"positions on {date}\n",
        f"Total conflict now: {before:.4f}; {total_rows} one-step concessions\n\n",
    ]
    rows = [
        [r["rank"], r["party"], r["issue"], r["direction"], r["added"], f"{r['reduction']:.4f}",
         f"{r['conflict_after']:.4f}", "yes" if r["opens_zone"] else "",
         f"{r['cost']:.4f}", "yes" if r["red_line"] else ""]
        for r in records
    ]  # fmt: skip
    headers = ["rank", "party", "issue", "step", "added", "reduction", "after", "opens", "cost",
               "red line"]  # fmt: skip
    out.append(format_table(headers, rows, align="rllllrrlrl", max_width=40))
    if len(records) < total_rows:
        out.append(f"\n({total_rows - len(records)} more; --top 0 shows all)\n")
    out.append(
        "\nreduction = total conflict before − after the step; opens: the issue's agreement zone "
        "goes\nfrom empty to non-empty; cost = salience × the distance the acceptable set is "
        "stretched.\n"
    )
    return "".join(out)
