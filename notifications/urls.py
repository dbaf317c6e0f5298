from django.urls import path

from . import report_views, views

app_name = "notifications"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("outbox/", views.outbox, name="outbox"),
    path("claim/", views.claim_bulk, name="claim-bulk"),
    path("<int:pk>/", views.push_detail, name="push-detail"),
    path("<int:pk>/claim/", views.claim, name="claim"),
    path("<int:pk>/feedback/", views.feedback, name="feedback"),
    path("<int:pk>/feedback/<int:feedback_id>/reply/", views.reply, name="reply"),
    path("notices/", views.notification_list, name="list"),
    path("notices/read/", views.notifications_read, name="read"),
    path("notices/preferences/", views.notification_preferences, name="preferences"),
    path("reports/", report_views.report_list, name="report-list"),
    path("reports/<str:month>/", report_views.report_detail, name="report-detail"),
    path("reports/<str:month>/print/", report_views.report_print, name="report-print"),
    path("reports/<str:month>/xlsx/", report_views.report_xlsx, name="report-xlsx"),
    path("reports/<str:month>/recompile/", report_views.report_recompile, name="report-recompile"),
]
