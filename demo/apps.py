from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """`seed_demo` and `simulate_day`: the demo district and a simulated working day. On the
    top layer, since both span every app; the demo data are the files in data/."""

    name = "demo"
    verbose_name = _("Demo data")

    def ready(self) -> None:
        from organizations.passwords import password_policy_exempt_register

        from .seed import demo_usernames

        # Exempt from forced password changes only where PASSWORD_POLICY_EXEMPT_DEMO is set
        # (`make run`), so a newcomer signs in with the README's password.
        password_policy_exempt_register(demo_usernames)
