"""The "Method" section of the report: every definition used, in words and formulas.

One source for the HTML, Markdown and PDF reports, so that the definitions a
reader sees are the same everywhere, and the same as the engine's docstrings.
Each entry is ``(term, words, formula)``; formulas are plain Unicode text.
"""

from __future__ import annotations

from engine.solve.ties import TIE_RULE

__all__ = ["METHOD", "SCALES"]

SCALES = [
    (
        "Ordinal scale",
        "Options are ordered from one pole to the other; the distance between two options is their "
        "difference in rank divided by the number of steps.",
        "d(a, b) = |rank(a) − rank(b)| / (k − 1), for k options",
    ),
    (
        "Nominal scale",
        "Options have no order; two different options are at distance 1 unless the case gives a "
        "smaller distance for that pair.",
        "d(a, b) = 1 for a ≠ b (or the case's table), d(a, a) = 0",
    ),
    (
        "Interval scale",
        "A number in a range; distance is the difference divided by the width of the range.",
        "d(a, b) = |a − b| / (max − min)",
    ),
]

METHOD = [
    (
        "Position in force",
        "On a date D, a party's position on an issue is the one in its latest statement dated on or "
        "before D that names the issue. A party with no such statement has no position there: it is "
        "left out of that issue's comparisons, never counted as zero.",
        "",
    ),
    (
        "Acceptable set",
        "What a party has said it could live with (it always contains the party's ideal). A position "
        "with a linkage ('requires') holds only if the settlement on the linked issue falls in the "
        "given set; the measures count the stated set, the settlement search enforces the condition.",
        "",
    ),
    (
        "Compatible",
        "Two parties are compatible on an issue when their acceptable sets share at least one outcome.",
        "compatible(p, q) ⇔ A_p ∩ A_q ≠ ∅",
    ),
    (
        "Overlap",
        "The share of what either party accepts that both accept (Jaccard index; lengths of "
        "intervals on interval scales; two identical single points count as 1).",
        "overlap(p, q) = |A_p ∩ A_q| / |A_p ∪ A_q|",
    ),
    (
        "Gap",
        "How far someone must move: the smallest distance between an outcome acceptable to p and one "
        "acceptable to q (0 when compatible).",
        "gap(p, q) = min { d(a, b) : a ∈ A_p, b ∈ A_q }",
    ),
    (
        "Distance",
        "The distance between the two ideals.",
        "distance(p, q) = d(ideal_p, ideal_q)",
    ),
    (
        "Conflict",
        "The gap weighted by how much the two parties care about the issue (salience, 0 to 1).",
        "conflict(p, q) = gap(p, q) × (s_p + s_q) / 2",
    ),
    (
        "Overlap and conflict matrices",
        "Pair overlap and pair conflict by stake: of everything the two parties care about, the share "
        "in common / in conflict; an issue only one of them states adds half that party's salience "
        "to the weights (w = (s_p + 0) / 2) and nothing to the sum, so a party stating few "
        "positions cannot look extreme. They are intensity (the weighted mean over shared issues) × "
        "coverage. The diagonal is 1 (overlap) and 0 (conflict) for a party with a position; a "
        "pair gives no value (–) when one of them states no position or neither states an issue "
        "with a positive salience.",
        "overlap_pq = Σ_{i∈I_p∩I_q} w_i · overlap_i(p, q) / Σ_{i∈I_p∪I_q} w_i;  conflict_pq = "
        "Σ_{i∈I_p∩I_q} w_i · gap_i(p, q) / Σ_{i∈I_p∪I_q} w_i;  w_i = (s_p,i + s_q,i) / 2, s = 0 "
        "without a position",
    ),
    (
        "Total conflict",
        "The sum of conflict over every pair of parties with positions on an issue, and over issues. "
        "It grows with the number of positions stated, so compare it between dates with that in mind.",
        "total = Σ_i Σ_{p<q} conflict_i(p, q)",
    ),
    (
        "Agreement zone",
        "The outcomes every party (with a position on the issue) accepts: the intersection of their "
        "acceptable sets.",
        "Z = ∩_p A_p",
    ),
    (
        "Blockers",
        "When the zone is empty: the smallest sets of parties whose removal would make it non-empty "
        "(all sets of that smallest size are listed).",
        "minimum |B| such that ∩_{p ∉ B} A_p ≠ ∅",
    ),
    (
        "Incompatibility graph",
        "One node per stated position (party, issue); a conflict edge between two incompatible "
        "positions on the same issue, weighted by their conflict; a linkage edge from a position to "
        "the positions on the issue its 'requires' names.",
        "",
    ),
    (
        "Cheapest relaxation",
        "The set of positions of least total salience whose relaxation (accepting the other side) "
        "removes every conflict edge: a minimum weighted vertex cover, solved exactly (small clusters "
        "by enumeration, larger ones as an integer programme; a 2-approximation, said so, only beyond "
        "200 positions in one cluster).",
        "min Σ_v s_v x_v  subject to  x_u + x_v ≥ 1 for every conflict edge, x ∈ {0, 1}",
    ),
    (
        "Concession cost",
        "What a package costs a party on an issue: its salience times the distance from the package's "
        "outcome to its acceptable set (to its ideal alone where a linkage condition fails). A red "
        "line is never crossed.",
        "cost_p,i(o) = s_p,i × d(o, A_p,i)",
    ),
    (
        "Settlement objectives",
        "total: the least sum of all parties' costs; fair: the least largest party cost, then the "
        "least sum; nash: the largest product of the parties' utility gains over the status quo. "
        "All three are solved exactly (integer programmes; the solver's bound proves optimality).",
        "total: min Σ_p cost_p;  fair: min max_p cost_p;  nash: max Π_p (U_p − d_p)",
    ),
    (
        "Ties between optimal packages",
        'When several packages are optimal, each package says how many there are ("at least n" '
        "when the count stopped at n), and the one shown is the first by a fixed tie rule, never "
        "the solver's order: " + TIE_RULE + ". Where a range of values of a numeric issue is "
        "equally good, the range is given.",
        "",
    ),
    (
        "Utility",
        "A party's additive utility of a package: the salience-weighted closeness of each outcome to "
        "its ideal. The status-quo package gives the disagreement utility d_p (an issue without a "
        "status quo contributes 0).",
        "U_p = Σ_i s_p,i (1 − d(o_i, ideal_p,i)) / Σ_i s_p,i",
    ),
    (
        "Timeline",
        "Every measure recomputed on each snapshot date. Between two snapshots a party softened when "
        "its acceptable set grew (or it dropped a red line while the set did not shrink), hardened in "
        "the opposite case, and moved when the set shifted without either containing the other, or "
        "only its ideal changed; a change of salience or linkage alone counts as 'other'. A restated "
        "identical position is no change.",
        "",
    ),
]
