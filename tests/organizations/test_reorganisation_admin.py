"""The admin's reorganisation actions (R21): a confirmation page listing what moves, then
the confirming POST; bad input changes nothing."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from notifications.models import Push
from organizations.models import Department
from tests.clients import sign_in
from tests.organizations.reorganisation_helpers import MERGE_AT, reorganisation_scene

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:organizations_department_changelist")


@pytest.fixture
def admin_client(platform_admin) -> Client:
    client = Client()
    sign_in(client, platform_admin)
    return client


@pytest.fixture
def scene(approval_department):
    with time_machine.travel(MERGE_AT, tick=False):
        return reorganisation_scene(approval_department)


def _act(client: Client, action: str, department: Department, **extra: object):
    with time_machine.travel(MERGE_AT, tick=False):
        return client.post(
            CHANGELIST, {"action": action, "_selected_action": [department.pk], **extra}
        )


def test_the_merge_page_lists_what_moves_and_the_confirmation_merges(admin_client, scene):
    """R21: the admin sees the open work in Chinese, chooses the successor and confirms."""
    page = _act(admin_client, "merge_department", scene.old)
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        "并入其他部门",
        "待认领的推送",
        scene.pending.title,
        "待答复的反馈意见",
        "待答复的函询",
        "关于食品经营许可的函询",
        "负责监管的划转事项",
        "<li>食品经营许可</li>",
        "回调接口",
        "继任部门",
        "新市场监督管理局",
    ):
        assert text in html
    assert "food-r21" not in html  # item names, never the catalog slug
    assert Department.objects.get(pk=scene.old.pk).active  # the page changes nothing

    done = _act(
        admin_client,
        "merge_department",
        scene.old,
        confirm="yes",
        successor=scene.successor.pk,
    )
    assert done.status_code == 302
    assert not Department.objects.get(pk=scene.old.pk).active
    assert Push.objects.get(pk=scene.pending.pk).receiver == scene.successor
    message = admin_client.get(CHANGELIST).content.decode()
    assert "已并入“新市场监督管理局”" in message


def test_a_merge_without_a_successor_shows_the_error_and_changes_nothing(admin_client, scene):
    page = _act(admin_client, "merge_department", scene.old, confirm="yes", successor="")
    assert page.status_code == 200
    assert "请选择继任部门" in page.content.decode()
    assert Department.objects.get(pk=scene.old.pk).active
    assert Push.objects.get(pk=scene.pending.pk).receiver == scene.old


def test_deactivating_a_department_with_open_work_shows_the_refusal(admin_client, scene):
    """R21: deactivation without a successor is refused while open work exists."""
    page = _act(admin_client, "deactivate_department", scene.old)
    assert "停用部门" in page.content.decode()
    refused = _act(admin_client, "deactivate_department", scene.old, confirm="yes")
    assert refused.status_code == 200
    assert "请改为并入继任部门" in refused.content.decode()
    assert Department.objects.get(pk=scene.old.pk).active


def test_an_idle_department_is_deactivated_from_the_admin(admin_client, approval_department):
    idle = Department.objects.create(code="idle-admin", name="空闲监管局", kind="supervision")
    page = _act(admin_client, "deactivate_department", idle)
    assert "没有未办结的工作" in page.content.decode()
    done = _act(admin_client, "deactivate_department", idle, confirm="yes")
    assert done.status_code == 302
    assert not Department.objects.get(pk=idle.pk).active


def test_choosing_two_departments_at_once_is_refused(admin_client, scene):
    with time_machine.travel(MERGE_AT, tick=False):
        response = admin_client.post(
            CHANGELIST,
            {"action": "merge_department", "_selected_action": [scene.old.pk, scene.successor.pk]},
            follow=True,
        )
    assert "请每次只选择一个部门" in response.content.decode()
