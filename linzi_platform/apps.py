"""App configurations of third-party apps, for the names people read in the admin."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    """django-axes (login lockout) under a Chinese name in the admin's index; its models'
    and fields' names are translated in locale/zh_Hans (axes ships no zh_Hans catalogue)."""

    verbose_name = _("Login security")
