from django.urls import include, path

from .views import BareInsertApi

urlpatterns = [
    path("bench/bare/", BareInsertApi.as_view(), name="bench-bare"),
    path("", include("linzi_platform.urls")),
]
