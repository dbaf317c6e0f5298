from django.urls import path

from . import views

app_name = "coordination"

urlpatterns = [
    path("", views.index, name="index"),
    path("inquiries/", views.inquiry_list, name="inquiry-list"),
    path("inquiries/new/", views.inquiry_create, name="inquiry-create"),
    path("inquiries/<int:pk>/", views.inquiry_detail, name="inquiry-detail"),
    path("inquiries/<int:pk>/reply/", views.inquiry_reply, name="inquiry-reply"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/opinion/", views.meeting_opinion, name="meeting-opinion"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting-minutes"),
    path("inspections/", views.inspection_list, name="inspection-list"),
    path("inspections/new/", views.inspection_create, name="inspection-create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection-detail"),
    path("inspections/<int:pk>/confirm/", views.inspection_confirm, name="inspection-confirm"),
    path("inspections/<int:pk>/report/", views.inspection_report, name="inspection-report"),
    path(
        "inspections/<int:pk>/report/print/",
        views.inspection_report_print,
        name="inspection-report-print",
    ),
    path("inspections/<int:pk>/sign-off/", views.inspection_sign_off, name="inspection-sign-off"),
    path("files/", views.file_list, name="file-list"),
    path("files/new/", views.file_create, name="file-create"),
    path("files/<int:pk>/", views.file_detail, name="file-detail"),
    path("files/<int:pk>/consultation/", views.file_consultation, name="file-consultation"),
    path("files/<int:pk>/stakeholder-opinion/", views.file_stakeholder, name="file-stakeholder"),
    path("files/<int:pk>/hearing/", views.file_hearing, name="file-hearing"),
    path("files/<int:pk>/no-hearing/", views.file_no_hearing, name="file-no-hearing"),
    path("documents/<slug:kind>/<int:pk>/", views.document_download, name="document-download"),
]
