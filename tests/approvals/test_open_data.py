"""Open data: the catalog and the licences of organisations, generated nightly, never a person."""

import csv
import datetime
import io
import json
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from approvals.models import ApprovalItem, Licence, LicenceStatus
from approvals.opendata import ITEM_COLUMNS, LICENCE_COLUMNS, open_data_dir
from approvals.services import DecisionInput, licence_decide
from approvals.tasks import regenerate_open_data
from organizations.scoping import actor_for_user
from tests.factories import (
    ApprovalItemFactory,
    DepartmentFactory,
    valid_credit_code,
    valid_id_number,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
BOM = b"\xef\xbb\xbf"

INDIVIDUAL_NAME = "王小明"
INDIVIDUAL_ID = valid_id_number("37030519850203123")
CONTACT_NAME = "赵联络"
CONTACT_PHONE = "13912345678"
MASKED_PHONE = "139****5678"


@pytest.fixture(autouse=True)
def _frozen_time() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def item(supervision_department) -> ApprovalItem:
    health = DepartmentFactory(code="wsjk-open", name="测试卫生健康局")
    return ApprovalItemFactory(
        code="food-open",
        name="食品经营许可",
        quantity_limits="无数量限制",
        integrated_licence=True,
        supervision_departments=[supervision_department, health],
    )


@pytest.fixture
def decide(approval_clerk, item):
    counter = iter(range(1, 10_000))

    def _decide(**overrides: object) -> Licence:
        n = next(counter)
        arguments = {
            "item": item,
            "counterparty": {
                "name": f"临淄开放数据食品有限公司{n}",
                "credit_code": valid_credit_code(f"91370305MA3E{n:04d}"),
                "contact_name": CONTACT_NAME,
                "contact_phone": CONTACT_PHONE,
            },
            "licence_no": f"JY2370305{n:06d}",
            "licence_date": datetime.date(2026, 1, 5),
            "valid_from": datetime.date(2026, 1, 5),
            "valid_to": datetime.date(2031, 1, 4),
            "integrated_licence": {"title": "食品经营综合许可证", "scope": "预包装食品销售"},
        }
        arguments.update(overrides)
        return licence_decide(
            actor=actor_for_user(approval_clerk), decision=DecisionInput(**arguments)
        )

    return _decide


@pytest.fixture
def individual_licence(decide) -> Licence:
    return decide(
        counterparty={
            "name": INDIVIDUAL_NAME,
            "id_number": INDIVIDUAL_ID,
            "contact_name": CONTACT_NAME,
            "contact_phone": CONTACT_PHONE,
        },
        licence_no="JY-GR-0002",
    )


def download(client: Client, name: str):
    response = client.get(reverse(f"public:open-data-{name}"))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def sidecar(name: str) -> str:
    return (open_data_dir() / f"{name}.generated_at").read_text()


def test_items_json_is_the_public_catalog_with_its_generation_time(client, item):
    ApprovalItemFactory(code="retired-open", name="已取消事项", active=False)

    response, body = download(client, "items-json")

    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(body)
    assert document["generated_at"] == "2026-11-24T10:00:00+08:00"
    assert response["X-Generated-At"] == document["generated_at"]
    assert [entry["code"] for entry in document["items"]] == ["food-open"]
    entry = document["items"][0]
    assert entry["name"] == "食品经营许可"
    assert entry["quantity_limits"] == "无数量限制"
    assert entry["integrated_licence"] is True
    assert [d["name"] for d in entry["supervision_departments"]] == [
        "测试市场监督管理局",
        "测试卫生健康局",
    ]
    for key in ("legal_basis", "conditions", "procedure", "time_limit", "fees", "materials"):
        assert entry[key] == getattr(item, key)


def test_items_csv_has_a_bom_a_header_row_and_the_generation_time_aside(client, item):
    response, body = download(client, "items-csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["X-Generated-At"] == "2026-11-24T10:00:00+08:00"
    assert sidecar("items.csv") == response["X-Generated-At"]
    header, *rows = csv_rows(body)
    assert tuple(header) == ITEM_COLUMNS
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["name"] == "食品经营许可"
    assert row["supervision_departments"] == "测试市场监督管理局、测试卫生健康局"
    assert row["integrated_licence"] == "true"


def test_licences_csv_lists_organisations_only_with_their_current_status(
    client, decide, individual_licence
):
    valid = decide()
    expired = decide(
        licence_date=datetime.date(2019, 3, 1),
        valid_from=datetime.date(2019, 3, 1),
        valid_to=datetime.date(2024, 2, 29),
    )
    revoked = decide()
    Licence.objects.filter(pk=revoked.pk).update(status=LicenceStatus.REVOKED)

    response, body = download(client, "licences-csv")

    assert response["X-Generated-At"] == "2026-11-24T10:00:00+08:00"
    header, *rows = csv_rows(body)
    assert tuple(header) == LICENCE_COLUMNS
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_number) == {valid.licence_no, expired.licence_no, revoked.licence_no}
    assert by_number[valid.licence_no] == {
        "licence_no": valid.licence_no,
        "item_code": "food-open",
        "item_name": "食品经营许可",
        "counterparty_name": valid.counterparty.name,
        "credit_code": valid.counterparty.credit_code,
        "status": "valid",
        "licence_date": "2026-01-05",
        "valid_from": "2026-01-05",
        "valid_to": "2031-01-04",
        "issuing_department": "测试行政审批服务局",
    }
    assert by_number[expired.licence_no]["status"] == "expired"
    assert by_number[revoked.licence_no]["status"] == "revoked"
    assert individual_licence.licence_no not in body.decode("utf-8-sig")


@pytest.mark.parametrize("name", ["items-json", "items-csv", "licences-csv"])
def test_no_open_data_file_holds_a_contact_phone_id_number_or_a_persons_name(
    client, decide, individual_licence, name
):
    decide()

    text = download(client, name)[1].decode("utf-8-sig")
    for secret in (
        CONTACT_NAME,
        CONTACT_PHONE,
        MASKED_PHONE,
        INDIVIDUAL_ID,
        INDIVIDUAL_NAME,
        "王*明",
    ):
        assert secret not in text, (name, secret)


def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_defused(client, decide):
    decide(
        counterparty={
            "name": '=HYPERLINK("http://example.com")有限公司',
            "credit_code": valid_credit_code("91370305MA3F0001"),
            "contact_name": CONTACT_NAME,
            "contact_phone": CONTACT_PHONE,
        }
    )

    header, row = csv_rows(download(client, "licences-csv")[1])

    assert row[header.index("counterparty_name")].startswith("'=HYPERLINK")


def test_the_first_request_generates_the_file_and_later_ones_serve_it_as_generated(client, decide):
    first = decide()
    assert not (open_data_dir() / "licences.csv").exists()

    generated = download(client, "licences-csv")
    second = decide()
    with time_machine.travel(NOW + datetime.timedelta(hours=3), tick=False):
        served = download(client, "licences-csv")

    assert first.licence_no in generated[1].decode("utf-8-sig")
    assert served[0]["X-Generated-At"] == generated[0]["X-Generated-At"]
    assert served[1] == generated[1]
    assert second.licence_no not in served[1].decode("utf-8-sig")


def test_the_nightly_task_regenerates_every_file_with_a_new_generation_time(client, decide):
    decide()
    regenerate_open_data()
    before = {name: sidecar(name) for name in ("items.json", "items.csv", "licences.csv")}
    added = decide()

    with time_machine.travel(datetime.datetime(2026, 11, 25, 2, 0, tzinfo=SHANGHAI), tick=False):
        result = regenerate_open_data.apply().get()

    after = {name: sidecar(name) for name in ("items.json", "items.csv", "licences.csv")}
    assert set(before.values()) == {"2026-11-24T10:00:00+08:00"}
    assert set(after.values()) == {"2026-11-25T02:00:00+08:00"}
    assert result == after
    response, body = download(client, "items-json")
    assert json.loads(body)["generated_at"] == response["X-Generated-At"] == after["items.json"]
    assert added.licence_no in download(client, "licences-csv")[1].decode("utf-8-sig")
    leftovers = [p.name for p in Path(open_data_dir()).iterdir() if p.name.startswith(".")]
    assert leftovers == []
