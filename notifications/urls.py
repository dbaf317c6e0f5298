from django.urls import path

from . import views

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
]
