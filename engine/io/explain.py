"""JSON Schema errors in plain words, located in the YAML file.

:func:`schema_problems` validates one document against a schema of
:mod:`engine.io.schema` and turns each error into a
:class:`~engine.model.errors.Problem` that says what is wrong and what is
allowed, at the line and column of the offending value (or key).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import jsonschema

from engine.io.schema import schemas
from engine.io.yamlsafe import Located, format_path
from engine.model.errors import Problem, did_you_mean, excerpt

__all__ = ["describe", "schema_problems"]

_TYPE_WORDS = {
    "object": "a mapping (key: value lines)",
    "array": "a list",
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "null",
}

_NOT_AN_ID = (
    "is not a valid id: use lower-case letters, digits, '_' and '-', starting with a letter"
)


def describe(x: Any) -> str:
    """What a value is, in words: ``a number (3)``, ``text ('abc')``, ``a list`` …"""
    if x is None:
        return "nothing (null)"
    if isinstance(x, bool):
        return f"true/false ({str(x).lower()})"
    if isinstance(x, int | float):
        return f"a number ({excerpt(x) if isinstance(x, int) else format(x, 'g')})"
    if isinstance(x, str):
        return f"text ({excerpt(x)})"
    if isinstance(x, list):
        return "a list"
    if isinstance(x, dict):
        return "a mapping"
    return type(x).__name__


@functools.cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = schemas()[name]
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def schema_problems(doc: Located, schema_name: str) -> list[Problem]:
    """Every problem of ``doc`` against the schema named ``schema_name``, in plain words."""
    out: list[Problem] = []
    for err in _validator(schema_name).iter_errors(doc.data):
        out.extend(_explain(err, doc))
    return out


_Explainer = Callable[[jsonschema.ValidationError, Located], "list[Problem] | None"]


def _explain(err: jsonschema.ValidationError, doc: Located) -> Iterator[Problem]:
    """Plain-words problems for one JSON Schema error (its own message when none applies)."""
    explainer = _EXPLAINERS.get(str(err.validator))
    found = explainer(err, doc) if explainer is not None else None
    if found is None:
        yield doc.problem(tuple(err.absolute_path), err.message)
    else:
        yield from found


def _schema(err: jsonschema.ValidationError) -> dict[str, Any]:
    return err.schema if isinstance(err.schema, dict) else {}


def _value(err: jsonschema.ValidationError) -> Any:
    """The value of the schema keyword that failed (``required``'s names, ``enum``'s values …)."""
    return err.validator_value


def _required(err: jsonschema.ValidationError, doc: Located) -> list[Problem] | None:
    path, inst = tuple(err.absolute_path), err.instance
    if not isinstance(inst, dict):
        return None
    line, col = doc.where(path)
    return [
        Problem(doc.file, line, col, format_path(path), f"missing required field '{name}'")
        for name in _value(err)
        if name not in inst
    ]


def _additional(err: jsonschema.ValidationError, doc: Located) -> list[Problem] | None:
    path, inst = tuple(err.absolute_path), err.instance
    if not (isinstance(inst, dict) and _value(err) is False):
        return None
    allowed = list(_schema(err).get("properties", {}))
    return [
        doc.problem(
            (*path, key),
            f"unknown field {excerpt(key)}{did_you_mean(key, allowed)}; allowed: {', '.join(allowed)}",
            key=True,
        )
        for key in inst
        if key not in allowed
    ]


def _property_names(err: jsonschema.ValidationError, doc: Located) -> list[Problem]:
    inst = err.instance
    return [
        doc.problem((*err.absolute_path, inst), f"{excerpt(str(inst))} {_NOT_AN_ID}", key=True)
    ]


def _any_of(err: jsonschema.ValidationError, doc: Located) -> list[Problem]:
    """The errors of the alternative the value was meant as (a list, a range, an interval)."""
    schema, inst = _schema(err), err.instance
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
            return [p for e in subs for p in _explain(e, doc)]
    message = f"got {describe(inst)}; {schema.get('x-error', 'not a valid value')}"
    return [doc.problem(tuple(err.absolute_path), message)]


def _type(err: jsonschema.ValidationError, doc: Located) -> list[Problem]:
    val = _value(err)
    types = [val] if isinstance(val, str) else list(val)
    want = " or ".join(_TYPE_WORDS.get(t, t) for t in types)
    return [
        doc.problem(tuple(err.absolute_path), f"expected {want}, got {describe(err.instance)}")
    ]


def _enum(err: jsonschema.ValidationError, doc: Located) -> list[Problem]:
    inst = err.instance
    allowed = [str(a) for a in _value(err)]
    message = f"{excerpt(str(inst))} is not allowed{did_you_mean(str(inst), allowed)}; allowed: {', '.join(allowed)}"
    return [doc.problem(tuple(err.absolute_path), message)]


def _pattern(err: jsonschema.ValidationError, doc: Located) -> list[Problem]:
    inst, val = err.instance, _value(err)
    if "https?" in val:
        msg = f"{excerpt(str(inst))} is not a web address; give a full http:// or https:// URL"
    elif "[0-9]{4}" in val:
        msg = f"{excerpt(str(inst))} is not a date; use " + (
            "YYYY-MM-DD, YYYY-MM or YYYY" if "?" in val else "YYYY-MM-DD"
        )
    else:
        msg = f"{excerpt(str(inst))} {_NOT_AN_ID}"
    return [doc.problem(tuple(err.absolute_path), msg)]


def _bound(err: jsonschema.ValidationError, doc: Located) -> list[Problem]:
    """``minimum`` and ``maximum``: the range allowed (a year out of range is not a date)."""
    path, inst, val, schema = (
        tuple(err.absolute_path),
        err.instance,
        _value(err),
        _schema(err),
    )
    if path and path[-1] == "date":
        return [
            doc.problem(
                path, f"{excerpt(str(inst))} is not a date; use YYYY-MM-DD, YYYY-MM or YYYY"
            )
        ]
    if "minimum" in schema and "maximum" in schema:
        rng = f"allowed: {schema['minimum']} to {schema['maximum']}"
    else:
        rng = f"must be {'at least' if err.validator == 'minimum' else 'at most'} {val}"
    return [doc.problem(path, f"{excerpt(inst)} is out of range; {rng}")]


def _fixed(message: Callable[[Any], str]) -> _Explainer:
    """An explainer whose message depends only on the schema's value."""

    def explain(err: jsonschema.ValidationError, doc: Located) -> list[Problem]:
        return [doc.problem(tuple(err.absolute_path), message(_value(err)))]

    return explain


_EXPLAINERS: dict[str, _Explainer] = {
    "required": _required,
    "additionalProperties": _additional,
    "propertyNames": _property_names,
    "anyOf": _any_of,
    "type": _type,
    "enum": _enum,
    "pattern": _pattern,
    "minimum": _bound,
    "maximum": _bound,
    "minItems": _fixed(lambda n: f"must have at least {n} item{'s' if n != 1 else ''}"),
    "maxItems": _fixed(lambda n: f"must have at most {n} items"),
    "uniqueItems": _fixed(lambda _: "lists the same item twice; each item may appear once"),
    "minLength": _fixed(lambda _: "must not be empty"),
}
