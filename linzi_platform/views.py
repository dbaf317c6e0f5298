from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from notifications.home import (
    deliveries_failed,
    departments_by_load,
    on_time_trend,
    overdue_this_month,
)
from notifications.todo import todo_list
from organizations.scoping import actor_for_user
from workdays.selectors import calendar_uncovered_years_ahead, calendar_years_ahead


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The home page: the department's to-do list (待办) for its staff, with the department's
    timeliness for its head; the platform's overview for the platform admin."""
    actor = actor_for_user(request.user)
    now = timezone.now()
    context: dict = {"actor": actor, "todo": None}
    if actor.is_platform_admin:
        failed, failed_count = deliveries_failed()
        uncovered = calendar_uncovered_years_ahead(use_cache=True)
        context.update(
            loads=departments_by_load(now=now),
            calendar_years=[(year, year not in uncovered) for year in calendar_years_ahead()],
            failed_deliveries=failed,
            failed_count=failed_count,
        )
        return render(request, "dashboard.html", context)
    if actor.department is None:
        return render(request, "dashboard.html", context)
    context["todo"] = todo_list(actor=actor, now=now)
    if actor.is_head:
        trend = on_time_trend(department=actor.department, now=now)
        overdue, overdue_count = overdue_this_month(department=actor.department, now=now)
        context.update(
            this_month=trend[-1], trend=trend, overdue=overdue, overdue_count=overdue_count
        )
    return render(request, "dashboard.html", context)


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for the container healthcheck: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@csrf_exempt
def api_not_found(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
    """Any /api/ path that matches no endpoint (an unknown path or an id that is not a
    number) answers the API's error envelope, not the HTML 404 page."""
    return JsonResponse(
        {"error": {"code": "not_found", "message": _("Not found."), "fields": {}}}, status=404
    )
