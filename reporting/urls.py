from django.urls import path

from . import views

app_name = "reporting"

# Under /pushes/reports/ (linzi_platform/urls.py), where the monthly report always was.
urlpatterns = [
    path("", views.report_list, name="report-list"),
    path("<str:month>/", views.report_detail, name="report-detail"),
    path("<str:month>/print/", views.report_print, name="report-print"),
    path("<str:month>/xlsx/", views.report_xlsx, name="report-xlsx"),
    path("<str:month>/recompile/", views.report_recompile, name="report-recompile"),
]
