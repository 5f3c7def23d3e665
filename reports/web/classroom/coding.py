"""A student's coding, checked with the engine's own parsing, and the class's codings compared.

A coding is the JSON a student sends::

    {"positions": {party: {issue: {"ideal", "acceptable", "salience", "red_line",
                                   "justification", "sources"}}}}

:func:`check_coding` checks ids against the case (with a did-you-mean), the
units against the teacher's assignment, and every position with
:func:`engine.model.parse.parse_position` — the parser of the case files — so a
coding the server accepts is one ``zopa check`` would accept. :func:`coding_case`
turns it into a case (the case's frame with one statement per party, dated the
case's ``as_of``), which is what :func:`engine.coder_agreement` compares.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import engine
from engine import Case
from engine.agreement import reading
from engine.model.case import Position, Span, Statement
from engine.model.errors import unknown_message
from engine.model.parse import parse_position
from reports.render.text import plain_or_none

__all__ = [
    "MAX_JUSTIFICATION",
    "VARIABLES_SHOWN",
    "check_coding",
    "check_units",
    "class_agreement",
    "coding_case",
    "key_case",
]

#: Longest justification kept (characters).
MAX_JUSTIFICATION = 2000
#: The variables a student codes, and the α the dashboard shows.
VARIABLES_SHOWN = ("ideal", "acceptable", "salience", "red_line")
_FIELDS = ("ideal", "acceptable", "salience", "red_line", "justification", "sources")

Errors = list[dict[str, str]]


def _err(errors: Errors, field: str, message: str) -> None:
    errors.append({"field": field, "message": message})


def check_units(case: Case, raw: Any, field: str = "units") -> list[list[str]]:
    """Units ``[[party, issue], …]`` (or ``"party:issue"`` strings) checked against the case."""
    from reports.web.state import BadRequest

    if raw in (None, [], ""):
        return [[p, i] for p in case.party_ids for i in case.issue_ids]
    if not isinstance(raw, list):
        raise BadRequest([{"field": field, "message": "must be a list of [party, issue] pairs"}])
    errors: Errors = []
    out: list[list[str]] = []
    for n, u in enumerate(raw):
        pair = u.split(":", 1) if isinstance(u, str) else u
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)
        ):
            _err(errors, f"{field}[{n}]", "must be [party, issue] or 'party:issue'")
            continue
        p, i = (x.strip() for x in pair)
        if p not in case.party_ids:
            _err(errors, f"{field}[{n}]", unknown_message("party", p, list(case.party_ids)))
        elif i not in case.issue_ids:
            _err(errors, f"{field}[{n}]", unknown_message("issue", i, list(case.issue_ids)))
        elif [p, i] not in out:
            out.append([p, i])
    if errors:
        raise BadRequest(errors)
    order = {
        (p, i): n
        for n, (p, i) in enumerate((p, i) for p in case.party_ids for i in case.issue_ids)
    }
    return sorted(out, key=lambda u: order[(u[0], u[1])])


def units_of(case: Case, parties: Any = None, issues: Any = None) -> list[list[str]]:
    """Every unit of the given parties × issues (each default: all), checked like :func:`check_units`."""
    from reports.web.state import BadRequest

    errors: Errors = []
    picked = []
    for field, raw, known in (
        ("parties", parties, case.party_ids),
        ("issues", issues, case.issue_ids),
    ):
        if isinstance(raw, str):
            raw = [x.strip() for x in raw.split(",") if x.strip()]
        if raw in (None, []):
            picked.append(list(known))
            continue
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            _err(errors, field, "must be a list of ids")
            picked.append([])
            continue
        kind = field[:-3] + "y" if field == "parties" else field[:-1]
        for n, x in enumerate(raw):
            if x not in known:
                _err(errors, f"{field}[{n}]", unknown_message(kind, x, list(known)))
        picked.append([x for x in known if x in raw])
    if errors:
        raise BadRequest(errors)
    return [[p, i] for p in picked[0] for i in picked[1]]


def check_coding(
    case: Case, units: Sequence[Sequence[str]], body: Mapping[str, Any]
) -> dict[str, Any]:
    """The coding in ``body`` checked and normalised; :class:`BadRequest` lists every problem.

    Returns ``{party: {issue: {...}}}`` in the case's party and issue order.
    """
    from reports.web.state import BadRequest

    raw = body.get("positions")
    if not isinstance(raw, dict) or not raw:
        raise BadRequest(
            [
                {
                    "field": "positions",
                    "message": "required: {party: {issue: {ideal, acceptable, salience, red_line}}}",
                }
            ]
        )
    errors: Errors = []
    out: dict[str, dict[str, Any]] = {}
    for party, issue_id, here, praw in _assigned_entries(case, units, raw, errors):
        coded = _checked_position(case, party, issue_id, here, praw, errors)
        if coded is not None:
            out.setdefault(party, {})[issue_id] = coded
    if errors:
        raise BadRequest(errors)
    return {
        p: dict(sorted(out[p].items(), key=lambda kv: case.issue_ids.index(kv[0])))
        for p in case.party_ids
        if p in out
    }


def _assigned_entries(
    case: Case, units: Sequence[Sequence[str]], raw: Mapping[str, Any], errors: Errors
) -> list[tuple[str, str, str, Mapping[str, Any]]]:
    """The (party, issue, field path, position mapping) entries that name an assigned unit."""
    assigned = {(p, i) for p, i in units}
    entries = []
    for party, issues in raw.items():
        where = f"positions.{party}"
        if party not in case.party_ids:
            _err(errors, where, unknown_message("party", str(party), list(case.party_ids)))
            continue
        if not isinstance(issues, dict):
            _err(errors, where, "must map issue ids to positions")
            continue
        for issue_id, praw in issues.items():
            here = f"{where}.{issue_id}"
            if issue_id not in case.issue_ids:
                _err(errors, here, unknown_message("issue", str(issue_id), list(case.issue_ids)))
            elif (party, issue_id) not in assigned:
                listed = ", ".join(f"{p}:{i}" for p, i in units)
                _err(errors, here, f"not assigned in this class; assigned: {listed}")
            elif not isinstance(praw, dict):
                _err(errors, here, "must be a mapping with ideal, acceptable, salience, red_line")
            else:
                entries.append((party, issue_id, here, praw))
    return entries


def _justification_and_sources(
    case: Case, here: str, praw: Mapping[str, Any], errors: Errors
) -> tuple[str, list[str]]:
    """The student's justification and source ids, each checked."""
    just = praw.get("justification", "")
    if not isinstance(just, str) or len(just) > MAX_JUSTIFICATION:
        _err(
            errors,
            f"{here}.justification",
            f"must be text of at most {MAX_JUSTIFICATION} characters",
        )
        just = ""
    used = praw.get("sources", [])
    if not isinstance(used, list) or not all(isinstance(s, str) for s in used):
        _err(errors, f"{here}.sources", "must be a list of source ids")
        used = []
    sources = [s.id for s in case.sources]
    for n, s in enumerate(used):
        if s not in sources:
            _err(errors, f"{here}.sources[{n}]", unknown_message("source", s, sources))
    return just.strip(), list(dict.fromkeys(used))


