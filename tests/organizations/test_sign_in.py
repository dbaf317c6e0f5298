"""The ways in that the settings switch on and off (organizations/sign_in.py): the login page
with and without unified identity sign-in, password sign-in switched off, the admin's login.
The identity provider itself is exercised end to end in test_oidc.py."""

import pytest
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.contrib.auth import SESSION_KEY, authenticate
from django.test import Client, RequestFactory
from django.urls import reverse

from audit.models import AuditEvent
from organizations.oidc.views import refusal_page
from tests.factories import StaffFactory

PASSWORD = "pw-Linzi-2026"  # tests.factories.UserFactory's
ISSUER = "https://idp.example.gov.cn/realms/linzi"


@pytest.fixture
def oidc_on(settings) -> None:
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_RP_CLIENT_ID = "linzi-platform"
    settings.OIDC_RP_CLIENT_SECRET = "secret"


@pytest.fixture
def password_off(settings, oidc_on) -> None:
    settings.PASSWORD_SIGN_IN = False


def _login_page(client: Client, **params: str) -> BeautifulSoup:
    response = client.get(reverse("login"), params)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.django_db
def test_the_embedded_default_offers_the_password_form_only(client: Client) -> None:
    page = _login_page(client)

    assert page.select_one("input[name=password]") is not None
    assert page.select_one("a.sign-in-oidc") is None
    assert client.get(reverse("oidc:start")).status_code == 404
    assert client.get(reverse("oidc:callback"), {"code": "c", "state": "s"}).status_code == 404


@pytest.mark.django_db
def test_with_an_issuer_the_login_page_offers_unified_identity_sign_in_too(
    client: Client, oidc_on
) -> None:
    page = _login_page(client, next="/pushes/")

    button = page.select_one("a.sign-in-oidc")
    assert button.get_text(strip=True) == "统一身份认证登录"
    assert button["href"] == f"{reverse('oidc:start')}?next=%2Fpushes%2F"
    assert page.select_one("input[name=password]") is not None


@pytest.mark.django_db
def test_the_login_page_does_not_pass_on_a_foreign_next_address(client: Client, oidc_on) -> None:
    page = _login_page(client, next="https://evil.example.com/")

    assert page.select_one("a.sign-in-oidc")["href"] == reverse("oidc:start")


@pytest.mark.django_db
def test_with_password_sign_in_off_the_login_page_has_no_password_form(
    client: Client, password_off
) -> None:
    page = _login_page(client)

    assert page.select_one("input[name=password]") is None
    assert page.select_one("a.sign-in-oidc") is not None


@pytest.mark.django_db
def test_with_password_sign_in_off_a_password_is_refused_unchecked(
    client: Client, password_off
) -> None:
    user = StaffFactory().user

    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 403
    assert "本平台已关闭账号密码登录" in response.content.decode()
    assert SESSION_KEY not in client.session
    # Not a wrong password: no lockout counter and no failed sign-in in the audit.
    assert not AccessAttempt.objects.exists()
    assert not AuditEvent.objects.filter(action="auth.login_failed").exists()


@pytest.mark.django_db
def test_with_password_sign_in_off_the_password_backend_refuses_every_password(
    password_off,
) -> None:
    user = StaffFactory().user
    request = RequestFactory().post("/elsewhere/")

    assert authenticate(request, username=user.username, password=PASSWORD) is None


@pytest.mark.django_db
def test_password_sign_in_still_works_beside_unified_identity(client: Client, oidc_on) -> None:
    user = StaffFactory().user

    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == user.pk
    assert client.session["_linzi_sign_in_method"] == "password"


@pytest.mark.django_db
def test_under_unified_identity_the_admin_signs_in_on_the_platform_login_page(
    client: Client, oidc_on
) -> None:
    response = client.get("/admin/login/", {"next": "/admin/audit/"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=%2Fadmin%2Faudit%2F"

    posted = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert posted.status_code == 302
    assert not AccessAttempt.objects.exists()


@pytest.mark.django_db
def test_without_unified_identity_the_admin_keeps_its_own_login_page(client: Client) -> None:
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


@pytest.mark.django_db
def test_the_header_offers_no_password_change_when_passwords_are_off(
    client: Client, settings
) -> None:
    client.force_login(StaffFactory().user)
    assert "修改密码" in client.get(reverse("dashboard")).content.decode()

    settings.PASSWORD_SIGN_IN = False

    assert "修改密码" not in client.get(reverse("dashboard")).content.decode()


@pytest.mark.django_db
def test_the_refusal_page_names_the_administrators_without_a_support_contact(settings) -> None:
    settings.SUPPORT_CONTACT = ""
    StaffFactory(user__first_name="钱管理", role="platform_admin")
    request = RequestFactory().get("/accounts/oidc/callback/")
    request.session = {}

    page = refusal_page(request, "unknown_account").content.decode()

    assert "平台管理员：钱管理" in page


@pytest.mark.django_db
def test_the_lockout_page_names_the_support_contact(client: Client, settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SUPPORT_CONTACT = "区行政审批服务局信息科 0533-7180000"
    user = StaffFactory().user
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": user.username, "password": "x"})

    assert response.status_code == 429
    assert "平台管理员：区行政审批服务局信息科 0533-7180000" in response.content.decode()
