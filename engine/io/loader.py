"""Loading and validating case folders (see docs/format.md).

:func:`load_case` reads ``case.yaml``, ``parties/*.yaml`` and
``scenarios/*.yaml``, checks structure with the JSON Schemas of
:mod:`engine.io.schema` and meaning with the rules of the format, and either
returns an immutable :class:`~engine.model.case.Case` or raises one
:class:`~engine.model.errors.CaseError` listing every problem as
``FILE:LINE:COLUMN: field.path: what is wrong; what is allowed``.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from engine.io.schema import schemas
from engine.io.yamlsafe import Located, YamlProblems, format_path, read_yaml
from engine.model.case import (
    Case,
    Change,
    Issue,
    Option,
    Party,
    Position,
    Scenario,
    Snapshot,
    Source,
    Statement,
)
from engine.model.errors import CaseError, Problem, allowed_list, did_you_mean
from engine.model.parse import (
    is_number,
    is_slug,
    parse_date,
    parse_outcome,
    parse_partial_date,
    parse_position,
)

__all__ = ["case_folder", "load_case", "load_scenario", "shipped_cases"]

_YAML = (".yaml", ".yml")


# ------------------------------------------------------------------ shipped cases


def _positions_root() -> Path:
    root = resources.files("positions")
    return Path(str(root))


def shipped_cases() -> dict[str, Path]:
    """The cases shipped with zopa: id -> folder, sorted by id."""
    root = _positions_root()
    found = {
        p.name: p
        for p in root.iterdir()
        if p.is_dir() and (p / "case.yaml").is_file() and not p.name.startswith((".", "_"))
    }
    return dict(sorted(found.items()))


def case_folder(path_or_id: str | os.PathLike[str]) -> Path:
    """The folder of a case given as a folder path, a ``case.yaml`` path or a shipped id.

    Raises
    ------
    CaseError
        When it is none of these, with the shipped ids and a did-you-mean.
    """
    p = Path(path_or_id)
    if p.is_dir():
        return p
    if p.is_file() and p.name in ("case.yaml", "case.yml"):
        return p.parent
    shipped = shipped_cases()
    if str(path_or_id) in shipped:
        return shipped[str(path_or_id)]
    if p.exists():
        msg = f"'{path_or_id}' is not a case folder; give the folder that holds case.yaml"
    else:
        msg = (
            f"no case folder or shipped case '{path_or_id}'{did_you_mean(str(path_or_id), shipped)}; "
            f"shipped cases: {allowed_list(list(shipped))}"
        )
    raise CaseError([Problem("", 0, 0, "case", msg)])


# ------------------------------------------------------------ schema validation


@functools.cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = schemas()[name]
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def _kind(x: Any) -> str:
    if x is None:
        return "nothing (null)"
    if isinstance(x, bool):
        return f"true/false ({str(x).lower()})"
    if isinstance(x, int | float):
        return f"a number ({x:g})"
    if isinstance(x, str):
        return f"text ('{x}')" if len(x) < 60 else "text"
    if isinstance(x, list):
        return "a list"
    if isinstance(x, dict):
        return "a mapping"
    return type(x).__name__


_TYPE_WORDS = {
    "object": "a mapping (key: value lines)",
    "array": "a list",
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "null",
}


def _explain(err: jsonschema.ValidationError, doc: Located) -> Iterator[Problem]:
    """Plain-words problems for one JSON Schema error."""
    path = tuple(err.absolute_path)
    v, inst = err.validator, err.instance
    val: Any = err.validator_value
    schema: dict[str, Any] = err.schema if isinstance(err.schema, dict) else {}
    if v == "required" and isinstance(inst, dict):
        for name in val:
            if name not in inst:
                line, col = doc.where(path)
                yield Problem(
                    doc.file, line, col, format_path(path), f"missing required field '{name}'"
                )
        return
    if v == "additionalProperties" and isinstance(inst, dict) and val is False:
        allowed = list(schema.get("properties", {}))
        for key in inst:
            if key not in allowed:
                yield doc.problem(
                    (*path, key),
                    f"unknown field '{key}'{did_you_mean(key, allowed)}; allowed: {', '.join(allowed)}",
                    key=True,
                )
        return
    if v == "propertyNames":
        yield doc.problem(
            (*path, inst),
            f"'{inst}' is not a valid id: use lower-case letters, digits, '_' and '-', starting with a letter",
            key=True,
        )
        return
    if v == "anyOf":
        alts = schema["anyOf"]
        pick = None
        if isinstance(inst, list):
            pick = 0
        elif isinstance(inst, dict) and {"from", "to"} & set(inst):
            pick = 1
        elif isinstance(inst, dict) and {"min", "max"} & set(inst):
            pick = 2
        if pick is not None and pick < len(alts):
            subs = [
                e
                for e in err.context or ()
                if e.relative_schema_path and e.relative_schema_path[0] == pick
            ]
            if subs:
                for e in subs:
                    yield from _explain(e, doc)
                return
        yield doc.problem(path, f"got {_kind(inst)}; {schema.get('x-error', 'not a valid value')}")
        return
    if v == "type":
        types = [val] if isinstance(val, str) else list(val)
        want = " or ".join(_TYPE_WORDS.get(t, t) for t in types)
        yield doc.problem(path, f"expected {want}, got {_kind(inst)}")
        return
    if v == "enum":
        allowed = [str(a) for a in val]
        yield doc.problem(
            path,
            f"'{inst}' is not allowed{did_you_mean(str(inst), allowed)}; allowed: {', '.join(allowed)}",
        )
        return
    if v == "pattern":
        if "https?" in val:
            msg = f"'{inst}' is not a web address; give a full http:// or https:// URL"
        elif "[0-9]{4}" in val:
            msg = f"'{inst}' is not a date; use " + (
                "YYYY-MM-DD, YYYY-MM or YYYY" if "?" in val else "YYYY-MM-DD"
            )
        else:
            msg = f"'{inst}' is not a valid id: use lower-case letters, digits, '_' and '-', starting with a letter"
        yield doc.problem(path, msg)
        return
    if v in ("minimum", "maximum"):
        if path and path[-1] == "date":
            yield doc.problem(path, f"'{inst}' is not a date; use YYYY-MM-DD, YYYY-MM or YYYY")
            return
        rng = ""
        if "minimum" in schema and "maximum" in schema:
            rng = f"allowed: {schema['minimum']} to {schema['maximum']}"
        else:
            rng = f"must be {'at least' if v == 'minimum' else 'at most'} {val}"
        yield doc.problem(path, f"{inst!r} is out of range; {rng}")
        return
    if v == "minItems":
        yield doc.problem(path, f"must have at least {val} item{'s' if val != 1 else ''}")
        return
    if v == "maxItems":
        yield doc.problem(path, f"must have at most {val} items")
        return
    if v == "uniqueItems":
        yield doc.problem(path, "lists the same item twice; each item may appear once")
        return
    if v == "minLength":
        yield doc.problem(path, "must not be empty")
        return
    yield doc.problem(path, err.message)


def _schema_problems(doc: Located, schema_name: str) -> list[Problem]:
    out: list[Problem] = []
    for err in _validator(schema_name).iter_errors(doc.data):
        out.extend(_explain(err, doc))
    return out


# ------------------------------------------------------------------------ loader


def load_case(path_or_id: str | os.PathLike[str]) -> Case:
    """Load and validate a case folder, or a shipped case by id.

    Parameters
    ----------
    path_or_id : str or path
        A folder holding ``case.yaml`` (and ``parties/``, ``scenarios/``), a
        path to ``case.yaml``, or the id of a shipped case
        (``zopa cases`` lists them).

    Returns
    -------
    Case
        The immutable case, with its scenarios.

    Raises
    ------
    CaseError
        Listing every problem found, as ``FILE:LINE:COLUMN: field: message``.

    Examples
    --------
    >>> case = load_case("ukraine-russia")
    >>> len(case.parties) >= 8 and len(case.issues) >= 12
    True
    """
    folder = case_folder(path_or_id)
    return _Loader(folder).load()


def load_scenario(case: Case, path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario file written for a case (docs/format.md, "scenarios").

    The file is checked exactly as the loader checks ``scenarios/*.yaml``
    inside a case folder: structure, party/issue/option/source ids, and that
    the changes apply to the case.

    Parameters
    ----------
    case : Case
        The case the scenario changes.
    path : str or path
        The YAML file; its name (without ``.yaml``) is the scenario id.

    Returns
    -------
    Scenario

    Raises
    ------
    CaseError
        Listing every problem as ``FILE:LINE:COLUMN: field: message``.

    Examples
    --------
    >>> case = load_case("tests/cases/tiny")
    >>> sc = load_scenario(case, "tests/cases/tiny/scenarios/b-softens.yaml")
    >>> sc == case.scenario("b-softens")
    True
    """
    p = Path(path)
    loader = _Loader(p.parent)
    reg = _Registry(
        {x.id: x for x in case.parties},
        {x.id: x for x in case.issues},
        {x.id: x for x in case.sources},
        set(),
    )
    scenario = loader.scenario_file(p, reg, case)
    if loader.problems or scenario is None:
        raise CaseError(
            loader.problems or [Problem(str(p), 1, 1, "", "scenario could not be read")]
        )
    return scenario


