"""Additive GENIUS profiles (issue weights and per-value evaluations)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction

from engine.io.importers.common import FileProblems, number_text
from engine.io.importers.genius_domain import GIssue, IssueView, fraction, match_issue
from engine.io.importers.xmlsafe import Xml
from engine.model.errors import allowed_list, did_you_mean

__all__ = ["additive", "additive_values"]

_Evaluations = dict[str, tuple[ET.Element, dict[str, Fraction]]]


def additive(xml: Xml, domain: list[GIssue], probs: FileProblems) -> list[IssueView] | None:
    """Ideal, acceptable values, salience and note per issue of an additive profile.

    Notes
    -----
    ``ideal`` = the value with the highest evaluation (ties: all acceptable,
    the first in the domain's order is the ideal); ``salience`` = the issue's
    weight as written, divided by the smallest power of ten that brings every
    weight to at most 1 (GENIUS weights sum to 1: usually none). Only the
    ratios of the saliences enter ``U``, and a decimal shifted by a power of
    ten is still the decimal as written, so utilities stay exact: dividing
    by the largest weight instead (16/17 for ``Car-A``) gives saliences that
    no decimal can hold, and rounding them broke exact ties between packages
    (docs/import.md, "The frontier against GENIUS and NegMAS").
    """
    start = len(probs.items)
    evals, unmatched = _evaluations(xml, domain, probs)
    weights, bad_weight = _weights(xml, domain, probs)
    obj = xml.root.find(".//objective")
    for d in domain:
        if d.index not in evals:
            if not unmatched:
                probs.add(
                    *xml.at(obj if obj is not None else xml.root),
                    "issue",
                    f"the profile does not evaluate issue '{d.name}' (index {d.index}) of the domain",
                )
        elif d.index not in weights and not bad_weight:
            probs.add(
                *xml.at(evals[d.index][0]),
                f"issue '{d.name}'",
                f'no <weight index="{d.index}" value="…"/> for this issue',
            )
    if len(probs.items) > start:
        return None
    top = max(weights.values())
    if top <= 0:
        probs.add(*xml.at(obj), "weight", "every weight is 0: the profile cares about nothing")
        return None
    shift = 1
    while top > shift:  # weights above 1: divide them all by a power of ten (exactly)
        shift *= 10
    return [_view(d, evals[d.index][1], weights[d.index], shift) for d in domain]


def additive_values(xml: Xml, domain: list[GIssue]) -> dict[str, dict[str, float]]:
    """Domain index -> value -> evaluation / the issue's largest evaluation (GENIUS's own scaling).

    Call after :func:`additive` has accepted the profile. GENIUS's discrete
    evaluator divides each evaluation by the issue's largest, so the best
    value is worth 1; with issue weights ``w`` (zopa's saliences are the
    ``w`` as written, up to a power of ten), ``U = Σ w · v / Σ w`` is GENIUS's
    utility. An issue whose evaluations are all 0 is worth the same for
    every value: each is given 1. A negative evaluation (some published
    profiles have them, a few hundredths below 0) is read as 0, zopa's
    lowest value; the note keeps the evaluation as written.
    """
    evals, _ = _evaluations(xml, domain, FileProblems(""))
    out: dict[str, dict[str, float]] = {}
    for index, (_, table) in evals.items():
        top = max(table.values(), default=Fraction(0))
        out[index] = {v: (max(0.0, float(e / top)) if top > 0 else 1.0) for v, e in table.items()}
    return out


def _view(d: GIssue, table: dict[str, Fraction], weight: Fraction, shift: int) -> IssueView:
    """The best values of one issue, its salience (weight / shift) and a note keeping the evaluations."""
    best = max(table.values())
    tied = [v for v in d.values if table[v] == best]
    note = (
        "GENIUS evaluations: "
        + "; ".join(f"{v} {number_text(float(table[v]))}" for v in d.values)
        + f". Weight {number_text(float(weight))}."
    )
    if len(tied) > 1:
        note += f" Tied best values, all acceptable: {', '.join(tied)}."
    return (d, tied[0], tied, float(weight / shift), note)


def _evaluations(xml: Xml, domain: list[GIssue], probs: FileProblems) -> tuple[_Evaluations, bool]:
    """Domain index -> (element, value -> evaluation); and whether an issue matched none."""
    unmatched = False  # a profile issue matched no domain issue: "not evaluated" would repeat it
    evals: _Evaluations = {}
    for el in xml.root.iter("issue"):
        d = match_issue(xml, el, domain, probs)
        if d is None:
            unmatched = True
            continue
        if d.index in evals:
            probs.add(*xml.at(el), "issue", f"issue '{d.name}' is evaluated twice in this profile")
            continue
        if d.kind != "discrete":
            probs.add(
                *xml.at(el),
                f"issue '{d.name}'",
                "an integer issue in an additive profile (an evaluator function) is not supported; "
                "zopa reads discrete issues with per-value evaluations, and integer issues of "
                "hyperRectangle profiles",
            )
            evals[d.index] = (el, {})
            continue
        evals[d.index] = (el, _evaluation_table(xml, el, d, probs))
    return evals, unmatched


def _evaluation_table(
    xml: Xml, el: ET.Element, d: GIssue, probs: FileProblems
) -> dict[str, Fraction]:
    """Value -> evaluation of one issue; every value of the domain must be evaluated once."""
    table: dict[str, Fraction] = {}
    before = len(probs.items)
    for item in el.findall("item"):
        v, raw = item.get("value"), item.get("evaluation")
        where = f"issue '{d.name}'.item"
        if v is None or v not in d.values:
            probs.add(
                *xml.at(item),
                where,
                f"value {v!r} is not a value of issue '{d.name}' in the domain"
                f"{did_you_mean(str(v), d.values)}; values: {allowed_list(d.values)}",
            )
            continue
        if v in table:
            probs.add(*xml.at(item), where, f"value '{v}' is evaluated twice")
            continue
        ev = fraction(raw) if raw is not None else None
        if ev is None:
            probs.add(
                *xml.at(item),
                f"{where}@evaluation",
                f"expected a number (the evaluation of '{v}'), got {raw!r}",
            )
            continue
        table[v] = ev
    missing = [v for v in d.values if v not in table]
    if missing and len(probs.items) == before:
        probs.add(
            *xml.at(el),
            f"issue '{d.name}'",
            f"no evaluation for {', '.join(repr(m) for m in missing)}; a profile evaluates "
            "every value of the domain",
        )
    return table


def _weights(
    xml: Xml, domain: list[GIssue], probs: FileProblems
) -> tuple[dict[str, Fraction], bool]:
    """Domain index -> weight; and whether a weight was unusable."""
    weights: dict[str, Fraction] = {}
    bad_weight = False
    for w in xml.root.iter("weight"):
        index, raw = (w.get("index") or "").strip(), w.get("value")
        if index not in {d.index for d in domain}:
            probs.add(
                *xml.at(w),
                "weight@index",
                f"weight for issue index {index!r}, which the domain does not have; issue indexes: "
                + allowed_list([d.index for d in domain]),
            )
            bad_weight = True
            continue
        val = fraction(raw) if raw is not None else None
        if val is None or val < 0:
            probs.add(*xml.at(w), "weight@value", f"expected a number >= 0, got {raw!r}")
            bad_weight = True
            continue
        if index in weights:
            probs.add(*xml.at(w), "weight@index", f"issue index {index} has two weights")
            continue
        weights[index] = val
    return weights, bad_weight
