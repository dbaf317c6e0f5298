"""App configurations of third-party apps, for the names people read in the admin."""

from axes.apps import AppConfig as AxesAppConfig
from django.db.models import Field, Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as OtpStaticAppConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OtpTotpAppConfig


class AxesConfig(AxesAppConfig):
    """django-axes (login lockout) under a Chinese name in the admin's index; its models'
    and fields' names are translated in locale/zh_Hans (axes ships no zh_Hans catalogue)."""

    verbose_name = _("Login security")


def names_translated(model: type[Model]) -> None:
    """Give a library model's English names (its own, its fields' and their help) to gettext,
    so the project's catalogue names them in the admin. Only the shown names change: Django's
    migrations compare the names as written, and a lazy English name still equals them.
    Idempotent; the admin's module calls it too, since the admin app is ready (and builds
    its ModelAdmins) before these apps are."""
    meta = model._meta
    if isinstance(meta.verbose_name, Promise):
        return
    meta.verbose_name = gettext_lazy(str(meta.verbose_name))
    meta.verbose_name_plural = gettext_lazy(str(meta.verbose_name_plural))
    for field in meta.get_fields():
        if not isinstance(field, Field):
            continue
        field.verbose_name = gettext_lazy(str(field.verbose_name))
        if field.help_text:
            field.help_text = gettext_lazy(str(field.help_text))


class OtpTotpConfig(OtpTotpAppConfig):
    """django-otp's authenticator-app devices (two-factor sign-in) under a Chinese name."""

    verbose_name = _("Two-factor sign-in")

    def ready(self) -> None:
        super().ready()
        names_translated(self.get_model("TOTPDevice"))


class OtpStaticConfig(OtpStaticAppConfig):
    """django-otp's one-time recovery codes under a Chinese name."""

    verbose_name = _("Recovery codes")

    def ready(self) -> None:
        super().ready()
        names_translated(self.get_model("StaticDevice"))
        names_translated(self.get_model("StaticToken"))
