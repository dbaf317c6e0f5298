"""Content-Security-Policy in a real browser: the pages that run the most script — Swagger UI
on /api/docs/ and the Django admin's widgets — work under their policy and the browser reports
no violation. (Every other page, for every role and anonymous, is checked on the phone-layout
walk: tests/e2e/test_phone_layout.py.)"""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from audit.models import AuditEvent
from tests.e2e.browser import csp_violations, log_in, watch_csp
from tests.security.world import World as SecurityWorld

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_render_under_their_policy(
    new_page: Callable[..., Any], screenshot: Any
) -> None:
    page = new_page(viewport={"width": 1366, "height": 900})
    reports = watch_csp(page)
    response = page.goto("/api/docs/")
    # Swagger UI ran (its start-up script is a separate file) and loaded the schema.
    # The schema's title is its ASCII name (what client generators name their package after);
    # the Chinese name opens its description.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Linzi Platform")
    expect(page.locator(".swagger-ui .info .description")).to_contain_text("临淄区审批监管互动平台")
    expect(page.locator(".opblock").first).to_be_visible()
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    screenshot(page, "api-docs")
    assert not csp_violations(page) and not reports, [*csp_violations(page), *reports]
    assert response is not None
    assert "img-src 'self' data:" in response.headers["content-security-policy"]


def test_the_admin_runs_under_the_policy(
    every_page_world: SecurityWorld, new_page: Callable[..., Any], screenshot: Any
) -> None:
    """The index, the audit trail, a list with actions and filters, and forms with the date
    and selection widgets."""
    page = new_page(viewport={"width": 1366, "height": 900})
    reports = watch_csp(page)
    log_in(page, every_page_world.users["platform_admin"].username)
    urls = [
        reverse("admin:index"),
        reverse("admin:audit_auditevent_changelist"),
        reverse("admin:audit_auditevent_change", args=[AuditEvent.objects.first().pk]),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[every_page_world.users["A1"].pk]),
        reverse("admin:workdays_workdayoverride_add"),
    ]
    violations = []
    for url in urls:
        page.goto(url)
        expect(page.locator("#content")).to_be_visible()
        violations += csp_violations(page)
    # A widget's script ran: the calendar shortcut of a date field (DateTimeShortcuts.js).
    expect(page.locator(".datetimeshortcuts").first).to_be_visible()
    screenshot(page, "admin-date-widget")
    assert not violations and not reports, [*violations, *reports]
