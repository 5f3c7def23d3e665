"""zopa's engine: the position model, case loading, and every computation.

The engine never imports matplotlib or :mod:`reports`; drawing and the
command line live in :mod:`reports`.
"""

from .bargaining import (
    BargainingError,
    NashPackage,
    disagreement_point,
    logrolls,
    nash_package,
    package_utilities,
    pareto_packages,
)
from .errors import CaseError, Problem, UnknownIdError, ZopaError
from .graph import (
    Relaxation,
    cheapest_relaxation,
    conflict_clusters,
    incompatibility_graph,
    party_graph,
    position_centrality,
)
from .history import issue_timeline, position_changes, timeline
from .importers import read_decide, read_genius, read_ktab
from .loader import case_folder, load_case, load_scenario, shipped_cases
from .measures import (
    agreement_zones,
    conflict_matrix,
    contested_issues,
    issue_matrices,
    overlap_matrix,
    position_records,
    position_table,
    total_conflict,
)
from .model import (
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
from .scenario import apply, change_from_concede, change_from_set, scenario_from_changes
from .settlement import Concession, RedLineConflict, Settlement, rank_concessions, settle
from .whatif import Comparison, compare

__version__ = "0.1.0"

__all__ = [
    "BargainingError",
    "Case",
    "CaseError",
    "Change",
    "Comparison",
    "Concession",
    "Issue",
    "NashPackage",
    "Option",
    "OptionSet",
    "Party",
    "Position",
    "Problem",
    "RedLineConflict",
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
    "compare",
    "conflict_clusters",
    "conflict_matrix",
    "contested_issues",
    "disagreement_point",
    "incompatibility_graph",
    "issue_matrices",
    "issue_timeline",
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
    "read_decide",
    "read_genius",
    "read_ktab",
    "scenario_from_changes",
    "settle",
    "shipped_cases",
    "timeline",
    "total_conflict",
]
