"""Non-linear GENIUS profiles: sums of hyperrectangles, analysed exactly by branch and bound."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from engine.io.importers.common import FileProblems, number_text
from engine.io.importers.genius_domain import GIssue, IssueView, etype, fraction, match_issue
from engine.io.importers.xmlsafe import Xml
from engine.model.bonus import Bonus
from engine.model.case import OptionSet
from engine.model.errors import allowed_list

__all__ = ["MAX_NODES", "nonlinear", "nonlinear_bonuses"]

#: Most search nodes for one non-linear GENIUS profile.
MAX_NODES = 2_000_000


def nonlinear(xml: Xml, domain: list[GIssue], probs: FileProblems) -> list[IssueView] | None:
    """Ideal, acceptable values, salience and note per issue of a hyperRectangle profile.

    Notes
    -----
    ``b_i(v) = max {U(x) : x_i = v}``; acceptable = the values with
    ``b_i(v) = max U`` (the ideal the first of them); salience = the swing
    ``max U − min_v b_i(v)`` / the profile's largest swing.
    """
    start = len(probs.items)
    _check_declared_bounds(xml, domain, probs)
    rects = _hyper_rects(xml, domain, probs)
    if rects is None or len(probs.items) > start:
        return None
    hyper = _Hyper(domain, rects)
    try:
        top = hyper.best()
        envelopes = [hyper.envelope(k, domain) for k in range(len(domain))]
    except _TooHard:
        probs.add(
            *xml.at(xml.root.find(".//utility")),
            "utility",
            f"this non-linear utility needs more than {MAX_NODES} search steps to analyse exactly; "
            "zopa cannot import it",
        )
        return None
    swings = [top - min(env) for env in envelopes]
    widest = max(swings) if swings else 0
    out = []
    for d, env, swing in zip(domain, envelopes, swings, strict=True):
        tied = [v for v, b in zip(d.values, env, strict=True) if b == top]
        scores = [Fraction(b, hyper.den) for b in env]
        note = (
            f"GENIUS non-linear profile: the best utility reachable with each value "
            f"(of {number_text(float(Fraction(top, hyper.den)))} at most): {_runs(d.values, scores)}."
        )
        out.append((d, tied[0], tied, 0.0 if widest == 0 else swing / widest, note))
    return out


def nonlinear_bonuses(xml: Xml, domain: list[GIssue]) -> tuple[tuple[Bonus, ...], str]:
    """The profile's hyperrectangles as bonuses, and how their values were normalised.

    Call after :func:`nonlinear` accepted the profile. A rectangle of utility
    ``u`` in a ufun of weight ``w`` becomes a bonus of value ``u · w / M``
    (exact), ``M`` the ``<utility maxutility=…>`` (GENIUS's
    ``NonlinearUtilitySpace`` divides by it), or the profile's exact
    maximum when the attribute is missing or not positive. Its conditions
    are the ``INCLUDES`` bounds as the sets of integer values inside them;
    a rectangle no outcome can satisfy is left out.
    """
    probs = FileProblems("")
    rects = _hyper_rects(xml, domain, probs) or []
    util = xml.root.find(".//utility")
    top = fraction(util.get("maxutility", "")) if util is not None else None
    how = "the profile's maxutility"
    if top is None or top <= 0:
        hyper = _Hyper(domain, rects)
        top = Fraction(hyper.best(), hyper.den)
        how = "the profile's exact maximum (no positive maxutility given)"
    if top <= 0:
        top, how = Fraction(1), "1 (the profile's maximum is not positive)"
    out = []
    for r in rects:
        when = []
        for k in sorted(r.bounds):
            d = domain[k]
            lo, hi = r.bounds[k]
            inside = frozenset(d.option_of[v] for v in d.values if lo <= int(v) <= hi)
            when.append((d.issue.id if d.issue is not None else d.name, OptionSet(inside)))
        if all(acc.ids for _, acc in when):
            out.append(Bonus(tuple(when), r.utility / top))
    return tuple(out), how


def _check_declared_bounds(xml: Xml, domain: list[GIssue], probs: FileProblems) -> None:
    """The profile's own declarations of integer issues must match the domain's bounds."""
    for el in xml.root.iter("issue"):
        d = match_issue(xml, el, domain, probs)
        if d is not None and d.kind == "integer" and etype(el) == "integer":
            lo, hi = el.get("lowerbound", "").strip(), el.get("upperbound", "").strip()
            if (lo, hi) != (str(d.lo), str(d.hi)):
                probs.add(
                    *xml.at(el),
                    f"issue '{d.name}'",
                    f"bounds {lo}..{hi} differ from the domain's {d.lo}..{d.hi}",
                )


def _runs(values: Sequence[str], scores: Sequence[Fraction]) -> str:
    """``0–5: 662; 6: 640`` (consecutive values with the same score merged)."""
    parts: list[str] = []
    k = 0
    while k < len(values):
        j = k
        while j + 1 < len(values) and scores[j + 1] == scores[k]:
            j += 1
        key = values[k] if j == k else f"{values[k]}–{values[j]}"
        parts.append(f"{key}: {number_text(float(scores[k]))}")
        k = j + 1
    return "; ".join(parts)


# ---------------------------------------------------------------- the utility


@dataclass
class _Rect:
    utility: Fraction
    bounds: dict[int, tuple[Fraction, Fraction]]  # position in the domain list -> [min, max]


def _hyper_rects(xml: Xml, domain: list[GIssue], probs: FileProblems) -> list[_Rect] | None:
    """Every weighted hyperrectangle of the profile's ``<utility>``; ``None`` on any problem."""
    start = len(probs.items)
    pos_of = {d.index: k for k, d in enumerate(domain)}
    rects: list[_Rect] = []
    for util in xml.root.iter("utility"):
        for uf in util:
            rects += _ufun_rects(xml, uf, domain, pos_of, probs)
    if len(probs.items) > start:
        return None
    return rects


