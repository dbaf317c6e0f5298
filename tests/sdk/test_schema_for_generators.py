"""The served schema is fit for SDK generators: operations named in the domain's words, one
tag per resource, an ASCII title to name the client package after, and only the bodies each
endpoint really takes (JSON; multipart only beside it where a file is uploaded)."""

import re

import pytest
from packaging.utils import canonicalize_name

from tests.clients import api_for

pytestmark = pytest.mark.django_db

SNAKE_CASE = re.compile(r"[a-z]+(_[a-z]+)*")
JSON = "application/json"
MULTIPART = "multipart/form-data"
# The endpoints that take a file, and the field it comes under.
UPLOADS = {
    "/api/v1/supervision-actions/": "attachments",
    "/api/v1/licence-letters/": "attachments",
    "/api/v1/legacy-cases/{id}/opinion/": "attachments",
    "/api/v1/credit/verifications/{id}/result/": "files",
    "/api/v1/coordination/important-files/{id}/consultations/": "document",
    "/api/v1/coordination/important-files/{id}/stakeholder-opinions/": "document",
    "/api/v1/coordination/important-files/{id}/hearing/": "document",
}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/?format=json").json()


def _operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (method, path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def _component(schema: dict, node: dict) -> dict:
    return schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]


def _is_file(node: dict) -> bool:
    node = node.get("items", node)
    return node.get("format") == "binary"


def test_every_operation_id_is_unique_snake_case_in_the_domains_words(schema):
    names = [operation["operationId"] for _method, _path, operation in _operations(schema)]
    assert len(names) == len(set(names)) > 50
    for name in names:
        assert SNAKE_CASE.fullmatch(name), name
        assert not name.startswith("v1") and not name.endswith(("_create", "_retrieve")), name
    assert {"licence_record", "licence_list", "licence_get", "push_list", "push_claim"} <= set(
        names
    )
    assert "push_feedback" in names and "supervision_action_record" in names


def test_every_operation_has_exactly_one_tag_its_resource_and_every_tag_is_described(schema):
    described = {tag["name"] for tag in schema["tags"]}
    for method, path, operation in _operations(schema):
        assert len(operation["tags"]) == 1 and operation["tags"][0] != "v1", (method, path)
        assert operation["tags"][0] in described, (method, path)
    tags = {
        path: methods["get"]["tags"][0]
        for path, methods in schema["paths"].items()
        if "get" in methods
    }
    assert tags["/api/v1/licences/"] == tags["/api/v1/licences/{id}/"] == "licences"
    assert tags["/api/v1/pushes/{id}/"] == "pushes"
    assert tags["/api/v1/supervision-actions/"] == "supervision-actions"
    assert tags["/api/v1/credit/verifications/"] == "credit-verifications"


def test_the_title_names_an_installable_client_and_the_chinese_name_stays(schema):
    info = schema["info"]
    assert info["title"].isascii()
    # openapi-python-client's default project name: the title in kebab case, then "-client".
    project = "-".join(re.findall(r"[a-z0-9]+", info["title"].lower())) + "-client"
    assert canonicalize_name(project, validate=True) == "linzi-platform-client"
    assert info["x-title-zh"] == "临淄区审批监管互动平台 API"
    assert "临淄区审批监管互动平台" in info["description"]


def test_no_parameter_would_name_a_generated_type_in_chinese(schema):
    for method, path, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            assert parameter.get("schema", {}).get("title", "").isascii(), (method, path)


def test_bodies_are_json_and_multipart_only_where_a_file_is_uploaded(schema):
    with_body = [(m, p, o) for m, p, o in _operations(schema) if "requestBody" in o]
    assert len(with_body) > 30
    for method, path, operation in with_body:
        content = operation["requestBody"]["content"]
        json_body = _component(schema, content[JSON]["schema"])
        assert not any(_is_file(node) for node in json_body.get("properties", {}).values())
        if path in UPLOADS and method == "post":
            assert set(content) == {JSON, MULTIPART}, path
            multipart = _component(schema, content[MULTIPART]["schema"])
            assert _is_file(multipart["properties"][UPLOADS[path]]), path
            assert content[JSON]["schema"] != content[MULTIPART]["schema"], path
        else:
            assert set(content) == {JSON}, (method, path)
        assert "415" in operation["responses"], (method, path)


def test_a_form_body_to_a_json_endpoint_is_a_415_in_the_envelope(approval_department):
    response = api_for(approval_department).post(
        "/api/v1/licences/", {"item": "food"}, format="multipart"
    )
    assert response.status_code == 415
    error = response.json()["error"]
    assert error["code"] == "unsupported_media_type"
    assert "multipart/form-data" in error["message"] and error["message"].isascii() is False


def test_the_docs_page_keeps_the_chinese_title(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert "<title>临淄区审批监管互动平台 API</title>" in response.content.decode()
