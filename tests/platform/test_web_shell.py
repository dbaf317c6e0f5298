import pytest
from django.test import Client
from django.urls import reverse

from organizations.models import StaffRole
from tests.clients import sign_in
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Linzi-2026"


def test_the_login_page_speaks_chinese():
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "登录" in text and "用户名" in text and "密码" in text
    assert '<html lang="zh-hans">' in text


def test_a_clerk_logs_in_and_the_header_names_their_department_and_role(supervision_clerk):
    client = Client()
    response = client.post(
        reverse("login"),
        {"username": supervision_clerk.username, "password": PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    text = response.content.decode()
    assert "测试市场监督管理局" in text
    assert "经办人" in text
    assert "退出登录" in text


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (StaffRole.CLERK, "经办人"),
        (StaffRole.HEAD, "部门负责人"),
        (StaffRole.PLATFORM_ADMIN, "平台管理员"),
    ],
)
def test_each_role_has_its_dashboard(role, expected):
    user = StaffFactory(role=role).user
    client = Client()
    sign_in(client, user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_the_platform_admin_dashboard_lists_every_department(
    platform_admin, supervision_department
):
    client = Client()
    sign_in(client, platform_admin)
    text = client.get(reverse("dashboard")).content.decode()
    assert "测试市场监督管理局" in text and "测试行政审批服务局" in text


def test_anonymous_visitors_are_sent_to_login():
    response = Client().get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_is_a_post_and_ends_the_session(supervision_clerk):
    client = Client()
    sign_in(client, supervision_clerk)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_five_failed_logins_lock_the_account_even_for_the_right_password(supervision_clerk):
    client = Client()
    for _ in range(5):
        response = client.post(
            reverse("login"), {"username": supervision_clerk.username, "password": "wrong"}
        )
    response = client.post(
        reverse("login"), {"username": supervision_clerk.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "账户已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_shows_a_chinese_error(supervision_clerk):
    response = Client().post(
        reverse("login"), {"username": supervision_clerk.username, "password": "wrong"}
    )
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_login_refuses_a_post_without_csrf_token(supervision_clerk):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("login"), {"username": supervision_clerk.username, "password": PASSWORD}
    )
    assert response.status_code == 403


def test_pages_send_security_headers():
    response = Client().get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "payload",
    [
        {"username": "x" * 100_000, "password": "y"},
        {"username": "\x00\x01", "password": "\ud800" if False else "😀" * 100},
        {},
        {"username": ["a", "b"]},
    ],
)
def test_bad_login_input_never_answers_500(payload):
    response = Client().post(reverse("login"), payload)
    assert response.status_code in (200, 400, 429)


def test_bad_urls_answer_404_not_500(supervision_clerk):
    client = Client()
    sign_in(client, supervision_clerk)
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/dashboard/?page=%ff%fe").status_code == 200


def test_the_health_endpoint_answers_when_the_database_does():
    assert Client().get("/health/").json() == {"status": "ok"}
