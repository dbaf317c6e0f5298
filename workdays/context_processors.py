from django.http import HttpRequest

from organizations.scoping import actor_for_user

from .selectors import calendar_uncovered_years_ahead, calendar_warning_text


def calendar_warnings(request: HttpRequest) -> dict[str, list[str]]:
    """{"calendar_warnings": [...]}: one warning per uncovered year (this year and next),
    for staff users and platform admins only; the coverage itself is cached."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"calendar_warnings": []}
    if not (user.is_staff or actor_for_user(user).is_platform_admin):
        return {"calendar_warnings": []}
    years = calendar_uncovered_years_ahead(use_cache=True)
    return {"calendar_warnings": [calendar_warning_text(year) for year in years]}
