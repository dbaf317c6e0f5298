"""examples/push_client.py is what partner systems copy: it must keep working."""

import hmac
import importlib.util
import time
from io import StringIO
from pathlib import Path
from types import ModuleType

import pytest
from django.core.management import call_command
from django.utils import timezone

from approvals.models import Licence
from notifications.models import Push, PushState
from notifications.webhooks import webhook_signature
from organizations.scoping import actor_for_user
from supervision.actions.services import supervision_action_record
from tests.factories import (
    ApprovalDepartmentFactory,
    ApprovalItemFactory,
    DepartmentFactory,
    StaffFactory,
)

CLIENT_PATH = Path(__file__).resolve().parent.parent / "examples" / "push_client.py"


def load_client() -> ModuleType:
    spec = importlib.util.spec_from_file_location("linzi_push_client", CLIENT_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


client = load_client()
SECRET = "partner-secret-from-the-admin-message"


NOW = 1_790_000_000  # a fixed "now" of the receiver, Unix seconds
STAMP = str(NOW - 10)


def sign(
    body: bytes, secret: str = SECRET, timestamp: str = STAMP, algorithm: str = "sha256"
) -> str:
    signed = f"{timestamp}.".encode() + body
    return f"{algorithm}=" + hmac.new(secret.encode(), signed, algorithm).hexdigest()


def verify(body: bytes, header: str, secret: str = SECRET, timestamp: str = STAMP) -> bool:
    return client.verify_signature(body, header, secret, timestamp, now=NOW)


def test_verify_signature_accepts_the_hmac_of_the_exact_body():
    body = '{"id":42,"title":"食品经营许可"}'.encode()
    assert verify(body, sign(body))
    assert verify(body, sign(body).upper().replace("SHA256=", "sha256="))


@pytest.mark.parametrize(
    "header",
    [
        "",
        "sha256=",
        "md5=abc",
        "sha256=00",
        "sha256=签名",
        sign(b"{}"),
        sign(b'{"id":42}', "x"),
        sign(b'{"id":42}', timestamp=str(NOW - 20)),  # signed for another timestamp
        "sm3=" + sign(b'{"id":42}').removeprefix("sha256="),  # the wrong algorithm named
        "sha256=" + hmac.new(SECRET.encode(), b'{"id":42}', "sha256").hexdigest(),  # no stamp
    ],
)
def test_verify_signature_rejects_anything_else(header):
    assert not verify(b'{"id":42}', header)


def test_verify_signature_rejects_an_empty_secret():
    assert not verify(b"{}", sign(b"{}", ""), "")


@pytest.mark.parametrize(
    ("age", "accepted"), [(0, True), (299, True), (300, True), (301, False), (3600, False)]
)
def test_verify_signature_rejects_a_signature_older_than_five_minutes(age, accepted):
    body = b'{"id":42}'
    stamp = str(NOW - age)
    assert verify(body, sign(body, timestamp=stamp), timestamp=stamp) is accepted


@pytest.mark.parametrize("stamp", ["", "abc", str(NOW + 3600), "１７９０", "-5"])
def test_verify_signature_rejects_a_missing_bad_or_later_timestamp(stamp):
    body = b'{"id":42}'
    assert not verify(body, sign(body, timestamp=stamp), timestamp=stamp)


def test_verify_signature_verifies_sm3():
    body = '{"id":42,"title":"食品经营许可"}'.encode()
    header = sign(body, algorithm="sm3")
    assert header.startswith("sm3=") and verify(body, header)
    assert not verify(body + b" ", header)


@pytest.mark.parametrize("algorithm", ["sha256", "sm3"])
def test_verify_signature_agrees_with_the_platform_signer(algorithm, settings):
    settings.CRYPTO_HASH = algorithm
    body = b'{"id":7,"kind":"approval_decision"}'
    stamp = str(int(time.time()))
    header = webhook_signature(body, SECRET, stamp)
    assert header.startswith(f"{algorithm}=")
    assert client.verify_signature(body, header, SECRET, stamp)


@pytest.mark.django_db(transaction=True)
def test_the_example_records_a_licence_and_claims_its_inbox_against_a_live_server(
    live_server, eager_tasks, monkeypatch, capsys
):
    approval = ApprovalDepartmentFactory(code="xzsp-live", name="测试行政审批服务局")
    supervision = DepartmentFactory(code="scjg-live", name="测试市场监督管理局")
    ApprovalItemFactory(
        code="medical-institution", name="医疗机构执业许可", supervision_departments=[supervision]
    )
    # A supervision notice waiting in the approval department's inbox (R6).
    inspector = StaffFactory(department=supervision).user
    supervision_action_record(
        actor=actor_for_user(inspector),
        kind="training",
        document_no="临市监培〔2026〕12号",
        decided_on=timezone.localdate(),
        summary="食品安全管理员培训通知",
    )
    out = StringIO()
    call_command("create_api_client", department="xzsp-live", name="审批业务系统", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]

    assert client.main([live_server.url, key]) == 0

    licence = Licence.objects.get()
    assert licence.department == approval and licence.item.code == "medical-institution"
    assert Push.objects.get(receiver=supervision).state == PushState.PENDING
    notice = Push.objects.get(receiver=approval)
    assert notice.state == PushState.CLAIMED and notice.claimed_by_label.startswith("api:")
    printed = capsys.readouterr().out
    assert f"recorded licence {licence.licence_no}" in printed and "scjg-live" in printed
    assert f"claimed push {notice.pk}" in printed

    # Run again (environment variables this time): a new licence, nothing left to claim.
    monkeypatch.setenv("BASE_URL", live_server.url)
    monkeypatch.setenv("API_KEY", key)
    assert client.main([]) == 0
    assert Licence.objects.count() == 2
    assert "claimed 0 pending push(es)" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_the_example_reports_a_refused_licence(live_server, eager_tasks, capsys):
    ApprovalDepartmentFactory(code="xzsp-live")
    out = StringIO()
    call_command("create_api_client", department="xzsp-live", name="审批业务系统", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert client.main([live_server.url, key, "--item", "no-such-item"]) == 1
    assert "HTTP 400" in capsys.readouterr().err
    assert not Licence.objects.exists()
