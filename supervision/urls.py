from django.urls import path

from . import views
from .actions import views as actions_views
from .cases import views as cases_views
from .letters import views as letters_views
from .listings import views as listings_views

app_name = "supervision"

urlpatterns = [
    path("actions/", actions_views.action_list, name="action-list"),
    path("actions/new/", actions_views.action_create, name="action-create"),
    path("actions/<int:pk>/", actions_views.action_detail, name="action-detail"),
    path("restricted/", listings_views.restricted_list, name="restricted-list"),
    path("restricted/add/", listings_views.listing_add, name="listing-add"),
    path("listings/<int:pk>/remove/", listings_views.listing_remove, name="listing-remove"),
    path("letters/", letters_views.letter_list, name="letter-list"),
    path("letters/new/", letters_views.letter_create, name="letter-create"),
    path("letters/<int:pk>/", letters_views.letter_detail, name="letter-detail"),
    path("letters/<int:pk>/decide/", letters_views.letter_decide, name="letter-decide"),
    path("cases/", cases_views.case_list, name="case-list"),
    path("cases/new/", cases_views.case_create, name="case-create"),
    path("cases/<int:pk>/", cases_views.case_detail, name="case-detail"),
    path("cases/<int:pk>/opinion/", cases_views.case_opinion, name="case-opinion"),
    path("cases/<int:pk>/verify/", cases_views.case_verify, name="case-verify"),
    path("cases/<int:pk>/close/", cases_views.case_close, name="case-close"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
]
