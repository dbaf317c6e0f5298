"""The credit-approval catalog (R9): kept jointly, every change kept with who and when."""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from approvals.models import ApprovalItem, CreditMode
from audit.models import AuditEvent
from credit.models import CreditCatalogEntry, CreditCatalogVersion
from credit.services import credit_entry_save
from organizations.scoping import actor_for_user
from tests.clients import logged_in
from tests.credit.helpers import CATALOG_TERMS
from tests.factories import StaffFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db


def test_every_save_keeps_a_version_with_who_when_and_what_changed(
    post_item, approval_clerk, approval_department, supervision_clerk, supervision_department
):
    with time_machine.travel(at("2026-11-02T09:00"), tick=False):
        credit_entry_save(actor=actor_for_user(approval_clerk), item=post_item, **CATALOG_TERMS)
    with time_machine.travel(at("2026-11-03T15:20"), tick=False):
        entry = credit_entry_save(
            actor=actor_for_user(supervision_clerk),
            item=post_item,
            **{**CATALOG_TERMS, "mode": CreditMode.EXEMPT, "materials": "1. 申请表。"},
        )

    assert entry.version == 2
    assert entry.updated_by_label == supervision_clerk.username
    first, second = CreditCatalogVersion.objects.filter(entry=entry).order_by("version")
    assert (first.version, first.changed_by_label) == (1, approval_clerk.username)
    assert first.changed_by_department == approval_department
    assert first.changed_at == at("2026-11-02T09:00")
    assert set(first.changed_fields) == set(CATALOG_TERMS)
    assert first.snapshot["materials"] == CATALOG_TERMS["materials"]
    assert second.changed_by_department == supervision_department
    assert second.changed_at == at("2026-11-03T15:20")
    assert second.changed_fields == ["mode", "materials"]
    assert second.snapshot["materials"] == "1. 申请表。"
    assert ApprovalItem.objects.get(pk=post_item.pk).credit_mode == CreditMode.EXEMPT
    assert AuditEvent.objects.filter(action="credit.catalog_save").count() == 2


def test_a_save_without_a_change_keeps_no_new_version(post_item, approval_clerk):
    actor = actor_for_user(approval_clerk)
    credit_entry_save(actor=actor, item=post_item, **CATALOG_TERMS)
    entry = credit_entry_save(actor=actor, item=post_item, **CATALOG_TERMS)

    assert entry.version == 1
    assert CreditCatalogVersion.objects.count() == 1


def test_a_department_not_responsible_for_the_item_cannot_change_its_terms(
    post_item, unrelated_supervision_clerk
):
    with pytest.raises(PermissionDenied):
        credit_entry_save(
            actor=actor_for_user(unrelated_supervision_clerk), item=post_item, **CATALOG_TERMS
        )
    assert not CreditCatalogEntry.objects.exists()


