"""Logged-in web clients and API clients for tests."""

from io import StringIO

from django.core.management import call_command
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from organizations.two_factor import AUTHENTICATOR_NAME, is_enrolled, two_factor_required


def authenticator_for(user) -> TOTPDevice:
    """The user's authenticator, set up (confirmed) if they had none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=True)


def sign_in(client: Client, user) -> Client:
    """Sign `client` in as `user` the whole way: the password step (force_login) and, for an
    administrator or anyone who set up two-factor sign-in, the second factor, as if they had
    entered their authenticator's code (organizations.two_factor)."""
    client.force_login(user)
    if two_factor_required(user) or is_enrolled(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
        session.save()
    return client


def logged_in(user) -> Client:
    return sign_in(Client(), user)


def api_key_for(department, *, name: str = "系统") -> str:
    """A new key of `department`, made the way an admin makes one (the command's last line)."""
    out = StringIO()
    call_command("create_api_client", department=department.code, name=name, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def api_for(department, *, name: str = "系统") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key_for(department, name=name)}")
    return client
