"""Credit-approval endpoints under `/api/v1/credit/` (included by linzi_platform/urls.py,
namespace "api")."""

from django.urls import path

from . import api

urlpatterns = [
    path("catalog/", api.CatalogListApi.as_view(), name="credit-catalog"),
    path("catalog/<slug:item_code>/", api.CatalogDetailApi.as_view(), name="credit-catalog-detail"),
    path("verifications/", api.VerificationListApi.as_view(), name="credit-verifications"),
    path(
        "verifications/<int:pk>/",
        api.VerificationDetailApi.as_view(),
        name="credit-verification-detail",
    ),
    path(
        "verifications/<int:pk>/result/",
        api.VerificationResultApi.as_view(),
        name="credit-verification-result",
    ),
    path(
        "verifications/<int:pk>/rectification/",
        api.VerificationRectificationApi.as_view(),
        name="credit-verification-rectification",
    ),
    path("breaches/", api.BreachReportApi.as_view(), name="credit-breaches"),
    path("revocations/", api.RevocationListApi.as_view(), name="credit-revocations"),
    path(
        "revocations/<int:pk>/",
        api.RevocationDetailApi.as_view(),
        name="credit-revocation-detail",
    ),
    path(
        "revocations/<int:pk>/decision/",
        api.RevocationDecisionApi.as_view(),
        name="credit-revocation-decision",
    ),
]
