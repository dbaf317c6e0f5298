"""How a person who acted is named on a page (the ground floor: audit, organizations and every
app above them show names the same way): records store a stable label (the username,
"system" for the platform's own sweeps, "api:<client>" for a partner system); people read
the staff member's name, 系统自动 or the client system's name."""

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

SYSTEM_LABEL = "system"
API_PREFIX = "api:"


def staff_names() -> dict[str, str]:
    """Every user's name by username, in one query (staff are a few hundred at most)."""
    names = {}
    for username, first, last in get_user_model().objects.values_list(
        "username", "first_name", "last_name"
    ):
        full = f"{first} {last}".strip() if first and last else (first or last)
        if full:
            names[username] = full
    return names


def person_name(label: str | None, names: Mapping[str, str]) -> str:
    if not label:
        return "—"
    if label == SYSTEM_LABEL:
        return _("Automatic (system)")
    if label.startswith(API_PREFIX):
        return _("%(client)s (system interface)") % {"client": label.removeprefix(API_PREFIX)}
    return names.get(label, label)
