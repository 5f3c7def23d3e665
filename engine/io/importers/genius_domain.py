"""A GENIUS domain's issues, and matching a profile's issues to them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TypeAlias

from engine.io.importers.common import INTEGER, FileProblems, parse_number
from engine.io.importers.xmlsafe import Xml
from engine.model.case import Issue
from engine.model.errors import allowed_list, did_you_mean

__all__ = [
    "MAX_VALUES",
    "GIssue",
    "IssueView",
    "domain_issues",
    "etype",
    "fraction",
    "match_issue",
]

#: Most values of one GENIUS integer issue (each becomes an option).
MAX_VALUES = 1000


@dataclass
class GIssue:
    """An issue of a GENIUS domain."""

    index: str
    name: str
    kind: str  # "discrete" | "integer"
    values: list[str]  # discrete values, or the integers as text
    element: ET.Element
    lo: int = 0
    hi: int = 0
    issue: Issue | None = None
    option_of: dict[str, str] = field(default_factory=dict)


#: What a profile says about one issue: the issue, the ideal value, the acceptable
#: values, the salience and a note.
IssueView: TypeAlias = tuple[GIssue, str, list[str], float, str]


def etype(el: ET.Element) -> str:
    """The kind of a GENIUS ``<issue>``: ``discrete``, ``integer`` or ``real``."""
    for key in ("vtype", "etype", "type"):
        v = el.get(key)
        if v in ("discrete", "integer", "real"):
            return v
    return "discrete"


def fraction(text: str) -> Fraction | None:
    """A decimal number as an exact fraction, else ``None``."""
    x = parse_number(text)
    return Fraction(text.strip()) if x is not None else None


def domain_issues(xml: Xml, probs: FileProblems) -> list[GIssue]:
    """The issues of a domain file, in order; every problem is recorded."""
    space = xml.root if xml.root.tag == "utility_space" else xml.root.find("utility_space")
    if space is None:
        probs.add(
            *xml.at(xml.root),
            "",
            f"not a GENIUS domain: expected <negotiation_template> holding <utility_space>, got <{xml.root.tag}>",
        )
        return []
    out: list[GIssue] = []
    seen_index: dict[str, int] = {}
    for el in space.iter("issue"):
        if not _new_issue(xml, el, seen_index, probs):
            continue
        gissue = _issue(xml, el, probs)
        if gissue is not None:
            out.append(gissue)
    if not out and not probs.items:
        probs.add(*xml.at(space), "", "the domain has no issues")
    return out


def _new_issue(xml: Xml, el: ET.Element, seen_index: dict[str, int], probs: FileProblems) -> bool:
    """Check the issue has a name and an index not used before (then remember the index)."""
    line, col = xml.at(el)
    name = (el.get("name") or "").strip()
    index = (el.get("index") or "").strip()
    if not name:
        probs.add(line, col, "issue@name", "the issue has no name")
        return False
    if index in seen_index:
        probs.add(
            line,
            col,
            "issue@index",
            f"issue index {index} is already used on line {seen_index[index]}; indexes are unique",
        )
        return False
    seen_index[index] = line
    return True


def _issue(xml: Xml, el: ET.Element, probs: FileProblems) -> GIssue | None:
    """A discrete or integer issue; a real one, or bad bounds or values, is a problem."""
    line, col = xml.at(el)
    name = (el.get("name") or "").strip()
    kind = etype(el)
    if kind == "real":
        probs.add(
            line,
            col,
            f"issue '{name}'",
            "real-valued issues are not supported: zopa imports discrete and integer GENIUS issues",
        )
        return None
    if kind == "integer":
        return _integer_issue(xml, el, probs)
    return _discrete_issue(xml, el, probs)


def _integer_issue(xml: Xml, el: ET.Element, probs: FileProblems) -> GIssue | None:
    """An integer issue: its values are the whole numbers from lowerbound to upperbound."""
    line, col = xml.at(el)
    name = (el.get("name") or "").strip()
    index = (el.get("index") or "").strip()
    lo_raw, hi_raw = el.get("lowerbound", ""), el.get("upperbound", "")
    if not (INTEGER.match(lo_raw.strip()) and INTEGER.match(hi_raw.strip())):
        probs.add(
            line,
            col,
            f"issue '{name}'",
            f"an integer issue needs whole-number lowerbound and upperbound, got {lo_raw!r} and {hi_raw!r}",
        )
        return None
    lo, hi = int(lo_raw), int(hi_raw)
    if not lo < hi or hi - lo + 1 > MAX_VALUES:
        probs.add(
            line,
            col,
            f"issue '{name}'",
            f"bounds {lo}..{hi}: zopa needs lowerbound < upperbound and at most {MAX_VALUES} values",
        )
        return None
    return GIssue(index, name, "integer", [str(v) for v in range(lo, hi + 1)], el, lo, hi)


def _discrete_issue(xml: Xml, el: ET.Element, probs: FileProblems) -> GIssue | None:
    """A discrete issue: its values are its ``<item>`` values, at least two, each once."""
    line, col = xml.at(el)
    name = (el.get("name") or "").strip()
    index = (el.get("index") or "").strip()
    values: list[str] = []
    for item in el.findall("item"):
        v = item.get("value")
        if v is None or not v.strip():
            probs.add(*xml.at(item), f"issue '{name}'.item", "the item has no value")
        elif v in values:
            probs.add(*xml.at(item), f"issue '{name}'.item", f"value '{v}' is listed twice")
        else:
            values.append(v)
    if len(values) < 2:
        probs.add(
            line,
            col,
            f"issue '{name}'",
            f"the issue has {len(values)} value{'s' if len(values) != 1 else ''}; zopa needs at least two options",
        )
        return None
    return GIssue(index, name, "discrete", values, el)


def match_issue(
    xml: Xml, el: ET.Element, domain: list[GIssue], probs: FileProblems
) -> GIssue | None:
    """The domain issue a profile's ``<issue>`` refers to (by index, checked against its name)."""
    index, name = (el.get("index") or "").strip(), (el.get("name") or "").strip()
    by_index = {d.index: d for d in domain}
    by_name = {d.name: d for d in domain}
    found = by_index.get(index) if index else by_name.get(name)
    if found is None:
        found = by_name.get(name) if name and not index else None
    if found is None:
        label = f"'{name}'" if name else f"index {index}"
        probs.add(
            *xml.at(el),
            "issue",
            f"the profile names issue {label} (index {index or '?'}), which the domain does not have"
            f"{did_you_mean(name, by_name) if name else ''}; domain issues: "
            + allowed_list([f"{d.index}: {d.name}" for d in domain]),
        )
        return None
    if name and name != found.name:
        probs.add(
            *xml.at(el),
            "issue@name",
            f"issue index {index} is '{found.name}' in the domain but '{name}' here; the profile "
            "belongs to another domain, or the files disagree",
        )
        return None
    return found
