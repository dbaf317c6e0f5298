"""Supervision endpoints of `/api/v1/` (included by linzi_platform/urls.py, namespace "api")."""

from django.urls import path

from .actions import api as actions_api
from .cases import api as cases_api
from .letters import api as letters_api
from .listings import api as listings_api

urlpatterns = [
    path(
        "supervision-actions/",
        actions_api.SupervisionActionListCreateApi.as_view(),
        name="supervision-actions",
    ),
    path(
        "supervision-actions/<int:pk>/",
        actions_api.SupervisionActionDetailApi.as_view(),
        name="supervision-action-detail",
    ),
    path(
        "counterparties/<str:code>/access/",
        listings_api.CounterpartyAccessApi.as_view(),
        name="supervision-counterparty-access",
    ),
    path("listings/", listings_api.ListingListCreateApi.as_view(), name="supervision-listings"),
    path(
        "listings/<int:pk>/",
        listings_api.ListingDetailApi.as_view(),
        name="supervision-listing-detail",
    ),
    path(
        "listings/<int:pk>/remove/",
        listings_api.ListingRemoveApi.as_view(),
        name="supervision-listing-remove",
    ),
    path(
        "licence-letters/",
        letters_api.LicenceLetterListCreateApi.as_view(),
        name="supervision-licence-letters",
    ),
    path(
        "licence-letters/<int:pk>/",
        letters_api.LicenceLetterDetailApi.as_view(),
        name="supervision-licence-letter-detail",
    ),
    path(
        "licence-letters/<int:pk>/decision/",
        letters_api.LicenceLetterDecisionApi.as_view(),
        name="supervision-licence-letter-decision",
    ),
    path(
        "legacy-cases/",
        cases_api.LegacyCaseListCreateApi.as_view(),
        name="supervision-legacy-cases",
    ),
    path(
        "legacy-cases/<int:pk>/",
        cases_api.LegacyCaseDetailApi.as_view(),
        name="supervision-legacy-case-detail",
    ),
    path(
        "legacy-cases/<int:pk>/opinion/",
        cases_api.LegacyCaseOpinionApi.as_view(),
        name="supervision-legacy-case-opinion",
    ),
    path(
        "legacy-cases/<int:pk>/verify-rectification/",
        cases_api.LegacyCaseVerifyRectificationApi.as_view(),
        name="supervision-legacy-case-verify-rectification",
    ),
    path(
        "legacy-cases/<int:pk>/close/",
        cases_api.LegacyCaseCloseApi.as_view(),
        name="supervision-legacy-case-close",
    ),
]
