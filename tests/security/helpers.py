"""Helpers of the security tests (not imported from a conftest.py)."""

import contextlib
import importlib.util
import ipaddress
import socket
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import ModuleType
from typing import Any

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from tests.helpers import local_http_server

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


class LocalReceiver:
    """A partner's webhook endpoint on 127.0.0.1 that records what it gets (answers 204)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.port = 0


@contextlib.contextmanager
def local_receiver() -> Iterator[LocalReceiver]:
    state = LocalReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append({"path": self.path, "headers": self.headers, "body": body})
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with local_http_server(Handler) as port:
        state.port = port
        yield state


def resolver(table: dict[str, list[list[str]]]) -> Callable[..., list[tuple]]:
    """A stand-in for socket.getaddrinfo: `table` maps a host to its answers, one list of
    addresses per call, the last one repeated; an IP literal gives itself; any other host
    does not resolve."""

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[tuple]:
        if host in table:
            answers = table[host]
            addresses = answers.pop(0) if len(answers) > 1 else answers[0]
        else:
            try:
                addresses = [str(ipaddress.ip_address(host))]
            except ValueError:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (address, int(port or 0)),
            )
            for address in addresses
        ]

    return getaddrinfo


def load_push_client() -> ModuleType:
    """examples/push_client.py, the partner systems' example, as a module."""
    path = Path(__file__).resolve().parents[2] / "examples" / "push_client.py"
    spec = importlib.util.spec_from_file_location("linzi_push_client", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
