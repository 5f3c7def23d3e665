"""Integrative bargaining: the Pareto frontier of packages, the Nash package, logrolls.

A **package** chooses one outcome on every issue. Each party ``p`` values a
package ``o`` by its additive utility (DESIGN.md, "What-if and settlement
search")::

    U_p(o) = Σ_i s_p,i · (1 − distance_i(o_i, ideal_p,i)) / Σ_i s_p,i

summed over the issues on which ``p`` has a position (on the evaluation
date), with ``s`` the saliences and ``distance_i`` the issue's own distance
(:meth:`engine.Issue.distance`). The **disagreement point** ``d_p`` is the
utility of the status-quo package: each issue contributes
``s_p,i · (1 − distance_i(status_quo_i, ideal_p,i))``, and an issue without a
``status_quo`` contributes 0 (nothing holds there without a deal, so no
closeness to the party's ideal is credited).

Exact arithmetic
----------------
Utilities are compared in exact rational arithmetic, never with a float
tolerance. Every number of the case (saliences, entries of a nominal
distance table, interval bounds, ideals and endpoints) is read as the
shortest decimal that gives the same float — i.e. as written in the YAML
file, so ``0.1 + 0.2`` equals ``0.3`` — ordinal distances are exact
fractions ``r / (k − 1)``, and each party's contributions are scaled by the
least common denominator to integers (numpy ``int64`` when the sums fit,
Python integers otherwise). Two packages tie exactly when their rational
utilities are equal; the floats in the results are the correctly rounded
values of those rationals.

This module never enumerates the package space: see
:func:`pareto_packages` for the algorithm.

The work is spread over modules of :mod:`engine.solve`, each owning one
thing: :mod:`~engine.solve.utility` (exact utilities, :func:`package_utilities`),
:mod:`~engine.solve.frontier` (the problem and the block-by-block frontier),
:mod:`~engine.solve.pareto` (:func:`pareto_packages`),
:mod:`~engine.solve.nash` (:func:`nash_package`, :func:`disagreement_point`)
and :mod:`~engine.solve.logroll` (:func:`logrolls`). This module re-exports
their public names.
"""

from __future__ import annotations

from engine.solve.logroll import logrolls
from engine.solve.nash import NashPackage, disagreement_point, nash_package
from engine.solve.pareto import pareto_packages
from engine.solve.utility import COUNT, BargainingError, package_utilities, utility_column

__all__ = [
    "COUNT",
    "BargainingError",
    "NashPackage",
    "disagreement_point",
    "logrolls",
    "nash_package",
    "package_utilities",
    "pareto_packages",
    "utility_column",
]
