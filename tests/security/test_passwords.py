"""Staff passwords (GB/T 22239-2019 8.1.4.1 a): the policy (10 characters, three of four kinds,
not like the user name, not common, none of the last 5), the self-service change that ends
every other session, the change forced after an administrator set the password or after
PASSWORD_MAX_AGE_DAYS, and the demo accounts exempt only where PASSWORD_POLICY_EXEMPT_DEMO is
set (`make run`)."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEvent
from demo.seed import demo_password, demo_usernames, seed_departments_and_staff
from organizations.models import PasswordHistory, PasswordState
from organizations.passwords import ACCOUNT_CREATE, PASSWORD_CHANGE, PASSWORD_RESET
from tests.clients import api_for, logged_in
from tests.factories import UserFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db

OLD = "pw-Linzi-2026"  # the factories' password
NEW = "Qilu-Linzi-8866"
CHANGE = "/accounts/password/"
T0 = "2026-06-01T09:00"


@pytest.fixture
def fast_hashers(settings):
    """Hashing is what slows these tests, not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def change(client: Client, old: str = OLD, new: str = NEW, **extra: str):
    return client.post(
        CHANGE, {"old_password": old, "new_password1": new, "new_password2": new, **extra}
    )


def refusal(password: str, user=None) -> str:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    return " ".join(caught.value.messages)


def state_of(user) -> PasswordState:
    return PasswordState.objects.get(user=user)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# --- the policy -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("Ab1-xyzq", "至少包含 10 个字符"),  # 8 characters
        ("linzi-qilu-road", "四类字符中的 3 类"),  # two kinds: lower case, symbols
        ("lowercase2026", "四类字符中的 3 类"),  # two kinds: lower case, digits
        ("2026042019880", "只包含数字"),  # digits only
        ("Password1234", "太常见"),  # three kinds, but on the common list
        ("zhangwei-2026", "用户名"),  # like the user name
    ],
)
def test_the_policy_refuses_with_a_chinese_reason(password, says):
    user = UserFactory.build(username="zhangwei", first_name="张伟", email="zw@example.gov.cn")
    assert says in refusal(password, user)


@pytest.mark.parametrize("password", ["Linzi-Qilu-2026", "qilu2026LINZI", "齐鲁linzi2026x"])
def test_the_policy_accepts_ten_characters_of_three_kinds(password):
    user = UserFactory.build(username="zhangwei")
    validate_password(password, user)


def test_the_readme_password_of_the_demo_satisfies_the_policy():
    validate_password(demo_password(), UserFactory.build(username="demo_head"))


def test_none_of_the_last_five_passwords_is_accepted_again(fast_hashers):
    user = UserFactory(password="Pass-word-0001")
    for number in range(2, 7):
        user.set_password(f"Pass-word-000{number}")
        user.save()
    user.refresh_from_db()
    for number in range(2, 7):
        assert "最近 5 次" in refusal(f"Pass-word-000{number}", user)
    validate_password("Pass-word-0001", user)  # the sixth before: allowed again


def test_the_history_keeps_five_hashes_never_the_passwords(fast_hashers):
    user = UserFactory()
    for number in range(7):
        user.set_password(f"Pass-word-100{number}")
        user.save()
    stored = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True))
    assert len(stored) == 5
    assert stored.count(user.password) == 1
    assert not any("Pass-word" in encoded for encoded in stored)


# --- the self-service change -----------------------------------------------------------------


def test_the_user_menu_leads_to_the_change_page_which_reads_in_chinese(supervision_clerk):
    client = logged_in(supervision_clerk)
    assert f'href="{CHANGE}"' in client.get(reverse("dashboard")).content.decode()
    text = client.get(CHANGE).content.decode()
    for label in ["修改密码", "旧密码", "新密码", "至少 10 个字符", "四类字符中的 3 类"]:
        assert label in text
    assert "其他设备" in text
    visible = re.sub(r"<[^>]+>|\{[^}]*\}", " ", text.split("<main", 1)[1].split("</main>")[0])
    assert not re.search(r"\b(password|Password|change|old|new)\b", visible)


def test_a_weak_new_password_is_refused_on_its_field_in_chinese(supervision_clerk):
    client = logged_in(supervision_clerk)
    response = change(client, new="short1A")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-field="new_password2"' in text and "至少包含 10 个字符" in text
    supervision_clerk.refresh_from_db()
    assert supervision_clerk.check_password(OLD)


def test_a_wrong_old_password_is_refused_in_chinese(supervision_clerk):
    response = change(logged_in(supervision_clerk), old="wrong-Pass-1")
    assert response.status_code == 200
    assert "旧密码" in response.content.decode() and "不正确" in response.content.decode()