def _checked_position(
    case: Case, party: str, issue_id: str, here: str, praw: Mapping[str, Any], errors: Errors
) -> dict[str, Any] | None:
    """One coded position, read by the engine's own parser; None when it has problems."""
    for k in sorted(set(praw) - set(_FIELDS)):
        _err(errors, f"{here}.{k}", f"unknown field; allowed: {', '.join(_FIELDS)}")
    just, used = _justification_and_sources(case, here, praw, errors)
    fields = {k: praw[k] for k in ("ideal", "acceptable", "salience", "red_line") if k in praw}
    pos, errs = parse_position(
        {i.id: i for i in case.issues},
        case.issue(issue_id),
        fields,
        party=party,
        as_of=case.as_of,
    )
    for sub, msg in errs:
        _err(errors, ".".join([here, *map(str, sub)]), msg)
    if pos is None or errs:
        return None
    return {**_plain_position(case, pos), "justification": just, "sources": used}


def _plain_position(case: Case, pos: Position) -> dict[str, Any]:
    issue = case.issue(pos.issue)
    if issue.is_interval:
        acc = pos.acceptable
        acceptable: Any = {"min": acc.lo, "max": acc.hi} if isinstance(acc, Span) else acc
    else:
        acceptable = list(issue.ordered(pos.acceptable))
    return {
        "ideal": pos.ideal,
        "acceptable": acceptable,
        "salience": pos.salience,
        "red_line": pos.red_line,
    }


def _frame(case: Case) -> Case:
    return dataclasses.replace(case, statements=(), scenarios=())


def coding_case(case: Case, coding: Mapping[str, Mapping[str, Any]]) -> Case:
    """The case's frame with the student's positions as one statement per party on ``as_of``."""
    issues = {i.id: i for i in case.issues}
    statements = []
    for party, positions in coding.items():
        parsed = []
        used: list[str] = []
        for issue_id, raw in positions.items():
            fields = {k: raw[k] for k in ("ideal", "acceptable", "salience", "red_line")}
            srcs = tuple(raw.get("sources", ()))
            used += srcs
            pos, errs = parse_position(
                issues, issues[issue_id], fields, party=party, as_of=case.as_of, sources=srcs
            )
            assert pos is not None and not errs, errs  # checked on submission
            parsed.append((issue_id, pos))
        statements.append(
            Statement(party, case.as_of, tuple(dict.fromkeys(used)), tuple(parsed), origin="class")
        )
    return dataclasses.replace(_frame(case), statements=tuple(statements))


