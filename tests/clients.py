"""Logged-in web clients and API clients for tests."""

from io import StringIO

from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_key_for(department, *, name: str = "系统") -> str:
    """A new key of `department`, made the way an admin makes one (the command's last line)."""
    out = StringIO()
    call_command("create_api_client", department=department.code, name=name, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def api_for(department, *, name: str = "系统") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key_for(department, name=name)}")
    return client
