"""What-if: compare two analyses (a case before and after a scenario, or two dates).

:func:`compare` diffs the measures of :mod:`engine.analysis.measures` between two cases
(or one case at two dates) and returns a :class:`Comparison`: the conflicts
resolved and created, per issue and pair of parties; the overlap- and
conflict-matrix deltas; the agreement zones opened or closed; the blockers
that changed; and the change in total conflict.

Typical use::

    new = engine.apply(case, case.scenario("neutrality-for-guarantees"))
    diff = compare(case, new, at_before=new.as_of)
    print(diff.summary())
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from engine.analysis.arrays import resolve_date
from engine.analysis.measures import (
    agreement_zones,
    conflict_matrix,
    issue_matrices,
    overlap_matrix,
    total_conflict,
)
from engine.model.case import Case
from engine.model.errors import UnknownIdError
from engine.whatif.summary import conflict_lines, zone_lines

__all__ = ["CONFLICT_CHANGES", "ZONE_CHANGES", "Comparison", "compare"]

#: Values of ``Comparison.conflicts["change"]``.
CONFLICT_CHANGES = ("resolved", "created", "eased", "worsened", "dropped", "new")
#: Values of ``Comparison.zones["change"]``.
ZONE_CHANGES = (
    "opened", "closed", "changed", "unchanged", "newly stated", "no longer stated",
    "holders changed", "new issue", "removed issue",
)  # fmt: skip

_TOL = 1e-12  # changes smaller than this are float noise, not changes
_CONFLICT_COLUMNS = [
    "issue", "party", "other", "change", "compatible_before", "compatible_after",
    "conflict_before", "conflict_after", "delta",
]  # fmt: skip
_ZONE_COLUMNS = [
    "change", "zone_before", "zone_after", "empty_before", "empty_after",
    "blockers_before", "blockers_after", "blockers_changed", "newly_stated",
    "no_longer_stated",
]  # fmt: skip


@dataclass(frozen=True, eq=False)
class Comparison:
    """The difference between two analyses (see :func:`compare`).

    Attributes
    ----------
    case_before, case_after : str
        Case ids.
    at_before, at_after : datetime.date
        Evaluation dates.
    parties : tuple of str
        The parties compared: present in either case (before's order, then
        those only in after).
    parties_added, parties_removed : tuple of str
        Compared parties present only after / only before.
    conflicts : DataFrame
        One row per issue and unordered pair of parties whose conflict
        changed, columns ``issue``, ``party``, ``other``, ``change`` (one of
        :data:`CONFLICT_CHANGES`), ``compatible_before``/``_after`` (bool, or
        None without both positions), ``conflict_before``/``_after`` (float,
        NaN without both positions) and ``delta`` (after − before, NaN when
        either is NaN). Rows in the order of issues, then parties.
    overlap_before, overlap_after, conflict_before, conflict_after : DataFrame
        The party × party matrices, reindexed to ``parties`` (NaN rows and
        columns for a party absent from that case).
    overlap_delta, conflict_delta : DataFrame
        after − before (NaN where either is NaN).
    zones : DataFrame
        Indexed by issue id, columns ``change`` (one of
        :data:`ZONE_CHANGES`), ``zone_before``, ``zone_after`` (readable),
        ``empty_before``, ``empty_after``, ``blockers_before``,
        ``blockers_after`` (tuples of tuples of party ids),
        ``blockers_changed`` (bool), ``newly_stated`` and
        ``no_longer_stated`` (tuples of the party ids with a position on
        the issue only after / only before).
    total_before, total_after : float
        Total conflict (the sum over issues and pairs).
    total_by_issue : DataFrame
        Indexed by issue, columns ``before``, ``after``, ``delta``.
    """

    case_before: str
    case_after: str
    at_before: Any
    at_after: Any
    parties: tuple[str, ...]
    parties_added: tuple[str, ...]
    parties_removed: tuple[str, ...]
    conflicts: pd.DataFrame
    overlap_before: pd.DataFrame
    overlap_after: pd.DataFrame
    conflict_before: pd.DataFrame
    conflict_after: pd.DataFrame
    zones: pd.DataFrame
    total_before: float
    total_after: float
    total_by_issue: pd.DataFrame

    # -- derived -----------------------------------------------------------
    @property
    def overlap_delta(self) -> pd.DataFrame:
        """Overlap matrix after − before."""
        return self.overlap_after - self.overlap_before

    @property
    def conflict_delta(self) -> pd.DataFrame:
        """Conflict matrix after − before."""
        return self.conflict_after - self.conflict_before

    @property
    def total_change(self) -> float:
        """Total conflict after − before."""
        return self.total_after - self.total_before

    def _rows(self, change: str) -> pd.DataFrame:
        return self.conflicts[self.conflicts["change"] == change].reset_index(drop=True)

    @property
    def resolved(self) -> pd.DataFrame:
        """Pairs incompatible before and compatible after."""
        return self._rows("resolved")

    @property
    def created(self) -> pd.DataFrame:
        """Pairs compatible before and incompatible after."""
        return self._rows("created")

    @property
    def opened(self) -> tuple[str, ...]:
        """Issues whose agreement zone was empty and is not any more (the same holders)."""
        return tuple(self.zones.index[self.zones["change"] == "opened"])

    @property
    def closed(self) -> tuple[str, ...]:
        """Issues whose agreement zone was not empty and now is (the same holders)."""
        return tuple(self.zones.index[self.zones["change"] == "closed"])

    @property
    def newly_stated(self) -> tuple[str, ...]:
        """Issues on which some party states a position only after (none stops stating one)."""
        return tuple(self.zones.index[self.zones["change"] == "newly stated"])

    @property
    def no_longer_stated(self) -> tuple[str, ...]:
        """Issues on which some party stated a position only before (none starts)."""
        return tuple(self.zones.index[self.zones["change"] == "no longer stated"])

    @property
    def blockers_changed(self) -> tuple[str, ...]:
        """Issues whose minimum blocking sets changed."""
        return tuple(self.zones.index[self.zones["blockers_changed"].astype(bool)])

    @property
    def changed(self) -> bool:
        """Whether anything the comparison measures differs."""
        return bool(
            len(self.conflicts)
            or (self.zones["change"] != "unchanged").any()
            or self.zones["blockers_changed"].any()
            or self.parties_added
            or self.parties_removed
            or abs(self.total_change) > _TOL
            or _differs(self.overlap_before, self.overlap_after)
            or _differs(self.conflict_before, self.conflict_after)
        )

    def largest_changes(self, n: int = 10) -> pd.DataFrame:
        """The pairs of parties whose overlap or conflict changed most.

        Returns
        -------
        DataFrame
            Columns ``party``, ``other``, ``overlap_before``, ``overlap_after``,
            ``overlap_delta``, ``conflict_before``, ``conflict_after``,
            ``conflict_delta``; one row per unordered pair with a change (a
            party added or removed counts: NaN on one side), sorted by the
            larger of the absolute deltas, at most ``n`` rows.
        """
        rows = []
        for a, b in _pairs(self.parties):
            ob, oa = self.overlap_before.loc[a, b], self.overlap_after.loc[a, b]
            cb, ca = self.conflict_before.loc[a, b], self.conflict_after.loc[a, b]
            if not (_neq(ob, oa) or _neq(cb, ca)):
                continue
            od, cd = oa - ob, ca - cb
            size = max(
                abs(od)
                if not math.isnan(od)
                else (1.0 if math.isnan(ob) != math.isnan(oa) else 0.0),
                abs(cd)
                if not math.isnan(cd)
                else (1.0 if math.isnan(cb) != math.isnan(ca) else 0.0),
            )
            rows.append(((-size, self.parties.index(a), self.parties.index(b)), {
                "party": a, "other": b,
                "overlap_before": float(ob), "overlap_after": float(oa), "overlap_delta": float(od),
                "conflict_before": float(cb), "conflict_after": float(ca), "conflict_delta": float(cd),
            }))  # fmt: skip
        rows.sort(key=lambda r: r[0])
        cols = ["party", "other", "overlap_before", "overlap_after", "overlap_delta",
                "conflict_before", "conflict_after", "conflict_delta"]  # fmt: skip
        return pd.DataFrame([r[1] for r in rows[:n]], columns=cols)

    # -- output ------------------------------------------------------------
    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON: NaN becomes None, dates ISO strings, tuples lists."""
        return {
            "case_before": self.case_before,
            "case_after": self.case_after,
            "at_before": self.at_before.isoformat(),
            "at_after": self.at_after.isoformat(),
            "parties": list(self.parties),
            "parties_added": list(self.parties_added),
            "parties_removed": list(self.parties_removed),
            "changed": self.changed,
            "conflicts": [
                {k: _plain(v) for k, v in row.items()} for row in self.conflicts.to_dict("records")
            ],
            "zones": {
                str(issue): {k: _plain(v) for k, v in row.items()}
                for issue, row in self.zones.to_dict("index").items()
            },
            "total_conflict": {
                "before": self.total_before,
                "after": self.total_after,
                "delta": self.total_change,
                "by_issue": {
                    str(i): {k: _plain(v) for k, v in row.items()}
                    for i, row in self.total_by_issue.to_dict("index").items()
                },
            },
            "overlap_delta": _matrix(self.overlap_delta),
            "conflict_delta": _matrix(self.conflict_delta),
            "largest_changes": [
                {k: _plain(v) for k, v in row.items()}
                for row in self.largest_changes().to_dict("records")
            ],
        }

    def summary(self) -> str:
        """The comparison in plain words, one finding a line."""
        when = (
            f"on {self.at_before.isoformat()}"
            if self.at_before == self.at_after
            else f"from {self.at_before.isoformat()} to {self.at_after.isoformat()}"
        )
        lines = [
            f"Comparing {self.case_before} with {self.case_after} {when} ({', '.join(self.parties)})."
        ]
        if not self.changed:
            lines.append(
                f"Nothing changed: same conflicts, agreement zones and matrices (total conflict {self.total_before:.3f})."
            )
            return "\n".join(lines) + "\n"
        if self.parties_added:
            lines.append(f"Added: {', '.join(self.parties_added)}.")
        if self.parties_removed:
            lines.append(f"Removed: {', '.join(self.parties_removed)}.")
        lines += conflict_lines(self) + zone_lines(self)
        delta = self.total_change
        lines.append(
            f"Total conflict {self.total_before:.3f} → {self.total_after:.3f} "
            f"({'+' if delta > 0 else '−' if delta < 0 else '±'}{abs(delta):.3f})."
        )
        return "\n".join(lines) + "\n"


