"""The admin reads like the rest of the platform: 请选择 not dashes, people's names not the
usernames the records keep (R20 keeps the stable labels; only the pages change), 是/否 for a
screen reader, stored JSON shown as data, and the keys of partner systems made through the
audited service."""

import re

import pytest
from axes.models import AccessLog
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import audit_record
from organizations.models import ApiClient
from tests.clients import logged_in
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _page(client, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_action_bar_and_empty_choices_say_请选择(platform_admin):
    client = logged_in(platform_admin)
    changelist = _page(client, reverse("admin:organizations_department_changelist"))
    assert '<option value="" selected>请选择操作</option>' in changelist
    add = _page(client, reverse("admin:organizations_staffmembership_add"))
    assert "---------" not in add
    assert '<option value="" selected>请选择</option>' in add


def test_the_staff_membership_form_picks_the_user_by_name(platform_admin):
    UserFactory(username="wsjk_officer", first_name="周敏")
    add = _page(logged_in(platform_admin), reverse("admin:organizations_staffmembership_add"))
    assert re.search(r"<option value=\"\d+\">周敏</option>", add)
    assert "wsjk_officer" not in add


def test_boolean_columns_tell_a_screen_reader_是_or_否(platform_admin):
    changelist = _page(
        logged_in(platform_admin), reverse("admin:organizations_department_changelist")
    )
    assert 'alt="是"' in changelist
    assert 'alt="True"' not in changelist


def _events(count: int, actor: object | None) -> None:
    for number in range(count):
        audit_record(actor=actor, action="test.event", object_type="test", object_id=number)


def test_a_label_column_shows_the_persons_name_in_the_rows_query(platform_admin):
    """The name comes with the rows (a subquery on the username), not one query per row."""
    inspector = UserFactory(username="scjg_inspector", first_name="刘洋")
    client = logged_in(platform_admin)
    url = reverse("admin:audit_auditevent_changelist")
    _page(client, url)  # fills the per-process caches (the calendar's years) once
    counts = []
    for rows in (2, 4):
        _events(rows, inspector)
        with CaptureQueriesContext(connection) as queries:
            changelist = _page(client, url)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert changelist.count("刘洋") >= 6
    assert "scjg_inspector" not in changelist


def test_the_platforms_own_sweeps_read_系统自动(platform_admin):
    _events(1, None)
    changelist = _page(logged_in(platform_admin), reverse("admin:audit_auditevent_changelist"))
    assert "系统自动" in changelist


def test_stored_json_is_shown_pretty_as_data(platform_admin):
    event = audit_record(
        actor=None, action="test.event", object_type="test", object_id=1, details={"deadline": 3}
    )
    change = _page(
        logged_in(platform_admin), reverse("admin:audit_auditevent_change", args=[event.pk])
    )
    assert re.search(r'<pre class="json">\{\s+&quot;deadline&quot;: 3\s+\}</pre>', change)


def test_an_api_client_made_in_the_admin_is_audited_and_its_key_shown_once(
    platform_admin, approval_department
):
    client = logged_in(platform_admin)
    response = client.post(
        reverse("admin:organizations_apiclient_add"),
        {"department": approval_department.pk, "name": "省一体化政务服务平台"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    )
    key = ApiClient.objects.get()
    message = str(next(iter(response.context["messages"])))
    assert message.startswith("省一体化政务服务平台 的密钥为 ")
    assert key.prefix in message
    assert AuditEvent.objects.filter(action="api_client.create", object_id=key.prefix).exists()
    change = _page(client, reverse("admin:organizations_apiclient_change", args=[key.pk]))
    for label in ("密钥前缀", "到期时间", "留空表示长期有效。"):
        assert label in change


def test_a_revoked_key_is_shown_labelled_not_edited(platform_admin, approval_department):
    key, _ = ApiClient.objects.create_key(department=approval_department, name="旧系统")
    ApiClient.objects.filter(pk=key.pk).update(revoked=True)
    change = _page(
        logged_in(platform_admin), reverse("admin:organizations_apiclient_change", args=[key.pk])
    )
    for label in ("名称", "到期时间", "长期有效", 'alt="是"'):
        assert label in change
    assert 'name="name"' not in change


def test_the_account_form_leaves_out_django_permissions_and_the_password_hash(platform_admin):
    """Staff act through their department role, never through Django's permissions."""
    staff = StaffFactory(user__first_name="王芳").user
    change = _page(logged_in(platform_admin), reverse("admin:auth_user_change", args=[staff.pk]))
    assert 'name="user_permissions"' not in change
    assert 'name="groups"' not in change
    assert "已设置密码。" in change
    assert "pbkdf2" not in change
    assert "<h2>王芳</h2>" in change


def test_login_records_are_named_by_the_person_and_the_time(platform_admin):
    UserFactory(username="xzsp_reviewer", first_name="孙丽")
    log = AccessLog.objects.create(
        username="xzsp_reviewer",
        ip_address="10.0.0.8",
        user_agent="<unknown>",
        http_accept="<unknown>",
        path_info="<unknown>",
    )
    client = logged_in(platform_admin)
    changelist = _page(client, reverse("admin:axes_accesslog_changelist"))
    assert "孙丽" in changelist
    assert "&lt;unknown&gt;" not in changelist
    change = _page(client, reverse("admin:axes_accesslog_change", args=[log.pk]))
    assert "<h2>孙丽 于 " in change
    assert "Access Log" not in change
