"""The JSON Schemas: shipped files are what the code generates, and they agree with the model."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from engine.io.schema import CHANGE_FIELDS, schema_json, schemas
from engine.model.case import CONFIDENCES, ROLES, SCALES
from engine.model.parse import parse_position
from tests.conftest import CASES, ROOT

SHIPPED = ROOT / "engine" / "io" / "schemas"


@pytest.mark.parametrize("name", sorted(schemas()))
def test_shipped_schema_files_are_generated(name):
    assert (SHIPPED / name).read_text(encoding="utf-8") == schema_json(schemas()[name]), (
        "regenerate with: zopa schema engine/io/schemas --force"
    )


@pytest.mark.parametrize("name", sorted(schemas()))
def test_schemas_are_valid_json_schema(name):
    schema = json.loads((SHIPPED / name).read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema).check_schema(schema)


def test_enums_come_from_the_model():
    case = schemas()["case.schema.json"]
    assert case["properties"]["parties"]["items"]["properties"]["role"]["enum"] == list(ROLES)
    assert case["properties"]["issues"]["items"]["properties"]["scale"]["enum"] == list(SCALES)
    party = schemas()["party.schema.json"]
    statement = party["properties"]["statements"]["items"]
    assert statement["properties"]["confidence"]["enum"] == list(CONFIDENCES)


def test_position_fields_are_exactly_what_the_loader_reads():
    party = schemas()["party.schema.json"]
    position = party["properties"]["statements"]["items"]["properties"]["positions"][
        "additionalProperties"
    ]
    fields = set(position["properties"])
    assert fields == {
        "ideal",
        "acceptable",
        "salience",
        "red_line",
        "requires",
        "confidence",
        "note",
        "values",
    }
    # every field is accepted by the parser (no field in the schema that the loader would ignore)
    import inspect

    src = inspect.getsource(parse_position)
    for f in fields:
        assert f'"{f}"' in src
    scen = schemas()["scenario.schema.json"]
    assert tuple(scen["properties"]["changes"]["items"]["properties"]) == CHANGE_FIELDS


def _files(folder: Path):
    yield "case.schema.json", folder / "case.yaml"
    for p in sorted((folder / "parties").glob("*.yaml")):
        yield "party.schema.json", p
    for p in sorted((folder / "scenarios").glob("*.yaml")):
        yield "scenario.schema.json", p


def _valid_case_folders():
    folders = [CASES / "tiny"]
    shipped = ROOT / "positions"
    folders += sorted(p for p in shipped.iterdir() if (p / "case.yaml").is_file())
    return folders


@pytest.mark.parametrize("folder", _valid_case_folders(), ids=lambda p: p.name)
def test_editors_see_valid_cases_as_valid(folder):
    """What an editor validates with the shipped schemas: the valid cases pass."""
    for name, path in _files(folder):
        schema = json.loads((SHIPPED / name).read_text(encoding="utf-8"))
        # editors read YAML 1.2-ish data; dates are strings there, as in our loader
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StringDates)
        errors = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(data))
        assert not errors, f"{path}: {[e.message for e in errors]}"


class _StringDates(yaml.SafeLoader):
    pass


_StringDates.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