def _plain(x: Any) -> Any:
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, tuple | list):
        return [_plain(v) for v in x]
    return x


def _matrix(df: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {str(r): {str(c): _plain(df.loc[r, c]) for c in df.columns} for r in df.index}


def _neq(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) != math.isnan(b)
    return abs(a - b) > _TOL


def _differs(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    x, y = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
    if (np.isnan(x) != np.isnan(y)).any():
        return True
    both = ~np.isnan(x) & ~np.isnan(y)
    return bool((np.abs(x[both] - y[both]) > _TOL).any())


def _pairs(parties: tuple[str, ...]) -> Iterable[tuple[str, str]]:
    for n, a in enumerate(parties):
        for b in parties[n + 1 :]:
            yield a, b


def _present(parties: tuple[str, ...], case: Case) -> tuple[str, ...]:
    known = set(case.party_ids)
    return tuple(p for p in parties if p in known)


def compare(
    before: Case,
    after: Case,
    *,
    at_before: Any = None,
    at_after: Any = None,
    parties: Iterable[str] | None = None,
) -> Comparison:
    """Compare the analyses of two cases (or of one case at two dates).

    Parameters
    ----------
    before, after : Case
        Typically a case and ``engine.apply(case, scenario)``; or the same
        case twice with two dates.
    at_before, at_after : date or str, optional
        Evaluation dates (default: each case's ``as_of``).
    parties : iterable of str, optional
        Party ids to compare (default: every party of either case). Each must
        be a party of at least one of the two cases.

    Returns
    -------
    Comparison

    Raises
    ------
    UnknownIdError
        For a party in neither case.

    Notes
    -----
    Measures are those of :mod:`engine.analysis.measures` (DESIGN.md "Measures"). For
    issue ``i`` and parties ``p``, ``q`` both with positions, ``conflict =
    gap · (s_p + s_q) / 2`` and ``compatible`` says whether the acceptable
    sets meet. A pair's ``change`` is

    - ``resolved``: incompatible before, compatible after;
    - ``created``: compatible before, incompatible after;
    - ``eased`` / ``worsened``: incompatible in both, the conflict lower /
      higher after (by more than 1e-12);
    - ``dropped``: incompatible before, and after one of the two has no
      position (withdrawn, or the party removed);
    - ``new``: incompatible after, and before one of the two had no position
      (a new position, or an added party).

    Pairs that stay compatible, or whose conflict does not change, are not
    listed. A zone is compared only between the same position holders:
    when the parties with a position on the issue are the same on both
    sides, it is ``opened`` when empty before and not after, ``closed`` the
    other way round, ``changed`` when it differs but is non-empty in both,
    ``unchanged`` otherwise. When they differ, the change is who states
    a position, not a change of the zone they share: ``newly stated`` (some
    parties state a position only after), ``no longer stated`` (some only
    before), ``holders changed`` (both); the zones and emptiness of both
    sides are still given, and ``newly_stated`` / ``no_longer_stated`` name
    the parties. So a zone "closed" because a party first stated a position
    is reported as ``newly stated``, not as a closure.
    ``blockers_changed`` compares the minimum blocking sets.

    Parties present in only one case (a scenario can add or remove one)
    are compared as "no position" on the other side: their matrix rows and
    columns are NaN there (so their deltas are NaN), their conflicts appear
    as ``new`` or ``dropped``, and the zones and totals of each side are
    computed over the parties that side has — adding a party who accepts
    nothing the others accept closes zones, which is reported. Issues
    present in only one case (two versions of a case file) are reported in
    ``zones`` as ``new issue`` / ``removed issue``; their pairs appear as
    ``new`` / ``dropped``.

    Cost: that of computing the measures twice, O(m · n² · k).

    Examples
    --------
    >>> import engine
    >>> case = engine.load_case("tests/cases/tiny")
    >>> new = engine.apply(case, case.scenario("b-softens"))
    >>> diff = compare(case, new)
    >>> diff.resolved[["issue", "party", "other"]].to_numpy().tolist()  # b now accepts o3 too
    [['ord', 'a', 'b']]
    >>> diff.opened
    ('ord',)
    >>> compare(case, case).changed
    False
    >>> uk = engine.load_case("ukraine-russia")
    >>> compare(uk, uk, parties=["ukraine", "russia"]).changed
    False
    """
    chosen = _chosen_parties(before, after, parties)
    b = _Side(before, resolve_date(before, at_before), _present(chosen, before))
    a = _Side(after, resolve_date(after, at_after), _present(chosen, after))
    issues = before.issue_ids + tuple(i for i in after.issue_ids if i not in before.issue_ids)
    tb, ta = b.total_by_issue(), a.total_by_issue()
    return Comparison(
        case_before=before.id,
        case_after=after.id,
        at_before=b.date,
        at_after=a.date,
        parties=chosen,
        parties_added=tuple(p for p in chosen if p not in before.party_ids),
        parties_removed=tuple(p for p in chosen if p not in after.party_ids),
        conflicts=_conflict_table(b, a, issues, chosen),
        overlap_before=_square(overlap_matrix(before, at=b.date, parties=b.parties), chosen),
        overlap_after=_square(overlap_matrix(after, at=a.date, parties=a.parties), chosen),
        conflict_before=_square(conflict_matrix(before, at=b.date, parties=b.parties), chosen),
        conflict_after=_square(conflict_matrix(after, at=a.date, parties=a.parties), chosen),
        zones=_zone_table(b.zones(), a.zones(), issues),
        total_before=float(tb.sum()),
        total_after=float(ta.sum()),
        total_by_issue=_by_issue(tb, ta, issues),
    )


@dataclass(frozen=True, eq=False)
class _Side:
    """One side of the comparison: a case, its date and the compared parties it has."""

    case: Case
    date: Any
    parties: tuple[str, ...]

    def matrices(self, kind: str) -> dict[str, pd.DataFrame]:
        return issue_matrices(self.case, kind, at=self.date, parties=self.parties)

    def zones(self) -> pd.DataFrame:
        return agreement_zones(self.case, at=self.date, parties=self.parties)

    def total_by_issue(self) -> pd.Series:
        t = total_conflict(self.case, at=self.date, parties=self.parties, by_issue=True)
        assert isinstance(t, pd.Series)
        return t


def _chosen_parties(before: Case, after: Case, parties: Iterable[str] | None) -> tuple[str, ...]:
    """The parties compared: every party of either case, or those asked for, in that order."""
    union = before.party_ids + tuple(p for p in after.party_ids if p not in before.party_ids)
    if parties is None:
        return union
    wanted = list(parties)
    for p in wanted:
        if p not in union:
            raise UnknownIdError("party", p, union)
    return tuple(p for p in union if p in set(wanted))


def _square(m: pd.DataFrame, chosen: tuple[str, ...]) -> pd.DataFrame:
    """A party matrix over every compared party (NaN for those the case lacks)."""
    out = m.reindex(index=list(chosen), columns=list(chosen)).astype(float)
    out.index.name, out.columns.name = "party", "other"
    return out


def _grid(mats: dict[str, pd.DataFrame], issue: str, chosen: tuple[str, ...]) -> np.ndarray:
    """One issue's party matrix as an array over the compared parties (NaN where absent)."""
    m = mats.get(issue)
    if m is None:
        return np.full((len(chosen), len(chosen)), np.nan)
    return m.reindex(index=list(chosen), columns=list(chosen)).to_numpy(dtype=float)


def _pair_change(kb: float, ka: float, cb: float, ca: float) -> str | None:
    """The ``change`` of a pair from its compatibility and conflict before and after."""
    has_b, has_a = not math.isnan(kb), not math.isnan(ka)
    if has_b and has_a:
        if kb == 0 and ka == 1:
            return "resolved"
        if kb == 1 and ka == 0:
            return "created"
        if kb == 0 and ka == 0 and abs(ca - cb) > _TOL:
            return "eased" if ca < cb else "worsened"
        return None
    if has_b and kb == 0:
        return "dropped"
    if has_a and ka == 0:
        return "new"
    return None


def _conflict_table(
    b: _Side, a: _Side, issues: tuple[str, ...], chosen: tuple[str, ...]
) -> pd.DataFrame:
    """``Comparison.conflicts``: every issue and pair whose conflict changed."""
    comp_b, comp_a = b.matrices("compatible"), a.matrices("compatible")
    conf_b, conf_a = b.matrices("conflict"), a.matrices("conflict")
    rows = []
    index = {p: n for n, p in enumerate(chosen)}
    for issue in issues:
        grids = [_grid(m, issue, chosen) for m in (comp_b, comp_a, conf_b, conf_a)]
        for p, q in _pairs(chosen):
            i, j = index[p], index[q]
            kb, ka, cb, ca = (float(g[i, j]) for g in grids)
            change = _pair_change(kb, ka, cb, ca)
            if change is None:
                continue
            has_b, has_a = not math.isnan(kb), not math.isnan(ka)
            rows.append({
                "issue": issue, "party": p, "other": q, "change": change,
                "compatible_before": bool(kb) if has_b else None,
                "compatible_after": bool(ka) if has_a else None,
                "conflict_before": cb, "conflict_after": ca, "delta": ca - cb,
            })  # fmt: skip
    return pd.DataFrame(rows, columns=_CONFLICT_COLUMNS)


def _zone_row(zb: pd.DataFrame, za: pd.DataFrame, issue: str) -> dict[str, Any]:
    """One row of ``Comparison.zones``."""
    inb, ina = issue in zb.index, issue in za.index
    row: dict[str, Any] = {
        "zone_before": zb.loc[issue, "zone"] if inb else None,
        "zone_after": za.loc[issue, "zone"] if ina else None,
        "empty_before": bool(zb.loc[issue, "empty"]) if inb else None,
        "empty_after": bool(za.loc[issue, "empty"]) if ina else None,
        "blockers_before": tuple(zb.loc[issue, "blockers"]) if inb else (),
        "blockers_after": tuple(za.loc[issue, "blockers"]) if ina else (),
    }
    hb = tuple(zb.loc[issue, "parties"]) if inb else ()
    ha = tuple(za.loc[issue, "parties"]) if ina else ()
    row["newly_stated"] = tuple(p for p in ha if p not in hb)
    row["no_longer_stated"] = tuple(p for p in hb if p not in ha)
    if not inb:
        row["change"] = "new issue"
    elif not ina:
        row["change"] = "removed issue"
    elif row["newly_stated"] and row["no_longer_stated"]:
        row["change"] = "holders changed"
    elif row["newly_stated"]:
        row["change"] = "newly stated"
    elif row["no_longer_stated"]:
        row["change"] = "no longer stated"
    elif row["empty_before"] and not row["empty_after"]:
        row["change"] = "opened"
    elif not row["empty_before"] and row["empty_after"]:
        row["change"] = "closed"
    elif tuple(zb.loc[issue, "zone_ids"]) != tuple(za.loc[issue, "zone_ids"]):
        row["change"] = "changed"
    else:
        row["change"] = "unchanged"
    row["blockers_changed"] = inb and ina and row["blockers_before"] != row["blockers_after"]
    return row


def _zone_table(zb: pd.DataFrame, za: pd.DataFrame, issues: tuple[str, ...]) -> pd.DataFrame:
    """``Comparison.zones``: every issue of either case, its zone before and after."""
    zone_rows = {issue: _zone_row(zb, za, issue) for issue in issues}
    zones = pd.DataFrame.from_dict(zone_rows, orient="index", columns=_ZONE_COLUMNS)
    zones.index.name = "issue"
    return zones.astype({"blockers_changed": bool})


def _by_issue(tb: pd.Series, ta: pd.Series, issues: tuple[str, ...]) -> pd.DataFrame:
    """``Comparison.total_by_issue``: total conflict per issue before, after and the change."""
    by_issue = pd.DataFrame(
        {"before": tb.reindex(list(issues)), "after": ta.reindex(list(issues))}
    )
    by_issue["delta"] = by_issue["after"] - by_issue["before"]
    by_issue.index.name = "issue"
    return by_issue
