"""Supervision endpoints of `/api/v1/` (included by linzi_platform/urls.py, namespace "api")."""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "supervision-actions/",
        api.SupervisionActionListCreateApi.as_view(),
        name="supervision-actions",
    ),
    path(
        "supervision-actions/<int:pk>/",
        api.SupervisionActionDetailApi.as_view(),
        name="supervision-action-detail",
    ),
    path(
        "counterparties/<str:code>/access/",
        api.CounterpartyAccessApi.as_view(),
        name="supervision-counterparty-access",
    ),
    path("listings/", api.ListingListCreateApi.as_view(), name="supervision-listings"),
    path("listings/<int:pk>/", api.ListingDetailApi.as_view(), name="supervision-listing-detail"),
    path(
        "listings/<int:pk>/remove/",
        api.ListingRemoveApi.as_view(),
        name="supervision-listing-remove",
    ),
    path(
        "licence-letters/",
        api.LicenceLetterListCreateApi.as_view(),
        name="supervision-licence-letters",
    ),
    path(
        "licence-letters/<int:pk>/",
        api.LicenceLetterDetailApi.as_view(),
        name="supervision-licence-letter-detail",
    ),
    path(
        "licence-letters/<int:pk>/decision/",
        api.LicenceLetterDecisionApi.as_view(),
        name="supervision-licence-letter-decision",
    ),
    path("legacy-cases/", api.LegacyCaseListCreateApi.as_view(), name="supervision-legacy-cases"),
    path(
        "legacy-cases/<int:pk>/",
        api.LegacyCaseDetailApi.as_view(),
        name="supervision-legacy-case-detail",
    ),
    path(
        "legacy-cases/<int:pk>/opinion/",
        api.LegacyCaseOpinionApi.as_view(),
        name="supervision-legacy-case-opinion",
    ),
    path(
        "legacy-cases/<int:pk>/verify-rectification/",
        api.LegacyCaseVerifyRectificationApi.as_view(),
        name="supervision-legacy-case-verify-rectification",
    ),
    path(
        "legacy-cases/<int:pk>/close/",
        api.LegacyCaseCloseApi.as_view(),
        name="supervision-legacy-case-close",
    ),
]
