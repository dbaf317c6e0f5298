"""Helpers of the security tests (not imported from a conftest.py)."""

from typing import Any

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

PASSWORD = "pw-Linzi-2026"  # tests.factories.UserFactory's


def login(
    client: Client, username: str, password: str, address: str, **headers: Any
) -> HttpResponse:
    """POST the login form from `address` (REMOTE_ADDR)."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def fail(client: Client, username: str, address: str, times: int) -> HttpResponse:
    """`times` wrong passwords for `username` from `address`; the last answer."""
    response = HttpResponse()
    for _attempt in range(times):
        response = login(client, username, "wrong-password", address)
    return response
