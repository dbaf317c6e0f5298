import pytest

from organizations.scoping import actor_for_user
from tests.factories import ApprovalItemFactory, DepartmentFactory, StaffFactory


@pytest.fixture
def safety_department(db):
    return DepartmentFactory(code="yjgl-test", name="临淄区应急管理局")


@pytest.fixture
def safety_clerk(safety_department):
    return StaffFactory(department=safety_department).user


@pytest.fixture
def outsider_department(db):
    """A supervision department involved in nothing: it must find nothing (404)."""
    return DepartmentFactory(code="wsjk-test", name="测试卫生健康局")


@pytest.fixture
def outsider_clerk(outsider_department):
    return StaffFactory(department=outsider_department).user


@pytest.fixture
def important_item(supervision_department, safety_department):
    return ApprovalItemFactory(
        code="hazchem-store",
        name="危险化学品仓储经营许可",
        important_category="work_safety",
        supervision_departments=[supervision_department, safety_department],
    )


@pytest.fixture
def approval_actor(approval_clerk):
    return actor_for_user(approval_clerk)


@pytest.fixture
def supervision_actor(supervision_clerk):
    return actor_for_user(supervision_clerk)


@pytest.fixture
def safety_actor(safety_clerk):
    return actor_for_user(safety_clerk)


@pytest.fixture
def english():
    """Messages in their English msgids, whatever the translators have done since."""
    from django.utils import translation

    with translation.override("en"):
        yield
