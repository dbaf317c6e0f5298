"""A login that runs out loses nothing: the page knows when the session ends, a keep-alive
extends it, and static/js/session.js (loaded for signed-in people only) warns and keeps a
draft of the forms being filled in."""

import datetime
import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.urls import reverse

from linzi_platform.sessions import SessionStore, session_expiry
from tests.clients import logged_in
from tests.helpers import at

pytestmark = pytest.mark.django_db

LOGIN = "2026-11-27T09:00"
AGE = 30 * 60  # the idle time-out: what a request or a keep-alive gives


def test_signed_in_pages_carry_the_session_script_and_the_seconds_left(supervision_clerk):
    with time_machine.travel(at(LOGIN), tick=False):
        client = logged_in(supervision_clerk)
    with time_machine.travel(at("2026-11-27T09:10:30"), tick=False):
        text = client.get(reverse("dashboard")).content.decode()
    # The request itself is activity: the session now ends 30 minutes after it.
    assert f'data-session-expires-in="{AGE}"' in text
    assert f'data-session-age="{AGE}"' in text
    assert f'data-session-keepalive="{reverse("session-keepalive")}"' in text
    assert 'src="/static/js/session.js" defer' in text
    assert 'id="session-warning"' in text and "登录即将过期" in text and "继续工作" in text
    assert "已恢复您上次未提交的内容" in text


@pytest.mark.parametrize("path", ["/catalog/", "/verify/", "/accounts/login/"])
def test_visitors_get_neither_the_script_nor_the_expiry(path):
    text = Client().get(path).content.decode()
    assert "session.js" not in text
    assert "data-session-" not in text and "session-warning" not in text


def test_the_seconds_left_cost_no_query(supervision_clerk, django_assert_num_queries):
    """The store remembers the row's expiry when it loads the session (pinned page counts)."""
    client = logged_in(supervision_clerk)
    request = RequestFactory().get("/")
    request.user = supervision_clerk
    request.session = SessionStore(client.session.session_key)
    request.session.get("_auth_user_id")  # loaded as the authentication middleware does
    with django_assert_num_queries(0):
        context = session_expiry(request)
    assert 0 < context["session_expires_in"] <= AGE


def test_the_keepalive_needs_a_login():
    response = Client().get(reverse("session-keepalive"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_keepalive_answers_204_and_moves_the_sessions_end(supervision_clerk):
    with time_machine.travel(at(LOGIN), tick=False):
        client = logged_in(supervision_clerk)
    key = client.session.session_key
    assert Session.objects.get(session_key=key).expire_date == at(LOGIN) + datetime.timedelta(
        seconds=AGE
    )
    with time_machine.travel(at("2026-11-27T09:25"), tick=False):
        response = client.get(reverse("session-keepalive"))
        assert response.status_code == 204
        assert "no-store" in response["Cache-Control"]
        assert response["X-Session-Expires-In"] == str(AGE)
    assert Session.objects.get(session_key=key).expire_date == at(
        "2026-11-27T09:25"
    ) + datetime.timedelta(seconds=AGE)
    with time_machine.travel(at("2026-11-27T09:25:30"), tick=False):
        text = client.get(reverse("dashboard")).content.decode()
    # Half a minute later the end is not moved again (no session write): 29.5 minutes left.
    assert f'data-session-expires-in="{AGE - 30}"' in text


def test_the_keepalive_answers_only_get(supervision_clerk):
    assert logged_in(supervision_clerk).post(reverse("session-keepalive")).status_code == 405


def test_a_session_that_ran_out_sends_the_form_to_the_login_page(supervision_clerk):
    """What the script relies on: after the end the page is the login page (no script), and
    logging in again leads back to the form, where the draft is filled in again."""
    with time_machine.travel(at(LOGIN), tick=False):
        client = logged_in(supervision_clerk)
    with time_machine.travel(at("2026-11-27T17:01"), tick=False):
        form_url = reverse("credit:breach-create")
        response = client.post(form_url, {"text": "已填写的内容"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={form_url}"


def test_each_login_has_its_own_marker_that_does_not_reveal_the_session_key(
    supervision_clerk,
):
    """A draft typed under one login is kept when the next login submits it: the page tells
    logins apart by a marker of the session key, never the key itself."""
    markers = []
    for _ in range(2):
        client = Client()
        client.force_login(supervision_clerk)
        html = client.get(reverse("dashboard")).content.decode()
        marker = re.search(r'data-session-login="([0-9a-f]+)"', html).group(1)
        assert client.session.session_key not in html
        markers.append(marker)
    assert markers[0] != markers[1]
