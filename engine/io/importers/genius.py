"""GENIUS domains and preference profiles as cases (see :mod:`engine.io.importers`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.io.importers.common import (
    FileProblems,
    Ids,
    Meta,
    Stance,
    file_source,
    import_meta,
    imported_case,
    party_statement,
    read_bytes,
    slugify,
)
from engine.io.importers.genius_additive import additive, additive_values
from engine.io.importers.genius_domain import GIssue, domain_issues
from engine.io.importers.genius_nonlinear import nonlinear, nonlinear_bonuses
from engine.io.importers.xmlsafe import Xml, looks_like_xml, parse_xml
from engine.model.bonus import Bonus
from engine.model.case import Case, Issue, Option, OptionSet, Party, Source, Statement
from engine.model.errors import CaseError, Problem

__all__ = ["find_genius_files", "read_genius"]


def find_genius_files(
    folder: str | os.PathLike[str],
) -> tuple[Path, list[Path], list[tuple[Path, str]]]:
    """Sort a GENIUS folder's ``*.xml`` files: (domain, profiles, skipped with the reason).

    The domain is the file whose root element is ``negotiation_template``;
    profiles are the files whose root is ``utility_space``, in name order.
    Files that are not XML documents (such as a published ``pareto.xml``,
    which is a list of numbers) or have another root are skipped.

    Raises
    ------
    CaseError
        When there is no domain file or more than one, no profile, or an
        XML file cannot be parsed.

    Notes
    -----
    A file is taken for XML when its first non-blank byte is ``<`` (or it
    starts with a UTF-16 byte-order mark); only those are parsed, with the
    same safeguards as every GENIUS file (no DTDs, bounded size and depth).

    Examples
    --------
    >>> domain, profiles, skipped = find_genius_files("tests/data/import/genius/market")
    >>> domain.name, [p.name for p in profiles], [(s.name, why) for s, why in skipped]
    ('domain.xml', ['buyer.xml', 'seller.xml'], [('frontier.xml', 'not an XML document')])
    """
    root = Path(folder)
    domains: list[Path] = []
    profiles: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    if not root.is_dir():
        raise CaseError([Problem(str(root), 0, 0, "", "is not a folder")])
    for path in sorted(root.glob("*.xml")):
        data = read_bytes(path)
        if not looks_like_xml(data):
            skipped.append((path, "not an XML document"))
            continue
        tag = parse_xml(path, data).root.tag
        if tag == "negotiation_template":
            domains.append(path)
        elif tag == "utility_space":
            profiles.append(path)
        else:
            skipped.append((path, f"root element <{tag}> is neither a domain nor a profile"))
    if len(domains) != 1 or not profiles:
        what = (
            "no domain file (root element <negotiation_template>)"
            if not domains
            else f"{len(domains)} domain files ({', '.join(d.name for d in domains)}); keep one"
            if len(domains) > 1
            else "no profile (root element <utility_space>)"
        )
        raise CaseError([Problem(str(root), 0, 0, "", f"{what}; name the files explicitly")])
    return domains[0], profiles, skipped


def read_genius(
    domain: str | os.PathLike[str],
    profiles: Sequence[str | os.PathLike[str]] | None = None,
    *,
    as_of: Any,
    source_url: str,
    title: str | None = None,
    publisher: str | None = None,
    source_date: Any = None,
) -> Case:
    """Read a GENIUS domain and its preference profiles as a case.

    Parameters
    ----------
    domain : str or path
        The domain file (``<negotiation_template>``), or a folder holding
        the domain and the profiles (see :func:`find_genius_files`; files
        that are not GENIUS XML, such as ``pareto.xml``, are skipped).
    profiles : sequence of str or path, optional
        The profile files (``<utility_space>``), one party each, in order.
        Required unless ``domain`` is a folder.
    as_of, source_url, title, publisher, source_date
        As for :func:`read_ktab`.

    Returns
    -------
    Case
        One nominal issue per discrete issue (an ordinal one per integer
        issue), one party per profile.

    Raises
    ------
    CaseError
        Every problem, located: XML syntax errors (with their line), DTDs,
        a profile naming an issue or value the domain does not have, missing
        or malformed weights and evaluations, unsupported constructs.

    Notes
    -----
    Additive profiles: ``ideal`` = the value with the highest evaluation
    (ties: all acceptable, the first is the ideal); ``acceptable`` = the
    ideal alone; ``salience`` = the weight as written (divided by a power of
    ten if a weight exceeds 1).
    Non-linear (hyperRectangle) profiles: acceptable = the values through
    which the maximum utility is reachable, salience = the issue's swing /
    the largest swing. Additive profiles also keep every evaluation as the
    position's ``values`` (evaluation / the issue's largest, as GENIUS
    scales them) and the reservation value as the party's ``reservation``,
    so zopa's utilities, frontier and Nash package are GENIUS's;
    non-linear profiles keep each hyperRectangle as a bonus of the party
    (utility / maxutility, exactly), so theirs are too (see docs/import.md).

    Examples
    --------
    >>> case = read_genius("tests/data/import/genius/market", as_of="2024-01-15",
    ...                    source_url="https://example.org/market")
    >>> [(i.id, i.scale, i.option_ids) for i in case.issues][:2]
    [('price', 'nominal', ('low', 'medium', 'high')), ('delivery', 'nominal', ('v_1_week', 'v_1_month'))]
    >>> buyer = case.at()[("buyer", "colour")]          # red and blue tie at the top
    >>> buyer.ideal, sorted(buyer.acceptable), buyer.salience   # the weight as written
    ('red', ['blue', 'red'], 0.2)
    """
    meta = import_meta(as_of, source_url, title, publisher, source_date, None)
    dpath, ppaths, skipped = _files(domain, profiles)
    ids = Ids()
    ddata = read_bytes(dpath)
    dxml = parse_xml(dpath, ddata)
    dprobs = FileProblems(str(dpath))
    gissues = domain_issues(dxml, dprobs)
    dprobs.raise_if_any()
    dsrc = file_source(dpath, ddata, "GENIUS", "domain", meta, ids)
    _make_issues(gissues, dpath)
    read = _Profiles(meta, dpath, dsrc, ids)
    for ppath in ppaths:
        _read_profile(read, ppath, gissues)
    if read.problems:
        raise CaseError(read.problems)
    issues = tuple(g.issue for g in gissues if g.issue is not None)
    return imported_case(
        slugify(dpath.parent.name if profiles is None else dpath.stem, "case"),
        meta.title or f"{dpath.stem} (GENIUS)",
        meta,
        (read.parties, issues, read.sources, read.statements),
        _description(dpath, ppaths, skipped, read),
    )


def _files(
    domain: str | os.PathLike[str], profiles: Sequence[str | os.PathLike[str]] | None
) -> tuple[Path, list[Path], list[tuple[Path, str]]]:
    """The domain file, the profile files and the files skipped (when ``domain`` is a folder)."""
    if profiles is None:
        if not Path(domain).is_dir():
            raise CaseError(
                [
                    Problem(
                        "",
                        0,
                        0,
                        "profiles",
                        "give the profile files after the domain, or a folder holding both",
                    )
                ]
            )
        return find_genius_files(domain)
    ppaths = [Path(p) for p in profiles]
    if not ppaths:
        raise CaseError(
            [Problem("", 0, 0, "profiles", "give at least one profile file (one per party)")]
        )
    return Path(domain), ppaths, []


def _make_issues(gissues: list[GIssue], dpath: Path) -> None:
    """Give each domain issue its zopa issue: nominal (discrete) or ordinal (integer)."""
    issue_ids = Ids()
    for g in gissues:
        opt_ids = Ids()
        opts = []
        for v in g.values:
            oid = opt_ids.new(v, "v")
            g.option_of[v] = oid
            opts.append(Option(oid, v))
        g.issue = Issue(
            issue_ids.new(g.name, "issue"),
            g.name,
            "nominal" if g.kind == "discrete" else "ordinal",
            tuple(opts),
            description=f"GENIUS {g.kind} issue (index {g.index}) of {dpath.name}.",
        )


@dataclass
class _Profiles:
    """What the profiles read so far give: parties, statements, sources, kinds and problems."""

    meta: Meta
    dpath: Path
    dsrc: Source
    ids: Ids
    pids: Ids = field(default_factory=Ids)
    parties: list[Party] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sources.append(self.dsrc)


def _read_profile(read: _Profiles, ppath: Path, gissues: list[GIssue]) -> None:
    """Read one profile: a party and its statement, or its problems."""
    try:
        pdata = read_bytes(ppath)
        pxml = parse_xml(ppath, pdata)
    except CaseError as exc:
        read.problems += exc.problems
        return
    probs = FileProblems(str(ppath))
    if pxml.root.tag != "utility_space":
        probs.add(
            *pxml.at(pxml.root),
            "",
            f"not a GENIUS profile: expected <utility_space>, got <{pxml.root.tag}>",
        )
        read.problems += probs.items
        return
    is_nonlinear = pxml.root.get("type") == "nonlinear" or pxml.root.find(".//utility") is not None
    result = (nonlinear if is_nonlinear else additive)(pxml, gissues, probs)
    read.problems += probs.items
    if result is None:
        return
    read.kinds.append("non-linear (hyperRectangle)" if is_nonlinear else "additive")
    src = file_source(ppath, pdata, "GENIUS", "profile", read.meta, read.ids)
    read.sources.append(src)
    pid = read.pids.new(ppath.stem, "party")
    note = " ".join(_profile_note_head(pxml, ppath))
    reservation = _reservation(pxml)
    bonuses: tuple[Bonus, ...] = ()
    if is_nonlinear:
        bonuses, how = nonlinear_bonuses(pxml, gissues)
        note += (
            f" Its {len(bonuses)} hyperRectangles are its bonuses, each utility divided by {how}."
        )
    read.parties.append(
        Party(
            pid, ppath.stem, "observer", None, note=note, reservation=reservation, bonuses=bonuses
        )
    )
    tables = {} if is_nonlinear else additive_values(pxml, gissues)
    stances = []
    for g, ideal, tied, salience, pnote in result:
        assert g.issue is not None
        acceptable = OptionSet(frozenset(g.option_of[v] for v in tied))
        table = tables.get(g.index, {})
        values = tuple((g.option_of[v], table[v]) for v in g.values if v in table)
        stances.append(Stance(g.issue.id, g.option_of[ideal], acceptable, salience, pnote, values))
    snote = f"GENIUS {read.kinds[-1]} profile {ppath.name} on the domain {read.dpath.name}."
    sources = (read.dsrc.id, src.id)
    read.statements.append(party_statement(pid, stances, sources, "official", read.meta, snote))


def _reservation(xml: Xml) -> float | None:
    """The profile's reservation value, when it is a number in [-1, 1] (zopa's range)."""
    res = xml.root.find(".//reservation")
    raw = None if res is None else res.get("value")
    try:
        value = float(raw) if raw is not None else None
    except ValueError:
        return None
    return value if value is not None and -1 <= value <= 1 else None


def _profile_note_head(xml: Xml, path: Path) -> list[str]:
    """The party's note: its file, and what is not imported (the discount factor)."""
    notes = [f"GENIUS profile {path.name}."]
    res = xml.root.find(".//reservation")
    disc = xml.root.find(".//discount_factor")
    extras = []
    if res is not None and res.get("value") is not None and _reservation(xml) is None:
        extras.append(f"reservation value {res.get('value')} (outside -1 to 1)")
    if disc is not None and disc.get("value") is not None:
        extras.append(f"discount factor {disc.get('value')}")
    if extras:
        notes.append(
            "Not imported (zopa has no equivalent; the discount factor applies to time): "
            + ", ".join(extras)
            + "."
        )
    return notes


def _description(
    dpath: Path, ppaths: list[Path], skipped: list[tuple[Path, str]], read: _Profiles
) -> str:
    """The case description: the files read, and what GENIUS data zopa keeps and loses."""
    n = len(read.parties)
    skip_text = (
        " Not read: " + "; ".join(f"{s.name} ({why})" for s, why in skipped) + "."
        if skipped
        else ""
    )
    return (
        f"Imported from the GENIUS domain {dpath.name} and {n} preference profile"
        f"{'s' if n != 1 else ''} ({', '.join(p.name for p in ppaths)}; "
        f"{', '.join(sorted(set(read.kinds)))}). Ideal = each party's best value on each issue; "
        "acceptable = the ideal alone (or every value tied with it): GENIUS's reservation value "
        "applies to whole bids, not to issues; salience = issue weight / the profile's largest "
        "weight (non-linear profiles: the issue's swing / the largest swing). Additive profiles "
        "keep every evaluation as the position's values (evaluation / the issue's largest) and "
        "the reservation value as the party's reservation, so zopa's utilities are GENIUS's; "
        "non-linear profiles keep their hyperRectangles as the party's bonuses (utility / "
        "maxutility), so their utilities are GENIUS's too." + skip_text + " See docs/import.md."
    )
