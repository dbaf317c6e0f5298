"""Stored text is in the platform's language whatever the writer's interface language."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from notifications.models import Push
from tests.clients import logged_in
from tests.helpers import at

pytestmark = pytest.mark.django_db


def test_a_push_recorded_from_the_english_interface_has_a_chinese_title(
    licence, supervision_clerk, approval_department
):
    browser = logged_in(supervision_clerk)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(at("2026-11-27T10:00"), tick=False):
        page = browser.post(
            reverse("supervision:action-create"),
            {
                "kind": "suspension",
                "document_no": "临市监停〔2026〕3号",
                "decided_on": datetime.date(2026, 11, 27).isoformat(),
                "summary": "责令停产停业整顿",
                "licence": licence.pk,
            },
        )
        assert page.status_code == 302
        # Reading stays in the visitor's language.
        assert (
            "Supervision actions"
            in browser.get(reverse("supervision:action-list")).content.decode()
        )
    push = Push.objects.get(kind="supervision_action")
    assert push.title.startswith("责令停产停业")
