"""The monthly report (R18) on the web, as Excel and through the API: who sees which rows."""

import datetime
import io
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from audit.models import AuditEvent
from organizations.models import StaffRole
from reporting.models import MonthlyReport
from tests.clients import api_for, sign_in
from tests.clients import logged_in as browser
from tests.factories import StaffFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
APPROVAL = "xzsp-test"
SUPERVISION = "scjg-test"


def push_rows(*, approval_rate: float | None = 0.5, supervision_rate: float | None = 0.9):
    return [
        {
            "department": APPROVAL,
            "department_name": "测试行政审批服务局",
            "direction": "approval_to_supervision",
            "sent": 10,
        },
        {
            "department": APPROVAL,
            "department_name": "测试行政审批服务局",
            "direction": "supervision_to_approval",
            "sent": None,
            "received": 2,
            "claimed_on_time": 1,
            "auto_claimed": 1,
            "on_time_rate": approval_rate,
            "median_claim_hours": 1.5,
            "p90_claim_hours": 2.0,
        },
        {
            "department": SUPERVISION,
            "department_name": "测试市场监督管理局",
            "direction": "supervision_to_approval",
            "sent": 2,
        },
        {
            "department": SUPERVISION,
            "department_name": "测试市场监督管理局",
            "direction": "approval_to_supervision",
            "sent": None,
            "received": 10,
            "claimed_on_time": 9,
            "auto_claimed": 1,
            "on_time_rate": supervision_rate,
            "median_claim_hours": 3.25,
            "p90_claim_hours": 7.5,
        },
    ]


def department_row(code: str, name: str, kind: str, base: int) -> dict:
    return {
        "department": code,
        "department_name": name,
        "kind": kind,
        "feedback_raised": base + 1,
        "feedback_answered": base + 2,
        "feedback_overdue": base + 3,
        "verifications_due": base + 4,
        "verifications_on_time": base + 5,
        "verifications_overdue": base + 6,
        "inquiries_due": base + 7,
        "inquiries_answered": base + 8,
        "inquiries_deemed_consent": base + 9,
    }


def report_data(month: str = "2026-10", **rates) -> dict:
    return {
        "month": month,
        "compiled_at": "2026-11-02T08:00:00+08:00",
        "pushes": push_rows(**rates),
        "departments": [
            department_row(APPROVAL, "测试行政审批服务局", "approval", 100),
            department_row(SUPERVISION, "测试市场监督管理局", "supervision", 200),
        ],
        "accountability": [
            {
                "department": SUPERVISION,
                "department_name": "测试市场监督管理局",
                "obligation": "claim",
                "object_type": "notifications.push",
                "object_id": "41",
                "deadline": "2026-10-15T17:30:00+08:00",
                "recorded_at": "2026-10-16T09:00:00+08:00",
                "late_minutes": 930,
            },
            {
                "department": APPROVAL,
                "department_name": "测试行政审批服务局",
                "obligation": "feedback_answer",
                "object_type": "notifications.feedback",
                "object_id": "7",
                "deadline": "2026-10-20T12:00:00+08:00",
                "recorded_at": "2026-10-20T14:00:00+08:00",
                "late_minutes": 120,
            },
        ],
    }


def make_report(month: datetime.date, version: int = 1, **rates) -> MonthlyReport:
    return MonthlyReport.objects.create(
        month=month,
        version=version,
        compiled_at=at(f"{month:%Y-%m}-28T08:00") + datetime.timedelta(days=5),
        compiled_by_label="system",
        data=report_data(f"{month:%Y-%m}", **rates),
    )


@pytest.fixture
def report(approval_department, supervision_department) -> MonthlyReport:
    return make_report(datetime.date(2026, 10, 1))


@pytest.fixture
def head(supervision_department):
    return StaffFactory(department=supervision_department, role=StaffRole.HEAD).user


def api_as(user) -> APIClient:
    client = APIClient()
    sign_in(client, user)
    return client


def detail_url(month: str = "2026-10") -> str:
    return reverse("reporting:report-detail", args=[month])


def rows_of(html: str) -> list[str]:
    return re.findall(r'class="report-row" data-department="([^"]+)"', html)


