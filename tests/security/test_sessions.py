"""Sessions end by themselves (GB/T 22239-2019 8.1.4.1 b): after SESSION_IDLE_TIMEOUT without
a request (30 minutes by default), and SESSION_ABSOLUTE_LIMIT after the sign-in (8 hours)
whatever the activity; the page is told both, to warn before the end."""

import datetime
import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.clients import logged_in
from tests.helpers import at

pytestmark = pytest.mark.django_db

SIGN_IN = "2026-11-27T09:00"
IDLE = 30 * 60


def signed_in_at(user, when: str = SIGN_IN) -> Client:
    with time_machine.travel(at(when), tick=False):
        return logged_in(user)


def get_at(client: Client, when: str, name: str = "dashboard"):
    with time_machine.travel(at(when), tick=False):
        return client.get(reverse(name))


def body_data(response, name: str) -> int:
    return int(re.search(rf'data-session-{name}="(\d+)"', response.content.decode()).group(1))


@pytest.mark.parametrize(
    ("when", "signed_in"),
    [("2026-11-27T09:29:59", True), ("2026-11-27T09:30:01", False)],
)
def test_a_session_left_idle_for_30_minutes_ends(supervision_clerk, when, signed_in):
    client = signed_in_at(supervision_clerk)
    response = get_at(client, when)
    assert (response.status_code == 200) is signed_in
    if not signed_in:
        assert response["Location"].startswith(reverse("login"))


def test_each_request_moves_the_idle_end(supervision_clerk):
    client = signed_in_at(supervision_clerk)
    for when in ["09:20", "09:40", "10:00", "10:20", "10:45"]:
        assert get_at(client, f"2026-11-27T{when}").status_code == 200
    assert get_at(client, "2026-11-27T11:16").status_code == 302


def test_requests_within_a_minute_do_not_write_the_session(supervision_clerk):
    client = signed_in_at(supervision_clerk)
    key = client.session.session_key
    get_at(client, "2026-11-27T09:10")
    first = Session.objects.get(session_key=key).expire_date
    assert first == at("2026-11-27T09:40")
    get_at(client, "2026-11-27T09:10:50")
    assert Session.objects.get(session_key=key).expire_date == first
    get_at(client, "2026-11-27T09:12")
    assert Session.objects.get(session_key=key).expire_date == at("2026-11-27T09:42")


def test_an_active_session_ends_8_hours_after_the_sign_in(supervision_clerk):
    client = signed_in_at(supervision_clerk)
    step = datetime.timedelta(minutes=20)
    when = at(SIGN_IN)
    while when + step < at("2026-11-27T17:00"):
        when += step
        with time_machine.travel(when, tick=False):
            assert client.get(reverse("session-keepalive")).status_code == 204
    response = get_at(client, "2026-11-27T17:00:01")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    # Signing in again starts a new session with its own 8 hours.
    again = signed_in_at(supervision_clerk, "2026-11-27T17:01")
    assert get_at(again, "2026-11-27T17:20").status_code == 200


def keep_working_all_day(client: Client, until_hour: int = 17) -> None:
    for hour in range(9, until_hour):
        for minute in ("00", "25", "50"):
            get_at(client, f"2026-11-27T{hour:02d}:{minute}", "session-keepalive")


def test_the_keepalive_never_extends_past_the_absolute_limit(supervision_clerk):
    client = signed_in_at(supervision_clerk)
    keep_working_all_day(client, until_hour=16)
    response = get_at(client, "2026-11-27T16:05", "session-keepalive")
    assert response["X-Session-Expires-In"] == str(IDLE)
    get_at(client, "2026-11-27T16:30", "session-keepalive")
    response = get_at(client, "2026-11-27T16:50:30", "session-keepalive")
    assert response.status_code == 204
    assert response["X-Session-Expires-In"] == str(9 * 60 + 30)  # up to 17:00, not 17:20:30
    key = client.session.session_key
    assert Session.objects.get(session_key=key).expire_date == at("2026-11-27T17:00")
    assert get_at(client, "2026-11-27T17:00:01", "session-keepalive").status_code == 302


def test_the_page_gets_the_idle_end_the_absolute_limit_and_when_to_warn(supervision_clerk):
    client = signed_in_at(supervision_clerk)
    response = get_at(client, "2026-11-27T09:20")
    assert body_data(response, "expires-in") == IDLE
    assert body_data(response, "limit-in") == 8 * 3600 - 20 * 60
    assert body_data(response, "age") == IDLE
    # The warning comes 5 minutes before the idle end, well before it.
    assert body_data(response, "warning") == 5 * 60
    text = response.content.decode()
    assert 'data-session-state="soon"' in text and 'data-session-state="limit"' in text
    assert "无法再延长" in text


def test_near_the_absolute_limit_the_page_is_told_the_session_ends_with_it(supervision_clerk):
    client = signed_in_at(supervision_clerk)
    keep_working_all_day(client)
    response = get_at(client, "2026-11-27T16:52")
    assert body_data(response, "expires-in") == 8 * 60
    assert body_data(response, "limit-in") == 8 * 60


def test_the_idle_time_and_the_limit_follow_the_settings(supervision_clerk, settings):
    settings.SESSION_IDLE_TIMEOUT = 10 * 60
    settings.SESSION_ABSOLUTE_LIMIT = 3600
    client = signed_in_at(supervision_clerk)
    response = get_at(client, "2026-11-27T09:05")
    assert body_data(response, "expires-in") == 10 * 60
    assert body_data(response, "warning") == 200  # a third of a short idle time
    assert get_at(client, "2026-11-27T09:16").status_code == 302
    client = signed_in_at(supervision_clerk)
    for minute in range(5, 60, 5):
        get_at(client, f"2026-11-27T09:{minute:02d}", "session-keepalive")
    assert get_at(client, "2026-11-27T10:00:01").status_code == 302


def test_the_limit_counts_from_the_sign_in_through_the_login_form(supervision_clerk):
    client = Client()
    with time_machine.travel(at(SIGN_IN), tick=False):
        response = client.post(
            reverse("login"),
            {"username": supervision_clerk.username, "password": "pw-Linzi-2026"},
        )
    assert response.status_code == 302
    response = get_at(client, "2026-11-27T09:10")
    assert body_data(response, "limit-in") == 8 * 3600 - 10 * 60
