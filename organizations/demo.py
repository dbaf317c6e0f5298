"""Demo departments and staff of a Chinese district; loaded by `manage.py seed_demo`."""

from django.db import transaction

from .models import Department, DepartmentKind, StaffRole
from .services import staff_member_ensure

DEMO_PASSWORD = "Linzi@2026"  # noqa: S105 - demo data only, printed by `make run`

APPROVAL_DEPARTMENTS = [("xzsp", "临淄区行政审批服务局")]
SUPERVISION_DEPARTMENTS = [
    ("scjg", "临淄区市场监督管理局"),
    ("wsjk", "临淄区卫生健康局"),
    ("yjgl", "临淄区应急管理局"),
    ("sthj", "淄博市生态环境局临淄分局"),
    ("zjj", "临淄区住房和城乡建设局"),
    ("jtys", "临淄区交通运输局"),
    ("whly", "临淄区文化和旅游局"),
    ("zhzf", "临淄区综合行政执法局"),
    ("nync", "临淄区农业农村局"),
    ("jyty", "临淄区教育和体育局"),
    ("slj", "临淄区水利局"),
]
STAFF_NAMES = {
    "xzsp": ("王丽华", "张建国"),
    "scjg": ("李明", "刘红梅"),
    "wsjk": ("陈静", "杨志强"),
    "yjgl": ("赵磊", "黄晓燕"),
    "sthj": ("周涛", "吴秀英"),
    "zjj": ("徐伟", "孙海燕"),
    "jtys": ("马超", "朱丽"),
    "whly": ("胡军", "郭芳"),
    "zhzf": ("林峰", "何敏"),
    "nync": ("高强", "罗娟"),
    "jyty": ("梁斌", "宋玉兰"),
    "slj": ("谢勇", "韩雪"),
}
PLATFORM_ADMIN = ("platform_admin", "平台管理员 郑洁")


def seed_departments_and_staff() -> list[tuple[str, str, str, str]]:
    """Create what is missing and return the demo logins (username, name, department, role)."""
    logins: list[tuple[str, str, str, str]] = []
    with transaction.atomic():
        for kind, rows in (
            (DepartmentKind.APPROVAL, APPROVAL_DEPARTMENTS),
            (DepartmentKind.SUPERVISION, SUPERVISION_DEPARTMENTS),
        ):
            for code, name in rows:
                department, _ = Department.objects.get_or_create(
                    code=code, defaults={"name": name, "kind": kind}
                )
                clerk_name, head_name = STAFF_NAMES[code]
                for suffix, role, full_name in (
                    ("clerk", StaffRole.CLERK, clerk_name),
                    ("head", StaffRole.HEAD, head_name),
                ):
                    username = f"{code}_{suffix}"
                    staff_member_ensure(
                        username=username,
                        password=DEMO_PASSWORD,
                        department=department,
                        role=role,
                        full_name=full_name,
                        email=f"{username}@linzi.example.gov.cn",
                    )
                    logins.append((username, full_name, name, str(role.label)))
        approval = Department.objects.get(code=APPROVAL_DEPARTMENTS[0][0])
        staff_member_ensure(
            username=PLATFORM_ADMIN[0],
            password=DEMO_PASSWORD,
            department=approval,
            role=StaffRole.PLATFORM_ADMIN,
            full_name=PLATFORM_ADMIN[1],
            email="platform_admin@linzi.example.gov.cn",
        )
        logins.insert(
            0,
            (
                PLATFORM_ADMIN[0],
                PLATFORM_ADMIN[1],
                approval.name,
                str(StaffRole.PLATFORM_ADMIN.label),
            ),
        )
    return logins