def test_a_change_keeps_this_session_ends_every_other_and_is_audited(supervision_clerk):
    here, elsewhere = logged_in(supervision_clerk), logged_in(supervision_clerk)
    assert elsewhere.get(reverse("dashboard")).status_code == 200
    response = change(here)
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    page = here.get(reverse("dashboard"))
    assert page.status_code == 200
    assert "密码已修改" in page.content.decode()
    gone = elsewhere.get(reverse("dashboard"))
    assert gone.status_code == 302 and gone["Location"].startswith(reverse("login"))
    supervision_clerk.refresh_from_db()
    assert supervision_clerk.check_password(NEW)
    state = state_of(supervision_clerk)
    assert state.must_change is False
    assert abs((timezone.now() - state.changed_at).total_seconds()) < 60
    [event] = events(PASSWORD_CHANGE)
    assert event.actor_id == supervision_clerk.pk and event.object_id == str(supervision_clerk.pk)


def test_the_change_returns_to_the_page_that_was_asked_for(supervision_clerk):
    response = change(logged_in(supervision_clerk), next="/pushes/inbox/")
    assert response["Location"] == "/pushes/inbox/"
    supervision_clerk.refresh_from_db()
    response = change(logged_in(supervision_clerk), old=NEW, new="Other-Pass-77", next="//evil/")
    assert response["Location"] == reverse("dashboard")


# --- forced changes: administrator-set passwords ---------------------------------------------


def test_an_account_the_administrator_creates_must_change_its_password_at_first_sign_in(
    platform_admin,
):
    admin = logged_in(platform_admin)
    response = admin.post(
        reverse("admin:auth_user_add"),
        {"username": "liuyang", "password1": "Admin-Set-2026", "password2": "Admin-Set-2026"},
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="liuyang")
    assert state_of(user).must_change is True
    [event] = events(ACCOUNT_CREATE)
    assert event.actor_id == platform_admin.pk and event.object_id == str(user.pk)

    person = Client()
    response = person.post(
        reverse("login"), {"username": "liuyang", "password": "Admin-Set-2026"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"{CHANGE}?next=%2Fdashboard%2F"
    assert "您的密码由管理员设置" in response.content.decode()
    # Nothing but the change page until then, whatever is asked for.
    for path in ["/pushes/inbox/", "/admin/", reverse("approvals:licence-list")]:
        assert person.get(path)["Location"].startswith(CHANGE)
    assert change(person, old="Admin-Set-2026")["Location"] == reverse("dashboard")
    assert person.get(reverse("dashboard")).status_code == 200
    assert state_of(user).must_change is False


def test_the_administrators_weak_first_password_is_refused_too(platform_admin):
    response = logged_in(platform_admin).post(
        reverse("admin:auth_user_add"),
        {"username": "liuyang", "password1": "liuyang123", "password2": "liuyang123"},
    )
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="liuyang").exists()


def test_an_administrators_reset_ends_the_persons_sessions_and_forces_a_change(
    platform_admin, supervision_clerk
):
    person = logged_in(supervision_clerk)
    url = reverse("admin:auth_user_password_change", args=[supervision_clerk.pk])
    response = logged_in(platform_admin).post(
        url, {"password1": "Reset-By-Admin-1", "password2": "Reset-By-Admin-1"}
    )
    assert response.status_code == 302
    assert state_of(supervision_clerk).must_change is True
    [event] = events(PASSWORD_RESET)
    assert event.actor_id == platform_admin.pk
    assert event.object_id == str(supervision_clerk.pk)
    assert person.get(reverse("dashboard"))["Location"].startswith(reverse("login"))

    person = Client()
    person.post(
        reverse("login"),
        {"username": supervision_clerk.username, "password": "Reset-By-Admin-1"},
    )
    assert person.get(reverse("dashboard"))["Location"].startswith(CHANGE)


def test_an_administrator_setting_their_own_password_in_the_admin_is_not_forced(platform_admin):
    admin = logged_in(platform_admin)
    url = reverse("admin:auth_user_password_change", args=[platform_admin.pk])
    assert admin.post(url, {"password1": NEW, "password2": NEW}).status_code == 302
    assert state_of(platform_admin).must_change is False
    assert admin.get(reverse("dashboard")).status_code == 200
    assert events(PASSWORD_CHANGE) and not events(PASSWORD_RESET)


def test_a_forced_person_still_reaches_sign_out_the_keepalive_and_static_files(
    supervision_clerk,
):
    PasswordState.objects.create(
        user=supervision_clerk, changed_at=timezone.now(), must_change=True
    )
    client = logged_in(supervision_clerk)
    assert client.get(CHANGE).status_code == 200
    assert client.get(reverse("session-keepalive")).status_code == 204
    assert client.get("/static/css/site.css").status_code in (200, 404)  # never redirected
    assert client.post(reverse("logout"))["Location"] == reverse("login")


def test_a_forced_persons_session_is_refused_by_the_api_but_api_keys_work(
    supervision_clerk, supervision_department
):
    PasswordState.objects.create(
        user=supervision_clerk, changed_at=timezone.now(), must_change=True
    )
    response = logged_in(supervision_clerk).get("/api/v1/pushes/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "password_change_required"
    assert "请先修改密码" in response.json()["error"]["message"]
    assert api_for(supervision_department).get("/api/v1/pushes/").status_code == 200


# --- forced changes: expiry ------------------------------------------------------------------


def expired_state(user, *, days_ago: int) -> None:
    PasswordState.objects.update_or_create(
        user=user, defaults={"changed_at": at(T0) - datetime.timedelta(days=days_ago)}
    )


@pytest.mark.parametrize(("days_ago", "forced"), [(89, False), (90, True), (400, True)])
def test_a_password_older_than_90_days_must_be_changed(supervision_clerk, days_ago, forced):
    expired_state(supervision_clerk, days_ago=days_ago)
    with time_machine.travel(at(T0), tick=False):
        response = logged_in(supervision_clerk).get("/pushes/inbox/")
        if not forced:
            assert response.status_code == 200
            return
        assert response["Location"] == f"{CHANGE}?next=%2Fpushes%2Finbox%2F"
        page = logged_in(supervision_clerk).get(CHANGE).content.decode()
    assert "已超过 90 天未修改" in page


def test_the_expiry_follows_the_setting_and_zero_turns_it_off(supervision_clerk, settings):
    expired_state(supervision_clerk, days_ago=31)
    settings.PASSWORD_MAX_AGE_DAYS = 30
    with time_machine.travel(at(T0), tick=False):
        assert logged_in(supervision_clerk).get("/pushes/inbox/").status_code == 302
    settings.PASSWORD_MAX_AGE_DAYS = 0
    with time_machine.travel(at(T0), tick=False):
        assert logged_in(supervision_clerk).get("/pushes/inbox/").status_code == 200


def test_a_change_restarts_the_clock(supervision_clerk):
    expired_state(supervision_clerk, days_ago=120)
    with time_machine.travel(at(T0), tick=False):
        client = logged_in(supervision_clerk)
        assert change(client).status_code == 302
        assert client.get("/pushes/inbox/").status_code == 200
    supervision_clerk.refresh_from_db()
    with time_machine.travel(at(T0) + datetime.timedelta(days=89), tick=False):
        assert logged_in(supervision_clerk).get("/pushes/inbox/").status_code == 200
    with time_machine.travel(at(T0) + datetime.timedelta(days=90), tick=False):
        assert logged_in(supervision_clerk).get("/pushes/inbox/").status_code == 302


def test_an_account_made_by_code_has_no_recorded_age_and_is_never_forced(supervision_clerk):
    assert not PasswordState.objects.filter(user=supervision_clerk).exists()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=400), tick=False):
        assert logged_in(supervision_clerk).get("/pushes/inbox/").status_code == 200


