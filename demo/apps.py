from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """`seed_demo` and `simulate_day`: the demo district and a simulated working day. On the
    top layer, since both span every app; the demo data are the files in data/."""

    name = "demo"
    verbose_name = _("Demo data")

    def ready(self) -> None:
        from organizations.passwords import password_policy_exempt_register
        from organizations.two_factor import register_demo_accounts

        from .seed import demo_usernames, is_demo_account

        # `make run` lets the demo accounts sign in with the README's password alone: no second
        # factor (TWO_FACTOR_EXEMPT_DEMO) and no forced change (PASSWORD_POLICY_EXEMPT_DEMO);
        # both are refused or never set in production.
        register_demo_accounts(is_demo_account)
        password_policy_exempt_register(demo_usernames)
