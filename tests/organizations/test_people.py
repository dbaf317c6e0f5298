"""People are named by their names, the platform's sweeps as 系统自动, partner systems by their
client's name — never by usernames (the records keep the stable label)."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def render(label: str, request=None) -> str:
    template = Template("{% load people %}{% person label %}")
    with translation.override("zh-hans"):
        return template.render(Context({"label": label, "request": request}))


@pytest.fixture
def clerk(supervision_department):
    user = StaffFactory(department=supervision_department).user
    user.first_name, user.last_name = "李明", ""
    user.save()
    return user


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        pytest.param("system", "系统自动", id="system"),
        pytest.param("api:监管业务系统", "监管业务系统（系统接口）", id="api-client"),
        pytest.param("", "—", id="empty"),
        pytest.param("someone-gone", "someone-gone", id="unknown-label-as-stored"),
    ],
)
def test_a_stored_label_reads_as_people_say_it(label, shown):
    assert render(label) == shown


def test_a_username_reads_as_the_person_s_name(clerk):
    assert render(clerk.username) == "李明"


def test_the_names_are_read_once_per_request(clerk, django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(1):
        assert render(clerk.username, request) == "李明"
        assert render("system", request) == "系统自动"
        assert render(clerk.username, request) == "李明"
