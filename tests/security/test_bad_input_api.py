"""Hand-aimed Hypothesis strategies against the API write endpoints (R1–R20: bad input
changes nothing).

(The schema-wide schemathesis run lives elsewhere; these strategies know each endpoint's fields:
credit codes with a wrong check character, validity ending before it starts, dates in year 1 or
9999, ids beyond the database's integer range, wrong JSON types, 100k strings, NUL bytes.)

Every refused body answers 400 with `{"error": {"code", "message", "fields"}}` whose `fields`
name the spoiled field (its sub-field for nested objects), in Chinese, and writes nothing.
A last valid body per endpoint proves the base body is accepted.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from approvals.services import DecisionInput, licence_decide
from linzi_platform.parsers import JSON_MAX_DEPTH, JSONTooDeep, loads_json
from organizations.scoping import actor_for_user
from tests.factories import ApprovalItemFactory, valid_credit_code, valid_id_number
from tests.security.fuzz import (
    BAD_CODES,
    DEEP_BODIES,
    FUZZ,
    GARBAGE_DATES,
    changed,
    fingerprint,
    huge,
    is_chinese,
    nested_json,
    nul_text,
    oversized_json,
)
from tests.security.routes import api_writes
from tests.security.world import NOW, World

pytestmark = pytest.mark.django_db

TODAY = NOW.date().isoformat()
IN_TWO_DAYS = (NOW + datetime.timedelta(days=2)).isoformat()

# --------------------------------------------------------------------------- JSON strategies

not_a_string = st.one_of(
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
not_an_object = st.one_of(st.text(max_size=10), st.integers(), st.lists(st.integers(), max_size=2))
not_a_list = st.one_of(st.text(max_size=10), st.integers(), st.dictionaries(st.text(), st.none()))
BIG_INTS = [0, -1, 2**31, 2**63, 2**64, 10**30, -(2**63) - 1]


def text(limit: int, *, required: bool = True, nullable: bool = False) -> st.SearchStrategy:
    options = [huge(limit), nul_text, not_a_string]
    if required:
        options.append(st.sampled_from(["", "   ", "\t\n"]))
    if not nullable:
        options.append(st.none())
    return st.one_of(*options)


def date(*extra: str) -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(GARBAGE_DATES + list(extra)), st.integers(), st.booleans(), not_a_string
    )


def datetime_(*extra: str) -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(
            [
                "garbage",
                "2026-13-45T09:00:00+08:00",
                "0001-01-01T00:00:00+08:00",
                "9999-12-31T23:59:59+08:00",
                "2026-11-26T25:00:00+08:00",
                *extra,
            ]
        ),
        st.integers(),
        not_a_string,
    )


def integer(*extra: Any, nullable: bool = False) -> st.SearchStrategy:
    options = [st.sampled_from([*BIG_INTS, "abc", "1.5", 1.5, "", *extra]), not_a_string]
    if not nullable:
        options.append(st.none())
    return st.one_of(*options)


def choice(*extra: Any) -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(["", "nope", "REVOKE", "\x00", *extra]), huge(100), not_a_string, st.none()
    )


def code(required: bool = True) -> st.SearchStrategy:
    options = [st.sampled_from(BAD_CODES), huge(18), not_a_string]
    if required:
        options.append(st.just(""))
    return st.one_of(*options)


def boolean() -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(["maybe", "2", "", "\x00"]), st.lists(st.booleans()), st.none()
    )


# --------------------------------------------------------------------------- the runner


@dataclass
class ApiCase:
    name: str
    who: str
    path: Callable[[World], str]
    body: Callable[[World], dict[str, Any]]
    # "a.b" → bad values of body["a"]["b"]; the error must be under fields["a"]["b"].
    fields: dict[str, st.SearchStrategy]
    method: str = "post"
    multipart: bool = False
    check_valid: bool = True
    valid_status: int = 201


_counter = iter(range(1, 1_000_000))


def _set(body: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    target = body
    for key in parents:
        target = target[key]
    target[last] = value


def _send(world: World, case: ApiCase, body: dict[str, Any]) -> Any:
    world.reset_throttles()
    client = world.api(case.who)
    if case.multipart:
        body = {
            key: (
                SimpleUploadedFile(value.name, b"%PDF-1.4 fuzz", content_type="application/pdf")
                if isinstance(value, SimpleUploadedFile)
                else value
            )
            for key, value in body.items()
        }
        return getattr(client, case.method)(case.path(world), body, format="multipart")
    return getattr(client, case.method)(
        case.path(world), json.dumps(body), content_type="application/json"
    )


def _error_under(fields: Any, path: str) -> list[str] | None:
    """The messages reported for `path` ("a.b"), also accepting a nested-object error on "a"
    or a flattened "a.b" key."""
    if not isinstance(fields, dict):
        return None
    if path in fields:
        return _messages(fields[path])
    head, _, rest = path.partition(".")
    if head not in fields:
        return None
    if not rest:
        return _messages(fields[head])
    found = _error_under(fields[head], rest)
    if found is None and isinstance(fields[head], dict) and "non_field_errors" in fields[head]:
        return _messages(fields[head]["non_field_errors"])
    if found is None and isinstance(fields[head], list):
        return _messages(fields[head])
    return found


def _messages(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [m for inner in value.values() for m in _messages(inner)]
    if isinstance(value, list):
        return [m for inner in value for m in _messages(inner)]
    return [str(value)]


def _check_refused(case: ApiCase, response: Any, path: str, before: dict, what: str) -> None:
    assert response.status_code < 500, (case.name, what, response.status_code)
    delta = changed(before, fingerprint())
    assert not delta, f"{case.name}: {what} wrote {delta} (status {response.status_code})"
    assert response.status_code == 400, (case.name, what, response.status_code, response.content)
    error = response.json()["error"]
    assert set(error) >= {"code", "message", "fields"}, error
    assert is_chinese(error["message"]), error
    messages = _error_under(error["fields"], path)
    assert messages, f"{case.name}: {what}: no error under {path!r} in {error['fields']}"
    assert all(is_chinese(m) for m in messages), (case.name, path, messages)


def run_api_case(world: World, case: ApiCase) -> None:
    world.api(case.who)  # create the key first: it is a row of its own
    paths = sorted(case.fields)

    @FUZZ
    @given(data=st.data())
    def spoil_one_field(data: st.DataObject) -> None:
        path = data.draw(st.sampled_from(paths), label="field")
        value = data.draw(case.fields[path], label=path)
        if case.multipart and not isinstance(value, str):
            value = str(value)
        body = case.body(world)
        _set(body, path, value)
        before = fingerprint()
        response = _send(world, case, body)
        _check_refused(case, response, path, before, f"{path}={str(value)[:60]!r}")

    @FUZZ
    @given(dropped=st.sets(st.sampled_from([p for p in paths if "." not in p]), min_size=1))
    def drop_fields(dropped: set[str]) -> None:
        body = {k: v for k, v in case.body(world).items() if k not in dropped}
        before = fingerprint()
        response = _send(world, case, body)
        assert response.status_code < 500, (case.name, dropped)
        if response.status_code == case.valid_status:
            return  # only optional fields were dropped
        assert not changed(before, fingerprint()), (case.name, dropped)
        assert response.status_code == 400, (case.name, dropped, response.status_code)
        assert set(response.json()["error"]["fields"]) & dropped, (case.name, response.json())

    spoil_one_field()
    drop_fields()
    if case.check_valid:
        before = fingerprint()
        response = _send(world, case, case.body(world))
        assert response.status_code == case.valid_status, (case.name, response.content)
        assert changed(before, fingerprint()), f"{case.name}: the valid body wrote nothing"


# --------------------------------------------------------------------------- approvals


def licence_body(world: World) -> dict[str, Any]:
    n = next(_counter)
    return {
        "item": "sec-plain",
        "counterparty": {
            "name": f"临淄接口测试建筑有限公司{n}",
            "credit_code": valid_credit_code(f"91370305MA3G{n:04d}"),
            "contact_name": "赵六",
            "contact_phone": "13912345678",
        },
        "licence_no": f"临建施接口〔2026〕{n:05d}号",
        "licence_date": TODAY,
        "valid_from": TODAY,
        "valid_to": "2031-11-23",
    }


LICENCES = ApiCase(
    name="licences",
    who="A1",
    path=lambda world: "/api/v1/licences/",
    body=licence_body,
    fields={
        "item": st.one_of(st.sampled_from(["nope", "", "\x00"]), not_a_string, st.none()),
        "counterparty": st.one_of(not_an_object, st.none()),
        "counterparty.name": text(200),
        "counterparty.credit_code": code(),
        "counterparty.contact_name": text(100),
        "counterparty.contact_phone": st.one_of(text(20), st.sampled_from(["abc", "123"])),
        "licence_no": text(64),
        "licence_date": date("0001-01-01", "1989-12-31", "9999-12-31", "2026-11-25"),
        "valid_from": date("0001-01-01", "2101-01-01"),
        "valid_to": date("2026-11-23", "2000-01-01", "0001-01-01", "9999-12-31"),
        "access_acknowledged": boolean(),
        # (important_file is ignored for an item that is not important, by design)
    },
)


def test_the_licence_endpoint_refuses_bad_input(world: World) -> None:
    ApprovalItemFactory(
        code="sec-plain", name="建筑工程施工许可", supervision_departments=[world.departments["S1"]]
    )
    run_api_case(world, LICENCES)
    # The identifier kinds are not interchangeable, and an ID number has its own check digit.
    for counterparty, key in [
        ({"credit_code": "", "id_number": valid_credit_code()}, "id_number"),
        ({"credit_code": "", "id_number": valid_id_number()[:-1] + "0"}, "id_number"),
        ({"credit_code": "", "id_number": ""}, "credit_code"),
    ]:
        body = licence_body(world)
        body["counterparty"].update(counterparty)
        before = fingerprint()
        response = _send(world, LICENCES, body)
        assert response.status_code == 400, response.content
        assert not changed(before, fingerprint())
        fields = response.json()["error"]["fields"]
        assert key in fields.get("counterparty", {}), fields


# --------------------------------------------------------------------------- supervision


def action_body(world: World) -> dict[str, Any]:
    n = next(_counter)
    return {
        "kind": "penalty",
        "counterparty": {
            "name": f"临淄接口测试餐饮店{n}",
            "credit_code": valid_credit_code(f"92370305MA3H{n:04d}"),
            "contact_name": "钱七",
            "contact_phone": "13700000002",
        },
        "document_no": f"临市监罚接口〔2026〕{n}号",
        "decided_at": TODAY,
        "summary": "未按规定公示许可证",
        "listing": {"type": "anomaly", "until": "2027-11-24"},
    }


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("decision.pdf", b"%PDF-1.4 fuzz", content_type="application/pdf")


SUPERVISION = [
    ApiCase(
        name="supervision actions",
        who="S1",
        path=lambda world: "/api/v1/supervision-actions/",
        body=action_body,
        fields={
            "kind": choice(),
            "counterparty": not_an_object,
            "counterparty.name": text(200),
            "counterparty.credit_code": code(),
            "licence": integer(999_999, nullable=True),
            "document_no": text(100),
            "decided_at": date("0001-01-01", "1989-12-31", "9999-12-31", "2026-11-25"),
            "summary": text(10_000),
            "listing": not_an_object,
            "listing.type": choice(),
            "listing.until": date("0001-01-01", "2026-11-23"),
        },
    ),
    ApiCase(
        name="listings",
        who="S1",
        path=lambda world: "/api/v1/listings/",
        body=lambda world: {
            "counterparty": world.objects["counterparty"].code,
            "listing_type": "dishonest",
            "source_document": f"临市监失接口〔2026〕{next(_counter)}号",
            "until": "2027-06-30",
            "reason": "拒不履行行政处罚决定",
        },
        fields={
            "counterparty": code(),
            "listing_type": choice(),
            "source_document": text(200),
            "until": date("0001-01-01", "2026-11-23"),
            "reason": text(5000, required=False),
        },
    ),
    ApiCase(
        name="licence letters",
        who="S1",
        path=lambda world: "/api/v1/licence-letters/",
        body=lambda world: {
            "licence": world.pk("licence"),
            "action": "change",
            "document_no": f"临市监函接口〔2026〕{next(_counter)}号",
            "legal_basis": "《中华人民共和国行政许可法》第四十九条",
            "penalty_result": "责令变更经营范围",
            "attachments": pdf(),
        },
        fields={
            "licence": st.sampled_from(["abc", "0", "-1", "999999", str(2**63), str(10**30)]),
            "action": st.sampled_from(["", "nope", "\x00"]),
            "document_no": st.one_of(st.just(""), huge(100), nul_text),
            "legal_basis": st.one_of(st.just(" "), huge(5000), nul_text),
            "penalty_result": st.one_of(st.just(""), huge(5000), nul_text),
        },
        multipart=True,
    ),
    ApiCase(
        name="legacy cases",
        who="A1",
        path=lambda world: "/api/v1/legacy-cases/",
        body=lambda world: {
            "supervision_department": world.departments["S1"].code,
            "title": f"历史遗留问题接口{next(_counter)}",
            "description": "用地手续不全",
            "counterparty": "",
        },
        fields={
            "supervision_department": st.one_of(
                st.sampled_from(["", "nope", "xzsp-yi"]), huge(32), not_a_string, st.none()
            ),
            "title": text(200),
            "description": text(10_000),
            "counterparty": code(required=False),
        },
    ),
    ApiCase(
        name="feedback",
        who="S1",
        path=lambda world: f"/api/v1/pushes/{world.pk('push')}/feedback/",
        body=lambda world: {"text": "许可证有效期是否有误？"},
        fields={"text": text(5000)},
    ),
    ApiCase(
        name="feedback reply",
        who="A1",
        path=lambda world: (
            f"/api/v1/pushes/{world.pk('push')}/feedback/{world.pk('feedback')}/reply/"
        ),
        body=lambda world: {"text": "有效期无误。"},
        fields={"text": text(5000)},
    ),
]


def test_supervision_and_push_endpoints_refuse_bad_input(world: World) -> None:
    for case in SUPERVISION:
        run_api_case(world, case)


# --------------------------------------------------------------------------- credit


def test_credit_endpoints_refuse_bad_input(world: World) -> None:
    from credit.models import Verification

    licence_decide(
        actor=actor_for_user(world.users["A1"]),
        decision=DecisionInput(
            item=world.objects["item"],
            counterparty={
                "name": "临淄接口测试第二大药房",
                "credit_code": valid_credit_code("91370305MA3CX003"),
                "contact_name": "王建",
                "contact_phone": "13805331234",
            },
            licence_no="鲁CB5330003",
            licence_date=NOW.date(),
            valid_from=NOW.date(),
            commitment={"text": "承诺材料真实。", "signed_at": NOW.isoformat(), "signer": "王建"},
        ),
    )
    verification = Verification.objects.exclude(pk=world.pk("verification")).get()
    catalog_text = {
        "conditions": "未被列入严重失信主体名单",
        "materials": "申请表；信用承诺书",
        "commitment_text": "本单位承诺所提交材料真实有效。",
        "supervision_method": "按信用风险分级分类监管",
        "legal_consequences": "承诺不实的依法撤销许可",
    }
    cases = [
        ApiCase(
            name="breaches",
            who="S1",
            path=lambda world: "/api/v1/credit/breaches/",
            body=lambda world: {"licence": world.pk("licence"), "reason": "现场检查发现承诺不实"},
            fields={"licence": integer(999_999), "reason": text(10_000)},
        ),
        ApiCase(
            name="verification result",
            who="A1",
            path=lambda world: f"/api/v1/credit/verifications/{verification.pk}/result/",
            body=lambda world: {
                "met": False,
                "notes": "经营场所面积不足",
                "rectification_days": 10,
            },
            fields={
                "met": boolean(),
                "notes": text(10_000),
                "rectification_days": integer(61, nullable=False),
            },
            valid_status=200,
        ),
        ApiCase(
            name="credit catalog",
            who="A1",
            method="put",
            path=lambda world: f"/api/v1/credit/catalog/{world.objects['item'].code}/",
            body=lambda world: {"mode": "post_verification", **catalog_text},
            fields={"mode": choice("none")} | {name: text(20_000) for name in catalog_text},
            valid_status=201,  # the item has no catalog entry yet: this creates it
        ),
    ]
    for case in cases:
        run_api_case(world, case)


# --------------------------------------------------------------------------- coordination

COORDINATION = [
    ApiCase(
        name="inquiries",
        who="A1",
        path=lambda world: "/api/v1/coordination/inquiries/",
        body=lambda world: {
            "receiver": world.departments["S1"].code,
            "subject": f"关于消防条件的函询{next(_counter)}",
            "question": "该项目是否符合消防条件？",
            "reply_working_days": 5,
        },
        fields={
            "receiver": st.one_of(st.sampled_from(["", "nope", "xzsp-jia"]), huge(32), st.none()),
            "subject": text(200),
            "question": text(10_000),
            "reply_working_days": integer(31),
        },
    ),
    ApiCase(
        name="meetings",
        who="A1",
        path=lambda world: "/api/v1/coordination/meetings/",
        body=lambda world: {
            "topic": f"联席会议接口{next(_counter)}",
            "agenda": "审议项目",
            "location": "三楼会议室",
            "scheduled_at": IN_TWO_DAYS,
            "invitees": [world.departments["S1"].code],
        },
        fields={
            "topic": text(200),
            "agenda": text(10_000, required=False),
            "location": text(200),
            "scheduled_at": datetime_("2026-11-24T11:00:00+08:00", "2101-01-01T09:00:00+08:00"),
            "invitees": st.one_of(
                not_a_list,
                st.just([]),
                st.lists(st.sampled_from(["nope", "", "\x00", "x" * 40]), min_size=1, max_size=3),
            ),
            "important_file": integer(nullable=True),
        },
    ),
    ApiCase(
        name="inspections",
        who="A1",
        path=lambda world: "/api/v1/coordination/inspections/",
        body=lambda world: {
            "kind": "site_inspection",
            "title": f"联合踏勘接口{next(_counter)}",
            "location": "项目现场",
            "scheduled_at": IN_TWO_DAYS,
            "invitees": [world.departments["S1"].code],
        },
        fields={
            "kind": choice(),
            "title": text(200),
            "location": text(200),
            "scheduled_at": datetime_("2026-11-24T11:00:00+08:00"),
            "invitees": st.one_of(
                not_a_list,
                st.just([]),
                st.lists(st.sampled_from(["nope", "", "xzsp-yi", "\x00"]), min_size=1, max_size=3),
            ),
            "item": st.one_of(st.sampled_from(["nope", "\x00"]), huge(40)),
            "important_file": integer(nullable=True),
        },
    ),
    ApiCase(
        name="important files",
        who="A1",
        path=lambda world: "/api/v1/coordination/important-files/",
        body=lambda world: {
            "item": world.objects["important_item"].code,
            "project_name": f"危化品仓库接口{next(_counter)}",
            "counterparty_code": "",
        },
        fields={
            "item": st.one_of(st.sampled_from(["", "nope", "sec-pharmacy"]), huge(40), st.none()),
            "project_name": text(200),
            "counterparty_code": code(required=False),
        },
    ),
    ApiCase(
        name="inquiry reply",
        who="S1",
        path=lambda world: f"/api/v1/coordination/inquiries/{world.pk('inquiry')}/reply/",
        body=lambda world: {"text": "符合条件。"},
        fields={"text": text(10_000)},
        check_valid=False,
    ),
    ApiCase(
        name="meeting opinion",
        who="S1",
        path=lambda world: f"/api/v1/coordination/meetings/{world.pk('meeting')}/opinion/",
        body=lambda world: {"opinion": "同意召开"},
        fields={"opinion": text(10_000)},
        check_valid=False,
    ),
    ApiCase(
        name="stakeholder opinions",
        who="A1",
        path=lambda world: (
            f"/api/v1/coordination/important-files/{world.pk('file')}/stakeholder-opinions/"
        ),
        body=lambda world: {"stakeholder": "周边居民代表", "summary": "同意，但要求加强防护"},
        fields={"stakeholder": text(200), "summary": text(10_000)},
    ),
    ApiCase(
        name="hearing",
        who="A1",
        path=lambda world: f"/api/v1/coordination/important-files/{world.pk('file')}/hearing/",
        body=lambda world: {
            "held_on": TODAY,
            "participants": "申请人、利害关系人",
            "minutes": "听证会记录",
        },
        fields={
            "held_on": date("0001-01-01", "9999-12-31", "2026-11-25"),
            "participants": text(10_000),
            "minutes": text(50_000),
        },
        check_valid=False,
    ),
]


def test_coordination_endpoints_refuse_bad_input(world: World) -> None:
    for case in COORDINATION:
        run_api_case(world, case)


# --------------------------------------------------------------------------- transport


def test_malformed_bodies_are_a_400_everywhere(world: World) -> None:
    paths = [case.path(world) for case in [LICENCES, *SUPERVISION, *COORDINATION]]
    bodies = ["{not json", "[1, 2", "\x00", '"just a string"', "[]", "null", "1e999999"]
    for path in paths:
        who = "S1" if any(part in path for part in ("supervision", "listings", "letters")) else "A1"
        client = world.api(who)
        for body in bodies:
            before = fingerprint()
            response = client.post(path, body, content_type="application/json")
            assert response.status_code in (400, 403, 404, 409), (path, body, response.status_code)
            assert "error" in response.json(), (path, body)
            assert not changed(before, fingerprint()), (path, body)


def test_the_browsable_api_and_docs_render_for_a_partner_system(world: World) -> None:
    """A key's principal is not a user: the page's unread-notice counter was a 500."""
    client = world.api("A1")
    for url in ["/api/docs/", "/api/v1/items/?format=api", "/api/v1/licences/?format=api"]:
        assert client.get(url).status_code == 200, url


# --------------------------------------------------------------------------- hostile bodies

# Write endpoints that read no body: a hostile one is ignored, not parsed.
BODYLESS = {
    "api:push-claim": "claiming takes no input",
    "api:coordination-inspection-confirm": "confirming attendance takes no input",
}


def _hostile_writes(world: World) -> list[tuple[str, str, str]]:
    writes = api_writes(world)
    names = {name for name, _url, _method in writes}
    assert not set(BODYLESS) - names, f"stale BODYLESS entries: {set(BODYLESS) - names}"
    assert len(names) >= 30, names  # the walk found the write endpoints
    return [write for write in writes if write[0] not in BODYLESS]


def _send_to_owner(world: World, url: str, method: str, body: str, expected: int) -> list[Any]:
    """The body as A1 and as S1 (an endpoint parses it only for the side allowed to write),
    each answer checked: never a 5xx, always the envelope, in Chinese, nothing written."""
    responses = []
    for who in ("A1", "S1"):
        client = world.api(who)
        world.reset_throttles()
        before = fingerprint()
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code < 500, (url, method, who, response.status_code)
        assert response["Content-Type"].startswith("application/json"), (url, method, who)
        error = response.json()["error"]
        assert set(error) >= {"code", "message", "fields"}, (url, error)
        assert is_chinese(error["message"]), (url, error)
        assert not changed(before, fingerprint()), (url, method, who)
        responses.append(response)
        if response.status_code == expected:
            break
    return responses


def test_deeply_nested_json_is_a_400_in_the_envelope_on_every_write_endpoint(
    world: World,
) -> None:
    for name, url, method in _hostile_writes(world):
        for shape, body in DEEP_BODIES.items():
            responses = _send_to_owner(world, url, method, body, 400)
            assert responses[-1].status_code == 400, (name, method, shape, responses[-1].content)


def test_a_json_body_over_the_limit_is_a_413_in_the_envelope_on_every_write_endpoint(
    world: World,
) -> None:
    body = oversized_json(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    for name, url, method in _hostile_writes(world):
        responses = _send_to_owner(world, url, method, body, 413)
        assert responses[-1].status_code == 413, (name, method, responses[-1].content)
        assert responses[-1].json()["error"]["code"] == "request_too_large"


def test_json_just_within_the_depth_limit_is_parsed(world: World) -> None:
    """The limit refuses only the absurd: an ordinary body is still validated field by field."""
    response = world.api("S1").post(
        f"/api/v1/pushes/{world.pk('push')}/feedback/",
        '{"text": ' + nested_json(JSON_MAX_DEPTH - 1) + "}",
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"]["text"], response.content


def test_a_deeply_nested_object_in_a_multipart_field_is_a_field_error(world: World) -> None:
    """A multipart body carries a nested object as a JSON string (supervision/api.py)."""
    body = {**action_body(world), "counterparty": nested_json(5_000, kind="object")}
    del body["listing"]
    client = world.api("S1")
    before = fingerprint()
    response = client.post("/api/v1/supervision-actions/", body, format="multipart")
    assert response.status_code == 400, response.content
    assert "counterparty" in response.json()["error"]["fields"]
    assert not changed(before, fingerprint())


def test_a_request_over_request_max_bytes_is_a_413_before_it_is_read(
    world: World, settings: Any
) -> None:
    settings.REQUEST_MAX_BYTES = 64 * 1024
    body = {
        "licence": world.pk("licence"),
        "action": "change",
        "document_no": "临市监函接口〔2026〕999号",
        "legal_basis": "《中华人民共和国行政许可法》第四十九条",
        "penalty_result": "责令变更经营范围",
        "attachments": SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 100_000),
    }
    client = world.api("S1")
    before = fingerprint()
    response = client.post("/api/v1/licence-letters/", body, format="multipart")
    assert response.status_code == 413, response.content
    error = response.json()["error"]
    assert error["code"] == "request_too_large" and is_chinese(error["message"]), error
    assert not changed(before, fingerprint())


@pytest.mark.parametrize(
    ("text", "too_deep"),
    [
        (nested_json(JSON_MAX_DEPTH), False),
        (nested_json(JSON_MAX_DEPTH + 1), True),
        (nested_json(JSON_MAX_DEPTH + 1, kind="object"), True),
        ('{"a": "' + "[" * 1_000 + '"}', False),  # brackets inside a string do not nest
        ('{"a": "\\"' + "{" * 1_000 + '"}', False),  # nor after an escaped quote
    ],
)
def test_the_depth_limit_counts_only_real_nesting(text: str, too_deep: bool) -> None:
    if too_deep:
        with pytest.raises(JSONTooDeep):
            loads_json(text)
    else:
        assert loads_json(text) is not None
