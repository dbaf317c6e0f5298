"""Error pages wear the site's layout and speak Chinese; /api/ keeps its JSON envelope.

A person who meets an error reads what happened, the reason a service gave when there is one
(which department may do this), and the way back to the dashboard and the previous page.
"""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from linzi_platform import error_views
from tests.clients import logged_in
from tests.platform.error_urls import SECRET

pytestmark = pytest.mark.django_db

ERROR_URLS = "tests.platform.error_urls"
REFERER = "http://testserver/pushes/inbox/"


def assert_site_page(response, status: int) -> str:
    """The page has the site's layout in Chinese and the ways back."""
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert '<html lang="zh-hans">' in text
    assert 'class="site-header"' in text and 'class="site-footer"' in text
    assert "临淄区审批监管互动平台" in text
    return text


@override_settings(DEBUG=False, ROOT_URLCONF=ERROR_URLS)
@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/test-errors/400/", 400, "无法处理此请求"),
        ("/test-errors/403/", 403, "您没有权限进行此操作"),
        ("/test-errors/404/", 404, "页面不存在"),
        ("/no-such-page/", 404, "页面不存在"),
        ("/test-errors/500/", 500, "服务器出现错误"),
    ],
)
def test_each_error_page_wears_the_layout_with_the_way_back(
    supervision_clerk, path, status, heading
):
    client = Client(raise_request_exception=False)
    client.force_login(supervision_clerk)
    text = assert_site_page(client.get(path, HTTP_REFERER=REFERER), status)
    assert heading in text
    assert f'href="{reverse("dashboard")}">返回工作台</a>' in text
    assert f'href="{REFERER}">返回上一页</a>' in text


@override_settings(DEBUG=False, ROOT_URLCONF=ERROR_URLS)
def test_the_back_link_never_leads_to_another_site(supervision_clerk):
    client = logged_in(supervision_clerk)
    text = client.get("/test-errors/404/", HTTP_REFERER="https://evil.example/x").content
    assert b"evil.example" not in text
    assert "返回上一页" not in text.decode()


@override_settings(DEBUG=False, ROOT_URLCONF=ERROR_URLS)
def test_the_404_page_does_not_show_the_message_of_http404(supervision_clerk):
    text = assert_site_page(logged_in(supervision_clerk).get("/test-errors/404/"), 404)
    assert SECRET not in text and "pk=42" not in text
    assert "未找到该页面或记录，或它属于其他部门" in text


def test_the_403_page_shows_the_reason_the_service_gave(supervision_clerk):
    """R11: only the approval department verifies commitments; a supervision clerk who opens
    the verification queue reads that sentence, not Django's bare "403 Forbidden"."""
    response = logged_in(supervision_clerk).get(reverse("credit:verification-list"))
    text = assert_site_page(response, 403)
    assert "只有行政审批部门可以核验信用承诺。" in text
    assert "您没有权限进行此操作" in text
    assert "测试市场监督管理局" in text  # the signed-in header, as on every page


@override_settings(DEBUG=False)
@pytest.mark.parametrize("path", ["/catalog/no-such-item/", "/verify/NO-SUCH-CODE/qr.png"])
def test_anonymous_visitors_get_the_public_layout_on_a_404(path):
    text = assert_site_page(Client().get(path), 404)
    assert "页面不存在" in text
    assert f'href="{reverse("catalog:list")}"' in text and f'href="{reverse("login")}"' in text
    assert "退出登录" not in text and "返回工作台" not in text


def test_the_500_page_renders_without_the_database_or_the_request(django_assert_num_queries):
    """The page must show when the database is what failed: no context processor runs."""
    request = RequestFactory().get("/dashboard/", HTTP_REFERER=REFERER)
    with django_assert_num_queries(0):
        response = error_views.server_error(request)
    assert response.status_code == 500
    text = response.content.decode()
    assert "服务器出现错误" in text and "返回工作台" in text and "返回上一页" in text
    assert "退出登录" not in text and 'name="language"' not in text


@pytest.mark.parametrize("token", [None, "stale" * 13])
def test_a_form_sent_with_a_stale_csrf_token_gets_the_chinese_expired_page(
    supervision_clerk, token
):
    """A login renewed in another window rotates the token: the old form's POST is refused
    with a page that explains it and leads back to the form."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(supervision_clerk)
    form_url = reverse("credit:breach-create")
    assert client.get(form_url).status_code == 200  # sets the CSRF cookie
    body = {"text": "已填写的内容"} | ({"csrfmiddlewaretoken": token} if token else {})
    response = client.post(form_url, body, HTTP_REFERER=f"http://testserver{form_url}")
    text = assert_site_page(response, 403)
    assert "页面已过期，表单未能提交" in text
    assert "登录已过期" in text
    assert f'href="http://testserver{form_url}">返回上一页重新提交</a>' in text
    assert "CSRF" not in text


@override_settings(DEBUG=False, ROOT_URLCONF=ERROR_URLS)
@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/no-such-endpoint/", 404, "not_found"),
        ("/api/v1/test-errors/404/", 404, "not_found"),
        ("/api/v1/test-errors/403/", 403, "permission_denied"),
        ("/api/v1/test-errors/400/", 400, "bad_request"),
        ("/api/v1/test-errors/500/", 500, "server_error"),
    ],
)
def test_api_paths_keep_the_json_envelope(supervision_clerk, path, status, code):
    client = Client(raise_request_exception=False)
    client.force_login(supervision_clerk)
    response = client.get(path)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == code and error["fields"] == {}
    assert error["message"] and SECRET not in error["message"]


def test_a_drf_permission_error_keeps_the_services_reason_in_the_envelope(supervision_clerk):
    """R11: the API's own 403 (DRF's handler) is untouched by the HTML handlers."""
    response = logged_in(supervision_clerk).get("/api/v1/credit/verifications/")
    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "code": "permission_denied",
            "message": "只有行政审批部门可以核验信用承诺。",
            "fields": {},
        }
    }


def test_no_session_row_is_written_by_an_error_page(supervision_clerk):
    client = logged_in(supervision_clerk)
    before = list(Session.objects.values_list("session_key", "expire_date"))
    client.get("/no-such-page/")
    assert list(Session.objects.values_list("session_key", "expire_date")) == before
