from django.urls import path

from . import views
from .files import views as files_views
from .inquiries import views as inquiries_views
from .inspections import views as inspections_views
from .meetings import views as meetings_views

app_name = "coordination"

urlpatterns = [
    path("", views.index, name="index"),
    path("inquiries/", inquiries_views.inquiry_list, name="inquiry-list"),
    path("inquiries/new/", inquiries_views.inquiry_create, name="inquiry-create"),
    path("inquiries/<int:pk>/", inquiries_views.inquiry_detail, name="inquiry-detail"),
    path("inquiries/<int:pk>/reply/", inquiries_views.inquiry_reply, name="inquiry-reply"),
    path("meetings/", meetings_views.meeting_list, name="meeting-list"),
    path("meetings/new/", meetings_views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", meetings_views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/opinion/", meetings_views.meeting_opinion, name="meeting-opinion"),
    path("meetings/<int:pk>/minutes/", meetings_views.meeting_minutes, name="meeting-minutes"),
    path("inspections/", inspections_views.inspection_list, name="inspection-list"),
    path("inspections/new/", inspections_views.inspection_create, name="inspection-create"),
    path("inspections/<int:pk>/", inspections_views.inspection_detail, name="inspection-detail"),
    path(
        "inspections/<int:pk>/confirm/",
        inspections_views.inspection_confirm,
        name="inspection-confirm",
    ),
    path(
        "inspections/<int:pk>/report/",
        inspections_views.inspection_report,
        name="inspection-report",
    ),
    path(
        "inspections/<int:pk>/report/print/",
        inspections_views.inspection_report_print,
        name="inspection-report-print",
    ),
    path(
        "inspections/<int:pk>/sign-off/",
        inspections_views.inspection_sign_off,
        name="inspection-sign-off",
    ),
    path("files/", files_views.file_list, name="file-list"),
    path("files/new/", files_views.file_create, name="file-create"),
    path("files/<int:pk>/", files_views.file_detail, name="file-detail"),
    path("files/<int:pk>/consultation/", files_views.file_consultation, name="file-consultation"),
    path(
        "files/<int:pk>/stakeholder-opinion/", files_views.file_stakeholder, name="file-stakeholder"
    ),
    path("files/<int:pk>/hearing/", files_views.file_hearing, name="file-hearing"),
    path("files/<int:pk>/no-hearing/", files_views.file_no_hearing, name="file-no-hearing"),
    path("documents/<slug:kind>/<int:pk>/", views.document_download, name="document-download"),
]
