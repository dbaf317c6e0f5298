"""The to-do provider, admin and the demo catalog of credit approval."""

import pytest
import time_machine
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from approvals.models import ApprovalItem, CreditMode
from credit import models as credit_models
from credit.models import CreditCatalogEntry, CreditCatalogVersion, Verification
from credit.services import breach_report, verification_record
from credit.todo import credit_todo
from demo.seed import demo_items, seed_credit_catalog, seed_departments_and_staff, seed_items
from organizations.scoping import actor_for_user
from tests.clients import sign_in
from tests.helpers import at

pytestmark = pytest.mark.django_db
CREDIT_MODELS = [
    credit_models.CreditCatalogEntry,
    credit_models.CreditCatalogVersion,
    credit_models.CreditCommitment,
    credit_models.Verification,
    credit_models.VerificationFile,
    credit_models.RevocationRequest,
]


def test_the_approval_department_has_verifications_by_deadline_and_revocations_to_do(
    decide, approval_clerk, supervision_clerk
):
    """R11, R12: pending verifications (most urgent first) and open revocation requests are
    the approval department's to-do items; a supervision department has none of them."""
    with time_machine.travel(at("2026-09-30T10:00"), tick=False):
        overdue = decide()
    with time_machine.travel(at("2026-10-08T10:00"), tick=False):
        due_soon = decide()  # due 2026-10-21 17:30
    with time_machine.travel(at("2026-10-20T10:00"), tick=False):
        decide()  # due in November
        breach_report(actor=actor_for_user(supervision_clerk), licence=due_soon, reason="虚假材料")

    now = at("2026-10-21T09:00")
    batch = credit_todo(actor_for_user(approval_clerk), now)
    assert credit_todo(actor_for_user(supervision_clerk), now).items == []

    verifications = [item for item in batch.items if item.deadline is not None]
    assert [item.deadline for item in verifications] == sorted(i.deadline for i in verifications)
    assert len(verifications) == 3
    assert verifications[0].deadline < now  # the overdue one comes first
    revocations = [item for item in batch.items if item.deadline is None]
    assert len(revocations) == 1
    assert revocations[0].url.startswith("/credit/revocations/")
    assert [count.count for count in batch.counts] == [3, 1]
    with time_machine.travel(now, tick=False):
        verification_record(
            actor=actor_for_user(approval_clerk),
            verification=Verification.objects.get(licence=overdue),
            met=True,
            notes="",
        )
    assert credit_todo(actor_for_user(approval_clerk), now).counts[0].count == 2


@pytest.mark.parametrize("model", CREDIT_MODELS, ids=lambda model: model.__name__)
def test_every_credit_model_is_in_the_admin_and_view_only(platform_admin, decide, model):
    with time_machine.travel(at("2026-09-30T10:00"), tick=False):
        decide()
    client = Client()
    sign_in(client, platform_admin)
    assert admin.site.is_registered(model), model.__name__
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_change_permission(None)
    assert not model_admin.has_delete_permission(None)
    info = (model._meta.app_label, model._meta.model_name)
    changelist = reverse("admin:{}_{}_changelist".format(*info))
    assert client.get(changelist).status_code == 200, info
    assert client.get(changelist, {"q": "'\"%<>"}).status_code == 200, info


def test_a_verification_opens_in_the_admin(platform_admin, decide):
    with time_machine.travel(at("2026-09-30T10:00"), tick=False):
        decide()
    client = Client()
    sign_in(client, platform_admin)
    verification = Verification.objects.get()
    page = client.get(reverse("admin:credit_verification_change", args=[verification.pk]))
    assert page.status_code == 200


def test_the_catalog_entry_admin_shows_the_versions_and_links_to_the_web_form(
    platform_admin, post_item, approval_clerk
):
    from credit.services import credit_entry_save
    from tests.credit.helpers import CATALOG_TERMS

    entry = credit_entry_save(actor=actor_for_user(approval_clerk), item=post_item, **CATALOG_TERMS)
    client = Client()
    sign_in(client, platform_admin)
    page = client.get(reverse("admin:credit_creditcatalogentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert reverse("credit:catalog-edit", args=[post_item.code]) in page.content.decode()


def test_the_demo_catalog_covers_every_credit_item_once_through_the_service():
    seed_departments_and_staff()
    seed_items()
    credit_codes = {row["code"] for row in demo_items() if row.get("credit_mode", "none") != "none"}
    assert len(credit_codes) >= 6

    assert seed_credit_catalog() == len(credit_codes)
    assert seed_credit_catalog() == 0

    entries = CreditCatalogEntry.objects.select_related("item")
    assert {entry.item.code for entry in entries} == credit_codes
    assert CreditCatalogVersion.objects.count() == len(credit_codes)
    for entry in entries:
        assert entry.mode == ApprovalItem.objects.get(pk=entry.item_id).credit_mode
        assert entry.mode != CreditMode.NONE
        assert entry.version == 1
        assert "双随机、一公开" in entry.supervision_method
        assert "信用" in entry.supervision_method
        assert "同等对待" in entry.supervision_method  # R13: no stricter rule for credit
        assert "撤销" in entry.legal_consequences and "失信" in entry.legal_consequences
        assert entry.item.name in entry.commitment_text
        assert "信用承诺书" in entry.materials
        assert "失信" in entry.conditions
        version = entry.versions.get()
        assert version.changed_by_department.code == "xzsp"


def test_the_demo_catalog_leaves_an_edited_entry_alone(approval_clerk):
    seed_departments_and_staff()
    seed_items()
    seed_credit_catalog()
    entry = CreditCatalogEntry.objects.get(item__code="pharmacy-retail")
    CreditCatalogEntry.objects.filter(pk=entry.pk).update(materials="已改")

    seed_credit_catalog()

    assert CreditCatalogEntry.objects.get(pk=entry.pk).materials == "已改"
