from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Credit approval")

    def ready(self) -> None:
        from . import decision_checks, push_kinds, reorganisation, todo

        decision_checks.register()
        push_kinds.register()
        reorganisation.register()
        todo.register()
