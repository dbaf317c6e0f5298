"""Operation names and tags of the API schema in the domain's words, so a partner's SDK
generator makes `licences.licence_record(...)` and `pushes.push_claim(...)` instead of one
`v1` module of `v1_licences_create` and `v1_pushes_claim_create`.

One table for the whole API: a new endpoint without an entry keeps drf-spectacular's
`v1_…` name, and the schema test refuses it.
"""

from typing import Any

API_PREFIX = "/api/v1/"

# (method, path) → operationId: the resource in the singular, then what the call does.
OPERATION_IDS: dict[tuple[str, str], str] = {
    ("get", "/api/v1/me/"): "me_get",
    ("get", "/api/v1/departments/"): "department_list",
    ("get", "/api/v1/items/"): "item_list",
    ("get", "/api/v1/items/{code}/"): "item_get",
    ("get", "/api/v1/licences/"): "licence_list",
    ("post", "/api/v1/licences/"): "licence_record",
    ("get", "/api/v1/licences/{id}/"): "licence_get",
    ("get", "/api/v1/pushes/"): "push_list",
    ("get", "/api/v1/pushes/{id}/"): "push_get",
    ("post", "/api/v1/pushes/{id}/claim/"): "push_claim",
    ("post", "/api/v1/pushes/{id}/feedback/"): "push_feedback",
    ("post", "/api/v1/pushes/{id}/feedback/{feedback_id}/reply/"): "push_feedback_reply",
    ("get", "/api/v1/reports/monthly/{month}/"): "report_monthly_get",
    ("get", "/api/v1/counterparties/{code}/access/"): "counterparty_access_get",
    ("get", "/api/v1/supervision-actions/"): "supervision_action_list",
    ("post", "/api/v1/supervision-actions/"): "supervision_action_record",
    ("get", "/api/v1/supervision-actions/{id}/"): "supervision_action_get",
    ("get", "/api/v1/listings/"): "listing_list",
    ("post", "/api/v1/listings/"): "listing_record",
    ("get", "/api/v1/listings/{id}/"): "listing_get",
    ("post", "/api/v1/listings/{id}/remove/"): "listing_remove",
    ("get", "/api/v1/licence-letters/"): "licence_letter_list",
    ("post", "/api/v1/licence-letters/"): "licence_letter_send",
    ("get", "/api/v1/licence-letters/{id}/"): "licence_letter_get",
    ("post", "/api/v1/licence-letters/{id}/decision/"): "licence_letter_decide",
    ("get", "/api/v1/legacy-cases/"): "legacy_case_list",
    ("post", "/api/v1/legacy-cases/"): "legacy_case_open",
    ("get", "/api/v1/legacy-cases/{id}/"): "legacy_case_get",
    ("post", "/api/v1/legacy-cases/{id}/opinion/"): "legacy_case_opinion",
    ("post", "/api/v1/legacy-cases/{id}/verify-rectification/"): (
        "legacy_case_verify_rectification"
    ),
    ("post", "/api/v1/legacy-cases/{id}/close/"): "legacy_case_close",
    ("get", "/api/v1/credit/catalog/"): "credit_catalog_list",
    ("get", "/api/v1/credit/catalog/{item_code}/"): "credit_catalog_get",
    ("put", "/api/v1/credit/catalog/{item_code}/"): "credit_catalog_save",
    ("post", "/api/v1/credit/catalog/{item_code}/"): "credit_catalog_save_by_post",
    ("get", "/api/v1/credit/verifications/"): "credit_verification_list",
    ("get", "/api/v1/credit/verifications/{id}/"): "credit_verification_get",
    ("post", "/api/v1/credit/verifications/{id}/result/"): "credit_verification_result",
    ("post", "/api/v1/credit/verifications/{id}/rectification/"): (
        "credit_verification_rectification"
    ),
    ("post", "/api/v1/credit/breaches/"): "credit_breach_report",
    ("get", "/api/v1/credit/revocations/"): "credit_revocation_list",
    ("get", "/api/v1/credit/revocations/{id}/"): "credit_revocation_get",
    ("post", "/api/v1/credit/revocations/{id}/decision/"): "credit_revocation_decide",
    ("get", "/api/v1/coordination/important-files/"): "important_file_list",
    ("post", "/api/v1/coordination/important-files/"): "important_file_open",
    ("get", "/api/v1/coordination/important-files/{id}/"): "important_file_get",
    ("get", "/api/v1/coordination/important-files/{id}/checklist/"): "important_file_checklist",
    ("post", "/api/v1/coordination/important-files/{id}/consultations/"): (
        "important_file_consultation_record"
    ),
    ("post", "/api/v1/coordination/important-files/{id}/stakeholder-opinions/"): (
        "important_file_stakeholder_opinion_record"
    ),
    ("post", "/api/v1/coordination/important-files/{id}/hearing/"): (
        "important_file_hearing_record"
    ),
    ("post", "/api/v1/coordination/important-files/{id}/no-hearing-reason/"): (
        "important_file_no_hearing_reason"
    ),
    ("get", "/api/v1/coordination/inquiries/"): "inquiry_list",
    ("post", "/api/v1/coordination/inquiries/"): "inquiry_send",
    ("get", "/api/v1/coordination/inquiries/{id}/"): "inquiry_get",
    ("post", "/api/v1/coordination/inquiries/{id}/reply/"): "inquiry_reply",
    ("get", "/api/v1/coordination/inspections/"): "inspection_list",
    ("post", "/api/v1/coordination/inspections/"): "inspection_schedule",
    ("get", "/api/v1/coordination/inspections/{id}/"): "inspection_get",
    ("post", "/api/v1/coordination/inspections/{id}/confirm/"): "inspection_confirm",
    ("post", "/api/v1/coordination/inspections/{id}/report/"): "inspection_report",
    ("post", "/api/v1/coordination/inspections/{id}/sign-off/"): "inspection_sign_off",
    ("get", "/api/v1/coordination/meetings/"): "meeting_list",
    ("post", "/api/v1/coordination/meetings/"): "meeting_convene",
    ("get", "/api/v1/coordination/meetings/{id}/"): "meeting_get",
    ("post", "/api/v1/coordination/meetings/{id}/opinion/"): "meeting_opinion",
    ("post", "/api/v1/coordination/meetings/{id}/minutes/"): "meeting_minutes",
}

