"""The report's words about its results: headline findings and the settlement section.

:func:`reports.render.content.build_report` calls :func:`settlement_section`
and, once every other section is computed, :func:`headline_findings`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

import engine
from engine import Case
from engine.solve.settlement import OBJECTIVES, Settlement
from reports.render.text import num, plural

if TYPE_CHECKING:
    from reports.render.content import Report

__all__ = [
    "headline_findings",
    "optimum_text",
    "pair_extremes",
    "party_names",
    "settlement_section",
]


def party_names(rep: Report, ids: Iterable[str]) -> str:
    """Short names of parties in prose: "A", "A and B", "A, B and C"."""
    names = [rep.name(p) for p in ids]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _pairs(m: pd.DataFrame) -> list[tuple[str, str, float]]:
    out = []
    cols = list(m.columns)
    for i, p in enumerate(cols):
        for q in cols[i + 1 :]:
            v = m.loc[p, q]
            if not pd.isna(v):
                out.append((p, q, float(v)))
    return out


def _without_red_lines(case: Case, at: Any, parties: Sequence[str]) -> Case:
    """The case with every red line of the given parties set aside (an explicit what-if)."""
    changes = [
        engine.Change("position", party=p, issue=i, red_line=False)
        for (p, i), pos in case.at(at).items()
        if pos.red_line and p in parties
    ]
    return engine.apply(
        case,
        engine.Scenario(
            "no-red-lines", "red lines set aside", tuple(changes), at=engine.as_date(at)
        ),
    )


def _settlement_view(rep: Report, s: Settlement) -> dict[str, Any]:
    case = rep.case
    outcomes = [
        {"issue": case.issue(i).name, "outcome": s.labels[i]} for i in s.issues if i in s.outcomes
    ]
    concessions = [
        {
            "party": rep.name(c.party),
            "text": c.describe(case),
            "cost": num(c.cost),
            "inside": c.within_acceptable,
        }
        for c in sorted(
            s.concessions,
            key=lambda c: (-c.cost, rep.parties.index(c.party), case.issue_ids.index(c.issue)),
        )
    ]
    return {
        "objective": s.objective,
        "feasible": s.feasible,
        "status": s.status,
        "total": num(s.total_cost),
        "max": num(s.max_cost),
        "value": num(s.objective_value, 4),
        "gap": num(s.gap, 6),
        "optimality": package_optimality(rep, s) if s.feasible else "",
        "outcomes": outcomes,
        "party_costs": [(rep.name(p), num(s.party_costs.get(p))) for p in s.parties],
        "concessions": concessions,
        "red_lines": [
            {"party": rep.name(r.party), "issue": case.issue(r.issue).name, "text": r.description}
            for r in s.conflicting_red_lines
        ],
        "utilities": [
            (rep.name(p), num(s.utilities.get(p)), num(s.status_quo_utilities.get(p)))
            for p in s.parties
            if p in s.utilities
        ],
    }


def _red_line_collisions(rep: Report) -> list[dict[str, Any]]:
    """Issues where the negotiators' red-line positions alone leave no common outcome."""
    state = rep.case.at(rep.at)
    out = []
    for issue in rep.case.issues:
        red = [
            p for p in rep.negotiators if (p, issue.id) in state and state[(p, issue.id)].red_line
        ]
        if len(red) < 2:
            continue
        z = engine.agreement_zones(rep.case, at=rep.at, parties=red).loc[issue.id]
        if bool(z["empty"]):
            out.append({"issue": issue.short_name, "parties": party_names(rep, red)})
    return out


def settlement_section(rep: Report) -> dict[str, Any]:
    """Every package (total, fair, Nash) among the negotiators; with red lines set aside too
    when none respects them all (and where the red lines alone collide)."""
    case, at = rep.case, rep.at
    views = {}
    results: dict[str, Settlement] = {}
    for obj in OBJECTIVES:
        results[obj] = engine.settle(case, objective=obj, parties=rep.negotiators, at=at)
        views[obj] = _settlement_view(rep, results[obj])
    relaxed_views = {}
    collisions: list[dict[str, Any]] = []
    if not results["total"].feasible:
        collisions = _red_line_collisions(rep)
        relaxed = _without_red_lines(case, at, rep.negotiators)
        for obj in OBJECTIVES:
            s = engine.settle(relaxed, objective=obj, parties=rep.negotiators, at=at)
            results[f"{obj} (red lines set aside)"] = s
            relaxed_views[obj] = _settlement_view(rep, s)
    return {
        "negotiators": party_names(rep, rep.negotiators),
        "label": rep.negotiators_label,
        "views": views,
        "relaxed": relaxed_views,
        "collisions": collisions,
        "results": results,
    }


