from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("actions/", views.action_list, name="action-list"),
    path("actions/new/", views.action_create, name="action-create"),
    path("actions/<int:pk>/", views.action_detail, name="action-detail"),
    path("restricted/", views.restricted_list, name="restricted-list"),
    path("restricted/add/", views.listing_add, name="listing-add"),
    path("listings/<int:pk>/remove/", views.listing_remove, name="listing-remove"),
    path("letters/", views.letter_list, name="letter-list"),
    path("letters/new/", views.letter_create, name="letter-create"),
    path("letters/<int:pk>/", views.letter_detail, name="letter-detail"),
    path("letters/<int:pk>/decide/", views.letter_decide, name="letter-decide"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/new/", views.case_create, name="case-create"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/opinion/", views.case_opinion, name="case-opinion"),
    path("cases/<int:pk>/verify/", views.case_verify, name="case-verify"),
    path("cases/<int:pk>/close/", views.case_close, name="case-close"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
]
