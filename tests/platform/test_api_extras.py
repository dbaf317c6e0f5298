from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from linzi_platform.throttling import ApiClientRateThrottle, StaffUserRateThrottle
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def key_for(code: str) -> str:
    DepartmentFactory(code=code)
    out = StringIO()
    call_command("create_api_client", department=code, name="sys", stdout=out)
    return out.getvalue().strip().splitlines()[-1]


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
