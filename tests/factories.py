import datetime

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
    def _save(obj, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff membership; `StaffFactory().user` is a user of that department."""

    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = StaffRole.CLERK


def valid_credit_code(body: str = "91370305MA3C8Q7X") -> str:
    """A 统一社会信用代码 with the right GB 32100 check character for its 17 first chars."""
    from counterparties.validators import credit_code_check_char

    first17 = (body + "0" * 17)[:17]
    return first17 + credit_code_check_char(first17)


def valid_id_number(first17: str = "37030519800101123") -> str:
    from counterparties.validators import id_number_check_char

    return first17 + id_number_check_char(first17)


class ApprovalItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "approvals.ApprovalItem"
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"item-{n}")
    name = factory.Sequence(lambda n: f"测试许可事项{n}")
    legal_basis = "《中华人民共和国行政许可法》"
    conditions = "符合法定条件"
    procedure = "申请—受理—审查—决定—送达"
    time_limit = "法定20个工作日，承诺5个工作日"
    fees = "不收费"
    materials = "1. 申请书\n2. 营业执照"

    @factory.post_generation
    def supervision_departments(obj, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted:
            obj.supervision_departments.set(extracted)


def record_licence(
    clerk,
    item,
    *,
    name: str = "临淄齐鲁食品有限公司",
    credit_body: str = "91370305MA3CAP10",
    licence_no: str = "JY13703050000001",
    decided_on: datetime.date | None = None,
    **extra,
):
    """A licence decided by `clerk` through the real service (pushes, audit and all)."""
    from approvals.services import DecisionInput, licence_decide
    from organizations.scoping import actor_for_user

    decided_on = decided_on or datetime.date(2026, 9, 30)
    return licence_decide(
        actor=actor_for_user(clerk),
        decision=DecisionInput(
            item=item,
            counterparty={
                "name": name,
                "credit_code": valid_credit_code(credit_body),
                "contact_name": "王五",
                "contact_phone": "0533-7181234",
            },
            licence_no=licence_no,
            licence_date=decided_on,
            valid_from=decided_on,
            **extra,
        ),
    )


def bulk_pushes(
    *,
    sender: Department,
    receivers: list[Department],
    count: int,
    sent_at: datetime.datetime,
    deadline: datetime.datetime,
    deadline_step: datetime.timedelta = datetime.timedelta(0),
    title: str = "push",
) -> list:
    """`count` pending pushes in one INSERT, sent at `sent_at` to `receivers` in turn; the
    n-th is due at `deadline + n * deadline_step` (distinct deadlines fix a sweep's order)."""
    from notifications.models import Push

    return Push.objects.bulk_create(
        Push(
            kind="approval_decision",
            sender=sender,
            receiver=receivers[n % len(receivers)],
            sent_at=sent_at,
            sent_by_label="test",
            deadline=deadline + n * deadline_step,
            title=f"{title} {n}",
            payload={},
            subject_type="test.subject",
            subject_id=str(n),
        )
        for n in range(count)
    )
