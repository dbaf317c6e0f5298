from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from demo.seed import demo_password
from organizations.models import Department, DepartmentKind, StaffMembership, StaffRole

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = demo_password()


def counts() -> tuple[int, int, int]:
    return (
        Department.objects.count(),
        get_user_model().objects.count(),
        StaffMembership.objects.count(),
    )


def test_seed_demo_loads_the_district_and_running_it_twice_creates_nothing_twice():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first

    assert Department.objects.filter(
        kind=DepartmentKind.APPROVAL, name="临淄区行政审批服务局"
    ).exists()
    supervision = Department.objects.filter(kind=DepartmentKind.SUPERVISION)
    assert supervision.count() >= 8
    for name in [
        "临淄区市场监督管理局",
        "临淄区卫生健康局",
        "临淄区应急管理局",
        "临淄区综合行政执法局",
    ]:
        assert supervision.filter(name=name).exists()
    for department in Department.objects.all():
        assert department.memberships.exclude(role=StaffRole.PLATFORM_ADMIN).count() == 2
    admins = StaffMembership.objects.filter(role=StaffRole.PLATFORM_ADMIN)
    assert admins.count() == 1 and admins.get().user.is_superuser

    printed = out.getvalue()
    assert DEMO_PASSWORD in printed and "platform_admin" in printed and "scjg_clerk" in printed


def test_demo_logins_work_with_the_printed_password():
    call_command("seed_demo", stdout=StringIO())
    user = get_user_model().objects.get(username="scjg_clerk")
    assert user.check_password(DEMO_PASSWORD)
    assert user.membership.department.name == "临淄区市场监督管理局"
