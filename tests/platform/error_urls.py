"""A URLconf for the error-page tests: the site's own URLs and handlers plus views that fail."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from linzi_platform.urls import handler400, handler403, handler404, handler500
from linzi_platform.urls import urlpatterns as site_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

SECRET = "Licence matching query does not exist (pk=42, department=scjg)"


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("tampered")


def missing(request: HttpRequest) -> HttpResponse:
    raise Http404(SECRET)


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


class BrokenApi(APIView):
    def get(self, request: Request) -> Response:
        raise RuntimeError("boom")


urlpatterns = [
    path("test-errors/400/", suspicious),
    path("test-errors/404/", missing),
    path("test-errors/403/", forbidden),
    path("test-errors/500/", broken),
    path("api/v1/test-errors/500/", BrokenApi.as_view()),
    path("api/v1/test-errors/404/", missing),
    path("api/v1/test-errors/403/", forbidden),
    path("api/v1/test-errors/400/", suspicious),
    *site_urlpatterns,
]
