from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """`seed_demo` and `simulate_day`: the demo district and a simulated working day. On the
    top layer, since both span every app; the demo data are the files in data/."""

    name = "demo"
    verbose_name = _("Demo data")

    def ready(self) -> None:
        from organizations.two_factor import register_demo_accounts

        from .seed import is_demo_account

        # `make run` lets the demo admin sign in with the README's password alone
        # (settings.TWO_FACTOR_EXEMPT_DEMO, refused in production).
        register_demo_accounts(is_demo_account)
