"""Request hygiene shared by every view."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class StripNulFromQueryMiddleware:
    """Remove NUL characters from the query string's values.

    PostgreSQL cannot hold NUL in a text literal, so `?q=%00` reached the search filters of
    the list pages (the public catalog included) and the API's django-filter filters as a
    500. A NUL never means anything in a search term or a filter: drop it. Form bodies need
    no help — Django's and DRF's CharFields refuse NUL with a field error.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


class RecordsInPlatformLanguageMiddleware:
    """A write request runs in the platform's language (LANGUAGE_CODE, zh-hans).

    Services store text a person reads later — push titles, notices, status-change reasons —
    and Chinese records must not depend on whether the clerk who wrote them had switched the
    interface to English. Reads keep the visitor's language; the answer to a write (a form
    with errors, a message after the redirect) is in the platform's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return self.get_response(request)
        with translation.override(settings.LANGUAGE_CODE):
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body exceeds REQUEST_MAX_BYTES before reading it.

    Django caps a form's fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams uploaded files to
    disk whatever their size, and uploads.py refuses a file over 10 MB only once it has
    arrived. The error views answer RequestDataTooBig with a 413: the API's envelope or a
    page in Chinese.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.REQUEST_MAX_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            raise RequestDataTooBig("Request body exceeded settings.REQUEST_MAX_BYTES.")
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """`Cache-Control: no-store` on every answer to a signed-in person or an API key.

    A page for a signed-in clerk shows a department's records: neither the browser's cache (a
    shared office computer, the back button after logging out) nor a proxy may keep it
    (GB/T 22239-2019 8.1.4.8, residual information). Anonymous pages (the catalog, /verify/)
    stay cacheable; static files never reach this middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or "HTTP_AUTHORIZATION" in request.META:
            add_never_cache_headers(response)
        return response
