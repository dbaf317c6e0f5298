"""Coordination endpoints of `/api/v1/coordination/` (included by linzi_platform/urls.py,
namespace "api")."""

from django.urls import path

from .files import api as files_api
from .inquiries import api as inquiries_api
from .inspections import api as inspections_api
from .meetings import api as meetings_api

urlpatterns = [
    path("inquiries/", inquiries_api.InquiryListCreateApi.as_view(), name="coordination-inquiries"),
    path(
        "inquiries/<int:pk>/",
        inquiries_api.InquiryDetailApi.as_view(),
        name="coordination-inquiry-detail",
    ),
    path(
        "inquiries/<int:pk>/reply/",
        inquiries_api.InquiryReplyApi.as_view(),
        name="coordination-inquiry-reply",
    ),
    path(
        "inspections/",
        inspections_api.InspectionListCreateApi.as_view(),
        name="coordination-inspections",
    ),
    path(
        "inspections/<int:pk>/",
        inspections_api.InspectionDetailApi.as_view(),
        name="coordination-inspection-detail",
    ),
    path(
        "inspections/<int:pk>/confirm/",
        inspections_api.InspectionConfirmApi.as_view(),
        name="coordination-inspection-confirm",
    ),
    path(
        "inspections/<int:pk>/report/",
        inspections_api.InspectionReportApi.as_view(),
        name="coordination-inspection-report",
    ),
    path(
        "inspections/<int:pk>/sign-off/",
        inspections_api.InspectionSignOffApi.as_view(),
        name="coordination-inspection-sign-off",
    ),
    path("meetings/", meetings_api.MeetingListCreateApi.as_view(), name="coordination-meetings"),
    path(
        "meetings/<int:pk>/",
        meetings_api.MeetingDetailApi.as_view(),
        name="coordination-meeting-detail",
    ),
    path(
        "meetings/<int:pk>/opinion/",
        meetings_api.MeetingOpinionApi.as_view(),
        name="coordination-meeting-opinion",
    ),
    path(
        "meetings/<int:pk>/minutes/",
        meetings_api.MeetingMinutesApi.as_view(),
        name="coordination-meeting-minutes",
    ),
    path(
        "important-files/",
        files_api.ImportantFileListCreateApi.as_view(),
        name="coordination-important-files",
    ),
    path(
        "important-files/<int:pk>/",
        files_api.ImportantFileDetailApi.as_view(),
        name="coordination-important-file-detail",
    ),
    path(
        "important-files/<int:pk>/checklist/",
        files_api.ImportantFileChecklistApi.as_view(),
        name="coordination-important-file-checklist",
    ),
    path(
        "important-files/<int:pk>/consultations/",
        files_api.ConsultationCreateApi.as_view(),
        name="coordination-important-file-consultations",
    ),
    path(
        "important-files/<int:pk>/stakeholder-opinions/",
        files_api.StakeholderOpinionCreateApi.as_view(),
        name="coordination-important-file-stakeholder-opinions",
    ),
    path(
        "important-files/<int:pk>/hearing/",
        files_api.HearingCreateApi.as_view(),
        name="coordination-important-file-hearing",
    ),
    path(
        "important-files/<int:pk>/no-hearing-reason/",
        files_api.NoHearingReasonApi.as_view(),
        name="coordination-important-file-no-hearing-reason",
    ),
]
