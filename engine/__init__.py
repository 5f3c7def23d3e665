"""zopa's engine: the position model, case loading, and every computation.

Import what you need from here; this is the public API. The sub-packages show the
architecture (see ``docs/architecture.md``):

- :mod:`engine.model` — the immutable case model, errors, parsing of values;
- :mod:`engine.io` — reading case folders and other formats;
- :mod:`engine.analysis` — measures, matrices, zones, the incompatibility graph, history;
- :mod:`engine.whatif` — scenarios and the comparison of two analyses;
- :mod:`engine.solve` — settlement search, Pareto frontier, Nash package, logrolls.

Names are imported on first use (PEP 562), so ``import engine`` is cheap and a
command that never computes a matrix never loads pandas or scipy. The engine never
imports matplotlib or :mod:`reports`; drawing and the command line live in
:mod:`reports`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Where each public name lives.
_HOME: dict[str, str] = {
    "Agreement": "engine.agreement.compare",
    "AlphaEstimate": "engine.agreement.alpha",
    "Consensus": "engine.agreement.consensus",
    "coder_agreement": "engine.agreement.compare",
    "coding_units": "engine.agreement.codings",
    "confusion_table": "engine.agreement.compare",
    "consensus": "engine.agreement.consensus",
    "krippendorff_alpha": "engine.agreement.compare",
    "Relaxation": "engine.analysis.graph_analytics",
    "cheapest_relaxation": "engine.analysis.graph_analytics",
    "conflict_clusters": "engine.analysis.graph_analytics",
    "incompatibility_graph": "engine.analysis.graph",
    "party_graph": "engine.analysis.graph",
    "position_centrality": "engine.analysis.graph_analytics",
    "issue_timeline": "engine.analysis.history",
    "position_changes": "engine.analysis.history",
    "timeline": "engine.analysis.history",
    "agreement_zones": "engine.analysis.zones",
    "conflict_matrix": "engine.analysis.measures",
    "contested_issues": "engine.analysis.zones",
    "coverage_matrix": "engine.analysis.measures",
    "issue_matrices": "engine.analysis.measures",
    "overlap_matrix": "engine.analysis.measures",
    "position_records": "engine.analysis.positions",
    "position_table": "engine.analysis.positions",
    "shared_issues_matrix": "engine.analysis.measures",
    "total_conflict": "engine.analysis.measures",
    "RankGroup": "engine.analysis.ties",
    "ranked": "engine.analysis.ties",
    "read_decide": "engine.io.importers",
    "read_genius": "engine.io.importers",
    "read_ktab": "engine.io.importers",
    "case_folder": "engine.io.loader",
    "load_case": "engine.io.loader",
    "load_scenario": "engine.io.loader",
    "shipped_cases": "engine.io.loader",
    "Case": "engine.model.case",
    "Change": "engine.model.case",
    "Issue": "engine.model.case",
    "Option": "engine.model.case",
    "OptionSet": "engine.model.case",
    "Party": "engine.model.case",
    "Position": "engine.model.case",
    "Scenario": "engine.model.case",
    "Snapshot": "engine.model.case",
    "Source": "engine.model.case",
    "Span": "engine.model.case",
    "Statement": "engine.model.case",
    "as_date": "engine.model.case",
    "CaseError": "engine.model.errors",
    "Problem": "engine.model.errors",
    "UnknownIdError": "engine.model.errors",
    "ZopaError": "engine.model.errors",
    "BargainingError": "engine.solve.utility",
    "NashPackage": "engine.solve.nash",
    "disagreement_point": "engine.solve.nash",
    "logrolls": "engine.solve.logroll",
    "nash_package": "engine.solve.nash",
    "package_utilities": "engine.solve.utility",
    "pareto_packages": "engine.solve.pareto",
    "Alternative": "engine.solve.results",
    "Concession": "engine.solve.results",
    "RedLineConflict": "engine.solve.results",
    "Settlement": "engine.solve.results",
    "rank_concessions": "engine.solve.concessions",
    "settle": "engine.solve.settlement",
    "Comparison": "engine.whatif.compare",
    "compare": "engine.whatif.compare",
    "apply": "engine.model.apply",
    "change_from_concede": "engine.whatif.changes",
    "crossed_red_lines": "engine.whatif.redlines",
    "RedLineCrossed": "engine.whatif.redlines",
    "change_from_set": "engine.whatif.changes",
    "scenario_from_changes": "engine.whatif.scenario",
}

__all__ = [
    "Agreement",
    "AlphaEstimate",
    "Alternative",
    "BargainingError",
    "Case",
    "CaseError",
    "Change",
    "Comparison",
    "Concession",
    "Consensus",
    "Issue",
    "NashPackage",
    "Option",
    "OptionSet",
    "Party",
    "Position",
    "Problem",
    "RankGroup",
    "RedLineConflict",
    "RedLineCrossed",
    "Relaxation",
    "Scenario",
    "Settlement",
    "Snapshot",
    "Source",
    "Span",
    "Statement",
    "UnknownIdError",
    "ZopaError",
    "__version__",
    "agreement_zones",
    "apply",
    "as_date",
    "case_folder",
    "change_from_concede",
    "change_from_set",
    "cheapest_relaxation",
    "coder_agreement",
    "coding_units",
    "compare",
    "conflict_clusters",
    "conflict_matrix",
    "confusion_table",
    "consensus",
    "contested_issues",
    "coverage_matrix",
    "crossed_red_lines",
    "disagreement_point",
    "incompatibility_graph",
    "issue_matrices",
    "issue_timeline",
    "krippendorff_alpha",
    "load_case",
    "load_scenario",
    "logrolls",
    "nash_package",
    "overlap_matrix",
    "package_utilities",
    "pareto_packages",
    "party_graph",
    "position_centrality",
    "position_changes",
    "position_records",
    "position_table",
    "rank_concessions",
    "ranked",
    "read_decide",
    "read_genius",
    "read_ktab",
    "scenario_from_changes",
    "settle",
    "shared_issues_matrix",
    "shipped_cases",
    "timeline",
    "total_conflict",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use, then keep it here."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from engine.agreement.alpha import AlphaEstimate
    from engine.agreement.codings import coding_units
    from engine.agreement.compare import (
        Agreement,
        coder_agreement,
        confusion_table,
        krippendorff_alpha,
    )
    from engine.agreement.consensus import Consensus, consensus
    from engine.analysis.graph import (
        Relaxation,
        cheapest_relaxation,
        conflict_clusters,
        incompatibility_graph,
        party_graph,
        position_centrality,
    )
    from engine.analysis.history import issue_timeline, position_changes, timeline
    from engine.analysis.measures import (
        agreement_zones,
        conflict_matrix,
        contested_issues,
        coverage_matrix,
        issue_matrices,
        overlap_matrix,
        position_records,
        position_table,
        shared_issues_matrix,
        total_conflict,
    )
    from engine.analysis.ties import RankGroup, ranked
    from engine.io.importers import read_decide, read_genius, read_ktab
    from engine.io.loader import case_folder, load_case, load_scenario, shipped_cases
    from engine.model.case import (
        Case,
        Change,
        Issue,
        Option,
        OptionSet,
        Party,
        Position,
        Scenario,
        Snapshot,
        Source,
        Span,
        Statement,
        as_date,
    )
    from engine.model.errors import CaseError, Problem, UnknownIdError, ZopaError
    from engine.solve.bargaining import (
        BargainingError,
        NashPackage,
        disagreement_point,
        logrolls,
        nash_package,
        package_utilities,
        pareto_packages,
    )
    from engine.solve.settlement import (
        Alternative,
        Concession,
        RedLineConflict,
        Settlement,
        rank_concessions,
        settle,
    )
    from engine.whatif.compare import Comparison, compare
    from engine.whatif.redlines import RedLineCrossed, crossed_red_lines
    from engine.whatif.scenario import (
        apply,
        change_from_concede,
        change_from_set,
        scenario_from_changes,
    )