def test_catalog_pages_list_and_show_the_history(post_item, approval_clerk, supervision_clerk):
    credit_entry_save(actor=actor_for_user(approval_clerk), item=post_item, **CATALOG_TERMS)
    credit_entry_save(
        actor=actor_for_user(supervision_clerk),
        item=post_item,
        **{**CATALOG_TERMS, "conditions": "1. 具备执业药师。"},
    )
    client = logged_in(supervision_clerk)

    listing = client.get(reverse("credit:catalog-list"), {"q": "药品"})
    assert listing.status_code == 200
    assert "药品零售企业经营许可" in listing.content.decode()
    assert (
        "药品零售企业经营许可"
        not in client.get(reverse("credit:catalog-list"), {"q": "不存在的事项"}).content.decode()
    )

    page = client.get(reverse("credit:catalog-detail", args=[post_item.code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "1. 具备执业药师。" in html  # the current version
    assert CATALOG_TERMS["conditions"].splitlines()[0] in html  # v1 content kept
    # Who changed each version, by name (R20 keeps the username in the record).
    names = [
        f"{user.first_name} {user.last_name}".strip()
        for user in (approval_clerk, supervision_clerk)
    ]
    assert all(name in html for name in names)
    assert approval_clerk.username not in html and supervision_clerk.username not in html
    assert 'id="v2"' in html and 'id="v1"' in html
    assert reverse("credit:catalog-edit", args=[post_item.code]) in html


def test_the_detail_of_an_item_without_credit_terms_is_not_found(plain_item, approval_clerk):
    response = logged_in(approval_clerk).get(reverse("credit:catalog-detail", args=["plain-item"]))
    assert response.status_code == 404


def form_data(**overrides) -> dict:
    return {**CATALOG_TERMS, **overrides}


def test_the_approval_department_creates_the_terms_with_the_web_form(post_item, approval_clerk):
    client = logged_in(approval_clerk)
    url = reverse("credit:catalog-edit", args=[post_item.code])
    assert client.get(url).status_code == 200

    response = client.post(url, form_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("credit:catalog-detail", args=[post_item.code])
    entry = CreditCatalogEntry.objects.get(item=post_item)
    assert entry.version == 1
    assert entry.commitment_text == CATALOG_TERMS["commitment_text"]


def test_a_supervision_department_of_the_item_edits_it_and_others_get_403(
    post_item, approval_clerk, supervision_clerk, unrelated_supervision_clerk
):
    credit_entry_save(actor=actor_for_user(approval_clerk), item=post_item, **CATALOG_TERMS)
    url = reverse("credit:catalog-edit", args=[post_item.code])

    response = logged_in(supervision_clerk).post(url, form_data(materials="1. 申请表。"))
    assert response.status_code == 302
    assert CreditCatalogEntry.objects.get(item=post_item).version == 2

    outsider = logged_in(unrelated_supervision_clerk)
    assert outsider.get(url).status_code == 403
    assert outsider.post(url, form_data(materials="篡改")).status_code == 403
    assert CreditCatalogEntry.objects.get(item=post_item).version == 2
    detail = outsider.get(reverse("credit:catalog-detail", args=[post_item.code]))
    assert detail.status_code == 200
    assert url not in detail.content.decode()


def test_bad_catalog_input_shows_the_errors_and_saves_nothing(post_item, approval_clerk):
    response = logged_in(approval_clerk).post(
        reverse("credit:catalog-edit", args=[post_item.code]),
        form_data(mode="none", commitment_text="   "),
    )

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"mode", "commitment_text"}
    assert not CreditCatalogEntry.objects.exists()


def test_the_list_offers_items_without_terms_to_those_who_may_write_them(
    post_item, plain_item, approval_clerk, unrelated_supervision_clerk
):
    response = logged_in(approval_clerk).get(reverse("credit:catalog-list"), {"add": "plain-item"})
    assert response.status_code == 302
    assert response["Location"] == reverse("credit:catalog-edit", args=["plain-item"])
    page = logged_in(approval_clerk).get(reverse("credit:catalog-list"))
    assert 'value="pharmacy-credit"' in page.content.decode()
    outsider_page = logged_in(unrelated_supervision_clerk).get(reverse("credit:catalog-list"))
    assert 'value="pharmacy-credit"' not in outsider_page.content.decode()


def test_the_catalog_needs_a_login(post_item):
    from django.test import Client

    response = Client().get(reverse("credit:catalog-list"))
    assert response.status_code == 302


def test_a_platform_admin_may_edit_any_item(post_item, approval_department):
    admin = StaffFactory(department=approval_department, role="platform_admin").user
    response = logged_in(admin).post(
        reverse("credit:catalog-edit", args=[post_item.code]), form_data()
    )
    assert response.status_code == 302


def test_bad_input_to_the_service_is_a_field_error(post_item, approval_clerk):
    with pytest.raises(ValidationError) as caught:
        credit_entry_save(
            actor=actor_for_user(approval_clerk), item=post_item, **{**CATALOG_TERMS, "mode": "x"}
        )
    assert "mode" in caught.value.message_dict
