import factory
from django.contrib.auth import get_user_model

from organizations.models import Department, DepartmentKind, StaffMembership, StaffRole


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"测试监管部门{n}")
    kind = DepartmentKind.SUPERVISION


class ApprovalDepartmentFactory(DepartmentFactory):
    code = factory.Sequence(lambda n: f"appr{n}")
    name = factory.Sequence(lambda n: f"测试行政审批服务局{n}")
    kind = DepartmentKind.APPROVAL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "测试用户"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.cn")
    password = factory.PostGenerationMethodCall("set_password", "pw-Linzi-2026")

    @factory.post_generation
    def _save(obj, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            obj.save()


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff membership; `StaffFactory().user` is a user of that department."""

    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = StaffRole.CLERK
