from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Credit approval")

    def ready(self) -> None:
        from . import push_kinds, reorganisation

        push_kinds.register()
        reorganisation.register()
