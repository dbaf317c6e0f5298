"""Template helpers of the push detail page that never raise on a snapshot's values (R2)."""

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from notifications.snapshots import as_text, local_time_text

register = template.Library()


@register.filter
def entries(value: Any) -> list[tuple[str, str]]:
    """The (key, text) pairs of a dict as sent, nested values as compact JSON; none otherwise.

    A filter rather than `.items`: a snapshot may hold a key named "items"."""
    if not isinstance(value, dict):
        return []
    return [(str(key), as_text(item)) for key, item in value.items()]


@register.simple_tag
def snapshot_url(name: str, *args: Any) -> str:
    """The URL of an object a snapshot names by id, or "" when the id cannot name one."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def local_time(value: Any) -> str:
    """A time a snapshot holds as ISO 8601 text, in local time ("2026-12-01 21:18"): for the
    values inside a key the kind declares only as a dict (the commitment)."""
    if not isinstance(value, str) or not value:
        return as_text(value)
    return local_time_text(value)