# --- the demo accounts -----------------------------------------------------------------------


@pytest.fixture
def demo_head(fast_hashers):
    seed_departments_and_staff()
    user = get_user_model().objects.get(username=sorted(demo_usernames())[0])
    expired_state(user, days_ago=200)
    PasswordState.objects.filter(user=user).update(must_change=True)
    return user


def test_a_demo_account_is_forced_like_any_other_without_the_setting(demo_head, settings):
    settings.PASSWORD_POLICY_EXEMPT_DEMO = False
    with time_machine.travel(at(T0), tick=False):
        assert logged_in(demo_head).get("/pushes/inbox/")["Location"].startswith(CHANGE)


def test_a_demo_account_signs_in_with_the_readme_password_where_the_setting_is_on(
    demo_head, settings
):
    settings.PASSWORD_POLICY_EXEMPT_DEMO = True
    with time_machine.travel(at(T0), tick=False):
        client = Client()
        response = client.post(
            reverse("login"),
            {"username": demo_head.username, "password": demo_password()},
            follow=True,
        )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert response.status_code == 200


def test_the_setting_exempts_only_the_demo_accounts(supervision_clerk, settings):
    settings.PASSWORD_POLICY_EXEMPT_DEMO = True
    expired_state(supervision_clerk, days_ago=200)
    with time_machine.travel(at(T0), tick=False):
        assert logged_in(supervision_clerk).get("/pushes/inbox/").status_code == 302


def test_only_make_run_sets_the_exemption():
    assert django_settings.PASSWORD_POLICY_EXEMPT_DEMO is False  # the default
    makefile = (Path(django_settings.BASE_DIR) / "Makefile").read_text()
    assert "run: export PASSWORD_POLICY_EXEMPT_DEMO ?= $(DEBUG)" in makefile
    compose = (Path(django_settings.BASE_DIR) / "docker-compose.yml").read_text()
    assert "PASSWORD_POLICY_EXEMPT_DEMO" not in compose
