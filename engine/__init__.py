"""zopa's engine: the position model, case loading, and every computation.

The engine never imports matplotlib or :mod:`reports`; drawing and the
command line live in :mod:`reports`.
"""

from .errors import CaseError, Problem, UnknownIdError, ZopaError
from .loader import case_folder, load_case, shipped_cases
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

__version__ = "0.1.0"

__all__ = [
    "Case",
    "CaseError",
    "Change",
    "Issue",
    "Option",
    "OptionSet",
    "Party",
    "Position",
    "Problem",
    "Scenario",
    "Snapshot",
    "Source",
    "Span",
    "Statement",
    "UnknownIdError",
    "ZopaError",
    "__version__",
    "apply",
    "as_date",
    "case_folder",
    "change_from_concede",
    "change_from_set",
    "load_case",
    "scenario_from_changes",
    "shipped_cases",
]
