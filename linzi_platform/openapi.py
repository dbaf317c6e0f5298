"""Schema post-processing: the parts of the contract (shared/API.md) that hold for every
operation — the error envelope on each error status and the Idempotency-Key header on
writes — are added once here instead of on each of the sixty-odd views."""

from typing import Any

from linzi_platform.openapi_examples import add_examples_and_descriptions

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
    return result
