import datetime

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from approvals.models import ApprovalItem, Licence, LicenceStatus, LicenceStatusChange
from counterparties.services import counterparty_get_or_create
from counterparties.validators import credit_code_check_char
from organizations.models import Department
from tests.clients import sign_in
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for(platform_admin: AbstractBaseUser) -> Client:
    client = Client()
    sign_in(client, platform_admin)
    return client


@pytest.fixture
def licence(approval_department: Department) -> Licence:
    scjg = DepartmentFactory(code="scjg", name="临淄区市场监督管理局")
    item = ApprovalItem.objects.create(
        code="food-business",
        name="食品经营许可",
        legal_basis="《中华人民共和国食品安全法》第三十五条",
        conditions="条件",
        procedure="申请—受理—审查—决定—送达",
        time_limit="10个工作日",
        fees="不收费",
        materials="1. 申请书",
    )
    item.supervision_departments.set([scjg])
    body = "91370305MA3C8Q7X2"
    counterparty = counterparty_get_or_create(
        name="淄博齐鲁食品有限公司",
        credit_code=body + credit_code_check_char(body),
        contact_name="张伟",
        contact_phone="13812345678",
    )
    now = timezone.now()
    licence = Licence.objects.create(
        item=item,
        counterparty=counterparty,
        department=approval_department,
        licence_no="JY23703050001234",
        licence_date=datetime.date(2026, 3, 2),
        valid_from=datetime.date(2026, 3, 2),
        valid_to=datetime.date(2031, 3, 1),
        decided_by_label="王丽华",
        decided_at=now,
    )
    LicenceStatusChange.objects.create(
        licence=licence,
        from_status="",
        to_status=LicenceStatus.VALID,
        changed_by_label="王丽华",
        changed_at=now,
    )
    return licence


@pytest.mark.parametrize(
    "name",
    [
        "admin:approvals_approvalitem_changelist",
        "admin:approvals_approvalitem_add",
        "admin:counterparties_counterparty_changelist",
        "admin:approvals_licence_changelist",
    ],
)
def test_admin_pages_render(admin_client_for: Client, licence: Licence, name: str) -> None:
    assert admin_client_for.get(reverse(name), {"q": "食品"}).status_code == 200


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("admin:approvals_approvalitem_change", "item_id"),
        ("admin:counterparties_counterparty_change", "counterparty_id"),
    ],
)
def test_item_and_counterparty_change_pages_render(
    admin_client_for: Client, licence: Licence, name: str, field: str
) -> None:
    pk = getattr(licence, field)
    assert admin_client_for.get(reverse(name, args=[pk])).status_code == 200


def test_licences_are_view_only_in_admin(admin_client_for: Client, licence: Licence) -> None:
    change_url = reverse("admin:approvals_licence_change", args=[licence.pk])
    page = admin_client_for.get(change_url)
    assert page.status_code == 200
    assert "王丽华" in page.content.decode()
    assert admin_client_for.get(reverse("admin:approvals_licence_add")).status_code == 403
    assert admin_client_for.post(change_url, {"licence_no": "X"}).status_code == 403
    delete_url = reverse("admin:approvals_licence_delete", args=[licence.pk])
    assert admin_client_for.post(delete_url, {"post": "yes"}).status_code == 403
    licence.refresh_from_db()
    assert licence.licence_no == "JY23703050001234"


def test_licence_list_filters_by_status_item_and_department(
    admin_client_for: Client, licence: Licence
) -> None:
    response = admin_client_for.get(
        reverse("admin:approvals_licence_changelist"),
        {"status__exact": "valid", "item__id__exact": licence.item_id},
    )
    assert response.status_code == 200
    assert "JY23703050001234" in response.content.decode()
