from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_validates_without_a_single_warning(tmp_path: Path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    for path in ["/api/v1/licences/", "/api/v1/pushes/{id}/claim/", "/api/v1/items/"]:
        assert path in schema["paths"], path
    assert schema["components"]["securitySchemes"]["ApiKeyAuth"]["name"] == "Authorization"


def test_the_served_schema_is_a_valid_openapi_document_with_the_contract_on_every_operation(
    client,
):
    from openapi_spec_validator import validate

    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["components"]["schemas"]["ErrorEnvelope"]["required"] == ["error"]
    operations = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) > 50
    for path, method, operation in operations:
        for status in ("400", "401", "403", "404", "429"):
            assert status in operation["responses"], (path, method, status)
        if method == "post":
            assert {"409", "422"} <= set(operation["responses"]), (path, method)
            names = [parameter["name"] for parameter in operation["parameters"]]
            assert "Idempotency-Key" in names, path


def _resolve(node, components):
    """Inline every $ref, so a plain JSON-Schema validator can check an example."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _resolve(components[node["$ref"].rsplit("/", 1)[-1]], components)
        return {key: _resolve(value, components) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(value, components) for value in node]
    return node


def test_every_write_has_a_worked_example_and_every_example_matches_its_schema(client):
    from openapi_schema_validator import OAS30Validator

    schema = client.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    checked = 0
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert operation.get("description") or operation.get("summary"), (method, path)
            bodies = []
            request = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if request:
                assert "examples" in request, f"no request example for {method} {path}"
                bodies.append((request["schema"], request["examples"]))
            for response in operation["responses"].values():
                json_content = response.get("content", {}).get("application/json", {})
                if "examples" in json_content:
                    bodies.append((json_content["schema"], json_content["examples"]))
            for body_schema, examples in bodies:
                validator = OAS30Validator(_resolve(body_schema, components))
                for example in examples.values():
                    errors = [e.message for e in validator.iter_errors(example["value"])]
                    assert not errors, (method, path, errors)
                    checked += 1
    from linzi_platform.openapi_examples import REQUEST_EXAMPLES, RESPONSE_EXAMPLES

    assert checked == len(REQUEST_EXAMPLES) + len(RESPONSE_EXAMPLES)


def test_the_schema_is_byte_for_byte_the_committed_contract(tmp_path: Path):
    """Partner systems generate their clients from the schema: a change to it is a change of
    contract, made on purpose. Regenerate docs/api/openapi.yaml with `make schema` and
    commit it together with the change that alters the API."""
    committed = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"
    target = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(target))
    assert target.read_bytes() == committed.read_bytes(), (
        "the API schema changed; if on purpose, run `make schema` and commit docs/api/openapi.yaml"
    )
