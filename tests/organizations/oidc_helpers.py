"""The test identity provider (tests/oidc_provider, django-oauth-toolkit in a second process on
127.0.0.1), a person's browser going through it, and a proxy in front of its token endpoint
that tampers with the ID token on the way to the platform."""

import base64
import contextlib
import hashlib
import json
import os
import select
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from bs4 import BeautifulSoup
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from tests.helpers import local_http_server
from tests.services import ROOT

PASSWORD = "idp-Pass-2026"
PLATFORM = "linzi-platform"
OTHER = "other-system"
SECRETS = {PLATFORM: "platform-secret-0123456789", OTHER: "other-secret-0123456789"}
PLATFORM_CALLBACK = "http://testserver/accounts/oidc/callback/"
OTHER_CALLBACK = "http://127.0.0.1:9/other/callback"
# A request to the provider that takes longer is a failure, not a wait.
TIMEOUT = 5
START_TIMEOUT = 30


@dataclass(frozen=True)
class Provider:
    issuer: str
    log: Path

    @property
    def token_endpoint(self) -> str:
        return f"{self.issuer}/token/"


def _rsa_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


@contextlib.contextmanager
def identity_provider(
    people: dict[str, dict[str, str]], *, platform_callback: str = PLATFORM_CALLBACK
) -> Iterator[Provider]:
    """Start the provider with `people` (account → name, department) and the two client
    applications (the platform's redirecting to `platform_callback`: a live server's, for a
    real browser); stop it when the block ends."""
    with tempfile.TemporaryDirectory(prefix="oidc-provider-") as folder:
        config = Path(folder) / "config.json"
        config.write_text(
            json.dumps(
                {
                    "database": str(Path(folder) / "provider.sqlite3"),
                    "rsa_private_key": _rsa_key_pem(),
                    "password": PASSWORD,
                    "people": people,
                    "clients": [
                        {
                            "name": "临淄区审批监管互动平台",
                            "client_id": PLATFORM,
                            "client_secret": SECRETS[PLATFORM],
                            "redirect_uri": platform_callback,
                        },
                        {
                            "name": "另一个业务系统",
                            "client_id": OTHER,
                            "client_secret": SECRETS[OTHER],
                            "redirect_uri": OTHER_CALLBACK,
                        },
                    ],
                }
            ),
            encoding="utf-8",
        )
        log = Path(folder) / "provider.log"
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        with log.open("wb") as errors:
            process = subprocess.Popen(
                [sys.executable, "-m", "tests.oidc_provider.serve", str(config)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=errors,
            )
        try:
            ready, _w, _x = select.select([process.stdout], [], [], START_TIMEOUT)
            line = process.stdout.readline().decode() if ready else ""
            if not line.startswith("READY "):
                process.kill()
                process.wait(timeout=10)
                raise RuntimeError(f"the test identity provider did not start:\n{log.read_text()}")
            port = int(line.split()[1])
            yield Provider(issuer=f"http://127.0.0.1:{port}/o", log=log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            process.stdout.close()


def _form_fields(html: str, selector: str) -> dict[str, str]:
    form = BeautifulSoup(html, "html.parser").select_one(selector)
    assert form is not None, html[:2000]
    return {
        tag["name"]: tag.get("value", "")
        for tag in form.find_all("input")
        if tag.get("name") and tag.get("type") in ("hidden", None)
    }


@dataclass
class Browser:
    """One person's browser: the platform's pages through Django's test client, the provider's
    through a requests session, each redirect followed by hand to whichever side it names."""

    account: str
    platform: Client = field(default_factory=Client)
    idp: requests.Session = field(default_factory=requests.Session)

    def start(self, next_url: str = "/dashboard/") -> str:
        """Press 统一身份认证登录: the provider's authorisation URL the platform sends to."""
        response = self.platform.get(reverse("oidc:start"), {"next": next_url})
        assert response.status_code == 302, response.content.decode()[:2000]
        return response["Location"]

    def _idp_get(self, url: str) -> requests.Response:
        return self.idp.get(url, allow_redirects=False, timeout=TIMEOUT)

    def consent(self, authorize_url: str, *, allow: bool = True) -> str:
        """Sign in at the provider (when it asks) and allow the application (or cancel): the
        address the provider sends the browser back to, not followed."""
        response = self._idp_get(authorize_url)
        if response.status_code == 302 and "/accounts/login/" in response.headers["Location"]:
            login_url = urljoin(authorize_url, response.headers["Location"])
            page = self._idp_get(login_url)
            fields = _form_fields(page.text, "form")
            fields.update(username=self.account, password=PASSWORD)
            response = self.idp.post(login_url, data=fields, allow_redirects=False, timeout=TIMEOUT)
            assert response.status_code == 302, response.text[:2000]
            response = self._idp_get(urljoin(login_url, response.headers["Location"]))
        assert response.status_code == 200, response.text[:2000]
        fields = _form_fields(response.text, "#authorizationForm")
        if allow:
            fields["allow"] = "Authorize"
        answer = self.idp.post(response.url, data=fields, allow_redirects=False, timeout=TIMEOUT)
        assert answer.status_code == 302, answer.text[:2000]
        return answer.headers["Location"]

    def come_back(self, callback_url: str) -> HttpResponse:
        """The platform's answer to the provider's redirect (not followed further)."""
        parts = urlsplit(callback_url)
        return self.platform.get(f"{parts.path}?{parts.query}")

    def sign_in(self, next_url: str = "/dashboard/") -> HttpResponse:
        return self.come_back(self.consent(self.start(next_url)))


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


# --- tampering ---------------------------------------------------------------------------


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def signature_byte_flipped(token: str) -> str:
    header, payload, signature = token.split(".")
    raw = bytearray(_b64decode(signature))
    raw[len(raw) // 2] ^= 0x01
    return f"{header}.{payload}.{_b64encode(bytes(raw))}"


def claim_rewritten(token: str, claim: str, value: str) -> str:
    """The same token with one claim changed and the provider's signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(_b64decode(payload))
    claims[claim] = value
    body = _b64encode(json.dumps(claims, separators=(",", ":")).encode())
    return f"{header}.{body}.{signature}"


@dataclass
class TokenProxy:
    """Forwards the platform's token request to the provider and hands back its answer with the
    ID token passed through `tamper` (None: unchanged)."""

    target: str
    tamper: Any = None
    seen: list[str] = field(default_factory=list)


@contextlib.contextmanager
def token_proxy(proxy: TokenProxy) -> Iterator[str]:
    """Serve `proxy` on 127.0.0.1; yields its URL, to name as the token endpoint."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {
                name: self.headers[name]
                for name in ("Content-Type", "Authorization")
                if self.headers.get(name)
            }
            answer = requests.post(proxy.target, data=body, headers=headers, timeout=TIMEOUT)
            data = answer.json()
            if "id_token" in data:
                proxy.seen.append(data["id_token"])
                if proxy.tamper is not None:
                    data["id_token"] = proxy.tamper(data["id_token"])
            out = json.dumps(data).encode()
            self.send_response(answer.status_code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with local_http_server(Handler) as port:
        yield f"http://127.0.0.1:{port}/token/"


def id_token_for_other_client(browser: Browser, provider: Provider, *, nonce: str) -> str:
    """An ID token the provider really issued for the same person and nonce, but to the other
    client application (its own authorisation code flow with PKCE): what a malicious or
    compromised relying party could try to replay at the platform."""
    verifier = "v" * 64
    challenge = _b64encode(hashlib.sha256(verifier.encode()).digest())
    params = {
        "response_type": "code",
        "client_id": OTHER,
        "redirect_uri": OTHER_CALLBACK,
        "scope": "openid profile",
        "state": "other-state",
        "nonce": nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    authorize = requests.Request("GET", f"{provider.issuer}/authorize/", params=params).prepare()
    back = browser.consent(authorize.url)
    code = query(back)["code"]
    answer = requests.post(
        provider.token_endpoint,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": OTHER_CALLBACK,
            "client_id": OTHER,
            "client_secret": SECRETS[OTHER],
            "code_verifier": verifier,
        },
        timeout=TIMEOUT,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["id_token"]
