"""A push kind checks the payload it is given against its serializer (R2): a bad snapshot is a
programming error and is refused before anything is written. One serializer per kind does
the checking, for every push, in every thread."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from approvals.push_kinds import APPROVAL_DECISION
from notifications.kinds import push_kind


def payload(n: int = 1, **changes: object) -> dict:
    good = {
        "licence_id": n,
        "item": {"code": "SP001", "name": "食品经营许可"},
        "approval_department": {"code": "xzsp", "name": "区行政审批服务局"},
        "counterparty": {
            "name": f"临淄测试食品有限公司{n}",
            "credit_code": "91370305MA3C00011X",
            "contact_name": "张三",
            "contact_phone": "13812345678",
        },
        "licence_no": f"JY{n:012d}",
        "licence_date": "2026-11-25",
        "valid_from": "2026-11-25",
        "valid_to": None,
        "decided_at": "2026-11-25T10:00:00+08:00",
    }
    return {**good, **changes}


def test_a_good_payload_is_stored_as_given():
    given = payload()
    assert push_kind(APPROVAL_DECISION).validate_payload(given) is given


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"licence_date": "25/11/2026"}, "licence_date"),
        ({"item": {"code": "SP001"}}, "name"),
        ({"licence_id": "一"}, "licence_id"),
    ],
)
def test_a_bad_payload_is_refused_naming_the_field(changes, field):
    kind = push_kind(APPROVAL_DECISION)
    with pytest.raises(ValueError, match=f"invalid {APPROVAL_DECISION} payload.*{field}"):
        kind.validate_payload(payload(**changes))
    # The refusal leaves nothing behind in the shared serializer: the next payload passes.
    assert kind.validate_payload(payload(2)) == payload(2)


def test_the_shared_serializer_checks_payloads_from_many_threads_alike():
    kind = push_kind(APPROVAL_DECISION)
    given = [payload(n) if n % 3 else payload(n, valid_from="明天") for n in range(1, 301)]

    def check(one: dict) -> bool:
        try:
            kind.validate_payload(one)
        except ValueError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(check, given))
    assert results == [n % 3 != 0 for n in range(1, 301)]
