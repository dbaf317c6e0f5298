"""Public licence verification by supervision code (监管码): no login, no personal data."""

import datetime
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from approvals.models import Licence, LicenceStatus
from approvals.public import licence_qr_svg
from approvals.push_kinds import APPROVAL_DECISION, ApprovalDecisionPayload
from approvals.services import DecisionInput, licence_decide
from notifications.models import Push
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
URL_SAFE = re.compile(r"^[A-Za-z0-9_-]{16,}$")

INDIVIDUAL_NAME = "王小明"
INDIVIDUAL_ID = valid_id_number("37030519850203123")
CONTACT_NAME = "赵联络"
CONTACT_PHONE = "13912345678"
MASKED_PHONE = "139****5678"


@pytest.fixture(autouse=True)
def _frozen_time_and_fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield
    cache.clear()


@pytest.fixture
def item(supervision_department):
    health = DepartmentFactory(code="wsjk-public", name="测试卫生健康局")
    retired = DepartmentFactory(code="old-public", name="已撤销的监管部门")
    item = ApprovalItemFactory(
        code="food-public",
        name="食品经营许可",
        supervision_departments=[supervision_department, health, retired],
    )
    retired.active = False
    retired.save()
    return item


@pytest.fixture
def decide(approval_clerk, item):
    counter = iter(range(1, 10_000))

    def _decide(**overrides: object) -> Licence:
        n = next(counter)
        arguments = {
            "item": item,
            "counterparty": {
                "name": f"临淄核验食品有限公司{n}",
                "credit_code": valid_credit_code(f"91370305MA3D{n:04d}"),
                "contact_name": CONTACT_NAME,
                "contact_phone": CONTACT_PHONE,
            },
            "licence_no": f"JY1370305{n:06d}",
            "licence_date": datetime.date(2026, 1, 5),
            "valid_from": datetime.date(2026, 1, 5),
            "valid_to": datetime.date(2031, 1, 4),
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
        licence_no="JY-GR-0001",
    )


def verify(client: Client, code: str, **extra: str):
    return client.get(reverse("public:verify", kwargs={"code": code}), **extra)


def search(client: Client, **params: str):
    return client.get(reverse("public:verify-search"), params)


def set_status(licence: Licence, status: str) -> None:
    Licence.objects.filter(pk=licence.pk).update(status=status)


# --- the supervision code --------------------------------------------------------------


def test_every_licence_gets_a_unique_url_safe_supervision_code_when_decided(decide):
    licences = [decide() for _ in range(5)]

    codes = [licence.supervision_code for licence in licences]
    assert all(URL_SAFE.match(code) for code in codes)
    assert len(set(codes)) == len(codes)
    assert Licence._meta.get_field("supervision_code").unique
    for licence in licences:
        licence.refresh_from_db()
    assert [licence.supervision_code for licence in licences] == codes


def test_the_decision_push_carries_the_supervision_code(decide):
    licence = decide()

    pushes = Push.objects.filter(kind=APPROVAL_DECISION, subject_id=str(licence.pk))
    assert pushes.count() == 2  # the inactive supervision department gets none
    for push in pushes:
        assert push.payload["supervision_code"] == licence.supervision_code
        assert ApprovalDecisionPayload(data=push.payload).is_valid()


# --- the public page ---------------------------------------------------------------------


@pytest.mark.parametrize("status", [choice.value for choice in LicenceStatus])
def test_the_page_shows_the_current_status_without_login(client, decide, status):
    licence = decide()
    set_status(licence, status)

    response = verify(client, licence.supervision_code)

    assert response.status_code == 200
    assert f'data-status="{status}"' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_licence_past_its_validity_shows_as_expired(client, decide):
    licence = decide(
        licence_date=datetime.date(2019, 3, 1),
        valid_from=datetime.date(2019, 3, 1),
        valid_to=datetime.date(2024, 2, 29),
    )

    assert 'data-status="expired"' in verify(client, licence.supervision_code).content.decode()


def test_a_licence_expires_after_its_last_day_in_shanghai_time(client, decide):
    licence = decide(valid_to=datetime.date(2026, 11, 24))

    # The last day of validity still counts as valid.
    assert 'data-status="valid"' in verify(client, licence.supervision_code).content.decode()
    # 16:30 UTC is already the next day in Shanghai.
    with time_machine.travel(datetime.datetime(2026, 11, 24, 16, 30, tzinfo=datetime.UTC)):
        page = verify(client, licence.supervision_code).content.decode()
    assert 'data-status="expired"' in page


def test_a_suspended_licence_past_its_validity_is_expired_but_a_revoked_one_stays_revoked(
    client, decide
):
    dates = {
        "licence_date": datetime.date(2020, 1, 2),
        "valid_from": datetime.date(2020, 1, 2),
        "valid_to": datetime.date(2023, 1, 1),
    }
    suspended, revoked = decide(**dates), decide(**dates)
    set_status(suspended, LicenceStatus.SUSPENDED)
    set_status(revoked, LicenceStatus.REVOKED)

    assert 'data-status="expired"' in verify(client, suspended.supervision_code).content.decode()
    assert 'data-status="revoked"' in verify(client, revoked.supervision_code).content.decode()


