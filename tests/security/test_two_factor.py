"""Two-factor sign-in (GB/T 22239-2019 level 3, 8.1.4.1 d; organizations.two_factor): platform
admins and the Django admin need a second factor after the password; other staff may set it up
and then need it too; recovery codes work once; wrong codes are refused in Chinese, slowed down
and audited (R20); API keys are not concerned."""

import base64
import datetime
import os
import re
import subprocess
import sys
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from demo.seed import demo_data, demo_password, demo_usernames
from organizations.models import StaffMembership
from tests.clients import api_for, authenticator_for, logged_in, sign_in
from tests.factories import UserFactory
from tests.helpers import at
from tests.services import ROOT

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboard/"
ENROL = reverse("two_factor:enrol")
VERIFY = reverse("two_factor:verify")
WRONG_CODE = "验证码错误或已过期"


def password_only(user) -> Client:
    """A client past the password step only, as the login page leaves it."""
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


def actions(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith="two_factor.", object_id=str(user.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def enrol(client: Client, user) -> list[str]:
    """Set up the authenticator through the pages; return the recovery codes shown."""
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL, {"code": code_of(device), "next": DASHBOARD}, follow=True)
    assert response.status_code == 200
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())


@pytest.mark.parametrize(
    "url", [DASHBOARD, "/pushes/inbox/", "/admin/", "/admin/organizations/department/"]
)
def test_a_platform_admin_without_an_authenticator_is_sent_to_set_one_up(platform_admin, url):
    response = password_only(platform_admin).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL + "?next=")


@pytest.mark.parametrize("url", [DASHBOARD, "/admin/", "/admin/audit/auditevent/"])
def test_an_enrolled_admin_must_verify_before_any_page_or_the_admin(platform_admin, url):
    authenticator_for(platform_admin)
    response = password_only(platform_admin).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY + "?next=")


def test_a_staff_account_of_the_django_admin_needs_the_second_factor_too():
    staff = UserFactory(is_staff=True)
    response = password_only(staff).get("/admin/")
    assert response["Location"].startswith(ENROL)


def test_enrolment_shows_a_qr_code_and_the_key_then_ten_recovery_codes_once(platform_admin):
    client = password_only(platform_admin)
    page = client.get(ENROL).content.decode()
    device = TOTPDevice.objects.get(user=platform_admin, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert re.search(
        r'<svg role="img" aria-label="用身份验证器扫描的二维码"[^>]*class="qr-code"', page
    )
    assert "<script>" not in page and "style=" not in page
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    assert "开启两步验证" in page
    # Reloading keeps the same key: what was scanned stays valid.
    client.get(ENROL)
    assert TOTPDevice.objects.get(user=platform_admin).key == device.key

    codes = enrol(client, platform_admin)

    assert len(set(codes)) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=platform_admin).values_list("token", flat=True)
    )
    assert TOTPDevice.objects.get(user=platform_admin).confirmed
    again = client.get(reverse("two_factor:recovery-codes")).content.decode()
    assert not any(code in again for code in codes)
    assert "您还有 10 个未使用的恢复码" in again
    assert client.get(DASHBOARD).status_code == 200
    assert client.get("/admin/").status_code == 200
    assert actions(platform_admin) == ["two_factor.enrol"]


def test_a_wrong_enrolment_code_is_refused_in_chinese(platform_admin):
    client = password_only(platform_admin)
    client.get(ENROL)
    response = client.post(ENROL, {"code": "000000"})
    assert WRONG_CODE in response.content.decode()
    assert not TOTPDevice.objects.filter(user=platform_admin, confirmed=True).exists()
    assert actions(platform_admin) == ["two_factor.verify_failed"]


