from django.contrib.auth import get_user_model
from django.db import transaction

from audit.services import audit_record

from .models import ApiClient, Department, StaffMembership, StaffRole
from .scoping import Actor


def api_client_create(
    *, department: Department, name: str, actor: Actor | None = None
) -> tuple[ApiClient, str]:
    """Create a partner system's key; the plain key is returned once and never stored."""
    with transaction.atomic():
        client, key = ApiClient.objects.create_key(department=department, name=name)
        audit_record(
            actor=actor.user if actor else None,
            action="api_client.create",
            # The key's primary key embeds its hash; the short prefix identifies it.
            object_type="organizations.apiclient",
            object_id=client.prefix,
            department=department,
            details={"name": name, "prefix": client.prefix},
        )
    return client, key


def staff_member_ensure(
    *,
    username: str,
    password: str,
    department: Department,
    role: StaffRole,
    full_name: str = "",
    email: str = "",
) -> tuple[object, bool]:
    """Create a staff user with a membership, or leave an existing one as it is."""
    user_model = get_user_model()
    with transaction.atomic():
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": full_name,
                "email": email,
                "is_staff": role == StaffRole.PLATFORM_ADMIN,
                "is_superuser": role == StaffRole.PLATFORM_ADMIN,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        StaffMembership.objects.get_or_create(
            user=user, defaults={"department": department, "role": role}
        )
    return user, created