def bars_of(html: str) -> int:
    """Bars of the desktop chart (the phone layout repeats them in its own chart)."""
    wide = html.split('<svg class="chart bar-chart" ', 1)[1].split("</svg>", 1)[0]
    return len(re.findall(r'<rect class="bar', wide))


# --- the web page ----------------------------------------------------------------------------


def test_a_clerk_sees_only_the_rows_of_its_own_department(report, supervision_clerk):
    response = browser(supervision_clerk).get(detail_url())
    assert response.status_code == 200
    html = response.content.decode()
    # two push rows (sending, receiving), one department row, one overdue record
    assert rows_of(html) == [SUPERVISION] * 4
    assert "测试行政审批服务局" not in html
    assert bars_of(html) == 1
    assert "90.0%" in html


def test_a_department_head_sees_every_department(report, head):
    html = browser(head).get(detail_url()).content.decode()
    assert sorted(set(rows_of(html))) == [SUPERVISION, APPROVAL]
    assert len(rows_of(html)) == 8
    assert bars_of(html) == 2


def test_a_platform_admin_sees_every_department(report, platform_admin):
    html = browser(platform_admin).get(detail_url()).content.decode()
    assert len(rows_of(html)) == 8
    assert bars_of(html) == 2
    assert "50.0%" in html
    assert "90.0%" in html


def test_the_page_shows_directions_labels_and_the_accountability_list(report, platform_admin):
    html = browser(platform_admin).get(detail_url()).content.decode()
    assert "审批→监管" in html or "Approval → supervision" in html
    assert "1 个工作日内认领" in html  # the Obligation label in the site language
    assert "2026-10-15 17:30" in html
    assert "超期自动认领" in html  # a claim missed is an auto-claim
    assert "超期 2 小时" in html  # an old snapshot: wall-clock hours
    assert reverse("notifications:push-detail", args=[41]) in html
    assert reverse("reporting:report-xlsx", args=["2026-10"]) in html
    assert reverse("reporting:report-print", args=["2026-10"]) in html


def test_the_bar_chart_is_inline_svg_with_escaped_names(
    approval_department, supervision_department, platform_admin
):
    data = report_data()
    data["pushes"][3]["department_name"] = "<script>alert(1)</script>局"
    MonthlyReport.objects.create(
        month=datetime.date(2026, 10, 1),
        version=1,
        compiled_at=at("2026-11-01T08:00"),
        compiled_by_label="system",
        data=data,
    )
    html = browser(platform_admin).get(detail_url()).content.decode()
    assert '<svg class="chart bar-chart"' in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;局" in html
    charts = html.split('<svg class="chart bar-chart"', 1)[1].split("</section>", 1)[0]
    assert "<script" not in charts


def test_a_missing_or_malformed_month_is_not_found(report, supervision_clerk):
    client = browser(supervision_clerk)
    assert client.get(detail_url("2026-09")).status_code == 404
    assert client.get(detail_url("2026-13")).status_code == 404
    assert client.get(detail_url("october")).status_code == 404
    assert client.get(detail_url("2026-10") + "?version=x").status_code == 404
    assert client.get(detail_url("2026-10") + "?version=2").status_code == 404
    assert client.get(reverse("reporting:report-print", args=["2026-9"])).status_code == 404
    assert client.get(reverse("reporting:report-xlsx", args=["1999-01"])).status_code == 404


def test_the_page_needs_a_login(report):
    response = Client().get(detail_url())
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_version_is_chosen_with_the_version_parameter(
    approval_department, supervision_department, head
):
    make_report(datetime.date(2026, 10, 1), version=1, supervision_rate=0.8)
    make_report(datetime.date(2026, 10, 1), version=2, supervision_rate=0.9)
    client = browser(head)
    latest = client.get(detail_url()).content.decode()
    assert "90.0%" in latest
    assert "?version=1" in latest and "?version=2" in latest
    first = client.get(detail_url() + "?version=1").content.decode()
    assert "80.0%" in first
    assert "90.0%" not in first
    assert reverse("reporting:report-xlsx", args=["2026-10"]) + "?version=1" in first


