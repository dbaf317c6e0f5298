import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from tests.clients import sign_in
from workdays.models import CalendarYear, WorkdayOverride

pytestmark = pytest.mark.django_db
URL = "admin:workdays_workdayoverride_import"


def upload(client: Client, content: bytes, name: str = "notice-2027.csv"):
    return client.post(reverse(URL), {"file": SimpleUploadedFile(name, content)}, follow=True)


@pytest.fixture
def admin_client_(platform_admin) -> Client:
    client = Client()
    sign_in(client, platform_admin)
    return client


def test_an_admin_imports_a_years_notice_from_the_web(admin_client_):
    csv = "date,is_working_day,note\n2027-01-01,0,元旦\n2027-02-06,1,春节调休上班\n".encode()
    response = upload(admin_client_, csv)
    assert response.status_code == 200
    assert WorkdayOverride.objects.get(date=datetime.date(2027, 2, 6)).is_working_day
    assert CalendarYear.objects.filter(year=2027).exists()
    assert AuditEvent.objects.filter(action="workdays.import").count() == 1


def test_a_bad_row_imports_nothing_and_names_the_line(admin_client_):
    csv = "date,is_working_day,note\n2027-01-01,0,元旦\n2027-02-30,1,x\n".encode()
    response = upload(admin_client_, csv)
    assert "第 3 行" in response.content.decode()
    assert not WorkdayOverride.objects.exists()


def test_a_non_csv_upload_is_refused(admin_client_):
    response = upload(admin_client_, b"\x89PNG\r\n", name="notice.png")
    assert response.status_code == 200
    assert not WorkdayOverride.objects.exists()


def test_saving_an_override_in_admin_is_audited(admin_client_):
    response = admin_client_.post(
        reverse("admin:workdays_workdayoverride_add"),
        {"date": "2027-10-01", "is_working_day": "", "note": "国庆节"},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="workdays.override_save").count() == 1


def test_clerks_cannot_reach_the_import(supervision_clerk):
    client = Client()
    sign_in(client, supervision_clerk)
    assert client.get(reverse(URL)).status_code == 302
