from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from coordination.dashboard import coordination_dashboard_cards
from credit.dashboard import credit_dashboard_cards
from notifications.selectors import dashboard_cards, feedback_open
from organizations.models import Department
from organizations.scoping import actor_for_user
from supervision.dashboard import supervision_dashboard_cards


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = actor_for_user(request.user)
    context = {
        "actor": actor,
        "cards": [
            *dashboard_cards(actor=actor),
            *supervision_dashboard_cards(actor=actor),
            *credit_dashboard_cards(actor=actor),
            *coordination_dashboard_cards(actor=actor),
        ],
        "open_feedback": feedback_open(actor=actor)[:20],
        "departments": None,
    }
    if actor.is_platform_admin:
        context["departments"] = Department.objects.order_by("kind", "code")
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
