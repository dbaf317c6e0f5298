"""shared/API.md is the contract: every path, method, field and status code it names is in
the served schema (and so, by the schemathesis run, in what the API answers)."""

import pytest

pytestmark = pytest.mark.django_db

PUSH_FIELDS = ["id", "kind", "sender", "receiver", "sent_at", "deadline", "state"]
PUSH_FIELDS += ["claimed_at", "claimed_by", "overdue", "payload"]

# (method, path, success status, request fields, response fields) as API.md writes them.
CONTRACT = [
    ("get", "/api/v1/departments/", "200", [], ["code", "name", "kind"]),
    (
        "get",
        "/api/v1/items/",
        "200",
        [],
        [
            "code",
            "name",
            "supervision_departments",
            "integrated_licence",
            "notification_commitment",
            "credit_mode",
            "important",
        ],
    ),
    (
        "post",
        "/api/v1/licences/",
        "201",
        [
            *("item", "counterparty", "licence_no", "licence_date", "valid_from", "valid_to"),
            *("integrated_licence", "commitment"),
        ],
        ["id", "licence_no", "status", "pushes"],
    ),
    ("get", "/api/v1/licences/{id}/", "200", [], ["id", "licence_no", "status_history"]),
    ("get", "/api/v1/pushes/", "200", [], PUSH_FIELDS),
    ("get", "/api/v1/pushes/{id}/", "200", [], [*PUSH_FIELDS, "feedback"]),
    ("post", "/api/v1/pushes/{id}/claim/", "200", [], ["state"]),
    ("post", "/api/v1/pushes/{id}/feedback/", "201", ["text"], ["id", "text"]),
    ("post", "/api/v1/pushes/{id}/feedback/{feedback_id}/reply/", "201", ["text"], ["text"]),
    (
        "post",
        "/api/v1/supervision-actions/",
        "201",
        ["kind", "counterparty", "licence", "document_no", "decided_at", "summary", "listing"],
        ["id", "push"],
    ),
    ("get", "/api/v1/counterparties/{code}/access/", "200", [], ["access", "reasons"]),
    ("post", "/api/v1/licence-letters/", "201", ["licence"], ["id", "state"]),
    ("get", "/api/v1/licence-letters/{id}/", "200", [], ["id", "state"]),
    ("get", "/api/v1/reports/monthly/{month}/", "200", [], ["month", "pushes"]),
]


def _resolve(node: dict, components: dict) -> dict:
    while "$ref" in node:
        node = components[node["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in node:
        return _resolve(node["allOf"][0], components)
    return node


def _field_names(node: dict, components: dict) -> set[str]:
    node = _resolve(node, components)
    if node.get("type") == "array":
        return _field_names(node["items"], components)
    names = set(node.get("properties", {}))
    if "results" in names:  # a paginated list: the fields of one row
        names |= _field_names(node["properties"]["results"], components)
    return names


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/?format=json").json()


@pytest.mark.parametrize(
    ("method", "path", "success", "request_fields", "response_fields"), CONTRACT
)
def test_api_md_paths_fields_and_statuses_are_in_the_schema(
    schema, method, path, success, request_fields, response_fields
):
    components = schema["components"]["schemas"]
    operation = schema["paths"][path][method]
    responses = operation["responses"]
    assert success in responses
    statuses = {"400", "401", "403", "404", "429"} | ({"409", "422"} if method == "post" else set())
    assert statuses <= set(responses)
    error = _resolve(responses["404"]["content"]["application/json"]["schema"], components)
    # The contract's three, plus `existing` that a duplicate's 409 fills in (R6).
    assert set(_field_names(error["properties"]["error"], components)) == {
        "code",
        "message",
        "fields",
        "existing",
    }
    assert set(error["properties"]["error"]["required"]) == {"code", "message", "fields"}
    if request_fields:
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert set(request_fields) <= _field_names(body, components)
    content = responses[success]["content"]["application/json"]["schema"]
    assert set(response_fields) <= _field_names(content, components)


def test_the_monthly_report_is_also_offered_as_excel(schema):
    operation = schema["paths"]["/api/v1/reports/monthly/{month}/"]["get"]
    assert any(p["name"] == "format" for p in operation["parameters"])
    content = operation["responses"]["200"]["content"]
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in content


def test_enumerations_of_the_contract_are_in_the_schema(schema):
    components = schema["components"]["schemas"]
    paths = schema["paths"]
    departments = _resolve(paths["/api/v1/departments/"]["get"]["responses"]["200"], components)
    row = _resolve(departments["content"]["application/json"]["schema"]["items"], components)
    assert set(_resolve(row["properties"]["kind"], components)["enum"]) == {
        "approval",
        "supervision",
    }
    action = paths["/api/v1/supervision-actions/"]["post"]["requestBody"]["content"]
    action = _resolve(action["application/json"]["schema"], components)
    # The contract's five kinds, plus the lifting of a suspension order that R8 added.
    assert set(_resolve(action["properties"]["kind"], components)["enum"]) == {
        "suspension",
        "revocation",
        "penalty",
        "training",
        "rule_change",
        "suspension_lift",
    }
    access = paths["/api/v1/counterparties/{code}/access/"]["get"]["responses"]["200"]
    access = _resolve(access["content"]["application/json"]["schema"], components)
    assert set(_resolve(access["properties"]["access"], components)["enum"]) == {
        "normal",
        "restricted",
        "strict",
    }
    listing = _resolve(action["properties"]["listing"], components)
    assert set(_resolve(listing["properties"]["type"], components)["enum"]) == {
        "dishonest",
        "anomaly",
    }
