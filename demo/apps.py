from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """`seed_demo` and `simulate_day`: the demo district and a simulated working day. On the
    top layer, since both span every app; the demo data are the files in data/."""

    name = "demo"
    verbose_name = _("Demo data")