def test_the_trend_uses_the_latest_version_of_each_month_and_leaves_gaps(
    approval_department, supervision_department, head, supervision_clerk
):
    make_report(datetime.date(2026, 7, 1), supervision_rate=0.7)
    make_report(datetime.date(2026, 8, 1), version=1, supervision_rate=0.1)
    make_report(datetime.date(2026, 8, 1), version=2, supervision_rate=0.8)
    make_report(datetime.date(2026, 10, 1))
    html = browser(supervision_clerk).get(detail_url()).content.decode()
    trend = html.split('<svg class="chart trend-chart"', 1)[1].split("</svg>", 1)[0]
    # the department's own rate: July, August (v2), October; September is a gap
    assert re.findall(r"<title>(\d{4}-\d{2}): ([\d.]+%)</title>", trend) == [
        ("2026-07", "70.0%"),
        ("2026-08", "80.0%"),
        ("2026-10", "90.0%"),
    ]
    assert trend.count("<polyline") == 1  # July–August; October stands alone after the gap
    assert "2025-11" in trend  # twelve months on the axis

    platform = browser(head).get(detail_url()).content.decode()
    trend = platform.split('<svg class="chart trend-chart"', 1)[1].split("</svg>", 1)[0]
    # the whole platform: (1 + 9) of (2 + 10) claimed on time in October
    assert "<title>2026-10: 83.3%</title>" in trend


def test_the_detail_page_needs_a_bounded_number_of_queries(
    approval_department, supervision_department, head, django_assert_max_num_queries
):
    for month in range(1, 11):
        make_report(datetime.date(2026, month, 1))
        make_report(datetime.date(2026, month, 1), version=2)
    client = browser(head)
    with django_assert_max_num_queries(15):
        response = client.get(detail_url())
    assert response.status_code == 200


