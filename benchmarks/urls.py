from django.urls import include, path

from .views import BareInsertApi, LicenceContractFloorApi

urlpatterns = [
    path("bench/bare/", BareInsertApi.as_view(), name="bench-bare"),
    path("bench/licence-floor/", LicenceContractFloorApi.as_view(), name="bench-licence-floor"),
    path("", include("linzi_platform.urls")),
]
