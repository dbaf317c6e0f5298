"""What a partner system does with the client it generated from the served schema with
openapi-python-client, run by test_generated_client.py inside a throwaway virtualenv where
that client is installed: record a licence with an Idempotency-Key, read the receiver's inbox,
claim, claim again, read a refused licence's error envelope as a typed object, and upload
a file with a supervision action.

Usage: partner_flow.py BASE_URL APPROVAL_KEY SUPERVISION_KEY ITEM_CODE CREDIT_CODE
Prints one JSON object on success; exits with a message at the first surprise.
"""

import io
import json
import sys

import linzi_platform_client
from linzi_platform_client import AuthenticatedClient
from linzi_platform_client.api.licences import licence_record
from linzi_platform_client.api.pushes import push_claim, push_list
from linzi_platform_client.api.supervision_actions import supervision_action_record
from linzi_platform_client.models import (
    ErrorEnvelope,
    LicenceCreatedOutput,
    LicenceInputRequest,
    PaginatedPushOutputList,
    PushListBox,
    PushOutput,
    SupervisionActionInputMultipartRequest,
    SupervisionActionOutput,
)
from linzi_platform_client.types import File


def expect(condition: bool, what: str, response: object = None) -> None:
    if not condition:
        content = getattr(response, "content", b"")
        sys.exit(f"partner flow: expected {what}; got {content.decode('utf-8', 'replace')}")


def licence(item: str, credit_code: str, licence_no: str) -> LicenceInputRequest:
    return LicenceInputRequest.from_dict(
        {
            "item": item,
            "counterparty": {
                "name": "临淄齐鲁食品有限公司",
                "credit_code": credit_code,
                "contact_name": "王五",
                "contact_phone": "0533-7181234",
            },
            "licence_no": licence_no,
            "licence_date": "2026-09-30",
            "valid_from": "2026-09-30",
            "valid_to": "2031-09-29",
        }
    )


def main(argv: list[str]) -> dict:
    base_url, approval_key, supervision_key, item, credit_code = argv
    approval = AuthenticatedClient(base_url=base_url, token=approval_key, prefix="Api-Key")
    supervision = AuthenticatedClient(base_url=base_url, token=supervision_key, prefix="Api-Key")
    body = licence(item, credit_code, "JY13703050088888")

    recorded = licence_record.sync_detailed(
        client=approval, body=body, idempotency_key="partner-licence-1"
    )
    expect(recorded.status_code == 201, "201 on record", recorded)
    expect(isinstance(recorded.parsed, LicenceCreatedOutput), "a LicenceCreatedOutput")
    replayed = licence_record.sync_detailed(
        client=approval, body=body, idempotency_key="partner-licence-1"
    )
    expect(replayed.status_code == 201, "201 on the retry", replayed)
    expect(replayed.headers.get("Idempotent-Replayed") == "true", "a replayed answer", replayed)
    expect(replayed.parsed.id == recorded.parsed.id, "the same licence on the retry", replayed)

    inbox = push_list.sync_detailed(client=supervision, box=PushListBox.INBOX)
    expect(inbox.status_code == 200, "200 on the inbox", inbox)
    expect(isinstance(inbox.parsed, PaginatedPushOutputList), "a page of pushes", inbox)
    sent = {push.id for push in recorded.parsed.pushes}
    mine = [push for push in inbox.parsed.results if push.id in sent]
    expect(len(mine) == 1, "the licence's push in the receiver's inbox", inbox)
    push = mine[0]

    claimed = push_claim.sync_detailed(push.id, client=supervision)
    expect(claimed.status_code == 200, "200 on the claim", claimed)
    expect(isinstance(claimed.parsed, PushOutput), "the claimed push", claimed)
    again = push_claim.sync_detailed(push.id, client=supervision)
    expect(again.status_code == 409, "409 on the second claim", again)
    expect(isinstance(again.parsed, ErrorEnvelope), "an ErrorEnvelope on the 409", again)

    refused = licence_record.sync_detailed(
        client=approval, body=licence("no-such-item", credit_code, "JY13703050088889")
    )
    expect(refused.status_code == 400, "400 for an unknown item", refused)
    expect(isinstance(refused.parsed, ErrorEnvelope), "an ErrorEnvelope on the 400", refused)
    error = refused.parsed.error

    # A file goes as multipart, its nested counterparty as a JSON part beside it.
    notice = SupervisionActionInputMultipartRequest.from_dict(
        {
            "kind": "penalty",
            "document_no": "临市监罚〔2026〕8号",
            "decided_at": "2026-09-30",
            "summary": "未按规定公示信息，处以罚款",
            "counterparty": licence(item, credit_code, "").to_dict()["counterparty"],
        }
    )
    notice.attachments = [
        File(
            payload=io.BytesIO(b"%PDF-1.4 x"), file_name="penalty.pdf", mime_type="application/pdf"
        )
    ]
    uploaded = supervision_action_record.sync_detailed(client=supervision, body=notice)
    expect(uploaded.status_code == 201, "201 on a supervision action with a file", uploaded)
    expect(isinstance(uploaded.parsed, SupervisionActionOutput), "the action", uploaded)
    return {
        "client_module": linzi_platform_client.__file__,
        "licence_id": recorded.parsed.id,
        "push_id": push.id,
        "push_state": push.state,
        "claimed_state": claimed.parsed.state,
        "conflict_code": again.parsed.error.code,
        "error_type": type(refused.parsed).__name__,
        "error_code": error.code,
        "error_message": error.message,
        "error_fields": sorted(error.fields.additional_properties),
        "item_messages": error.fields.additional_properties.get("item"),
        "action_attachments": uploaded.parsed.attachments,
        "action_counterparty": uploaded.parsed.counterparty.to_dict()["credit_code"],
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:]), ensure_ascii=False))
