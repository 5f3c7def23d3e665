"""Coder agreement: several codings of one case, compared with the field's reliability statistics.

Position data are coding judgements. Political science checks a coding by
having several people code the same material and measuring how far they
agree, with Krippendorff's α (Hayes & Krippendorff 2007): any number of
coders, any level of measurement, missing data allowed.

- :mod:`engine.agreement.codings` — the unit (a position in force: party ×
  issue on a date), checking that codings share ids, the tidy table of units;
- :mod:`engine.agreement.alpha` — α with any difference function, by
  strata, with a seeded bootstrap; MASI distances;
- :mod:`engine.agreement.compare` — α per variable at its level, each coder
  against the key, confusion tables, the most disputed units;
- :mod:`engine.agreement.disputes` — each unit's disagreement, the most
  disputed units, the party × issue agreement map;
- :mod:`engine.agreement.consensus` — the consensus coding as a new case.

This package imports :mod:`engine.model` and :mod:`engine.io` only.
"""

from __future__ import annotations

from engine.agreement.alpha import (
    AlphaEstimate,
    alpha_estimate,
    masi_distance,
    reliability_alpha,
    span_masi_distance,
)
from engine.agreement.codings import VARIABLES, coding_units, load_codings
from engine.agreement.compare import (
    MEASURES,
    Agreement,
    agreement,
    coder_agreement,
    confusion_table,
    krippendorff_alpha,
    reading,
)
from engine.agreement.consensus import Consensus, consensus

__all__ = [
    "MEASURES",
    "VARIABLES",
    "Agreement",
    "AlphaEstimate",
    "Consensus",
    "agreement",
    "alpha_estimate",
    "coder_agreement",
    "coding_units",
    "confusion_table",
    "consensus",
    "krippendorff_alpha",
    "load_codings",
    "masi_distance",
    "reading",
    "reliability_alpha",
    "span_masi_distance",
]
