"""How the web pages show a service's conflict to a person."""

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from linzi_platform.errors import DuplicateRecord


def duplicate_message(exc: DuplicateRecord) -> SafeString:
    """The duplicate's reason with a link to the record already kept."""
    return format_html(
        '{} <a href="{}">{}</a>', str(exc), exc.existing.url, _("Open the existing record")
    )
