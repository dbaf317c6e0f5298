"""The demo district, read from the data files beside this module: departments and staff
(organizations.yaml), the catalog of transferred items (items.yaml) and the credit-approval
catalog (credit_catalog.yaml). Idempotent: what exists is matched by code and left as it is
or brought back to these values, so `seed_demo` run twice creates nothing twice."""

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.files.base import ContentFile
from django.db import transaction

from approvals.models import ApprovalItem, CreditMode, ImportantCategory, ItemSampleText
from credit.models import CreditCatalogEntry
from credit.services import credit_entry_save
from organizations.models import Department, DepartmentKind, StaffRole
from organizations.scoping import Actor
from organizations.services import staff_member_ensure

DATA = Path(__file__).resolve().parent / "data"


@cache
def demo_data(name: str) -> Any:
    """One data file, parsed once per process."""
    with (DATA / f"{name}.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def demo_password() -> str:
    """The one password of every demo login, printed by `make run`."""
    return demo_data("organizations")["password"]


def demo_usernames() -> frozenset[str]:
    """The demo logins (every department's clerk and head, and the platform administrator)."""
    data = demo_data("organizations")
    names = {data["platform_admin"]["username"]}
    for rows in (data["approval_departments"], data["supervision_departments"]):
        for row in rows:
            names.update({f"{row['code']}_clerk", f"{row['code']}_head"})
    return frozenset(names)


def demo_items() -> list[dict[str, Any]]:
    return demo_data("items")["items"]


def demo_supervision_departments() -> list[tuple[str, str]]:
    return [
        (row["code"], row["name"]) for row in demo_data("organizations")["supervision_departments"]
    ]


# --- departments and staff ------------------------------------------------------------------


def seed_departments_and_staff() -> list[tuple[str, str, str, str]]:
    """Create what is missing and return the demo logins (username, name, department, role)."""
    data = demo_data("organizations")
    password = data["password"]
    logins: list[tuple[str, str, str, str]] = []
    with transaction.atomic():
        for kind, rows in (
            (DepartmentKind.APPROVAL, data["approval_departments"]),
            (DepartmentKind.SUPERVISION, data["supervision_departments"]),
        ):
            for row in rows:
                code, name = row["code"], row["name"]
                department, _ = Department.objects.get_or_create(
                    code=code, defaults={"name": name, "kind": kind}
                )
                clerk_name, head_name = row["staff"]
                for suffix, role, full_name in (
                    ("clerk", StaffRole.CLERK, clerk_name),
                    ("head", StaffRole.HEAD, head_name),
                ):
                    username = f"{code}_{suffix}"
                    staff_member_ensure(
                        username=username,
                        password=password,
                        department=department,
                        role=role,
                        full_name=full_name,
                        email=f"{username}@linzi.example.gov.cn",
                    )
                    logins.append((username, full_name, name, str(role.label)))
        admin = data["platform_admin"]
        approval = Department.objects.get(code=data["approval_departments"][0]["code"])
        staff_member_ensure(
            username=admin["username"],
            password=password,
            department=approval,
            role=StaffRole.PLATFORM_ADMIN,
            full_name=admin["full_name"],
            email=f"{admin['username']}@linzi.example.gov.cn",
        )
        logins.insert(
            0,
            (
                admin["username"],
                admin["full_name"],
                approval.name,
                str(StaffRole.PLATFORM_ADMIN.label),
            ),
        )
    return logins


# --- the catalog of transferred items -------------------------------------------------------


def _item_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": row["name"],
        "legal_basis": row["legal_basis"],
        "conditions": row["conditions"],
        "quantity_limits": row.get("quantity_limits", ""),
        "procedure": row["procedure"],
        "time_limit": row["time_limit"],
        "fees": row["fees"],
        "materials": row["materials"],
        "integrated_licence": row.get("integrated_licence", False),
        "notification_commitment": row.get("notification_commitment", False),
        "credit_mode": row.get("credit_mode", CreditMode.NONE),
        "important_category": row.get("important_category", ImportantCategory.NONE),
        "active": True,
    }


def seed_items() -> int:
    """Create or refresh the demo catalog; returns how many items it holds. Supervision
    departments are looked up by code and silently skipped if missing."""
    items = demo_items()
    sample_body = demo_data("items")["sample_body"]
    wanted_codes = {code for row in items for code in row["departments"]}
    departments = {d.code: d for d in Department.objects.filter(code__in=wanted_codes)}
    with transaction.atomic():
        for row in items:
            item, _created = ApprovalItem.objects.update_or_create(
                code=row["code"], defaults=_item_fields(row)
            )
            item.supervision_departments.set(
                [departments[code] for code in row["departments"] if code in departments]
            )
            for index, title in enumerate(row.get("samples", []), start=1):
                if item.sample_texts.filter(title=title).exists():
                    continue
                sample = ItemSampleText(item=item, title=title)
                body = sample_body.format(title=title, item=item.name).encode("utf-8")
                sample.file.save(f"{item.code}-{index}.txt", ContentFile(body), save=False)
                sample.save()
    return len(items)


# --- the credit-approval catalog ------------------------------------------------------------


def _numbered(lines: list[str]) -> str:
    return "\n".join(f"{index}. {line}" for index, line in enumerate(lines, start=1))


def _terms_for(item: ApprovalItem) -> dict[str, str]:
    data = demo_data("credit_catalog")
    terms = data["terms"].get(item.code)
    numerals = data["numerals"]
    departments = "、".join(
        item.supervision_departments.order_by("code").values_list("name", flat=True)
    )
    if terms is None:  # an item added to the demo later: derived from its own catalog text
        conditions = f"{data['access_condition']}\n{item.conditions}"
        materials = f"{item.materials}\n（另须提交信用承诺书。）"
        promises: list[str] = []
    else:
        conditions = _numbered([data["access_condition"], *terms["conditions"]])
        materials = _numbered(terms["materials"])
        promises = terms["promises"]
    body = data["commitment_head"].format(item=item.name)
    for index, promise in enumerate(promises, start=3):
        body += f"{numerals[index - 1]}、{promise}\n"
    n = 3 + len(promises)
    body += data["commitment_tail"].format(n=numerals[n - 1], n2=numerals[n])
    return {
        "conditions": conditions,
        "materials": materials,
        "commitment_text": body,
        "supervision_method": data["supervision_method"].format(
            departments=departments or "监管部门"
        ),
        "legal_consequences": data["legal_consequences"],
    }


def seed_credit_catalog() -> int:
    """Give every demo item decided by credit approval its catalog entry (R9), written through
    the service so each starts at version v1; returns how many entries were created (0 when
    run again: an item that has an entry is left alone, its history is the record)."""
    modes = {
        row["code"]: row["credit_mode"]
        for row in demo_items()
        if row.get("credit_mode", CreditMode.NONE) != CreditMode.NONE
    }
    actor = Actor(
        department=Department.objects.filter(
            code=demo_data("credit_catalog")["approval_department"]
        ).first(),
        role=StaffRole.PLATFORM_ADMIN,
    )
    existing = set(
        CreditCatalogEntry.objects.filter(item__code__in=modes).values_list("item__code", flat=True)
    )
    created = 0
    with transaction.atomic():
        for item in ApprovalItem.objects.filter(code__in=modes).order_by("code"):
            if item.code in existing:
                continue
            credit_entry_save(actor=actor, item=item, mode=modes[item.code], **_terms_for(item))
            created += 1
    return created
