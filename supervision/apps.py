from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from . import decision_checks, push_kinds, todo

        decision_checks.register()
        push_kinds.register()
        todo.register()