def test_an_admin_verifies_with_the_authenticator_and_goes_on_to_the_admin(platform_admin):
    device = authenticator_for(platform_admin)
    client = password_only(platform_admin)
    response = client.post(VERIFY, {"code": code_of(device), "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    event = AuditEvent.objects.get(action="two_factor.verify")
    assert event.details["method"] == "totp"
    assert event.actor_id == platform_admin.pk


def test_verification_does_not_lead_to_another_site(platform_admin):
    device = authenticator_for(platform_admin)
    client = password_only(platform_admin)
    response = client.post(VERIFY, {"code": code_of(device), "next": "https://evil.example/"})
    assert response["Location"] == DASHBOARD


@pytest.mark.parametrize("code", ["000000", "12345", "abcdefgh", "  "])
def test_a_wrong_code_is_refused_in_chinese_and_audited(platform_admin, code):
    authenticator_for(platform_admin)
    client = password_only(platform_admin)
    response = client.post(VERIFY, {"code": code})
    page = response.content.decode()
    assert response.status_code == 200
    assert "验证码" in page
    assert WRONG_CODE in page or "请填写验证码" in page
    assert client.get(DASHBOARD).status_code == 302
    if code.strip():
        assert AuditEvent.objects.get(action="two_factor.verify_failed").details["reason"] == (
            "wrong_code"
        )


def test_wrong_codes_in_a_row_make_the_next_attempt_wait(platform_admin):
    device = authenticator_for(platform_admin)
    client = password_only(platform_admin)
    with time_machine.travel(at("2026-11-24T10:00"), tick=False):
        client.post(VERIFY, {"code": "000000"})
        response = client.post(VERIFY, {"code": code_of(device)})
        page = response.content.decode()
        assert "连续输错验证码次数过多，请 1 秒后再试" in page
        assert client.get(DASHBOARD).status_code == 302
    with time_machine.travel(at("2026-11-24T10:00:02"), tick=False):
        response = client.post(VERIFY, {"code": code_of(device)})
        assert response.status_code == 302
        assert client.get(DASHBOARD).status_code == 200
    reasons = [
        event.details["reason"]
        for event in AuditEvent.objects.filter(action="two_factor.verify_failed").order_by("pk")
    ]
    assert reasons == ["wrong_code", "throttled"]


def test_a_recovery_code_signs_in_once(platform_admin):
    codes = enrol(password_only(platform_admin), platform_admin)
    first = password_only(platform_admin)
    response = first.post(VERIFY, {"code": codes[0].upper(), "next": DASHBOARD}, follow=True)
    assert response.status_code == 200
    assert "还剩 9 个未使用的恢复码" in response.content.decode()
    event = AuditEvent.objects.get(action="two_factor.recovery_code_used")
    assert event.details["left"] == 9

    second = password_only(platform_admin)
    refused = second.post(VERIFY, {"code": codes[0]})
    assert WRONG_CODE in refused.content.decode()
    assert second.get(DASHBOARD).status_code == 302
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):  # the back-off
        assert second.post(VERIFY, {"code": codes[1]}).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(platform_admin):
    client = password_only(platform_admin)
    old = enrol(client, platform_admin)
    response = client.post(reverse("two_factor:recovery-codes"), follow=True)
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert "只显示这一次" in response.content.decode()
    refused = password_only(platform_admin).post(VERIFY, {"code": old[0]})
    assert WRONG_CODE in refused.content.decode()
    assert actions(platform_admin)[-2:] == [
        "two_factor.recovery_codes_regenerate",
        "two_factor.verify_failed",
    ]


def test_other_staff_need_no_second_factor_until_they_set_it_up(approval_clerk):
    client = password_only(approval_clerk)
    assert client.get(DASHBOARD).status_code == 200
    account = client.get(reverse("two_factor:account")).content.decode()
    assert "可自愿开启两步验证" in account

    enrol(client, approval_clerk)

    assert client.get(DASHBOARD).status_code == 200  # this session was verified by enrolling
    later = password_only(approval_clerk)
    response = later.get(DASHBOARD)
    assert response["Location"].startswith(VERIFY)
    device = TOTPDevice.objects.get(user=approval_clerk)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # same 30 seconds as enrolling
    assert later.post(VERIFY, {"code": code_of(device)}).status_code == 302
    assert later.get(DASHBOARD).status_code == 200
    assert actions(approval_clerk) == ["two_factor.enrol", "two_factor.verify"]


def test_other_staff_may_turn_it_off_with_a_code(approval_clerk):
    client = password_only(approval_clerk)
    codes = enrol(client, approval_clerk)
    disable = reverse("two_factor:disable")
    assert WRONG_CODE in client.post(disable, {"code": "000000"}).content.decode()
    response = client.post(disable, {"code": codes[0]}, follow=True)
    assert "两步验证已关闭" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=approval_clerk).exists()
    assert not StaticDevice.objects.filter(user=approval_clerk).exists()
    assert password_only(approval_clerk).get(DASHBOARD).status_code == 200
    assert actions(approval_clerk)[-1] == "two_factor.disable"


