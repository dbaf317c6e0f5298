"""Uploads (R14, R17, R20): every upload field — web forms, the API, the admin — refuses
a file just over the limit of linzi_platform/uploads.py, a file of another type, or one whose
content does not match its name, with an error on the field and nothing written (no row, no
file). An accepted upload lands under MEDIA_ROOT, outside the static web root, and is served
only by a permission-checked view (another department → 404; anonymous → login)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import BaseForm
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.static import serve

from approvals.models import ApprovalItem
from approvals.services import DecisionInput, licence_decide
from coordination.models import Consultation
from credit.models import CreditCommitment, Verification, VerificationFile
from linzi_platform.uploads import MAX_UPLOAD_BYTES
from organizations.models import StaffRole
from organizations.scoping import actor_for_user
from supervision.cases.services import case_open
from supervision.models import Evidence
from tests.factories import StaffFactory, valid_credit_code
from tests.security.fuzz import changed, fingerprint, is_chinese
from tests.security.world import NOW, World
from workdays.admin import NOTICE_MAX_BYTES

pytestmark = pytest.mark.django_db

TODAY = NOW.date().isoformat()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"

# name → (file name, content). The oversized file is built once, just over the limit.
BAD_FILES: dict[str, tuple[str, bytes]] = {
    "exe renamed .pdf": ("decision.pdf", EXE),
    "html renamed .pdf": ("decision.pdf", HTML),
    "empty": ("decision.pdf", b""),
    "exe": ("decision.exe", EXE),
    "html": ("decision.html", HTML),
    "svg": ("decision.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    "double extension": ("decision.pdf.exe", EXE),
    "exe renamed .txt": ("notes.txt", EXE),
}


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _oversized() -> SimpleUploadedFile:
    # A real PDF header, one byte over the limit: only the size is wrong.
    return _upload("big.pdf", b"%PDF-1.4\n" + b"0" * (MAX_UPLOAD_BYTES + 1 - 9))


def _media_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def pdf(name: str = "ok.pdf") -> SimpleUploadedFile:
    return _upload(name, b"%PDF-1.4 accepted")


# --------------------------------------------------------------------------- the targets


@dataclass
class Target:
    name: str
    who: str
    url: Callable[[World, dict], str]
    body: Callable[[World, dict], dict[str, Any]]
    field: str  # the upload field (web form field, or API body key)
    api: bool = False


def _action_body(world: World, extra: dict) -> dict[str, Any]:
    return {
        "kind": "training",
        "document_no": "临市监培〔2026〕99号",
        "decided_on": TODAY,
        "summary": "食品安全管理员培训",
        "code_type": "credit_code",
    }


def _decision_body(world: World, extra: dict) -> dict[str, Any]:
    return {
        "counterparty_name": "临淄上传测试大药房",
        "code_type": "credit_code",
        "code": valid_credit_code("91370305MA3CX077"),
        "contact_name": "王建",
        "contact_phone": "13805331234",
        "licence_no": "鲁CB5339977",
        "licence_date": TODAY,
        "valid_from": TODAY,
        "valid_to": "2031-11-23",
        "commitment_text": "本单位承诺所提交材料真实有效。",
        "commitment_signer": "王建",
        "commitment_signed_at": NOW.strftime("%Y-%m-%dT%H:%M"),
    }


def _letter_body(world: World, extra: dict) -> dict[str, Any]:
    return {
        "licence": world.pk("licence"),
        "action": "change",
        "document_no": "临市监函〔2026〕99号",
        "legal_basis": "《中华人民共和国行政许可法》第四十九条",
        "penalty_result": "责令变更经营范围",
    }


WEB_TARGETS = [
    Target(
        "supervision action attachments",
        "S1",
        lambda world, extra: reverse("supervision:action-create"),
        _action_body,
        "attachments",
    ),
    Target(
        "licence letter attachments",
        "S1",
        lambda world, extra: reverse("supervision:letter-create"),
        _letter_body,
        "attachments",
    ),
    Target(
        "legacy case opinion attachments",
        "S1",
        lambda world, extra: reverse("supervision:case-opinion", args=[extra["case"]]),
        lambda world, extra: {"opinion": "同意办理", "requires_rectification": ""},
        "attachments",
    ),
    Target(
        "verification records",
        "A1",
        lambda world, extra: reverse("credit:verification-result", args=[extra["verification"]]),
        lambda world, extra: {"result": "met", "notes": "核验通过"},
        "files",
    ),
    Target(
        "scanned commitment of a credit decision",
        "A1",
        lambda world, extra: reverse("approvals:decision-create", args=["sec-pharmacy"]),
        _decision_body,
        "commitment_scan",
    ),
    Target(
        "stakeholder opinion document",
        "A1",
        lambda world, extra: reverse("coordination:file-stakeholder", args=[world.pk("file")]),
        lambda world, extra: {"stakeholder": "周边居民代表", "summary": "同意"},
        "document",
    ),
    Target(
        "hearing minutes document",
        "A1",
        lambda world, extra: reverse("coordination:file-hearing", args=[world.pk("file")]),
        lambda world, extra: {
            "held_on": TODAY,
            "participants": "申请人、利害关系人",
            "minutes": "听证会记录",
        },
        "document",
    ),
]

API_TARGETS = [
    Target(
        "API supervision action attachments",
        "S1",
        lambda world, extra: "/api/v1/supervision-actions/",
        lambda world, extra: {
            "kind": "training",
            "document_no": "临市监培〔2026〕98号",
            "decided_at": TODAY,
            "summary": "培训通知",
        },
        "attachments",
        api=True,
    ),
    Target(
        "API licence letter attachments",
        "S1",
        lambda world, extra: "/api/v1/licence-letters/",
        _letter_body,
        "attachments",
        api=True,
    ),
    Target(
        "API legacy case opinion attachments",
        "S1",
        lambda world, extra: f"/api/v1/legacy-cases/{extra['case']}/opinion/",
        lambda world, extra: {"opinion": "同意办理", "requires_rectification": "false"},
        "attachments",
        api=True,
    ),
    Target(
        "API verification records",
        "A1",
        lambda world, extra: f"/api/v1/credit/verifications/{extra['verification']}/result/",
        lambda world, extra: {"met": "true", "notes": "核验通过"},
        "files",
        api=True,
    ),
    Target(
        "API stakeholder opinion document",
        "A1",
        lambda world, extra: (
            f"/api/v1/coordination/important-files/{world.pk('file')}/stakeholder-opinions/"
        ),
        lambda world, extra: {"stakeholder": "周边居民代表", "summary": "同意"},
        "document",
        api=True,
    ),
]


@pytest.fixture
def extra(world: World) -> dict[str, int]:
    """Records still waiting for their upload: a case awaiting its opinion, an open
    post-verification."""
    case = case_open(
        actor=actor_for_user(world.users["A1"]),
        supervision_department=world.departments["S1"],
        title="历史遗留：上传测试",
        description="待出具法律审查意见",
    )
    licence_decide(
        actor=actor_for_user(world.users["A1"]),
        decision=DecisionInput(
            item=ApprovalItem.objects.get(code="sec-pharmacy"),
            counterparty={
                "name": "临淄上传测试第二大药房",
                "credit_code": valid_credit_code("91370305MA3CX078"),
                "contact_name": "王建",
                "contact_phone": "13805331234",
            },
            licence_no="鲁CB5339978",
            licence_date=NOW.date(),
            valid_from=NOW.date(),
            commitment={"text": "承诺材料真实。", "signed_at": NOW.isoformat(), "signer": "王建"},
        ),
    )
    verification = Verification.objects.exclude(pk=world.pk("verification")).get()
    return {"case": case.pk, "verification": verification.pk}


def _web_errors(response: Any) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, BaseForm) and value.is_bound:
                for key, messages in value.errors.items():
                    errors.setdefault(key, []).extend(messages)
    return errors


def _send(world: World, target: Target, extra: dict, upload: SimpleUploadedFile) -> Any:
    body = target.body(world, extra) | {target.field: upload}
    if target.api:
        world.reset_throttles()
        return world.api(target.who).post(target.url(world, extra), body, format="multipart")
    return world.web(target.who).post(target.url(world, extra), body)


def _field_messages(target: Target, response: Any) -> list[str]:
    if target.api:
        assert response.status_code == 400, (target.name, response.status_code, response.content)
        fields = response.json()["error"]["fields"]
        value = fields.get(target.field)
        flat: list[str] = []
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
            elif item is not None:
                flat.append(str(item))
        return flat
    assert response.status_code in (200, 400), (target.name, response.status_code)
    return _web_errors(response).get(target.field, [])


def _refuses_bad_files(world: World, extra: dict, target: Target) -> None:
    bad = {name: _upload(*spec) for name, spec in BAD_FILES.items()} | {"oversized": _oversized()}
    if target.api:
        world.api(target.who)
    else:
        world.web(target.who)
    for what, upload in bad.items():
        before, files_before = fingerprint(), _media_files()
        response = _send(world, target, extra, upload)
        assert response.status_code < 500, (target.name, what, response.status_code)
        messages = _field_messages(target, response)
        assert messages, f"{target.name}: {what} was not refused on {target.field!r}"
        assert all(is_chinese(m) for m in messages), (target.name, what, messages)
        assert not changed(before, fingerprint()), (target.name, what)
        assert _media_files() == files_before, (target.name, what)
    # …and a real PDF is accepted, so the refusals above are about the file.
    before = fingerprint()
    response = _send(world, target, extra, pdf())
    assert response.status_code in (200, 201, 302), (target.name, response.status_code)
    assert changed(before, fingerprint()), target.name


# One world per group rather than per field keeps tests/security quick on PostgreSQL; the
# messages name the target that failed.
def test_bad_files_are_refused_by_every_web_form(world: World, extra: dict) -> None:
    for target in WEB_TARGETS:
        _refuses_bad_files(world, extra, target)


def test_bad_files_are_refused_by_every_api_endpoint(world: World, extra: dict) -> None:
    for target in API_TARGETS:
        _refuses_bad_files(world, extra, target)


def test_the_workday_notice_import_refuses_bad_files(world: World) -> None:
    from workdays.models import WorkdayOverride

    admin = StaffFactory(department=world.departments["A1"], role=StaffRole.PLATFORM_ADMIN).user
    admin.is_staff = admin.is_superuser = True
    admin.save()
    world.users["admin"] = admin
    client = world.web("admin")
    url = reverse("admin:workdays_workdayoverride_import")
    good_row = "date,is_working_day,note\n2027-01-01,false,元旦\n"
    bad = {
        "oversized": ("notice.csv", (good_row + "2027-01-02,false,x\n" * 20_000).encode()),
        "exe renamed .csv": ("notice.csv", EXE),
        "not a csv": ("notice.xlsx", b"PK\x03\x04"),
        "empty": ("notice.csv", b""),
        "html": ("notice.csv", HTML),
        "bad dates": ("notice.csv", b"date,is_working_day,note\n0001-13-45,maybe,x\n"),
        "NUL bytes": ("notice.csv", b"date,is_working_day,note\n2027-01-01\x00,false,x\n"),
    }
    assert len(bad["oversized"][1]) > NOTICE_MAX_BYTES
    for what, (name, content) in bad.items():
        before = fingerprint()
        response = client.post(url, {"file": SimpleUploadedFile(name, content)})
        assert response.status_code == 200, (what, response.status_code)
        errors = response.context["form"].errors
        assert "file" in errors, (what, errors)
        assert all(is_chinese(m) for m in errors["file"]), (what, errors)
        assert not changed(before, fingerprint()), what
    response = client.post(url, {"file": SimpleUploadedFile("notice.csv", good_row.encode())})
    assert response.status_code == 302
    assert WorkdayOverride.objects.filter(date=datetime.date(2027, 1, 1)).exists()


def test_catalog_sample_texts_are_checked_like_every_upload(world: World) -> None:
    from approvals.models import ItemSampleText

    admin = StaffFactory(department=world.departments["A1"], role=StaffRole.PLATFORM_ADMIN).user
    admin.is_staff = admin.is_superuser = True
    admin.save()
    world.users["admin"] = admin
    client = world.web("admin")
    url = reverse("admin:approvals_itemsampletext_add")
    item = world.objects["item"]
    existing = ItemSampleText.objects.count()
    for what, (name, content) in BAD_FILES.items():
        response = client.post(
            url, {"item": item.pk, "title": "申请书示范文本", "file": _upload(name, content)}
        )
        assert response.status_code == 200, what
        assert "file" in response.context["adminform"].form.errors, what
    assert ItemSampleText.objects.count() == existing
    response = client.post(url, {"item": item.pk, "title": "申请书示范文本", "file": pdf()})
    assert response.status_code == 302
    assert ItemSampleText.objects.count() == existing + 1


# --------------------------------------------------------------------------- where files live


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def test_media_is_outside_the_static_web_root() -> None:
    from django.conf import settings as live

    media = Path(live.MEDIA_ROOT)
    static_roots = [Path(live.STATIC_ROOT), *map(Path, live.STATICFILES_DIRS)]
    for root in static_roots:
        assert not _inside(media, root), (media, root)
        assert not _inside(root, media), (media, root)
    assert live.MEDIA_URL.strip("/") != live.STATIC_URL.strip("/")


def _callbacks(entries: list) -> list[Any]:
    found = []
    for entry in entries:
        if isinstance(entry, URLResolver):
            found += _callbacks(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            found.append(entry.callback)
    return found


def test_no_url_serves_media_files_directly(world: World, client: Any) -> None:
    assert serve not in _callbacks(get_resolver().url_patterns)
    evidence = world.objects["letter_evidence"]
    direct = "/" + settings.MEDIA_URL.strip("/") + "/" + evidence.file.name
    assert client.get(direct).status_code == 404
    assert world.web("A1").get(direct).status_code == 404


def _stored(world: World) -> list[tuple[str, Any, str, tuple[str, ...]]]:
    """(what, file, download URL, owning departments) of every file the world uploaded."""
    verification = world.objects["verification"]
    consultation = Consultation.objects.get(pk=world.pk("consultation"))
    vfile = VerificationFile.objects.get(pk=world.pk("verification_file"))
    commitment = CreditCommitment.objects.get(licence=world.objects["licence"])
    stored = [
        (
            key,
            Evidence.objects.get(pk=world.pk(key)).file,
            reverse("supervision:evidence-download", args=[world.pk(key)]),
            ("A1", "S1"),
        )
        for key in ("action_evidence", "letter_evidence", "case_evidence")
    ]
    stored += [
        (
            "verification file",
            vfile.file,
            reverse("credit:verification-file", args=[verification.pk, vfile.pk]),
            ("A1",),
        ),
        (
            "commitment scan",
            commitment.scan,
            reverse("credit:verification-scan", args=[verification.pk]),
            ("A1",),
        ),
        (
            "consultation document",
            consultation.document,
            reverse("coordination:document-download", args=["consultation", consultation.pk]),
            ("A1", "S1"),
        ),
    ]
    return stored


def test_accepted_uploads_live_under_media_root_and_are_served_only_after_a_check(
    world: World, client: Any
) -> None:
    media = Path(settings.MEDIA_ROOT)
    for what, stored, url, owners in _stored(world):
        path = Path(stored.path)
        assert path.is_file(), what
        assert _inside(path, media), (what, path)
        assert not _inside(path, Path(settings.STATIC_ROOT)), what
        for who in owners:
            response = world.web(who).get(url)
            assert response.status_code == 200, (what, who)
            assert response["Content-Disposition"].startswith("attachment"), what
            assert b"".join(response.streaming_content).startswith(b"%PDF"), what
        for who in {"A1", "A2", "S1", "S2"} - set(owners):
            assert world.web(who).get(url).status_code == 404, (what, who)
        anonymous = client.get(url)
        assert anonymous.status_code == 302, what
        assert anonymous["Location"].startswith(reverse("login")), what


def test_an_uploaded_name_cannot_escape_media_root(world: World) -> None:
    response = world.web("S1").post(
        reverse("supervision:letter-create"),
        _letter_body(world, {}) | {"attachments": pdf("../../../../etc/cron.d/evil.pdf")},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.order_by("-id").first()
    assert _inside(Path(evidence.file.path), Path(settings.MEDIA_ROOT))
    assert ".." not in evidence.file.name
