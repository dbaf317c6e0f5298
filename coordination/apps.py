from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Coordination")

    def ready(self) -> None:
        from . import decision_checks, reorganisation, todo

        decision_checks.register()
        reorganisation.register()
        todo.register()
