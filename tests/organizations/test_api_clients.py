from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from organizations.models import ApiClient
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def create_key(code: str = "scjg-k", name: str = "监管业务系统") -> str:
    DepartmentFactory(code=code, name=f"部门{code}")
    out = StringIO()
    call_command("create_api_client", department=code, name=name, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def whoami(key: str):
    return APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Api-Key {key}")


def test_create_api_client_prints_the_key_on_its_last_line_and_stores_only_a_fast_hash():
    key = create_key()
    client = ApiClient.objects.get()
    assert client.department.code == "scjg-k"
    assert key.startswith(client.prefix + ".")
    assert key not in client.hashed_key and key not in client.id
    # A fast hash (sha512), never PBKDF2 on the request path.
    assert client.hashed_key.startswith("sha512$$")
    assert AuditEvent.objects.filter(action="api_client.create").count() == 1


def test_a_key_authenticates_as_its_department_and_records_when_it_was_used():
    key = create_key()
    response = whoami(key)
    assert response.status_code == 200
    assert response.json()["department"]["code"] == "scjg-k"
    assert response.json()["principal"] == "api:监管业务系统"
    assert ApiClient.objects.get().last_used_at is not None


def test_the_key_is_found_with_its_department_in_one_query_as_the_orm_would_load_it(
    django_assert_num_queries,
):
    """The lookup every API request makes is one SELECT written once (P5): the client and
    its department come back as the ORM loads them, aware datetimes included."""
    key = create_key()
    ApiClient.objects.update(
        last_used_at=timezone.now(), expiry_date=timezone.now() + timedelta(days=30)
    )
    expected = ApiClient.objects.select_related("department").get()
    with django_assert_num_queries(1):
        client = ApiClient.objects.get_from_key(key)
        department = client.department
    assert client == expected and department == expected.department
    assert client.name == "监管业务系统" and department.code == "scjg-k"
    assert client.last_used_at == expected.last_used_at and timezone.is_aware(client.last_used_at)
    assert client.expiry_date == expected.expiry_date and not client.has_expired
    assert client.created == expected.created and timezone.is_aware(client.created)
    with pytest.raises(ApiClient.DoesNotExist):
        ApiClient.objects.get_from_key(key[:-1] + ("A" if key[-1] != "A" else "B"))


def test_a_revoked_key_is_refused_at_once():
    key = create_key()
    ApiClient.objects.update(revoked=True)
    response = whoami(key)
    assert response.status_code == 401
    assert response.json()["error"]["message"]


def test_an_expired_key_is_refused():
    key = create_key()
    ApiClient.objects.update(expiry_date=timezone.now() - timedelta(minutes=1))
    assert whoami(key).status_code == 401


@pytest.mark.parametrize(
    "bad",
    ["nonsense", "abc.def", "", "x" * 5000, "前缀.密钥"],
    ids=["nonsense", "prefix-dot-secret", "empty", "5000-characters", "chinese"],
)
def test_a_wrong_key_is_refused_without_a_server_error(bad):
    create_key()
    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Api-Key {bad}")
    assert response.status_code in (401, 403), bad


def test_an_unknown_department_code_is_named_and_creates_nothing():
    DepartmentFactory(code="scjg-k")
    with pytest.raises(CommandError, match="部门代码“nope”不存在"):
        call_command("create_api_client", department="nope", name="x", stdout=StringIO())
    with pytest.raises(CommandError, match="--name"):
        call_command("create_api_client", department="scjg-k", name="  ", stdout=StringIO())
    assert not ApiClient.objects.exists()


def test_the_public_department_list_needs_no_login():
    DepartmentFactory(code="aaa", name="甲部门")
    response = APIClient().get("/api/v1/departments/")
    assert response.status_code == 200
    assert {"code": "aaa", "name": "甲部门", "kind": "supervision"} in response.json()


def test_without_credentials_the_api_answers_401_in_the_error_envelope():
    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message", "fields"}
