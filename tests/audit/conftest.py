from typing import Any

import pytest
from django.contrib.auth import get_user_model

from organizations.models import Department, DepartmentKind, StaffMembership, StaffRole
from tests.audit.helpers import PASSWORD


@pytest.fixture
def audit_department(db: None) -> Department:
    return Department.objects.create(
        code="audit-scjg", name="审计测试市场监管局", kind=DepartmentKind.SUPERVISION
    )


@pytest.fixture
def other_department(db: None) -> Department:
    return Department.objects.create(
        code="audit-wjj", name="审计测试卫健局", kind=DepartmentKind.SUPERVISION
    )


@pytest.fixture
def staff_user(audit_department: Department) -> Any:
    user = get_user_model().objects.create_user(username="audit-clerk", password=PASSWORD)
    StaffMembership.objects.create(user=user, department=audit_department, role=StaffRole.CLERK)
    return user