# Path prefix after /api/v1/ → tag (one per resource; a generator makes one module of each).
# The longest matching prefix wins.
TAGS: dict[str, str] = {
    "me/": "me",
    "departments/": "departments",
    "items/": "items",
    "licences/": "licences",
    "pushes/": "pushes",
    "reports/": "reports",
    "counterparties/": "counterparties",
    "supervision-actions/": "supervision-actions",
    "listings/": "listings",
    "licence-letters/": "licence-letters",
    "legacy-cases/": "legacy-cases",
    "credit/catalog/": "credit-catalog",
    "credit/verifications/": "credit-verifications",
    "credit/breaches/": "credit-breaches",
    "credit/revocations/": "credit-revocations",
    "coordination/important-files/": "important-files",
    "coordination/inquiries/": "inquiries",
    "coordination/inspections/": "inspections",
    "coordination/meetings/": "meetings",
}

# Shown by Swagger UI and carried into generated clients' docs, in the order listed.
TAG_DESCRIPTIONS: dict[str, str] = {
    "me": "The caller: which department an API key acts for.",
    "departments": "Departments and their codes.",
    "items": "The public catalog of transferred approval items.",
    "licences": "Licence decisions and their status history (R2, R3).",
    "pushes": "Pushes between departments: inbox, outbox, claim and feedback (R4, R5).",
    "reports": "The monthly push/claim report (R18).",
    "counterparties": "Counterparties' access under joint punishment (R7).",
    "supervision-actions": "Supervision information pushed to approval departments (R6).",
    "listings": "Business-anomaly and dishonest listings (R7).",
    "licence-letters": "Licence letters from supervision to approval departments (R8).",
    "legacy-cases": "Legacy issues and supervision opinions (R17).",
    "credit-catalog": "The credit-approval catalog (R9).",
    "credit-verifications": "Post-approval verifications of credit approvals (R10, R11).",
    "credit-breaches": "Breached commitments reported by supervision (R12).",
    "credit-revocations": "Revocations after a breached commitment (R11, R12).",
    "important-files": "Important-matter files: consultations, hearings, opinions (R14).",
    "inquiries": "Inquiry letters between departments (R16).",
    "inspections": "Joint site inspections and reviews (R15).",
    "meetings": "Joint meetings (R15).",
}


def tag_for(path: str) -> str | None:
    rest = path.removeprefix(API_PREFIX)
    matches = [prefix for prefix in TAGS if rest.startswith(prefix)]
    return TAGS[max(matches, key=len)] if matches else None


def name_operations(result: dict[str, Any]) -> None:
    """Give every operation in the table its domain operationId and its resource's tag, and
    every parameter an ASCII name for a generated type."""
    for path, operations in result.get("paths", {}).items():
        tag = tag_for(path)
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            operation_id = OPERATION_IDS.get((method, path))
            if operation_id:
                operation["operationId"] = operation_id
            if tag:
                operation["tags"] = [tag]
            for parameter in operation.get("parameters", []):
                # django-filter's labels are Chinese: a generator would name the parameter's
                # enum after it (`PushList状态`), so the parameter name is left to do that.
                schema = parameter.get("schema", {})
                if not schema.get("title", "").isascii():
                    del schema["title"]
    result["tags"] = [
        {"name": name, "description": description} for name, description in TAG_DESCRIPTIONS.items()
    ]
