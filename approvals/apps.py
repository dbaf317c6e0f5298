from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from notifications.items import register_item_choices


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Approvals")

    def ready(self) -> None:
        from django.core import checks

        from . import push_kinds, reorganisation
        from .imports.checks import check_import_limits

        push_kinds.register()
        reorganisation.register()
        register_item_choices(_item_choices)
        checks.register(check_import_limits)


def _item_choices() -> list[tuple[str, str]]:
    from .models import ApprovalItem

    return list(ApprovalItem.objects.order_by("name", "code").values_list("code", "name"))
