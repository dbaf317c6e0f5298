from django.http import HttpRequest
from django.urls import reverse

from organizations.scoping import actor_for_user

from .selectors import calendar_uncovered_years_ahead, calendar_warning_text


def calendar_warnings(request: HttpRequest) -> dict[str, list[str] | str]:
    """{"calendar_warnings": [...]}: one warning per uncovered year (this year and next),
    for staff users and platform admins only; the coverage itself is cached. Staff users (who
    may enter the Django admin) also get "calendar_import_url", the admin's import page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"calendar_warnings": []}
    if not (user.is_staff or actor_for_user(user).is_platform_admin):
        return {"calendar_warnings": []}
    years = calendar_uncovered_years_ahead(use_cache=True)
    warnings: dict[str, list[str] | str] = {
        "calendar_warnings": [calendar_warning_text(year) for year in years]
    }
    if years and user.is_staff:
        warnings["calendar_import_url"] = reverse("admin:workdays_workdayoverride_import")
    return warnings