def headline_findings(rep: Report) -> list[str]:
    """A few sentences that sum the report up, computed from its other sections."""
    case, at = rep.case, rep.at
    out = []
    neg = rep.negotiators
    zones = engine.agreement_zones(case, at=at, parties=neg)
    compared = zones[zones["n_parties"] == len(neg)]
    open_ = [case.issue(i).short_name for i in compared.index[~compared["empty"]]]
    out.append(
        f"Among {rep.negotiators_label} ({party_names(rep, neg)}), {len(open_)} of the {len(compared)} issues on "
        f"which all of them have a position have a non-empty agreement zone"
        + (f": {', '.join(open_)}." if open_ else ".")
    )
    contested = engine.contested_issues(case, at=at, parties=rep.parties)
    top = contested[contested["total_conflict"] > 0].head(3)
    if len(top):
        parts = []
        for iid, r in top.iterrows():
            pairs = r["top_pairs"]
            best = pairs[0][2]
            tied = [f"{rep.name(p)}–{rep.name(q)}" for p, q, v in pairs if abs(v - best) < 1e-9]
            who = ", ".join(tied[:4]) + (f" and {len(tied) - 4} more" if len(tied) > 4 else "")
            parts.append(
                f"{case.issue(iid).short_name} (total conflict {r['total_conflict']:.2f}; largest pair "
                f"conflict {best:.2f}: {who})"
            )
        out.append(
            "The most contested issues, by total conflict over all pairs, are "
            + "; ".join(parts)
            + "."
        )
    out += _pair_sentences(rep)
    st = rep.sections["settlement"]
    total = st["results"]["total"]
    if total.feasible:
        out.append(_package_sentence(rep, total, "The cheapest settlement package"))
    else:
        if st["collisions"]:
            where = ", ".join(c["issue"] for c in st["collisions"])
            out.append(
                f"No package respects every red line of {rep.negotiators_label}: their red lines leave no common "
                f"outcome on {where}."
            )
        else:
            lines = "; ".join(
                f"{r['party']} on {r['issue']}" for r in st["views"]["total"]["red_lines"]
            )
            out.append(
                f"No package respects every red line of {rep.negotiators_label}: the red lines of {lines} cannot all hold together."
            )
        relaxed = st["results"].get("total (red lines set aside)")
        if relaxed is not None and relaxed.feasible:
            out.append(
                _package_sentence(rep, relaxed, "With red lines set aside, the cheapest package")
            )
    return out


def _pair_label(rep: Report, pair: str) -> str:
    p, q = pair.split("|")
    return f"{rep.name(p)}–{rep.name(q)}"


def pair_extremes(rep: Report) -> tuple[Any, Any] | None:
    """The highest and the lowest pair overlap among the report's parties, ties grouped
    (:func:`engine.ranked`): the pairs are labelled ``"p|q"``."""
    ov = rep.sections["matrices"]["overlap_df"]
    values = {f"{p}|{q}": v for p, q, v in _pairs(ov)}
    if not values:
        return None
    hi = engine.ranked(values)[0]
    lo = engine.ranked(values, ascending=True)[0]
    return hi, lo


def _group_text(rep: Report, group: Any, shared: pd.DataFrame) -> str:
    """ "EU–Türkiye at 0.71 (16 issues both state)" or "nine pairs tie at 0.00: …"."""
    names = []
    for pair in group.items:
        p, q = pair.split("|")
        names.append(
            f"{_pair_label(rep, pair)} ({plural(int(shared.loc[p, q]), 'issue')} both state)"
        )
    if len(names) == 1:
        return f"{names[0].replace(' (', f' at {group.value:.2f} (', 1)}"
    listed = "; ".join(names[:4]) + (f"; and {len(names) - 4} more" if len(names) > 4 else "")
    return f"{len(names)} pairs tie at {group.value:.2f}: {listed}"


def _pair_sentences(rep: Report) -> list[str]:
    ext = pair_extremes(rep)
    if ext is None:
        return []
    hi, lo = ext
    shared = engine.shared_issues_matrix(rep.case, at=rep.at, parties=rep.parties)
    return [
        "By pair overlap (of all the salience two parties put on the issues either of them "
        "states, the share where their acceptable sets coincide; 1 = identical on every issue "
        f"either states), the most compatible: {_group_text(rep, hi, shared)}; the least "
        f"compatible: {_group_text(rep, lo, shared)}."
    ]


def package_optimality(rep: Report, s: Settlement) -> str:
    """Under a package: :func:`optimum_text` in short, then the numbers that are as good."""
    parts = [optimum_text(s, rule="the first by the tie rule (see Method)")]
    for i, (lo, hi) in s.ranges.items():
        issue = rep.case.issue(i)
        parts.append(
            f"any {issue.short_name} from {lo:g} to {hi:g} {issue.unit} is as good".rstrip()
        )
    return "; ".join(parts)


def optimum_text(s: Settlement, rule: str | None = None) -> str:
    """Whether a package is the only optimum, or one of how many, chosen by the tie rule.

    ``rule``: how the tie rule is named (default: in full, ``s.tie_rule``).
    """
    if s.unique:
        return "the only optimal package"
    rule = rule or f"chosen by the tie rule: {s.tie_rule}"
    if s.n_optimal and s.n_optimal > 1:
        n = f"at least {s.n_optimal}" if s.more_optimal else str(s.n_optimal)
        return f"one of {n} optimal packages, {rule}"
    if s.unique is False:
        return f"one of several optimal packages, {rule}"
    return "optimality proven by the solver; other optima were not enumerated"


def _package_sentence(rep: Report, s: Settlement, lead: str) -> str:
    per_party = []
    for p in s.parties:
        costly = sorted(
            (c for c in s.concessions if c.party == p and c.cost > 0), key=lambda c: -c.cost
        )
        if costly:
            names = ", ".join(rep.case.issue(c.issue).short_name for c in costly[:3])
            more = f" and {len(costly) - 3} more" if len(costly) > 3 else ""
            per_party.append(
                f"{rep.name(p)} concedes on {names}{more} (cost {s.party_costs[p]:.2f})"
            )
        else:
            per_party.append(f"{rep.name(p)} concedes nothing outside its acceptable sets")
    return (
        f"{lead} (total concession cost {s.total_cost:.2f}; {optimum_text(s)}): "
        + "; ".join(per_party)
        + "."
    )
