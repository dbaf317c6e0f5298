from django.urls import path

from . import views

app_name = "credit"

urlpatterns = [
    path("catalog/", views.catalog_list, name="catalog-list"),
    path("catalog/<slug:item_code>/", views.catalog_detail, name="catalog-detail"),
    path("catalog/<slug:item_code>/edit/", views.catalog_edit, name="catalog-edit"),
    path("verifications/", views.verification_list, name="verification-list"),
    path("verifications/<int:pk>/", views.verification_detail, name="verification-detail"),
    path("verifications/<int:pk>/result/", views.verification_result, name="verification-result"),
    path(
        "verifications/<int:pk>/rectification/",
        views.verification_rectification,
        name="verification-rectification",
    ),
    path(
        "verifications/<int:pk>/files/<int:file_id>/",
        views.verification_file,
        name="verification-file",
    ),
    path("verifications/<int:pk>/scan/", views.verification_scan, name="verification-scan"),
    path("revocations/", views.revocation_list, name="revocation-list"),
    path("revocations/<int:pk>/", views.revocation_detail, name="revocation-detail"),
    path("breach/new/", views.breach_create, name="breach-create"),
]
