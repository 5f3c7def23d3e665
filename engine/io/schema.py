"""JSON Schemas of the case format, generated from the model's constants.

The same schemas serve two purposes: the loader validates every file's
structure with them (types, required and unknown keys, enums, ranges), and
they are shipped as ``engine/io/schemas/*.schema.json`` for editors (completion
and checks while typing; see docs/format.md, "Editor support"). A test checks
that the shipped files equal what this module generates; regenerate them with
``zopa schema engine/io/schemas``.

Cross-references (does this option id exist? is the ideal inside the
acceptable set?) are beyond JSON Schema and are checked by the loader.
"""

from __future__ import annotations

import json
from typing import Any

from engine.model.case import CONFIDENCES, ROLES, SCALES
from engine.model.parse import ACCEPTABLE_HELP, BONUS_FRACTION, BONUS_VALUE_HELP, SLUG
from engine.model.values import VALUES_HELP

__all__ = ["SLUG", "case_schema", "party_schema", "scenario_schema", "schema_json", "schemas"]

#: Most items a case may hold (docs/format.md, "Limits"): far above any
#: negotiation written by hand, low enough that every analysis stays bounded.
MAX_PARTIES = 200
MAX_ISSUES = 500
MAX_OPTIONS = 100
MAX_SOURCES = 5000
MAX_SNAPSHOTS = 500
MAX_STATEMENTS = 5000  # per party file
MAX_CHANGES = 1000  # per scenario
MAX_BONUSES = 1000  # per party file

_BASE = "https://zopa.invalid/schemas/"

_ID = {
    "type": "string",
    "pattern": SLUG,
    "description": "An id: lower-case letters, digits, '_' and '-', starting with a letter (at most 64).",
}
_TEXT = {"type": "string", "minLength": 1}
_SHORT = {
    "type": "string",
    "minLength": 1,
    "maxLength": 24,
    "description": "A short name for figures and running text (at most 24 characters).",
}
_DATE = {
    "type": "string",
    "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "description": "An ISO date, YYYY-MM-DD.",
}
_PARTIAL_DATE = {
    "type": ["string", "integer"],
    "pattern": r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$",
    "minimum": 1000,
    "maximum": 9999,
    "description": "Publication date: YYYY-MM-DD, or YYYY-MM / YYYY when only that is known.",
}


def _record(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    """A mapping with exactly these ``properties``, of which ``required`` must be given."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
    }


def _acceptable() -> dict[str, Any]:
    return {
        "description": "What the party could live with: " + ACCEPTABLE_HELP + ".",
        "x-error": "must be " + ACCEPTABLE_HELP,
        "anyOf": [
            {"type": "array", "items": _ID, "minItems": 1, "uniqueItems": True},
            _record(["from", "to"], {"from": _ID, "to": _ID}),
            _record(["min", "max"], {"min": {"type": "number"}, "max": {"type": "number"}}),
        ],
    }


def _position_fields() -> dict[str, Any]:
    return {
        "ideal": {
            "type": ["string", "number"],
            "description": "The outcome the party asks for: an option id, or a number on interval scales.",
        },
        "acceptable": _acceptable(),
        "salience": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "description": "How much the issue matters to the party, 0 to 1 (default 0.5).",
        },
        "red_line": {
            "type": "boolean",
            "description": "True when the party has said it will not move (default false).",
        },
        "requires": {
            "type": "object",
            "description": "Linkage: this acceptable set holds only if the settlement on each named issue falls in the given set.",
            "propertyNames": _ID,
            "additionalProperties": _acceptable(),
        },
        "confidence": {"enum": list(CONFIDENCES)},
        "note": _TEXT,
        "values": _values(),
    }


def _values() -> dict[str, Any]:
    return {
        "description": "Optional grading of the outcomes for this party: " + VALUES_HELP + ".",
        "x-error": "must be " + VALUES_HELP,
        "anyOf": [
            {
                "type": "object",
                "propertyNames": _ID,
                "additionalProperties": {"type": "number"},  # range: the loader (one message)
                "minProperties": 1,
            },
            {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "array",
                    "prefixItems": [{"type": "number"}, {"type": "number"}],
                    "minItems": 2,
                    "maxItems": 2,
                },
            },
        ],
    }


def _position() -> dict[str, Any]:
    return {
        "type": ["object", "null"],
        "description": "A position, or null to withdraw an earlier one.",
        "additionalProperties": False,
        "required": ["ideal"],
        "properties": _position_fields(),
    }


def _positions() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "Issue id -> position (or null).",
        "propertyNames": _ID,
        "additionalProperties": _position(),
    }


def _party() -> dict[str, Any]:
    return _record(
        ["id", "name", "role"],
        {
            "id": _ID,
            "name": _TEXT,
            "short": _SHORT,
            "role": {"enum": list(ROLES)},
            "weight": {
                "type": "number",
                "minimum": 0,
                "description": "Capability or weight, >= 0.",
            },
            "reservation": {
                "type": "number",
                "minimum": -1,
                "maximum": 1,
                "description": "The utility of the party's best alternative to an agreement, -1 to 1.",
            },
            "note": _TEXT,
        },
    )


def _document(
    file: str, title: str, required: list[str], properties: dict[str, Any]
) -> dict[str, Any]:
    """The schema of one kind of file: a mapping with ``properties``, ``required`` ones."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": _BASE + file,
        "title": title,
        **_record(required, properties),
    }


