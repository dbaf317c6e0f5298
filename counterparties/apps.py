from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounterpartiesConfig(AppConfig):
    name = "counterparties"
    verbose_name = _("counterparties")
