import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from organizations.models import ApiClient, DepartmentKind, StaffRole
from organizations.scoping import actor_for_api_client, actor_for_user, scope_to_department
from tests.factories import ApprovalDepartmentFactory, DepartmentFactory, StaffFactory

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


def test_require_kind_answers_the_actors_own_department_of_that_kind():
    approval = ApprovalDepartmentFactory()
    actor = actor_for_user(StaffFactory(department=approval).user)
    assert actor.is_of_kind(DepartmentKind.APPROVAL)
    assert actor.require_kind(DepartmentKind.APPROVAL, "只有审批部门可以这样做。") == approval


def test_require_kind_refuses_a_department_of_another_kind_with_the_reason_given():
    actor = actor_for_user(StaffFactory(department=DepartmentFactory()).user)
    assert not actor.is_of_kind(DepartmentKind.APPROVAL)
    with pytest.raises(PermissionDenied, match="只有审批部门可以这样做。"):
        actor.require_kind(DepartmentKind.APPROVAL, "只有审批部门可以这样做。")


def test_require_kind_refuses_an_actor_without_a_department_even_a_platform_admin():
    superuser = get_user_model().objects.create_superuser("root", "root@example.gov.cn", "pw")
    admin = actor_for_user(superuser)
    assert admin.is_platform_admin and admin.department is None
    assert not admin.is_of_kind(DepartmentKind.SUPERVISION)
    with pytest.raises(PermissionDenied, match="只有监管部门可以这样做。"):
        admin.require_kind(DepartmentKind.SUPERVISION, "只有监管部门可以这样做。")


def test_require_kind_holds_for_an_api_client_of_its_department():
    client, _key = ApiClient.objects.create_key(department=DepartmentFactory(), name="监管系统")
    actor = actor_for_api_client(client)
    assert actor.require_kind(DepartmentKind.SUPERVISION, "只有监管部门可以这样做。") == (
        client.department
    )
    with pytest.raises(PermissionDenied):
        actor.require_kind(DepartmentKind.APPROVAL, "只有审批部门可以这样做。")