def _issue() -> dict[str, Any]:
    """An issue of ``case.yaml``: options (ordinal, nominal) or unit, min and max (interval)."""
    option = _record(["id", "label"], {"id": _ID, "label": _TEXT, "description": _TEXT})
    issue = {
        **_record(
            ["id", "name", "scale"],
            {
                "id": _ID,
                "name": _TEXT,
                "short": _SHORT,
                "description": _TEXT,
                "scale": {"enum": list(SCALES)},
                "options": {
                    "type": "array",
                    "items": option,
                    "minItems": 2,
                    "maxItems": MAX_OPTIONS,
                },
                "status_quo": {"type": ["string", "number"]},
                "unit": _TEXT,
                "min": {"type": "number"},
                "max": {"type": "number"},
                "distances": {
                    "type": "array",
                    "items": _record(
                        ["between", "distance"],
                        {
                            "between": {
                                "type": "array",
                                "items": _ID,
                                "minItems": 2,
                                "maxItems": 2,
                            },
                            "distance": {"type": "number", "minimum": 0, "maximum": 1},
                        },
                    ),
                },
            },
        ),
        "if": {"properties": {"scale": {"const": "interval"}}, "required": ["scale"]},
        "then": {"required": ["unit", "min", "max"]},
        "else": {"required": ["options"]},
    }
    return issue


def case_schema() -> dict[str, Any]:
    """Schema of ``case.yaml``."""
    source = _record(
        ["id", "title", "publisher", "date", "url"],
        {
            "id": _ID,
            "title": _TEXT,
            "publisher": _TEXT,
            "date": _PARTIAL_DATE,
            "url": {"type": "string", "pattern": r"^https?://[^\s]+$"},
            "reliability": _TEXT,
            "note": _TEXT,
        },
    )
    snapshot = _record(["id", "date"], {"id": _ID, "date": _DATE, "label": _TEXT})
    return _document(
        "case.schema.json",
        "zopa case.yaml",
        ["title", "as_of", "parties", "issues", "sources"],
        {
            "title": _TEXT,
            "description": _TEXT,
            "as_of": _DATE,
            "parties": {
                "type": "array",
                "items": _party(),
                "minItems": 1,
                "maxItems": MAX_PARTIES,
            },
            "issues": {"type": "array", "items": _issue(), "minItems": 1, "maxItems": MAX_ISSUES},
            "sources": {"type": "array", "items": source, "maxItems": MAX_SOURCES},
            "snapshots": {"type": "array", "items": snapshot, "maxItems": MAX_SNAPSHOTS},
        },
    )