def _ufun_rects(
    xml: Xml, uf: ET.Element, domain: list[GIssue], pos_of: dict[str, int], probs: FileProblems
) -> list[_Rect]:
    """The hyperrectangles of one ``<ufun>`` (a PlainUfun sum), utilities times its weight."""
    if uf.tag != "ufun":
        probs.add(*xml.at(uf), "utility", f"unsupported element <{uf.tag}> in <utility>")
        return []
    agg = uf.get("aggregation", "sum")
    if agg != "sum" or uf.get("type", "PlainUfun") != "PlainUfun":
        probs.add(
            *xml.at(uf),
            "ufun",
            f"unsupported ufun (type {uf.get('type')!r}, aggregation {agg!r}); zopa reads "
            "PlainUfun sums of hyperRectangles",
        )
        return []
    weight = fraction(uf.get("weight", "1"))
    if weight is None:
        probs.add(*xml.at(uf), "ufun@weight", f"expected a number, got {uf.get('weight')!r}")
        return []
    rects: list[_Rect] = []
    for hr in uf:
        if hr.tag != "hyperRectangle":
            probs.add(
                *xml.at(hr),
                "ufun",
                f"unsupported element <{hr.tag}>; zopa reads hyperRectangle constraints",
            )
            continue
        u = fraction(hr.get("utility", ""))
        if u is None:
            probs.add(
                *xml.at(hr),
                "hyperRectangle@utility",
                f"expected a number, got {hr.get('utility')!r}",
            )
            continue
        rects.append(_Rect(u * weight, _rect_bounds(xml, hr, domain, pos_of, probs)))
    return rects


def _rect_bounds(
    xml: Xml, hr: ET.Element, domain: list[GIssue], pos_of: dict[str, int], probs: FileProblems
) -> dict[int, tuple[Fraction, Fraction]]:
    """Domain position -> [min, max] of a hyperRectangle's ``INCLUDES`` bounds."""
    bounds: dict[int, tuple[Fraction, Fraction]] = {}
    for b in hr:
        if b.tag != "INCLUDES":
            probs.add(
                *xml.at(b),
                "hyperRectangle",
                f"unsupported bound <{b.tag}>; zopa reads INCLUDES bounds",
            )
            continue
        index = (b.get("index") or "").strip()
        lo, hi = fraction(b.get("min", "")), fraction(b.get("max", ""))
        if index not in pos_of:
            probs.add(
                *xml.at(b),
                "INCLUDES@index",
                f"issue index {index!r} is not in the domain; indexes: "
                + allowed_list([d.index for d in domain]),
            )
        elif domain[pos_of[index]].kind != "integer":
            probs.add(
                *xml.at(b),
                "INCLUDES@index",
                f"issue '{domain[pos_of[index]].name}' is discrete; hyperRectangle bounds apply to integer issues",
            )
        elif lo is None or hi is None or lo > hi:
            probs.add(
                *xml.at(b),
                "INCLUDES",
                f"expected numbers min <= max, got min={b.get('min')!r}, max={b.get('max')!r}",
            )
        elif pos_of[index] in bounds:
            probs.add(
                *xml.at(b),
                "INCLUDES@index",
                f"issue index {index} is bounded twice in this hyperRectangle",
            )
        else:
            bounds[pos_of[index]] = (lo, hi)
    return bounds


