"""Schema post-processing: the parts of the contract (shared/API.md) that hold for every
operation — the error envelope on each error status and the Idempotency-Key header on
writes — are added once here instead of on each of the sixty-odd views."""

import copy
from typing import Any

from linzi_platform.openapi_examples import add_examples_and_descriptions
from linzi_platform.openapi_operations import name_operations

ERROR_COMPONENT = "ErrorEnvelope"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "example": "invalid"},
                "message": {"type": "string", "example": "输入有误。"},
                "fields": {
                    "type": "object",
                    "description": "Field name → list of messages (nested objects for "
                    "nested fields); empty when the error concerns no single field.",
                    "additionalProperties": True,
                    "example": {"licence_no": ["该字段是必填项。"]},
                },
                "existing": {
                    "type": "object",
                    "description": "Only on a 409 for a duplicate (code `duplicate`): the "
                    "record already holding this document number.",
                    "required": ["id", "label", "url"],
                    "properties": {
                        "id": {"type": "integer"},
                        "label": {"type": "string"},
                        "url": {"type": "string"},
                    },
                },
            },
        }
    },
}

# Status → why the platform answers it; every operation may answer these.
COMMON_ERRORS = {
    "400": "Invalid input: the fields object names each bad field.",
    "401": "No, a revoked or an expired API key.",
    "403": "The caller's department or role may not do this.",
    "404": "No such record, or it belongs to another department.",
    "429": "Throttled; the Retry-After header says when to retry.",
}
# Writes may also answer these.
WRITE_ERRORS = {
    "409": "The record is not in a state that allows this (e.g. already claimed).",
    "422": "This Idempotency-Key was used before with a different body.",
}
# Writes with a body may also answer this.
BODY_ERRORS = {
    "415": "The body is not JSON (nor multipart, where the endpoint takes a file).",
}

IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "1 to 200 characters. A retry with the same key and body returns the "
    "first response again (header Idempotent-Replayed: true) and creates nothing; the "
    "same key with another body answers 422. Keys are kept 24 hours.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}

WRITE_METHODS = {"post", "put", "patch", "delete"}


MULTIPART = "multipart/form-data"


def _is_file(node: dict[str, Any]) -> bool:
    if node.get("type") == "array":
        node = node.get("items", {})
    return node.get("type") == "string" and node.get("format") == "binary"


def split_upload_bodies(result: dict[str, Any]) -> None:
    """An endpoint that takes a file offers JSON without the file fields (JSON cannot carry a
    file) and multipart with them, as two components: an SDK generator then makes two body
    types and sends each as what it is, instead of one type it cannot tell apart."""
    components = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            content = (
                operation.get("requestBody", {}).get("content", {})
                if isinstance(operation, dict)
                else {}
            )
            if MULTIPART not in content or "application/json" not in content:
                continue
            reference = content["application/json"]["schema"].get("$ref", "")
            name = reference.rsplit("/", 1)[-1]
            if name not in components or content[MULTIPART]["schema"].get("$ref") != reference:
                continue
            multipart_name = name.removesuffix("Request") + "MultipartRequest"
            json_schema = components[name]
            # Next to its JSON twin in the document.
            placed = {}
            for key, node in components.items():
                placed[key] = node
                if key == name:
                    placed[multipart_name] = copy.deepcopy(json_schema)
            components.clear()
            components.update(placed)
            content[MULTIPART]["schema"] = {"$ref": f"#/components/schemas/{multipart_name}"}
            files = [
                key for key, node in json_schema.get("properties", {}).items() if _is_file(node)
            ]
            for key in files:
                del json_schema["properties"][key]
            if "required" in json_schema:
                json_schema["required"] = [
                    key for key in json_schema["required"] if key not in files
                ]
                if not json_schema["required"]:
                    del json_schema["required"]


def add_contract_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular POSTPROCESSING_HOOKS entry."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    reference = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = dict(COMMON_ERRORS)
            if method in WRITE_METHODS:
                errors.update(WRITE_ERRORS)
                if "requestBody" in operation:
                    errors.update(BODY_ERRORS)
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in parameters):
                    parameters.append(IDEMPOTENCY_PARAMETER)
            for code, description in errors.items():
                operation["responses"].setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    add_examples_and_descriptions(result)
    split_upload_bodies(result)
    name_operations(result)
    return result