def party_schema() -> dict[str, Any]:
    """Schema of ``parties/<party-id>.yaml``."""
    statement = _record(
        ["as_of", "sources", "positions"],
        {
            "as_of": _DATE,
            "sources": {"type": "array", "items": _ID, "minItems": 1},
            "confidence": {"enum": list(CONFIDENCES)},
            "note": _TEXT,
            "positions": _positions(),
        },
    )
    bonus = _record(
        ["when", "value"],
        {
            "when": {
                "type": "object",
                "description": "Issue id -> the outcomes on which this condition holds; the bonus "
                "holds when every condition does ({} : always).",
                "propertyNames": _ID,
                "additionalProperties": _acceptable(),
            },
            "value": {
                "description": "What the bonus adds to the party's utility: "
                + BONUS_VALUE_HELP
                + ".",
                "x-error": "must be " + BONUS_VALUE_HELP,
                "anyOf": [
                    {"type": "number", "minimum": -1, "maximum": 1},
                    {"type": "string", "pattern": BONUS_FRACTION},
                ],
            },
            "note": _TEXT,
        },
    )
    return _document(
        "party.schema.json",
        "zopa parties/<party-id>.yaml",
        ["party", "statements"],
        {
            "party": _ID,
            "bonuses": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_BONUSES,
                "description": "Optional: the party's utility is the sum of the values of the "
                "bonuses whose conditions all hold (docs/format.md, 'Bonuses').",
                "items": bonus,
            },
            "statements": {"type": "array", "items": statement, "maxItems": MAX_STATEMENTS},
        },
    )


#: The fields a scenario change can set on a position.
POSITION_CHANGE_FIELDS = (
    "acceptable",
    "add",
    "remove",
    "ideal",
    "salience",
    "red_line",
    "requires",
    "note",
    "withdraw",
    "values",
)
CHANGE_FIELDS = (
    "party",
    "issue",
    *POSITION_CHANGE_FIELDS,
    "remove_party",
    "add_party",
    "positions",
)


def scenario_schema() -> dict[str, Any]:
    """Schema of ``scenarios/<scenario-id>.yaml``."""
    fields = _position_fields()
    change_props: dict[str, Any] = {
        "party": _ID,
        "issue": _ID,
        "acceptable": fields["acceptable"],
        "add": _acceptable(),
        "remove": {"type": "array", "items": _ID, "minItems": 1, "uniqueItems": True},
        "ideal": fields["ideal"],
        "salience": fields["salience"],
        "red_line": fields["red_line"],
        "requires": {**fields["requires"], "type": ["object", "null"]},
        "note": _TEXT,
        "withdraw": {"type": "boolean"},
        "values": {**fields["values"], "anyOf": [*fields["values"]["anyOf"], {"type": "null"}]},
        "remove_party": _ID,
        "add_party": _party(),
        "positions": {
            "type": "object",
            "propertyNames": _ID,
            "additionalProperties": {**_position(), "type": "object"},
        },
    }
    assert tuple(change_props) == CHANGE_FIELDS
    change = {"type": "object", "additionalProperties": False, "properties": change_props}
    return _document(
        "scenario.schema.json",
        "zopa scenarios/<scenario-id>.yaml",
        ["title", "changes"],
        {
            "title": _TEXT,
            "description": _TEXT,
            "at": _DATE,
            "sources": {"type": "array", "items": _ID},
            "note": _TEXT,
            "changes": {"type": "array", "items": change, "minItems": 1, "maxItems": MAX_CHANGES},
        },
    )


def schemas() -> dict[str, dict[str, Any]]:
    """All schemas by file name."""
    return {
        "case.schema.json": case_schema(),
        "party.schema.json": party_schema(),
        "scenario.schema.json": scenario_schema(),
    }


def schema_json(schema: dict[str, Any]) -> str:
    """The canonical JSON text of a schema (sorted keys, 2-space indent, final newline)."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
