from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Pushes and notifications")

    def ready(self) -> None:
        from django.core import checks

        from . import reorganisation, todo
        from .background import pushes_auto_claim_overdue_in_background
        from .fanout import pushes_fan_out_missing
        from .feedback.services import feedback_mark_overdue
        from .sms.checks import check_sms_settings
        from .sweeps import Sweep, sweep_register

        reorganisation.register()
        todo.register()
        sweep_register(
            Sweep("notifications.auto_claim_overdue", pushes_auto_claim_overdue_in_background)
        )
        sweep_register(Sweep("notifications.mark_overdue_feedback", feedback_mark_overdue))
        sweep_register(
            Sweep("notifications.fan_out_missing", pushes_fan_out_missing, settles_deadlines=False)
        )
        checks.register(check_sms_settings)