class _Loader:
    def __init__(self, folder: Path):
        self.folder = folder
        self.problems: list[Problem] = []

    # -- files -----------------------------------------------------------
    def read(self, path: Path, schema_name: str, what: str) -> Located | None:
        try:
            doc = read_yaml(path, str(path))
        except YamlProblems as exc:
            self.problems += exc.problems
            return None
        self.problems += doc.problems
        if not isinstance(doc.data, dict):
            self.problems.append(
                Problem(
                    doc.file,
                    *doc.where(()),
                    "",
                    f"expected a mapping ({what}), got {_kind(doc.data)}; see docs/format.md",
                )
            )
            return None
        flagged = {(p.line, p.column) for p in doc.problems}  # don't report a refused tag twice
        self.problems += [
            p for p in _schema_problems(doc, schema_name) if (p.line, p.column) not in flagged
        ]
        return doc

    def add(self, doc: Located, path: tuple[Any, ...], message: str, *, key: bool = False) -> None:
        """Record a problem, unless one is already reported at the same place (one message a spot)."""
        problem = doc.problem(path, message, key=key)
        if not any(
            (p.file, p.line, p.column) == (problem.file, problem.line, problem.column)
            for p in self.problems
        ):
            self.problems.append(problem)

    def unique(
        self, doc: Located, items: list[Any], path: str, kind: str
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """Items (index, mapping) with valid, first-seen ids; report duplicates."""
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not is_slug(item.get("id")):
                continue
            if item["id"] in seen:
                line = doc.where((path, seen[item["id"]], "id"))[0]
                self.add(
                    doc,
                    (path, i, "id"),
                    f"duplicate {kind} id '{item['id']}' (first at line {line}); ids must be unique",
                )
                continue
            seen[item["id"]] = i
            yield i, item

    # -- case.yaml -------------------------------------------------------
    def load(self) -> Case:
        case_path = self.folder / "case.yaml"
        if not case_path.is_file() and (self.folder / "case.yml").is_file():
            case_path = self.folder / "case.yml"
        if not case_path.is_file():
            raise CaseError(
                [
                    Problem(
                        str(self.folder),
                        0,
                        0,
                        "",
                        "no case.yaml in this folder; a case folder holds case.yaml, parties/ and scenarios/",
                    )
                ]
            )
        doc = self.read(case_path, "case.schema.json", "title, as_of, parties, issues, sources")
        data: dict[str, Any] = doc.data if doc else {}

        parties: list[Party] = []
        issues: list[Issue] = []
        sources: list[Source] = []
        snapshots: list[Snapshot] = []
        broken: set[str] = set()  # issues with problems: positions on them are not checked further
        if doc is not None:
            for _, raw in self.unique(doc, _list(data, "parties"), "parties", "party"):
                parties.append(self.party(raw))
            for i, raw in self.unique(doc, _list(data, "issues"), "issues", "issue"):
                if (issue := self.issue(doc, i, raw)) is not None:
                    issues.append(issue)
                else:
                    broken.add(raw["id"])
            for i, raw in self.unique(doc, _list(data, "sources"), "sources", "source"):
                sources.append(self.source(doc, i, raw))
            for i, raw in self.unique(doc, _list(data, "snapshots"), "snapshots", "snapshot"):
                if (snap := self.snapshot(doc, i, raw)) is not None:
                    snapshots.append(snap)
        as_of = None
        if doc and "as_of" in data:
            as_of, err = parse_date(data["as_of"])
            if err:
                self.add(doc, ("as_of",), err)

        reg = _Registry(
            {p.id: p for p in parties},
            {i.id: i for i in issues},
            {s.id: s for s in sources},
            broken,
        )
        statements = self.party_files(reg)
        case: Case | None = None
        if doc and as_of is not None and not self.problems:
            case = Case(
                id=self.folder.resolve().name,
                title=str(data.get("title", "")),
                description=str(data.get("description", "") or ""),
                as_of=as_of,
                parties=tuple(parties),
                issues=tuple(issues),
                sources=tuple(sources),
                statements=tuple(statements),
                snapshots=tuple(sorted(snapshots, key=lambda s: (s.date, s.id))),
                path=str(self.folder),
            )
        scenarios = self.scenario_files(reg, case)
        if self.problems or case is None:
            raise CaseError(
                self.problems or [Problem(str(case_path), 1, 1, "", "case could not be read")]
            )
        return dataclasses.replace(case, scenarios=tuple(scenarios))

    def party(self, raw: dict[str, Any]) -> Party:
        weight = raw.get("weight")
        return Party(
            id=raw["id"],
            name=str(raw.get("name", raw["id"])),
            role=str(raw.get("role", "observer")),
            weight=float(weight) if is_number(weight) else None,
            note=str(raw.get("note", "") or ""),
            short=str(raw.get("short", "") or ""),
        )

    def issue(self, doc: Located, i: int, raw: dict[str, Any]) -> Issue | None:
        """Build an issue; secondary problems are reported but the issue stays usable.

        Only an issue that cannot be built at all (no valid scale, fewer than two
        options, unusable min/max) returns ``None``; positions on it are then
        not checked further, so one mistake gives one message.
        """
        path: tuple[Any, ...] = ("issues", i)
        scale = raw.get("scale")
        if scale not in ("ordinal", "nominal", "interval"):
            return None
        name, description = str(raw.get("name", "")), str(raw.get("description", "") or "")
        short = str(raw.get("short", "") or "")
        if scale == "interval":
            for key in ("options", "distances"):
                if key in raw:
                    self.add(
                        doc,
                        (*path, key),
                        f"'{key}' only applies to ordinal and nominal scales; interval scales have unit, min and max",
                        key=True,
                    )
            lo, hi = raw.get("min"), raw.get("max")
            if not (is_number(lo) and is_number(hi)):
                return None
            if lo >= hi:
                self.add(doc, (*path, "max"), f"max ({hi:g}) must be greater than min ({lo:g})")
                return None
            issue = Issue(
                raw["id"],
                name,
                scale,
                (),
                str(raw.get("unit", "")),
                float(lo),
                float(hi),
                description=description,
                short=short,
            )
        else:
            for key in ("unit", "min", "max"):
                if key in raw:
                    self.add(
                        doc,
                        (*path, key),
                        f"'{key}' only applies to interval scales; {scale} scales have options",
                        key=True,
                    )
            if scale == "ordinal" and "distances" in raw:
                self.add(
                    doc,
                    (*path, "distances"),
                    "a distance table only applies to nominal scales; ordinal distances follow the option order",
                    key=True,
                )
            raw_opts = raw.get("options")
            if not isinstance(raw_opts, list):
                return None
            options: list[Option] = []
            seen: dict[str, int] = {}
            for j, o in enumerate(raw_opts):
                if not isinstance(o, dict) or not is_slug(o.get("id")):
                    continue
                if o["id"] in seen:
                    line = doc.where((*path, "options", seen[o["id"]], "id"))[0]
                    self.add(
                        doc,
                        (*path, "options", j, "id"),
                        f"duplicate option id '{o['id']}' (first at line {line}); option ids must be unique within an issue",
                    )
                    continue
                seen[o["id"]] = j
                options.append(
                    Option(
                        o["id"], str(o.get("label", o["id"])), str(o.get("description", "") or "")
                    )
                )
            if len(options) < 2:
                return None
            issue = Issue(
                raw["id"], name, scale, tuple(options), description=description, short=short
            )
            if scale == "nominal":
                issue = dataclasses.replace(
                    issue, distances=self.distances(doc, path, issue, raw.get("distances") or [])
                )
        if "status_quo" in raw:
            sq, err = parse_outcome(issue, raw["status_quo"])
            if err:
                self.add(doc, (*path, "status_quo"), err)
            else:
                issue = dataclasses.replace(issue, status_quo=sq)
        return issue

    def distances(
        self, doc: Located, path: tuple[Any, ...], issue: Issue, entries: list[Any]
    ) -> tuple[tuple[str, str, float], ...]:
        """The nominal distance table; bad entries are reported and left out."""
        out = []
        pairs: set[frozenset[str]] = set()
        for j, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            between, dist = entry.get("between"), entry.get("distance")
            if not (isinstance(between, list) and len(between) == 2 and is_number(dist)):
                continue
            epath = (*path, "distances", j, "between")
            unknown = [m for m, o in enumerate(between) if o not in issue.option_ids]
            for m in unknown:
                self.add(
                    doc,
                    (*epath, m),
                    _unknown(f"option of issue '{issue.id}'", between[m], issue.option_ids),
                )
            if unknown:
                continue
            if between[0] == between[1]:
                self.add(
                    doc,
                    epath,
                    "an option's distance to itself is always 0; name two different options",
                )
            elif frozenset(between) in pairs:
                self.add(doc, epath, f"the pair {between[0]}–{between[1]} is given twice")
            else:
                pairs.add(frozenset(between))
                out.append((between[0], between[1], float(dist)))
        return tuple(out)

    def source(self, doc: Located, i: int, raw: dict[str, Any]) -> Source:
        if "date" not in raw:
            raw = {**raw, "date": ""}
        date, err = parse_partial_date(raw["date"])
        if err:  # still registered, so statements citing it are not reported too
            self.add(doc, ("sources", i, "date"), err)
            date = str(raw["date"])
        assert date is not None
        return Source(
            raw["id"],
            str(raw.get("title", "")),
            str(raw.get("publisher", "")),
            date,
            str(raw.get("url", "")),
            str(raw.get("reliability", "") or ""),
            str(raw.get("note", "") or ""),
        )

    def snapshot(self, doc: Located, i: int, raw: dict[str, Any]) -> Snapshot | None:
        date, err = parse_date(raw.get("date"))
        if err:
            self.add(doc, ("snapshots", i, "date"), err)
            return None
        assert date is not None
        return Snapshot(raw["id"], date, str(raw.get("label", "") or raw["id"]))

    # -- parties/*.yaml --------------------------------------------------
    def party_files(self, reg: _Registry) -> list[Statement]:
        folder = self.folder / "parties"
        if not folder.is_dir():
            return []
        statements: list[Statement] = []
        seen: dict[str, Path] = {}
        for path in sorted(p for p in folder.iterdir() if p.suffix in _YAML and p.is_file()):
            doc = self.read(path, "party.schema.json", "party: <id> and statements: [...]")
            if doc is None:
                continue
            party = doc.data.get("party")
            if not is_slug(party):
                continue
            if party not in reg.parties:
                self.add(doc, ("party",), _unknown("party", party, reg.parties))
                continue
            if party != path.stem:
                self.add(
                    doc,
                    ("party",),
                    f"party '{party}' is in a file named '{path.name}'; name the file {party}.yaml",
                )
            if party in seen:
                self.add(
                    doc,
                    ("party",),
                    f"party '{party}' already has a file: {seen[party]}; keep one file a party",
                )
                continue
            seen[party] = path
            statements += self.statements(doc, party, reg)
        return statements

    def statements(self, doc: Located, party: str, reg: _Registry) -> list[Statement]:
        out: list[Statement] = []
        named: dict[tuple[Any, str], int] = {}  # (as_of, issue) -> line of first
        for i, raw in enumerate(_list(doc.data, "statements")):
            if not isinstance(raw, dict):
                continue
            spath: tuple[Any, ...] = ("statements", i)
            as_of, err = parse_date(raw.get("as_of"))
            if err and "as_of" in raw:
                self.add(doc, (*spath, "as_of"), err)
            srcs = raw.get("sources")
            srcs = [s for s in srcs if isinstance(s, str)] if isinstance(srcs, list) else []
            for j, s in enumerate(srcs):
                if is_slug(s) and s not in reg.sources:
                    self.add(doc, (*spath, "sources", j), _unknown("source", s, reg.sources))
            conf = raw.get("confidence", "official")
            conf = conf if isinstance(conf, str) else "official"
            positions: list[tuple[str, Position | None]] = []
            raw_pos = raw.get("positions")
            if not isinstance(raw_pos, dict):
                continue
            for issue_id, praw in raw_pos.items():
                ppath = (*spath, "positions", issue_id)
                if not is_slug(issue_id) or issue_id in reg.broken_issues:
                    continue
                if issue_id not in reg.issues:
                    self.add(doc, ppath, _unknown("issue", issue_id, reg.issues), key=True)
                    continue
                if as_of is not None:
                    if (as_of, issue_id) in named:
                        self.add(
                            doc,
                            ppath,
                            f"issue '{issue_id}' is also named by this party's statement at line "
                            f"{named[(as_of, issue_id)]} with the same date {as_of}; which one holds is "
                            "ambiguous: merge the two or change a date",
                            key=True,
                        )
                        continue
                    named[(as_of, issue_id)] = doc.where(spath)[0]
                if praw is None:
                    positions.append((issue_id, None))
                    continue
                if not isinstance(praw, dict):
                    continue
                line, _ = doc.where_key(ppath)
                pos, errs = parse_position(
                    reg.issues,
                    reg.issues[issue_id],
                    praw,
                    party=party,
                    as_of=as_of,
                    sources=tuple(srcs),
                    confidence=conf,
                    origin=f"{doc.file}:{line}",
                )
                for sub, msg in errs:
                    if msg.startswith("missing required field"):
                        continue  # reported by the schema
                    if (
                        sub
                        and sub[0] in ("salience", "red_line", "confidence")
                        and _schema_covers(sub, praw)
                    ):
                        continue
                    self.add(doc, (*ppath, *sub), msg)
                if pos is not None:
                    positions.append((issue_id, pos))
            if as_of is not None:
                out.append(
                    Statement(
                        party=party,
                        as_of=as_of,
                        sources=tuple(srcs),
                        positions=tuple(positions),
                        confidence=conf,
                        note=str(raw.get("note", "") or ""),
                        seq=0,
                        origin=f"{doc.file}:{doc.where(spath)[0]}",
                    )
                )
        return out

    # -- scenarios/*.yaml ------------------------------------------------
    def scenario_files(self, reg: _Registry, case: Case | None) -> list[Scenario]:
        folder = self.folder / "scenarios"
        if not folder.is_dir():
            return []
        out: list[Scenario] = []
        for path in sorted(p for p in folder.iterdir() if p.suffix in _YAML and p.is_file()):
            scenario = self.scenario_file(path, reg, case)
            if scenario is not None:
                out.append(scenario)
        return out

    def scenario_file(self, path: Path, reg: _Registry, case: Case | None) -> Scenario | None:
        """Read one scenario file; problems go to ``self.problems``."""
        from engine.whatif.scenario import apply, parse_change

        doc = self.read(path, "scenario.schema.json", "title and changes: [...]")
        if doc is None:
            return None
        data = doc.data
        at = None
        if "at" in data:
            at, err = parse_date(data["at"])
            if err:
                self.add(doc, ("at",), err)
        srcs = data.get("sources") if isinstance(data.get("sources"), list) else []
        for j, s in enumerate(srcs):
            if is_slug(s) and s not in reg.sources:
                self.add(doc, ("sources", j), _unknown("source", s, reg.sources))
        changes: list[Change] = []
        broken = False
        known: dict[str, Any] = dict(reg.parties)  # parties added earlier in the scenario count
        for i, raw in enumerate(_list(data, "changes")):
            if not isinstance(raw, dict):
                broken = True
                continue
            line, _ = doc.where(("changes", i))
            change, errs = parse_change(raw, known, reg.issues, origin=f"{doc.file}:{line}")
            if change is not None and change.new_party is not None:
                known[change.party] = change.new_party
            for sub, msg in errs:
                self.add(
                    doc,
                    ("changes", i, *sub),
                    msg,
                    key=bool(sub)
                    and sub[-1] in raw
                    and len(sub) == 1
                    and msg.startswith("unknown field"),
                )
            if change is None:
                broken = True
            else:
                changes.append(change)
        if not is_slug(path.stem):
            self.add(
                doc,
                (),
                f"scenario file name '{path.stem}' is not a valid id: use lower-case letters, digits, '_' and '-', starting with a letter",
            )
            return None
        scenario = Scenario(
            id=path.stem,
            title=str(data.get("title", path.stem)),
            changes=tuple(changes),
            at=at,
            description=str(data.get("description", "") or ""),
            sources=tuple(s for s in srcs if isinstance(s, str)),
            note=str(data.get("note", "") or ""),
            origin=str(path),
        )
        if case is not None and not broken and not self.problems_in(doc.file):
            try:
                apply(case, scenario)
            except CaseError as exc:
                self.problems += exc.problems
        return scenario

    def problems_in(self, file: str) -> bool:
        return any(p.file == file for p in self.problems)


class _Registry:
    def __init__(
        self,
        parties: Mapping[str, Party],
        issues: Mapping[str, Issue],
        sources: Mapping[str, Source],
        broken_issues: set[str],
    ):
        self.parties, self.issues, self.sources = parties, issues, sources
        self.broken_issues = broken_issues


def _list(data: Any, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _unknown(
    kind: str, name: object, known: Mapping[str, Any] | tuple[str, ...] | list[str]
) -> str:
    names = list(known)
    return f"unknown {kind} '{name}'{did_you_mean(str(name), names)}; known: {allowed_list(names)}"


def _schema_covers(sub: tuple[Any, ...], raw: Mapping[str, Any]) -> bool:
    """True when the schema already reported this field's type/range problem."""
    return sub[0] in raw
