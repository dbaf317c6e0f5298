import pytest
from django.contrib.auth import get_user_model

from organizations.models import ApiClient, StaffRole
from organizations.scoping import actor_for_api_client, actor_for_user, scope_to_department
from tests.factories import DepartmentFactory, StaffFactory

pytestmark = pytest.mark.django_db


def make_clients():
    mine, other = DepartmentFactory(), DepartmentFactory()
    own_client, _ = ApiClient.objects.create_key(department=mine, name="own")
    ApiClient.objects.create_key(department=other, name="foreign")
    return mine, own_client


def test_a_clerk_sees_only_the_rows_of_their_own_department():
    mine, own_client = make_clients()
    clerk = StaffFactory(department=mine).user
    scoped = scope_to_department(
        ApiClient.objects.all(), actor=actor_for_user(clerk), via=["department"]
    )
    assert list(scoped) == [own_client]


def test_an_api_client_acts_for_its_own_department():
    mine, own_client = make_clients()
    actor = actor_for_api_client(own_client)
    assert actor.department == mine
    scoped = scope_to_department(ApiClient.objects.all(), actor=actor, via=["department"])
    assert list(scoped) == [own_client]


def test_a_platform_admin_sees_every_department():
    make_clients()
    admin = StaffFactory(role=StaffRole.PLATFORM_ADMIN).user
    scoped = scope_to_department(
        ApiClient.objects.all(), actor=actor_for_user(admin), via=["department"]
    )
    assert scoped.count() == 2


def test_a_user_without_a_department_sees_nothing():
    make_clients()
    user = get_user_model().objects.create_user("loner", password="x-Linzi-2026")
    actor = actor_for_user(user)
    assert actor.department is None
    assert not scope_to_department(
        ApiClient.objects.all(), actor=actor, via=["department"]
    ).exists()


def test_several_lookups_match_either_side_without_duplicates():
    mine, own_client = make_clients()
    clerk = StaffFactory(department=mine).user
    scoped = scope_to_department(
        ApiClient.objects.all(), actor=actor_for_user(clerk), via=["department", "department"]
    )
    assert list(scoped) == [own_client]