def test_the_printable_page_is_standalone_with_the_same_content(report, supervision_clerk):
    response = browser(supervision_clerk).get(reverse("reporting:report-print", args=["2026-10"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="main-nav"' not in html
    assert "js/print.js" in html
    assert "<script>" not in html and "onclick" not in html and "style=" not in html
    assert rows_of(html) == [SUPERVISION] * 4
    assert bars_of(html) == 1
    assert '<svg class="chart trend-chart"' in html


def test_the_list_shows_months_newest_first_with_their_latest_version(
    approval_department, supervision_department, supervision_clerk
):
    make_report(datetime.date(2026, 9, 1))
    make_report(datetime.date(2026, 10, 1), version=1)
    make_report(datetime.date(2026, 10, 1), version=2)
    response = browser(supervision_clerk).get(reverse("reporting:report-list"))
    assert response.status_code == 200
    reports = response.context["reports"]
    assert [(r["month_text"], r["version"]) for r in reports] == [("2026-10", 2), ("2026-09", 1)]
    html = response.content.decode()
    assert html.index(detail_url("2026-10")) < html.index(detail_url("2026-09"))
    assert 'name="month"' not in html  # the compile form is for platform admins


# --- recompiling -----------------------------------------------------------------------------


@time_machine.travel(at("2026-11-15T10:00"), tick=False)
@pytest.mark.parametrize("who", ["head", "supervision_clerk"])
def test_the_compile_form_is_for_platform_admins_only(request, report, who):
    response = browser(request.getfixturevalue(who)).post(
        reverse("reporting:report-recompile", args=["2026-10"]), {"month": "2026-10"}
    )
    assert response.status_code == 403
    assert MonthlyReport.objects.count() == 1


@time_machine.travel(at("2026-11-15T10:00"), tick=False)
def test_a_platform_admin_sees_the_compile_form_with_a_confirmation(report, platform_admin):
    html = browser(platform_admin).get(reverse("reporting:report-list")).content.decode()
    assert 'name="month"' in html
    assert 'data-confirm="' in html
    assert "js/confirm.js" in html
    assert '<option value="2026-10">' in html
    assert '<option value="2026-11">' not in html


@time_machine.travel(at("2026-11-15T10:00"), tick=False)
def test_a_platform_admin_compiles_a_new_version(report, platform_admin):
    response = browser(platform_admin).post(
        reverse("reporting:report-recompile", args=["2026-10"]), {"month": "2026-10"}
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url()
    assert list(
        MonthlyReport.objects.filter(month=datetime.date(2026, 10, 1)).values_list(
            "version", flat=True
        )
    ) == [2, 1]


@time_machine.travel(at("2026-11-15T10:00"), tick=False)
def test_a_month_not_yet_ended_is_refused_with_a_message(report, platform_admin):
    client = browser(platform_admin)
    response = client.post(
        reverse("reporting:report-recompile", args=["2026-10"]),
        {"month": "2026-11"},
        follow=True,
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    response = client.post(
        reverse("reporting:report-recompile", args=["2026-10"]), {"month": "soon"}
    )
    assert response.status_code == 302
    assert MonthlyReport.objects.count() == 1


# --- Excel -----------------------------------------------------------------------------------


def workbook_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content))


def test_the_excel_download_has_three_sheets_with_chinese_headers(report, platform_admin):
    response = browser(platform_admin).get(reverse("reporting:report-xlsx", args=["2026-10"]))
    workbook = workbook_of(response)
    assert 'filename="linzi-report-2026-10-v1.xlsx"' in response["Content-Disposition"]
    assert workbook.sheetnames == ["推送认领", "反馈·核验·函询", "超时责任清单"]
    pushes = workbook["推送认领"]
    headers = [cell.value for cell in pushes[3]]
    assert headers[:3] == ["部门", "推送方向", "推送数"]
    assert "按时认领率" in headers
    assert pushes["A3"].font.bold
    assert pushes.freeze_panes == "B4"
    assert pushes.column_dimensions["A"].width == 26
    assert pushes.max_row == 7
    receiving = [cell.value for cell in pushes[7]]
    assert receiving[:2] == ["测试市场监督管理局", "审批→监管"]
    assert receiving[headers.index("按时认领率")] == 0.9
    assert [cell.value for cell in workbook["反馈·核验·函询"][3]][1] == "提出反馈意见"
    overdue = workbook["超时责任清单"]
    assert overdue.max_row == 5
    # A snapshot compiled before the particulars were stored: "—", never an error.
    assert [cell.value for cell in overdue[4]] == [
        "测试市场监督管理局",
        "1 个工作日内认领",
        "—",
        "—",
        "—",
        "—",
        datetime.datetime(2026, 10, 15, 17, 30),
        "超期自动认领",
        "推送 #41",
    ]
    assert [cell.value for cell in overdue[5]][7] == "超期 2 小时"


def test_the_excel_download_keeps_to_the_clerks_rows_and_is_audited(report, approval_clerk):
    response = browser(approval_clerk).get(reverse("reporting:report-xlsx", args=["2026-10"]))
    workbook = workbook_of(response)
    for sheet in workbook.worksheets:
        names = {row[0] for row in sheet.iter_rows(min_row=4, values_only=True)}
        assert names == {"测试行政审批服务局"}, sheet.title
        assert "范围：测试行政审批服务局" in sheet["A2"].value
    assert workbook["推送认领"].max_row == 5
    assert workbook["超时责任清单"].max_row == 4
    event = AuditEvent.objects.get(action="report.export")
    assert event.object_type == "notifications.monthlyreport"
    assert event.object_id == str(report.pk)
    assert event.actor_id == approval_clerk.pk
    assert event.details["month"] == "2026-10"


# --- the API ---------------------------------------------------------------------------------


API_URL = "/api/v1/reports/monthly/2026-10/"


def test_the_api_url_is_the_contract(report):
    assert reverse("api:report-monthly", args=["2026-10"]) == API_URL


def test_an_api_client_gets_its_department_rows(report, supervision_department):
    response = api_for(supervision_department, name="报表系统").get(API_URL)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["month"] == "2026-10"
    assert body["version"] == 1
    assert body["compiled_at"].endswith("+08:00")
    assert {row["department"] for row in body["pushes"]} == {SUPERVISION}
    assert len(body["pushes"]) == 2
    assert [row["department"] for row in body["departments"]] == [SUPERVISION]
    assert [row["object_id"] for row in body["accountability"]] == ["41"]


@pytest.mark.parametrize("who", ["head", "platform_admin"])
def test_a_head_and_an_admin_get_every_row_through_the_api(request, report, who):
    body = api_as(request.getfixturevalue(who)).get(API_URL).json()
    assert len(body["pushes"]) == 4
    assert len(body["departments"]) == 2
    assert len(body["accountability"]) == 2


def test_the_api_answers_bad_months_and_versions_in_the_error_envelope(
    report, supervision_department
):
    client = api_for(supervision_department, name="报表系统")
    response = client.get("/api/v1/reports/monthly/2026-1/")
    assert response.status_code == 400
    assert "month" in response.json()["error"]["fields"]
    response = client.get("/api/v1/reports/monthly/2026-00/")
    assert response.status_code == 400
    response = client.get("/api/v1/reports/monthly/2026-09/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    response = client.get(API_URL + "?version=0")
    assert response.status_code == 400
    assert "version" in response.json()["error"]["fields"]
    assert client.get(API_URL + "?version=3").status_code == 404
    response = client.get(API_URL + "?format=csv")
    assert response.status_code == 400
    assert "format" in response.json()["error"]["fields"]
    response = client.get("/api/v1/reports/monthly/2026-09/?format=xlsx")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


def test_the_api_needs_authentication(report):
    response = APIClient().get(API_URL)
    assert response.status_code in (401, 403)
    assert "error" in response.json()


def test_the_api_returns_the_excel_file_with_format_xlsx(report, supervision_department):
    make_report(datetime.date(2026, 10, 1), version=2)
    response = api_for(supervision_department, name="报表系统").get(
        API_URL + "?format=xlsx&version=1"
    )
    workbook = workbook_of(response)
    assert 'filename="linzi-report-2026-10-v1.xlsx"' in response["Content-Disposition"]
    assert workbook.sheetnames == ["推送认领", "反馈·核验·函询", "超时责任清单"]
    names = {row[0] for row in workbook["推送认领"].iter_rows(min_row=4, values_only=True)}
    assert names == {"测试市场监督管理局"}
    event = AuditEvent.objects.get(action="report.export")
    assert event.actor_label == "api:报表系统"
    assert event.details["version"] == 1


def test_the_api_json_format_still_works(report, supervision_department):
    response = api_for(supervision_department, name="报表系统").get(API_URL + "?format=json")
    assert response.status_code == 200
    assert response.json()["month"] == "2026-10"


def test_the_last_month_label_of_the_trend_fits_inside_the_chart():
    from reporting.charts import on_time_trend_chart

    months = [f"2026-{m:02d}" for m in range(1, 13)]
    svg = str(on_time_trend_chart([(m, 0.5) for m in months], title="t"))
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg)[1])
    last_x = float(re.findall(r'<text x="([\d.]+)"[^>]*text-anchor="middle">2026-12<', svg)[-1])
    half_label = len("2026-12") * 11 * 0.6 / 2  # 11 px digits are about 0.6 em wide
    assert last_x + half_label <= width


def test_the_accountability_table_is_built_once_per_report_and_reader_scope(
    report, head, supervision_department, monkeypatch
):
    """A compiled report never changes: its accountability table (thousands of rows in a
    province's month) is rendered once per report, scope and layout, then read from the
    cache; a clerk still sees only the department's own rows."""
    from django.core.cache import cache

    from reporting import views

    cache.clear()
    built = []
    original = views._accountability_rows
    monkeypatch.setattr(
        views, "_accountability_rows", lambda rows: built.append(len(rows)) or original(rows)
    )
    first = browser(head).get(detail_url()).content.decode()
    again = browser(head).get(detail_url()).content.decode()
    assert built == [2]
    assert rows_of(first) == rows_of(again) and len(rows_of(first)) >= 2
    clerk = StaffFactory(department=supervision_department).user
    mine = browser(clerk).get(detail_url()).content.decode()
    assert built == [2, 1]
    assert "推送 #41" in mine and "#7" not in mine
    cache.clear()
