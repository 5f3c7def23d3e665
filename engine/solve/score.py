"""Scoring a given package against the Pareto frontier (:func:`score_package`)."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.model.case import Case, Outcome
from engine.model.errors import CaseError, Problem
from engine.model.parse import parse_outcome
from engine.solve.pareto import pareto_packages
from engine.solve.utility import package_utilities, utility_column

__all__ = ["PackageScore", "parse_package", "score_package"]


@dataclass(frozen=True)
class PackageScore:
    """A package's utilities and where it stands against the frontier (see :func:`score_package`)."""

    parties: tuple[str, ...]
    package: Mapping[str, Outcome]
    utilities: Mapping[str, float]
    reservation: Mapping[str, float | None]
    on_frontier: bool
    distance: float
    nearest_point: int
    nash_point: int | None

    @property
    def rational(self) -> bool:
        """Whether every party gets at least its reservation."""
        return all(r is None or self.utilities[p] >= r for p, r in self.reservation.items())


def parse_package(case: Case, text: str) -> dict[str, Outcome]:
    """``"issue=option,issue=number,..."`` as a package; located errors with did-you-mean.

    Examples
    --------
    >>> from engine import load_case
    >>> parse_package(load_case("tests/cases/tiny"), "ord=o3,nom=y,num=50")
    {'ord': 'o3', 'nom': 'y', 'num': 50.0}
    """
    from engine.model.errors import unknown_message

    problems: list[str] = []
    out: dict[str, Outcome] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        issue_id, sep, raw = part.partition("=")
        issue_id, raw = issue_id.strip(), raw.strip()
        if not sep:
            problems.append(f"'{part}': write issue=option (or issue=number on interval issues)")
            continue
        if issue_id not in case.issue_ids:
            problems.append(unknown_message("issue", issue_id, case.issue_ids))
            continue
        issue = case.issue(issue_id)
        value: Any = raw
        if issue.is_interval:
            with contextlib.suppress(ValueError):  # parse_outcome names what is allowed
                value = float(raw)
        outcome, err = parse_outcome(issue, value)
        if err:
            problems.append(err)
        elif outcome is not None:
            out[issue_id] = outcome
    if problems:
        raise CaseError([Problem("", 0, 0, "--package", m) for m in problems])
    return out


def score_package(
    case: Case,
    package: Mapping[str, Outcome],
    parties: Iterable[str] | str | None = None,
    *,
    at: Any = None,
) -> PackageScore:
    """Each party's utility of a package, and its distance to the exact Pareto frontier.

    Parameters
    ----------
    case : Case
    package : mapping of issue id to outcome
        Every issue on which a chosen party has a position.
    parties : iterable of str, optional
        Default: every party of the case.
    at : date or str, optional

    Notes
    -----
    ``U_p`` as in :func:`engine.solve.utility.package_utilities` (the
    positions' ``values`` where given). With ``F`` the frontier of
    :func:`engine.solve.pareto.pareto_packages` (red lines respected,
    packages below a reservation left out), the **distance** is the
    smallest shortfall ``min_{f ∈ F} ‖(f − U)⁺‖₂`` — how much utility the
    parties leave on the table, 0 exactly when no frontier point gives
    every party at least as much and someone more, i.e. when the package is
    on the frontier (or, if it crosses a red line or a reservation, when
    nothing feasible beats it). ``on_frontier`` is ``distance == 0`` and the
    package's vector equal to a frontier point (within 1e-12).

    Examples
    --------
    >>> from engine import load_case
    >>> case = load_case("positions/harbour-lease")
    >>> pkg = parse_package(case, "term=25,rent=r500k,dredging=split,hiring=half,night_sailings=allowed")
    >>> s = score_package(case, pkg)
    >>> s.on_frontier, s.nearest_point == s.nash_point
    (True, True)
    """
    front = pareto_packages(case, case.party_ids if parties is None else parties, at=at)
    chosen = tuple(front.attrs["parties"])
    u = package_utilities(case, package, chosen, at=at)
    cols = [utility_column(p) for p in chosen]
    best, nearest = math.inf, 0
    for row, rec in enumerate(front[cols].itertuples(index=False)):
        short = math.sqrt(sum(max(0.0, f - u[p]) ** 2 for f, p in zip(rec, chosen, strict=True)))
        if short < best:
            best, nearest = short, row
    on = best <= 1e-12 and all(
        abs(front.iloc[nearest][utility_column(p)] - u[p]) <= 1e-12 for p in chosen
    )
    return PackageScore(
        parties=chosen,
        package=dict(package),
        utilities=u,
        reservation={p: case.party(p).reservation for p in chosen},
        on_frontier=on,
        distance=0.0 if best <= 1e-12 else best,
        nearest_point=nearest,
        nash_point=front.attrs.get("nash_point"),
    )
