"""Web clients of the benchmark, signed in as each role would be."""

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.two_factor import AUTHENTICATOR_NAME


def admin_signed_in(user: Any) -> Client:
    """The platform admin's browser after both sign-in steps: the password and the second
    factor (a confirmed authenticator whose id the session holds, as django-otp's login leaves
    it), so each request pays the device lookup it pays in production."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