# ------------------------------------------------------------------ the search


class _TooHard(Exception):
    pass


class _Hyper:
    """Exact best utilities of a sum of hyperrectangles, by branch and bound over the issues.

    ``U(x) = Σ_r u_r [x_i ∈ [lo_r,i, hi_r,i] for every bound of r]``. The
    values of an issue are grouped into classes that satisfy the same
    bounds; the search assigns a class issue by issue (most-constrained
    first) and prunes with the bound "utility of the rectangles already
    decided + every positive utility still possible". Utilities are scaled
    to integers, so comparisons are exact.
    """

    def __init__(self, domain: list[GIssue], rects: list[_Rect]):
        den = 1
        for r in rects:
            den = den * r.utility.denominator // math.gcd(den, r.utility.denominator)
        self.u = [int(r.utility * den) for r in rects]
        self.den = den
        self.const = sum(u for u, r in zip(self.u, rects, strict=True) if not r.bounds)
        live = [k for k, r in enumerate(rects) if r.bounds]
        touched = sorted(
            {i for k in live for i in rects[k].bounds},
            key=lambda i: -sum(1 for k in live if i in rects[k].bounds),
        )
        self.order = touched
        self.values = {i: [int(v) for v in domain[i].values] for i in touched}
        # classes: issue -> list of (kill mask, values)
        self.classes: dict[int, list[tuple[int, list[int]]]] = {}
        for i in touched:
            groups: dict[int, list[int]] = {}
            for v in self.values[i]:
                kill = 0
                for k in live:
                    b = rects[k].bounds.get(i)
                    if b is not None and not b[0] <= v <= b[1]:
                        kill |= 1 << k
                groups.setdefault(kill, []).append(v)
            self.classes[i] = sorted(groups.items(), key=lambda kv: kv[1][0])
        self.live_mask = sum(1 << k for k in live)
        depth_of = {i: d for d, i in enumerate(touched)}
        self.det = [0] * len(touched)  # rectangles decided once depth d is assigned
        for k in live:
            last = max(depth_of[i] for i in rects[k].bounds)
            for d in range(last, len(touched)):
                self.det[d] |= 1 << k
        self.nodes = 0
        self.top: int | None = None

    def _sum(self, mask: int, positive: bool = False) -> int:
        total = 0
        while mask:
            low = mask & -mask
            u = self.u[low.bit_length() - 1]
            total += max(u, 0) if positive else u
            mask ^= low
        return total

    def best(self, fix: tuple[int, int] | None = None) -> int:
        """Max over bids of the integer-scaled utility (issue ``fix[0]`` fixed to class ``fix[1]``)."""
        if not self.order:
            return self.const
        best: int | None = None
        last = len(self.order) - 1
        stack: list[tuple[int, int, int]] = [(0, 0, self.live_mask)]  # (bound, depth, alive)
        while stack:
            bound, depth, alive = stack.pop()
            if best is not None and depth and bound <= best:
                continue  # the bound was computed before a better package was found
            i = self.order[depth]
            choices = self.classes[i]
            if fix is not None and fix[0] == i:
                choices = [choices[fix[1]]]
            children = []
            for kill, _ in choices:
                self.nodes += 1
                if self.nodes > MAX_NODES:
                    raise _TooHard
                a = alive & ~kill
                value = self._sum(a & self.det[depth])
                bound = value + self._sum(a & ~self.det[depth], positive=True)
                if best is not None and bound <= best:
                    continue
                if depth == last:
                    best = value
                else:
                    children.append((bound, depth + 1, a))
            stack.extend(sorted(children))  # the most promising child is explored first
        assert best is not None
        return best + self.const

    def envelope(self, pos: int, domain: list[GIssue]) -> list[int]:
        """``b_i(v)`` for every value of issue ``pos`` (integer-scaled)."""
        if pos not in self.classes:  # no bound on this issue: every value reaches the maximum
            if self.top is None:
                self.top = self.best()
            return [self.top] * len(domain[pos].values)
        out: dict[int, int] = {}
        for c, (_, values) in enumerate(self.classes[pos]):
            b = self.best((pos, c))
            for v in values:
                out[v] = b
        return [out[int(v)] for v in domain[pos].values]
