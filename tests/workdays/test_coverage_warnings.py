import datetime as dt
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from organizations.models import StaffRole
from tests.clients import sign_in
from tests.factories import StaffFactory, UserFactory
from workdays.checks import calendar_coverage_check
from workdays.context_processors import calendar_warnings
from workdays.models import CalendarYear, WorkdayOverride

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_2026_11_25")]


def request_by(user: object) -> object:
    request = RequestFactory().get("/dashboard/")
    request.user = user
    return request


# The system check (workdays.W001).


def test_the_check_warns_that_2027_has_no_official_calendar():
    warnings = calendar_coverage_check()
    assert [warning.id for warning in warnings] == ["workdays.W001"]
    assert warnings[0].msg.startswith("2027年的法定节假日安排尚未导入")
    assert "周一至周五" in warnings[0].msg
    assert "2026" not in warnings[0].msg


def test_the_check_names_the_provisional_days_off_of_2027():
    """R0: `manage.py check` says which days off are the law's, provisional until the notice."""
    message = calendar_coverage_check()[0].msg
    assert (
        "以下休息日系依《全国年节及纪念日放假办法》推算，为暂定：元旦 1月1日、春节 2月5日至8日、"
        "清明节 4月5日、劳动节 5月1日至2日、端午节 6月9日、中秋节 9月15日、国庆节 10月1日至3日。"
    ) in message
    assert "调休安排未知" in message


def test_the_check_is_silent_once_2027_is_registered_as_loaded():
    CalendarYear.objects.create(year=2027, note="国务院办公厅通知已登记")
    assert calendar_coverage_check() == []


def test_the_check_is_silent_while_the_package_covers_this_year_and_next():
    with time_machine.travel(dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        assert calendar_coverage_check() == []


def test_the_check_warns_about_both_years_when_neither_is_covered():
    with time_machine.travel(dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        messages = [warning.msg for warning in calendar_coverage_check()]
    assert [msg[:5] for msg in messages] == ["2027年", "2028年"]


def test_the_check_falls_back_to_the_package_when_the_tables_do_not_exist_yet():
    CalendarYear.objects.create(year=2027)
    missing_table = OperationalError("no such table: workdays_calendaryear")
    with mock.patch.object(CalendarYear.objects, "filter", side_effect=missing_table):
        warnings = calendar_coverage_check()
    assert [warning.msg[:5] for warning in warnings] == ["2027年"]


def test_manage_py_check_prints_the_warning():
    stderr = StringIO()
    call_command("check", stdout=StringIO(), stderr=stderr)
    assert "(workdays.W001) 2027年的法定节假日安排尚未导入" in stderr.getvalue()


# The warning on every page, for staff only.


def test_staff_users_see_the_calendar_warning_on_every_page():
    staff_user = UserFactory(is_staff=True)
    warnings = calendar_warnings(request_by(staff_user))["calendar_warnings"]
    assert len(warnings) == 1
    assert "2027" in warnings[0]


def test_the_page_warning_names_the_provisional_days_off_in_chinese():
    """R0: admins see which days are provisional until the year's notice is loaded."""
    staff_user = UserFactory(is_staff=True)
    with translation.override("zh-hans"):
        (warning,) = calendar_warnings(request_by(staff_user))["calendar_warnings"]
    assert warning.startswith("2027年的法定节假日安排尚未导入：以下休息日系依")
    assert "元旦 1月1日、春节 2月5日至8日" in warning
    assert "调休安排未知" in warning


def test_platform_admins_see_the_calendar_warning_even_without_the_staff_flag():
    platform_admin = StaffFactory(role=StaffRole.PLATFORM_ADMIN).user
    assert not platform_admin.is_staff
    assert len(calendar_warnings(request_by(platform_admin))["calendar_warnings"]) == 1


def test_clerks_and_anonymous_visitors_do_not_see_the_calendar_warning(approval_clerk):
    assert calendar_warnings(request_by(approval_clerk)) == {"calendar_warnings": []}
    assert calendar_warnings(request_by(AnonymousUser())) == {"calendar_warnings": []}


def test_the_page_warning_is_cached_between_requests(django_assert_num_queries):
    staff_user = UserFactory(is_staff=True)
    calendar_warnings(request_by(staff_user))
    with django_assert_num_queries(0):
        assert len(calendar_warnings(request_by(staff_user))["calendar_warnings"]) == 1


def test_the_page_warning_disappears_as_soon_as_the_year_is_loaded():
    staff_user = UserFactory(is_staff=True)
    assert calendar_warnings(request_by(staff_user))["calendar_warnings"] != []
    year = CalendarYear.objects.create(year=2027)
    assert calendar_warnings(request_by(staff_user))["calendar_warnings"] == []
    year.delete()
    assert calendar_warnings(request_by(staff_user))["calendar_warnings"] != []


# The admin.


def test_the_override_changelist_warns_admins_about_2027(client, platform_admin):
    sign_in(client, platform_admin)
    response = client.get(reverse("admin:workdays_workdayoverride_changelist"))
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert len(shown) == 1
    assert "2027" in shown[0]
    assert "元旦 1月1日" in shown[0]


def test_the_override_changelist_has_no_warning_once_2027_is_loaded(client, platform_admin):
    CalendarYear.objects.create(year=2027)
    sign_in(client, platform_admin)
    response = client.get(reverse("admin:workdays_workdayoverride_changelist"))
    assert list(response.context["messages"]) == []


def test_an_override_saved_in_the_admin_records_who_saved_it(client, platform_admin):
    sign_in(client, platform_admin)
    response = client.post(
        reverse("admin:workdays_workdayoverride_add"),
        {"date": "2026-10-05", "is_working_day": "on", "note": "区政府通知调整"},
    )
    assert response.status_code == 302
    override = WorkdayOverride.objects.get(date=dt.date(2026, 10, 5))
    assert override.is_working_day is True
    assert override.updated_by == platform_admin


def test_the_calendar_year_changelist_lists_loaded_years(client, platform_admin):
    CalendarYear.objects.create(year=2027, note="国办发明电〔2026〕1号")
    sign_in(client, platform_admin)
    response = client.get(reverse("admin:workdays_calendaryear_changelist"))
    assert response.status_code == 200
    assert "国办发明电〔2026〕1号" in response.content.decode()


def test_the_override_list_shows_the_statutory_holiday_an_override_replaces(client, platform_admin):
    """R0: in a year without package data the admin sees which festival the law gives a date."""
    WorkdayOverride.objects.create(date=dt.date(2027, 2, 5), is_working_day=True, note="值班")
    sign_in(client, platform_admin)
    with translation.override("zh-hans"):
        response = client.get(reverse("admin:workdays_workdayoverride_changelist"))
    assert "法定节假日（春节），无官方数据" in response.content.decode()
