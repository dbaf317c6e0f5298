import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from coordination.dashboard import coordination_dashboard_cards
from coordination.inquiries.services import inquiry_send
from coordination.inspections.services import inspection_schedule
from coordination.meetings.services import meeting_convene
from tests.clients import sign_in
from tests.helpers import at

pytestmark = pytest.mark.django_db


@time_machine.travel(at("2026-11-02T09:00"), tick=False)
def test_the_cards_count_what_waits_for_the_department(
    approval_actor, supervision_actor, supervision_department, approval_department
):
    inquiry_send(actor=approval_actor, receiver=supervision_department, subject="s", question="q")
    inspection_schedule(
        actor=approval_actor,
        kind="site_inspection",
        title="t",
        location="l",
        scheduled_at=at("2026-11-04T09:00"),
        invitees=[supervision_department],
    )
    meeting_convene(
        actor=approval_actor,
        topic="t",
        location="l",
        scheduled_at=at("2026-11-04T09:00"),
        invitees=[supervision_department],
    )
    values = [card.value for card in coordination_dashboard_cards(actor=supervision_actor)]
    assert values == [1, 0, 1, 0, 1]
    assert [c.value for c in coordination_dashboard_cards(actor=approval_actor)] == [0] * 5


def test_every_coordination_model_is_in_the_admin_read_only(platform_admin):
    client = Client()
    sign_in(client, platform_admin)
    for model in apps.get_app_config("coordination").get_models():
        assert admin.site.is_registered(model), model
        info = (model._meta.app_label, model._meta.model_name)
        assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
        assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 403


def test_the_overview_page_opens(supervision_clerk):
    client = Client()
    sign_in(client, supervision_clerk)
    assert client.get(reverse("coordination:index")).status_code == 200
