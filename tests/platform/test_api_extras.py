import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from linzi_platform.throttling import ApiClientRateThrottle, StaffUserRateThrottle
from tests.clients import api_key_for
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def key_for(code: str) -> str:
    return api_key_for(DepartmentFactory(code=code))


def test_each_api_key_is_throttled_with_429_and_retry_after(monkeypatch):
    monkeypatch.setattr(ApiClientRateThrottle, "THROTTLE_RATES", {"api_client": "2/minute"})
    first, second = APIClient(), APIClient()
    first.credentials(HTTP_AUTHORIZATION=f"Api-Key {key_for('t-one')}")
    second.credentials(HTTP_AUTHORIZATION=f"Api-Key {key_for('t-two')}")
    assert [first.get("/api/v1/me/").status_code for _ in range(2)] == [200, 200]
    limited = first.get("/api/v1/me/")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert limited.json()["error"]["code"] == "throttled"
    assert second.get("/api/v1/me/").status_code == 200  # another key has its own bucket


def test_web_users_are_throttled_per_user(monkeypatch, supervision_clerk):
    monkeypatch.setattr(StaffUserRateThrottle, "THROTTLE_RATES", {"staff_user": "1/minute"})
    client = APIClient()
    client.force_login(supervision_clerk)
    assert client.get("/api/v1/me/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 429


def test_swagger_ui_is_served_from_local_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()


@pytest.mark.parametrize(
    "path", ["/api/v1/pushes/abc/", "/api/v1/no-such-thing/", "/api/v1/licences/1/claim/x/"]
)
def test_an_unknown_api_path_answers_the_json_error_envelope(path):
    client = APIClient()
    for response in (client.get(path), client.post(path, {}, format="json")):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]["code"] == "not_found"
        assert response.json()["error"]["message"] == "未找到。"


@pytest.mark.parametrize("page_size", ["0", "201", "abc", "-1", ""])
def test_a_bad_page_size_is_a_400_naming_the_parameter(page_size):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key_for('page-size')}")
    response = client.get("/api/v1/pushes/", {"page_size": page_size})
    assert response.status_code == 400
    assert "page_size" in response.json()["error"]["fields"]
    assert "1" in response.json()["error"]["fields"]["page_size"][0]


def test_a_tampered_cursor_is_a_400_naming_the_parameter():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key_for('cursor')}")
    response = client.get("/api/v1/pushes/", {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["cursor"]
    assert client.get("/api/v1/pushes/", {"page_size": "200"}).status_code == 200
