from django import template

from approvals.models import LicenceStatus
from approvals.validators import mask_phone as _mask_phone

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
