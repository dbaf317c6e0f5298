"""Pages name the people who acted: the staff member's name, 系统自动 for the platform's own
sweeps, the partner system's name for an API client — never the stored username (R20 keeps
the label in the record)."""

import pytest
from django.urls import reverse

from notifications.models import Push, PushState
from tests.clients import logged_in
from tests.factories import (
    ApprovalDepartmentFactory,
    DepartmentFactory,
    StaffFactory,
    UserFactory,
)
from tests.push_payloads import APPROVAL_DECISION, push_of_kind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        ("scjg_zhang", "张敏"),
        ("system", "系统自动"),
        ("api:市场监管业务系统", "市场监管业务系统（系统接口）"),
    ],
)
def test_the_inbox_and_the_push_page_name_who_claimed(label: str, shown: str) -> None:
    approval_clerk = StaffFactory(department=ApprovalDepartmentFactory()).user
    receiver = UserFactory(username="scjg_zhang", first_name="张敏")
    StaffFactory(user=receiver, department=DepartmentFactory())
    push = push_of_kind(
        APPROVAL_DECISION, approval_clerk=approval_clerk, supervision_clerk=receiver
    )
    Push.objects.filter(pk=push.pk).update(
        state=PushState.CLAIMED, claimed_at=push.sent_at, claimed_by_label=label
    )
    client = logged_in(receiver)
    for url in (
        reverse("notifications:inbox"),
        reverse("notifications:push-detail", args=[push.pk]),
    ):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert shown in page, url
        assert label not in page.replace(shown, ""), url
