"""Bonuses: a party's utility as a sum of values gained when conditions hold."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from engine.model.case import Acceptable, Outcome, Span

__all__ = ["Bonus"]


@dataclass(frozen=True)
class Bonus:
    """A utility a party gains when every condition holds (docs/format.md, "Bonuses").

    ``when`` maps issue ids to acceptable sets (:class:`OptionSet` or
    :class:`Span`): the bonus holds for a package whose outcome on each of
    these issues lies in its set (an empty ``when`` always holds).
    ``value`` is exact (a :class:`~fractions.Fraction`; a decimal as written,
    or ``p/q``).
    """

    when: tuple[tuple[str, Acceptable], ...]
    value: Fraction
    note: str = ""

    def holds(self, package: Mapping[str, Outcome]) -> bool:
        """Whether every condition holds for the package (it must name each issue of ``when``)."""
        for iid, acc in self.when:
            o = package[iid]
            inside = acc.lo <= float(o) <= acc.hi if isinstance(acc, Span) else o in acc.ids
            if not inside:
                return False
        return True
