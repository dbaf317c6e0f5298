from django import template

from approvals.models import ApprovalItem, LicenceStatus, item_display_name
from counterparties.validators import mask_phone as _mask_phone

register = template.Library()


@register.filter
def mask_phone(value: str) -> str:
    return _mask_phone(value or "")


@register.filter
def licence_status_label(value: str) -> str:
    try:
        return str(LicenceStatus(value).label)
    except ValueError:
        return value


@register.filter
def item_name(item: ApprovalItem | dict | None) -> str:
    """An item as people read it, from the catalog or from a payload's snapshot of it: its
    name and official code, never the platform's slug."""
    if not item:
        return "—"
    if isinstance(item, dict):
        return item_display_name(item.get("name") or "—", item.get("official_code") or "")
    return item.display_name
