"""The pages a person sees when a request fails: 400, 403, 404, 413, 500 and a refused CSRF
token.

Each page wears the site's layout, says in Chinese what happened and offers the way back to
the dashboard and to the previous page. The 403 page shows the reason the service gave (a
PermissionDenied raised with a Chinese message); the 404 page never shows Http404's message,
which may name internals. Paths under /api/ keep the API's error envelope.

The 400 and 500 pages render without the request (Django does the same): the request that
failed may be the reason, and the 500 page must show even when the database is down. A body
over the size limits (Django's RequestDataTooBig, a 400 by default) is a 413.
"""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from linzi_platform.api_errors import DEFAULT_MESSAGES

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
API_CODES = {
    400: "bad_request",
    403: "permission_denied",
    404: "not_found",
    413: "request_too_large",
    500: "server_error",
}


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _api_error(status: int) -> JsonResponse:
    """The API's envelope, as `api_errors.exception_handler` writes it."""
    message = _(DEFAULT_MESSAGES[status]) if status in DEFAULT_MESSAGES else _("Server error.")
    body = {"error": {"code": API_CODES[status], "message": message, "fields": {}}}
    return JsonResponse(body, status=status)


def _back_url(request: HttpRequest) -> str:
    """The page the person came from, when it is one of ours; else ""."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return ""
    try:
        host = request.get_host()
    except Exception:  # a disallowed Host header is itself what a 400 reports
        return ""
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return referer
    return ""


def _static_page(template_name: str, request: HttpRequest) -> str:
    """A page rendered without context processors: nothing in it can query the database."""
    return loader.get_template(template_name).render({"back_url": _back_url(request)})


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        if _is_api(request):
            return _api_error(413)
        return HttpResponse(_static_page("413.html", request), status=413)
    if _is_api(request):
        return _api_error(400)
    return HttpResponseBadRequest(_static_page("400.html", request))


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _api_error(403)
    # The services raise PermissionDenied with a sentence written for the person (which
    # department may do this); Django's own raises carry none.
    reason = str(exception) if isinstance(exception, PermissionDenied) else ""
    context = {"reason": reason, "back_url": _back_url(request)}
    return render(request, "403.html", context, status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _api_error(404)
    # Http404's message is not shown: it may name a model or a query.
    return render(request, "404.html", {"back_url": _back_url(request)}, status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _api_error(500)
    try:
        return HttpResponseServerError(_static_page("500.html", request))
    except Exception:  # the page itself failed: a plain sentence still reaches the person
        logger.exception("the 500 page could not be rendered")
        return HttpResponseServerError(
            _("The server ran into an error. Please try again later."),
            content_type="text/plain; charset=utf-8",
        )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with a stale or missing token: usually the login expired, or the person
    logged in again in another window while the form stayed open."""
    if _is_api(request):
        return _api_error(403)
    return render(request, "403_csrf.html", {"back_url": _back_url(request)}, status=403)
