"""GET /api/v1/reports/monthly/{YYYY-MM}/ — the monthly report (R18) as JSON or Excel."""

from typing import Any

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from organizations.scoping import actor_for_request

from .document import report_scope
from .excel import XLSX_CONTENT_TYPE, report_xlsx_response
from .reports import APPROVAL_TO_SUPERVISION, SUPERVISION_TO_APPROVAL
from .views import (
    report_month_parse,
    report_select,
    report_version_parse,
    report_visible_data,
    sees_all_departments,
)

FORMATS = ("json", "xlsx")


class ReportPushRowOutput(serializers.Serializer):
    """One department and direction. A sending row has `sent` and none of the claim figures;
    a receiving row has `sent` null and the claim figures."""

    department = serializers.CharField()
    department_name = serializers.CharField()
    direction = serializers.ChoiceField(choices=[APPROVAL_TO_SUPERVISION, SUPERVISION_TO_APPROVAL])
    sent = serializers.IntegerField(allow_null=True)
    received = serializers.IntegerField(required=False)
    claimed_on_time = serializers.IntegerField(required=False)
    auto_claimed = serializers.IntegerField(required=False)
    on_time_rate = serializers.FloatField(required=False, allow_null=True)
    median_claim_hours = serializers.FloatField(required=False, allow_null=True)
    p90_claim_hours = serializers.FloatField(required=False, allow_null=True)


class ReportDepartmentRowOutput(serializers.Serializer):
    department = serializers.CharField()
    department_name = serializers.CharField()
    kind = serializers.CharField()
    feedback_raised = serializers.IntegerField()
    feedback_answered = serializers.IntegerField()
    feedback_overdue = serializers.IntegerField()
    verifications_due = serializers.IntegerField()
    verifications_on_time = serializers.IntegerField()
    verifications_overdue = serializers.IntegerField()
    inquiries_due = serializers.IntegerField()
    inquiries_answered = serializers.IntegerField()
    inquiries_deemed_consent = serializers.IntegerField()


class ReportAccountabilityRowOutput(serializers.Serializer):
    department = serializers.CharField()
    department_name = serializers.CharField()
    obligation = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    deadline = serializers.DateTimeField()
    recorded_at = serializers.DateTimeField()
    late_minutes = serializers.IntegerField()


class MonthlyReportOutput(serializers.Serializer):
    """The rows are returned as they were compiled (the report is an immutable snapshot),
    narrowed to the caller's department unless the caller is a head or a platform admin."""

    month = serializers.CharField()
    version = serializers.IntegerField()
    compiled_at = serializers.DateTimeField()
    pushes = ReportPushRowOutput(many=True)
    departments = ReportDepartmentRowOutput(many=True)
    accountability = ReportAccountabilityRowOutput(many=True)


class MonthlyReportApi(APIView):
    @extend_schema(
        summary="Monthly push/claim report (R18)",
        parameters=[
            OpenApiParameter(
                "month",
                str,
                OpenApiParameter.PATH,
                pattern=r"^\d{4}-\d{2}$",
                description="YYYY-MM",
            ),
            OpenApiParameter(
                "version", int, description="a version of the report; default the latest"
            ),
            OpenApiParameter(
                "format", str, enum=list(FORMATS), description="xlsx for the Excel workbook"
            ),
        ],
        responses={
            (200, "application/json"): MonthlyReportOutput,
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="the Excel workbook (?format=xlsx)"
            ),
        },
    )
    def get(self, request: Request, month: str) -> Response | HttpResponse:
        wanted = request.query_params.get("format") or "json"
        if wanted not in FORMATS:
            raise exceptions.ValidationError({"format": [_("Use json or xlsx.")]})
        parsed = report_month_parse(month)
        if parsed is None:
            raise exceptions.ValidationError({"month": [_("Give the month as YYYY-MM.")]})
        try:
            version = report_version_parse(request.query_params.get("version"))
        except ValueError:
            raise exceptions.ValidationError(
                {"version": [_("A version is a positive whole number.")]}
            ) from None
        report, _versions = report_select(month=parsed, version=version)
        if report is None:
            raise Http404
        actor = actor_for_request(request)
        data = report_visible_data(report=report, actor=actor)
        if wanted == "xlsx":
            return report_xlsx_response(
                report=report,
                data=data,
                actor=actor,
                scope=report_scope(data, sees_all=sees_all_departments(actor)),
            )
        return Response(data)

    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, Any]:
        """`?format=` is DRF's renderer override; this endpoint answers xlsx itself (and
        refuses unknown formats with a 400), so any format but json negotiates JSON — which
        is also what its errors are rendered as."""
        if request.query_params.get("format") not in (None, "json"):
            renderer = JSONRenderer()
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)