def test_the_page_shows_the_item_dates_and_the_issuing_and_supervising_departments(client, decide):
    licence = decide()

    page = verify(client, licence.supervision_code).content.decode()

    assert "food-public" not in page  # the platform's slug; people read the name
    for text in (
        "食品经营许可",
        licence.licence_no,
        licence.counterparty.name,
        "测试行政审批服务局",
        "测试市场监督管理局",
        "测试卫生健康局",
        "2026-01-05",
        "2031-01-04",
    ):
        assert text in page
    assert "已撤销的监管部门" not in page


def test_an_unknown_code_is_a_404_page(client, decide):
    decide()

    response = verify(client, "NoSuchCode0123456789")

    assert response.status_code == 404
    assert "<html" in response.content.decode()


def test_the_page_and_the_search_are_rate_limited_per_address_after_30_requests(client, decide):
    licence = decide()

    statuses = [verify(client, licence.supervision_code).status_code for _ in range(30)]
    limited = verify(client, licence.supervision_code)
    limited_search = search(client, licence_no=licence.licence_no, name="x")
    other_address = verify(client, licence.supervision_code, REMOTE_ADDR="10.1.2.3")

    assert statuses == [200] * 30
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert "请求过于频繁" in limited.content.decode()
    assert licence.licence_no not in limited.content.decode()
    assert limited_search.status_code == 429
    assert other_address.status_code == 200


def test_unknown_codes_count_against_the_rate_limit_too(client, decide):
    for _ in range(30):
        assert verify(client, "NoSuchCode0123456789").status_code == 404

    assert verify(client, "NoSuchCode0123456789").status_code == 429


# --- the search --------------------------------------------------------------------------


def test_the_search_form_alone_shows_no_errors_and_no_result(client):
    page = search(client).content.decode()

    assert "has-error" not in page
    assert "data-status=" not in page
    assert 'data-result="none"' not in page


@pytest.mark.parametrize("missing", ["licence_no", "name"])
def test_the_search_requires_both_the_licence_number_and_the_name(client, decide, missing):
    licence = decide()
    params = {"licence_no": licence.licence_no, "name": licence.counterparty.name}
    params[missing] = "  "

    page = search(client, **params).content.decode()

    assert "has-error" in page
    assert "data-status=" not in page


def test_the_search_finds_an_exact_number_and_name_ignoring_surrounding_spaces(client, decide):
    licence = decide()

    page = search(
        client, licence_no=f" {licence.licence_no} ", name=f"  {licence.counterparty.name} "
    ).content.decode()

    assert 'data-status="valid"' in page
    assert "测试卫生健康局" in page


@pytest.mark.parametrize(
    ("licence_no", "name"),
    [
        ("JY1370305", "临淄核验食品有限公司1"),  # a prefix of the number
        ("jy1370305000001", "临淄核验食品有限公司1"),  # another letter case
        ("JY1370305000001", "临淄核验食品有限公司"),  # a part of the name
        ("JY1370305000001", "临淄核验食品有限公司2"),  # another holder's name
        ("JY1370305000002", "临淄核验食品有限公司1"),  # another holder's number
    ],
)
def test_the_search_matches_only_exactly(client, decide, licence_no, name):
    decide(), decide()

    page = search(client, licence_no=licence_no, name=name).content.decode()

    assert "data-status=" not in page
    assert 'data-result="none"' in page


# --- personal data -----------------------------------------------------------------------


def assert_no_personal_data(text: str, *, credit_code: str | None = None) -> None:
    for secret in (CONTACT_NAME, CONTACT_PHONE, MASKED_PHONE, INDIVIDUAL_ID, INDIVIDUAL_NAME):
        assert secret not in text
    if credit_code:
        assert credit_code not in text


def test_the_page_masks_an_individuals_name_and_shows_no_contact_or_id(client, individual_licence):
    page = verify(client, individual_licence.supervision_code).content.decode()

    assert "王*明" in page
    assert_no_personal_data(page)


def test_the_search_result_masks_an_individuals_name(client, individual_licence):
    page = search(client, licence_no="JY-GR-0001", name=INDIVIDUAL_NAME).content.decode()
    result = page[page.index('class="card verify-result"') :]

    assert "王*明" in result
    assert_no_personal_data(result)
    assert MASKED_PHONE not in page
    assert INDIVIDUAL_ID not in page


def test_the_page_of_an_organisation_shows_its_name_but_no_contact_or_codes(client, decide):
    licence = decide()

    page = verify(client, licence.supervision_code).content.decode()

    assert licence.counterparty.name in page
    assert_no_personal_data(page, credit_code=licence.counterparty.credit_code)


# --- QR code and the licence page --------------------------------------------------------


def test_the_qr_code_encodes_the_public_verification_url(client, decide):
    licence = decide()
    path = reverse("public:verify", kwargs={"code": licence.supervision_code})

    response = client.get(reverse("public:verify-qr", kwargs={"code": licence.supervision_code}))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<svg")
    assert f"<title>http://testserver{path}</title>" in svg
    assert f"<title>{path}</title>" in licence_qr_svg(licence)


def test_the_licence_page_shows_the_supervision_code_and_its_qr_code(
    client, approval_clerk, decide
):
    licence = decide()
    client.force_login(approval_clerk)

    page = client.get(reverse("approvals:licence-detail", kwargs={"pk": licence.pk}))

    assert licence.supervision_code in page.content.decode()
    qr_url = reverse("public:verify-qr", kwargs={"code": licence.supervision_code})
    assert f'src="{qr_url}"' in page.content.decode()
