"""Another department's inquiry, inspection, meeting or file answers 404 on every web page
and API endpoint; bad input answers a field error, never a 500."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from coordination.files.services import consultation_record, important_file_create
from coordination.inquiries.services import inquiry_send
from coordination.inspections.services import inspection_schedule
from coordination.meetings.services import meeting_convene
from tests.clients import api_for
from tests.factories import ApprovalDepartmentFactory, StaffFactory
from tests.helpers import at, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(approval_actor, supervision_department, safety_department, important_item):
    with time_machine.travel(at("2026-11-02T09:00"), tick=False):
        inquiry = inquiry_send(
            actor=approval_actor, receiver=supervision_department, subject="s", question="q"
        )
        file = important_file_create(actor=approval_actor, item=important_item, project_name="项目")
        consultation = consultation_record(
            actor=approval_actor,
            file=file,
            department=safety_department,
            opinion="同意",
            document=pdf("opinion.pdf"),
        )
        meeting = meeting_convene(
            actor=approval_actor,
            topic="t",
            location="l",
            scheduled_at=at("2026-11-04T09:00"),
            invitees=[supervision_department],
            important_file=file,
        )
        inspection = inspection_schedule(
            actor=approval_actor,
            kind="site_inspection",
            title="t",
            location="l",
            scheduled_at=at("2026-11-04T09:00"),
            invitees=[supervision_department],
            important_file=file,
        )
    return {
        "inquiry": inquiry.pk,
        "file": file.pk,
        "consultation": consultation.pk,
        "meeting": meeting.pk,
        "inspection": inspection.pk,
    }


WEB = [
    ("GET", "coordination:inquiry-detail", "inquiry"),
    ("POST", "coordination:inquiry-reply", "inquiry"),
    ("GET", "coordination:meeting-detail", "meeting"),
    ("POST", "coordination:meeting-opinion", "meeting"),
    ("POST", "coordination:meeting-minutes", "meeting"),
    ("GET", "coordination:inspection-detail", "inspection"),
    ("POST", "coordination:inspection-confirm", "inspection"),
    ("POST", "coordination:inspection-report", "inspection"),
    ("POST", "coordination:inspection-sign-off", "inspection"),
    ("GET", "coordination:inspection-report-print", "inspection"),
    ("GET", "coordination:file-detail", "file"),
    ("POST", "coordination:file-consultation", "file"),
    ("POST", "coordination:file-stakeholder", "file"),
    ("POST", "coordination:file-hearing", "file"),
    ("POST", "coordination:file-no-hearing", "file"),
]

API = [
    ("GET", "inquiries/{inquiry}/"),
    ("POST", "inquiries/{inquiry}/reply/"),
    ("GET", "inspections/{inspection}/"),
    ("POST", "inspections/{inspection}/confirm/"),
    ("POST", "inspections/{inspection}/report/"),
    ("POST", "inspections/{inspection}/sign-off/"),
    ("GET", "meetings/{meeting}/"),
    ("POST", "meetings/{meeting}/opinion/"),
    ("POST", "meetings/{meeting}/minutes/"),
    ("GET", "important-files/{file}/"),
    ("GET", "important-files/{file}/checklist/"),
    ("POST", "important-files/{file}/consultations/"),
    ("POST", "important-files/{file}/stakeholder-opinions/"),
    ("POST", "important-files/{file}/hearing/"),
    ("POST", "important-files/{file}/no-hearing-reason/"),
]

BODY = {
    "text": "x",
    "opinion": "x",
    "minutes": "x",
    "conclusions": "x",
    "findings": "x",
    "conclusion": "x",
    "decision": "sign",
    "stakeholder": "x",
    "summary": "x",
    "held_on": "2026-11-01",
    "participants": "x",
    "reason": "x",
}


@pytest.fixture(params=["supervision", "approval"])
def stranger(request, outsider_department):
    """A supervision department involved in nothing, and a second approval department."""
    if request.param == "supervision":
        return outsider_department
    return ApprovalDepartmentFactory(code="xzsp-other", name="另一行政审批服务局")


@pytest.mark.parametrize(("method", "name", "key"), WEB)
def test_another_departments_record_is_not_found_on_the_web(records, stranger, method, name, key):
    client = Client()
    client.force_login(StaffFactory(department=stranger).user)
    url = reverse(name, args=[records[key]])
    response = client.get(url) if method == "GET" else client.post(url, BODY)
    assert response.status_code == 404


def test_another_departments_document_is_not_found(records, stranger):
    client = Client()
    client.force_login(StaffFactory(department=stranger).user)
    url = reverse("coordination:document-download", args=["consultation", records["consultation"]])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(("method", "path"), API)
def test_another_departments_record_is_not_found_in_the_api(records, stranger, method, path):
    client = api_for(stranger)
    url = "/api/v1/coordination/" + path.format(**records)
    response = client.get(url) if method == "GET" else client.post(url, BODY, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("name", "api_path"),
    [
        ("inquiry", "inquiries/?box=inbox"),
        ("inquiry", "inquiries/?box=outbox"),
        ("inspection", "inspections/"),
        ("meeting", "meetings/"),
        ("file", "important-files/"),
    ],
)
def test_the_strangers_lists_are_empty(records, stranger, name, api_path):
    client = api_for(stranger)
    assert client.get("/api/v1/coordination/" + api_path).json()["results"] == []
    web = Client()
    web.force_login(StaffFactory(department=stranger).user)
    page = web.get(reverse(f"coordination:{name}-list"), {"box": "outbox"})
    assert page.status_code == 200
    detail = reverse(f"coordination:{name}-detail", args=[records[name]])
    assert detail not in page.content.decode()


GARBAGE = [
    {},
    {"scheduled_at": "not a time", "invitees": "abc", "kind": 7},
    {"scheduled_at": "2026-13-45T99:00", "invitees": [None, {"a": 1}], "item": ["x"]},
    {"receiver": ["x"], "reply_working_days": "many", "subject": None, "question": {"a": 1}},
    {"reply_working_days": 10**12, "receiver": "nope", "subject": "s", "question": "q"},
    {"important_file": "abc", "topic": "t" * 5000, "location": "", "invitees": []},
    {"held_on": "yesterday", "document": "not a file", "department": 12},
    {"decision": "maybe", "dissent": ["x"]},
    {"item": "no-such-item", "project_name": "p", "counterparty_code": "x" * 30},
]


@pytest.mark.parametrize("body", GARBAGE)
def test_bad_input_to_the_api_never_answers_500(records, approval_department, body):
    client = api_for(approval_department)
    paths = ["inquiries/", "inspections/", "meetings/", "important-files/"] + [
        path.format(**records) for method, path in API if method == "POST"
    ]
    for path in paths:
        response = client.post("/api/v1/coordination/" + path, body, format="json")
        assert response.status_code in (400, 403, 409), (path, response.status_code)
        assert "error" in response.json()


def test_malformed_json_is_a_400(approval_department):
    response = api_for(approval_department).post(
        "/api/v1/coordination/inquiries/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400


WEB_FORMS = [
    "coordination:inquiry-create",
    "coordination:meeting-create",
    "coordination:inspection-create",
    "coordination:file-create",
]


@pytest.mark.parametrize("body", GARBAGE)
def test_bad_input_to_the_web_forms_never_answers_500(records, approval_clerk, body):
    client = Client()
    client.force_login(approval_clerk)
    flat = {key: value for key, value in body.items() if isinstance(value, str | int)}
    for name in WEB_FORMS:
        response = client.post(reverse(name), flat)
        assert response.status_code == 200, (name, response.status_code)
    for method, name, key in WEB:
        if method == "POST":
            response = client.post(reverse(name, args=[records[key]]), flat)
            assert response.status_code in (200, 302, 403), (name, response.status_code)


@pytest.mark.parametrize("name", ["inquiry-list", "meeting-list", "inspection-list", "file-list"])
def test_a_bad_cursor_or_state_filter_is_ignored(approval_clerk, name):
    client = Client()
    client.force_login(approval_clerk)
    response = client.get(reverse(f"coordination:{name}"), {"cursor": "%%%", "state": "<x>"})
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["approval_clerk", "supervision_clerk"])
def test_every_page_opens_for_the_departments_involved(request, records, safety_clerk, who):
    client = Client()
    client.force_login(request.getfixturevalue(who))
    for url in [
        reverse("coordination:index"),
        reverse("coordination:inquiry-list") + "?box=outbox",
        reverse("coordination:inquiry-list") + "?box=inbox&state=open",
        reverse("coordination:meeting-list"),
        reverse("coordination:inspection-list"),
        reverse("coordination:file-list"),
        reverse("coordination:inquiry-detail", args=[records["inquiry"]]),
        reverse("coordination:meeting-detail", args=[records["meeting"]]),
        reverse("coordination:inspection-detail", args=[records["inspection"]]),
        reverse("coordination:file-detail", args=[records["file"]]),
    ]:
        assert client.get(url).status_code == 200, url


def test_the_forms_open_for_the_departments_that_may_use_them(
    records, approval_clerk, supervision_clerk, safety_clerk
):
    forms = [
        reverse("coordination:inquiry-create"),
        reverse("coordination:meeting-create") + f"?file={records['file']}",
        reverse("coordination:inspection-create") + f"?file={records['file']}",
        reverse("coordination:file-create"),
    ]
    client = Client()
    client.force_login(approval_clerk)
    for url in forms:
        assert client.get(url).status_code == 200, url
    client.force_login(supervision_clerk)
    assert client.get(forms[0]).status_code == 200
    for url in forms[1:]:
        assert client.get(url).status_code == 403, url
    # The safety department is consulted on the file but invited to nothing else.
    client.force_login(safety_clerk)
    page = client.get(reverse("coordination:file-detail", args=[records["file"]]))
    assert page.status_code == 200
    assert reverse("coordination:meeting-detail", args=[records["meeting"]]) not in (
        page.content.decode()
    )
