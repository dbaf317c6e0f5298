"""Coordination endpoints of `/api/v1/coordination/` (included by linzi_platform/urls.py,
namespace "api")."""

from django.urls import path

from . import api

urlpatterns = [
    path("inquiries/", api.InquiryListCreateApi.as_view(), name="coordination-inquiries"),
    path(
        "inquiries/<int:pk>/",
        api.InquiryDetailApi.as_view(),
        name="coordination-inquiry-detail",
    ),
    path(
        "inquiries/<int:pk>/reply/",
        api.InquiryReplyApi.as_view(),
        name="coordination-inquiry-reply",
    ),
    path("inspections/", api.InspectionListCreateApi.as_view(), name="coordination-inspections"),
    path(
        "inspections/<int:pk>/",
        api.InspectionDetailApi.as_view(),
        name="coordination-inspection-detail",
    ),
    path(
        "inspections/<int:pk>/confirm/",
        api.InspectionConfirmApi.as_view(),
        name="coordination-inspection-confirm",
    ),
    path(
        "inspections/<int:pk>/report/",
        api.InspectionReportApi.as_view(),
        name="coordination-inspection-report",
    ),
    path(
        "inspections/<int:pk>/sign-off/",
        api.InspectionSignOffApi.as_view(),
        name="coordination-inspection-sign-off",
    ),
    path("meetings/", api.MeetingListCreateApi.as_view(), name="coordination-meetings"),
    path(
        "meetings/<int:pk>/",
        api.MeetingDetailApi.as_view(),
        name="coordination-meeting-detail",
    ),
    path(
        "meetings/<int:pk>/opinion/",
        api.MeetingOpinionApi.as_view(),
        name="coordination-meeting-opinion",
    ),
    path(
        "meetings/<int:pk>/minutes/",
        api.MeetingMinutesApi.as_view(),
        name="coordination-meeting-minutes",
    ),
    path(
        "important-files/",
        api.ImportantFileListCreateApi.as_view(),
        name="coordination-important-files",
    ),
    path(
        "important-files/<int:pk>/",
        api.ImportantFileDetailApi.as_view(),
        name="coordination-important-file-detail",
    ),
    path(
        "important-files/<int:pk>/checklist/",
        api.ImportantFileChecklistApi.as_view(),
        name="coordination-important-file-checklist",
    ),
    path(
        "important-files/<int:pk>/consultations/",
        api.ConsultationCreateApi.as_view(),
        name="coordination-important-file-consultations",
    ),
    path(
        "important-files/<int:pk>/stakeholder-opinions/",
        api.StakeholderOpinionCreateApi.as_view(),
        name="coordination-important-file-stakeholder-opinions",
    ),
    path(
        "important-files/<int:pk>/hearing/",
        api.HearingCreateApi.as_view(),
        name="coordination-important-file-hearing",
    ),
    path(
        "important-files/<int:pk>/no-hearing-reason/",
        api.NoHearingReasonApi.as_view(),
        name="coordination-important-file-no-hearing-reason",
    ),
]