def test_administrators_cannot_turn_it_off(platform_admin):
    client = logged_in(platform_admin)
    response = client.post(reverse("two_factor:disable"), {"code": "000000"})
    assert response.status_code == 403
    assert "管理员必须使用两步验证登录，不能关闭" in response.content.decode()
    account = client.get(reverse("two_factor:account")).content.decode()
    assert reverse("two_factor:disable") not in account
    assert TOTPDevice.objects.filter(user=platform_admin).exists()


def test_the_api_answers_403_to_an_unverified_session_and_keys_are_not_concerned(
    platform_admin, approval_department
):
    response = password_only(platform_admin).get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_required"
    other_header = password_only(platform_admin).get("/api/v1/me/", HTTP_AUTHORIZATION="Basic eA==")
    assert other_header.status_code == 403
    assert api_for(approval_department).get("/api/v1/me/").status_code == 200
    assert logged_in(platform_admin).get("/api/v1/me/").status_code == 200


def test_an_administrator_resets_a_lost_phone_in_the_admin(platform_admin, approval_clerk):
    enrol(password_only(approval_clerk), approval_clerk)
    device = TOTPDevice.objects.get(user=approval_clerk)
    admin = logged_in(platform_admin)
    changelist = admin.get(reverse("admin:otp_totp_totpdevice_changelist")).content.decode()
    assert "身份验证器" in changelist
    change = admin.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert device.key not in change.content.decode()
    assert admin.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    admin.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert not TOTPDevice.objects.filter(user=approval_clerk).exists()
    assert not StaticDevice.objects.filter(user=approval_clerk).exists()
    reset = AuditEvent.objects.get(action="two_factor.reset")
    assert (reset.actor_id, reset.object_id) == (platform_admin.pk, str(approval_clerk.pk))


def test_the_demo_admin_is_exempt_only_where_make_run_says_so(settings, platform_admin):
    platform_admin.username = demo_data("organizations")["platform_admin"]["username"]
    platform_admin.save()
    settings.TWO_FACTOR_EXEMPT_DEMO = False
    assert password_only(platform_admin).get(DASHBOARD).status_code == 302
    settings.TWO_FACTOR_EXEMPT_DEMO = True
    assert password_only(platform_admin).get(DASHBOARD).status_code == 200
    assert password_only(platform_admin).get("/admin/").status_code == 200
    # Any other administrator still needs the second factor.
    other = UserFactory(is_staff=True, is_superuser=True)
    assert password_only(other).get(DASHBOARD).status_code == 302


@pytest.mark.parametrize("exemption", ["TWO_FACTOR_EXEMPT_DEMO", "PASSWORD_POLICY_EXEMPT_DEMO"])
def test_the_demo_exemptions_are_refused_in_production(exemption):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60,
        exemption: "1",
        "DJANGO_SETTINGS_MODULE": "linzi_platform.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert exemption in result.stderr


def test_the_password_step_alone_leaves_the_header_with_only_logging_out(platform_admin):
    authenticator_for(platform_admin)
    page = password_only(platform_admin).get(VERIFY).content.decode()
    assert "退出登录" in page
    assert reverse("notifications:inbox") not in page
    assert "密码正确" in page


def test_signing_in_again_asks_for_the_code_again(platform_admin):
    device = authenticator_for(platform_admin)
    client = sign_in(Client(), platform_admin)
    assert client.get(DASHBOARD).status_code == 200
    client.post(reverse("logout"))
    client.force_login(platform_admin)
    assert client.get(DASHBOARD)["Location"].startswith(VERIFY)
    assert device.pk == authenticator_for(platform_admin).pk


def test_codes_are_kept_on_the_device_row_only_until_used(platform_admin):
    """A recovery code used is deleted, so the admin cannot show it again either."""
    codes = enrol(password_only(platform_admin), platform_admin)
    password_only(platform_admin).post(VERIFY, {"code": codes[0]})
    assert not StaticToken.objects.filter(token=codes[0]).exists()


def test_the_seeded_demo_admin_signs_in_with_the_readme_password_under_make_run(settings):
    call_command("seed_demo", quiet_logins=True, stdout=StringIO())
    seeded = set(StaffMembership.objects.values_list("user__username", flat=True))
    assert seeded == set(demo_usernames())
    settings.TWO_FACTOR_EXEMPT_DEMO = True
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    username = demo_data("organizations")["platform_admin"]["username"]
    response = client.post(
        reverse("login"), {"username": username, "password": demo_password()}, follow=True
    )
    assert response.redirect_chain[-1][0] == DASHBOARD
    assert client.get("/admin/").status_code == 200