def key_case(case: Case, units: Sequence[Sequence[str]]) -> Case:
    """The shipped coding of the assigned units, as a coding dated ``as_of`` (the key)."""
    now = case.at()
    by_party: dict[str, list[tuple[str, Position | None]]] = {}
    for p, i in units:
        if (p, i) in now:
            by_party.setdefault(p, []).append((i, now[(p, i)]))
    statements = tuple(
        Statement(p, case.as_of, (), tuple(ps), origin="key") for p, ps in by_party.items()
    )
    return dataclasses.replace(_frame(case), statements=statements)


def _show(case: Case, issue_id: str, v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, dict):
        return f"{v['min']:g}–{v['max']:g}"
    if isinstance(v, list):
        return ", ".join(map(str, v)) or "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def class_agreement(
    case: Case,
    units: Sequence[Sequence[str]],
    codings: Mapping[str, Mapping[str, Any]],
    *,
    draws: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    """α per variable over the students' codings, the spread per unit, each student against the key.

    ``codings`` maps student names to their checked codings (:func:`check_coding`).
    α is :func:`engine.coder_agreement` over the students only; the comparison with
    the key is a second call with the key (the shipped coding of the units) first.
    """
    names = list(codings)
    out: dict[str, Any] = {
        "coders": len(names),
        "names": names,
        "units": len(units),
        "alpha": dict.fromkeys(VARIABLES_SHOWN),
        "intervals": dict.fromkeys(VARIABLES_SHOWN),
        "reading": dict.fromkeys(VARIABLES_SHOWN, ""),
        "reason": "",
        "spread": _spread(case, units, codings),
        "versus": [],
        "disputed": [],
        "draws": draws,
        "seed": seed,
    }
    if len(names) < 2:
        out["reason"] = "α needs two codings or more"
        return out
    cases = [coding_case(case, codings[n]) for n in names]
    agr = engine.coder_agreement(cases, names=names, draws=draws, seed=seed)
    for v in VARIABLES_SHOWN:
        est = agr.alpha[v]
        out["alpha"][v] = est.value
        out["intervals"][v] = None if est.low is None else [est.low, est.high]
        out["reading"][v] = reading(est.value) if est.value is not None else est.reason
    out["coded_units"] = agr.units
    dis = agr.disputed[agr.disputed["disagreement"] > 0].head(10)
    for row in dis.itertuples():
        out["disputed"].append(
            {
                "party": row.party,
                "issue": row.issue,
                "disagreement": plain_or_none(row.disagreement),
                "variables": plain_or_none(row.variables)
                if isinstance(row.variables, str)
                else ", ".join(row.variables),
                "codings": [
                    {
                        "name": n,
                        "ideal": _show(case, row.issue, codings[n][row.party][row.issue]["ideal"]),
                        "acceptable": _show(
                            case, row.issue, codings[n][row.party][row.issue]["acceptable"]
                        ),
                        "justification": codings[n][row.party][row.issue]["justification"],
                        "sources": codings[n][row.party][row.issue]["sources"],
                    }
                    for n in names
                    if row.issue in codings[n].get(row.party, {})
                ],
            }
        )
    key = key_case(case, units)
    if key.statements:
        vs = engine.coder_agreement([key, *cases], key=0, names=["key", *names], draws=0)
        for coder, row in vs.versus.iterrows():
            out["versus"].append(
                {"name": coder, **{v: plain_or_none(row[f"{v}_agree"]) for v in VARIABLES_SHOWN}}
            )
    return out


def _spread(
    case: Case, units: Sequence[Sequence[str]], codings: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Per unit: how many coded it, the ideals given (counts), red lines, salience range."""
    rows = []
    for p, i in units:
        got = [c[p][i] for c in codings.values() if i in c.get(p, {})]
        ideals = Counter(_show(case, i, g["ideal"]) for g in got)
        sal = [g["salience"] for g in got]
        rows.append(
            {
                "party": p,
                "issue": i,
                "coded": len(got),
                "ideals": sorted(ideals.items(), key=lambda kv: (-kv[1], kv[0])),
                "distinct": len(ideals),
                "red_lines": sum(1 for g in got if g["red_line"]),
                "salience": [min(sal), max(sal)] if sal else None,
            }
        )
    return rows
