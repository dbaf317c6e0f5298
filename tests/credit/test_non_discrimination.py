"""R13: credit applicants are supervised by risk, never by a discriminatory rule. No
supervision list, filter, priority or score may use "licensed through credit approval"."""

import inspect
import re

import pytest
import time_machine
from drf_spectacular.generators import SchemaGenerator

import notifications.filters
import notifications.selectors
import supervision.selectors
from notifications.filters import PushFilter
from notifications.models import Push
from notifications.selectors import INBOX_ORDER, OUTBOX_ORDER, pushes_inbox
from organizations.scoping import actor_for_user
from supervision.selectors import counterparty_access
from tests.helpers import at

pytestmark = pytest.mark.django_db
CREDIT_ROUTE = re.compile(r"credit|commitment|承诺|信用", re.IGNORECASE)
CREDIT_ROUTE_NAMES = re.compile(r"credit|commitment|(^|_)mode($|_)", re.IGNORECASE)


def test_the_push_filters_declare_nothing_about_the_credit_route():
    for name, declared in PushFilter.base_filters.items():
        assert not CREDIT_ROUTE_NAMES.search(name), name
        assert not CREDIT_ROUTE_NAMES.search(str(declared.field_name)), (name, declared.field_name)
        method = declared.method if isinstance(declared.method, str) else ""
        assert not CREDIT_ROUTE_NAMES.search(method), (name, method)
    assert not CREDIT_ROUTE_NAMES.search(" ".join(PushFilter._meta.fields or []))


def test_the_pushes_api_accepts_no_query_parameter_about_the_credit_route():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/v1/pushes/", "/api/v1/pushes/{id}/"):
        parameters = schema["paths"][path]["get"].get("parameters", [])
        names = [p["name"] for p in parameters if p["in"] == "query"]
        assert not [n for n in names if CREDIT_ROUTE_NAMES.search(n)], (path, names)
    names = [p["name"] for p in schema["paths"]["/api/v1/pushes/"]["get"]["parameters"]]
    assert "state" in names  # the check above really looked at the inbox's parameters


def test_the_inbox_and_outbox_order_by_nothing_about_the_credit_route():
    for order in (INBOX_ORDER, OUTBOX_ORDER):
        for field, _descending in order:
            assert not CREDIT_ROUTE_NAMES.search(field), field
            Push._meta.get_field(field)  # a plain column of the push, not a join to the licence


def test_supervision_and_push_selectors_never_look_at_the_credit_route():
    for module in (supervision.selectors, notifications.selectors, notifications.filters):
        source = inspect.getsource(module)
        assert "credit_mode" not in source, module.__name__
        assert "credit_commitment" not in source, module.__name__
        assert "CreditCommitment" not in source, module.__name__
        assert not re.search(r"^\s*(from|import) credit\b", source, re.MULTILINE), module.__name__


@time_machine.travel(at("2026-09-30T10:00"), tick=False)
def test_a_credit_licence_and_an_ordinary_one_meet_the_same_inbox_and_access_rules(
    decide, plain_item, supervision_clerk
):
    ordinary = decide(item=plain_item, commitment=None)
    with time_machine.travel(at("2026-09-30T10:05"), tick=False):
        credit = decide()
    actor = actor_for_user(supervision_clerk)

    inbox = list(pushes_inbox(actor=actor).order_by("state_rank", "-sent_at", "-id"))
    assert [p.subject_id for p in inbox] == [str(credit.pk), str(ordinary.pk)]  # newest first
    assert {p.deadline for p in inbox} == {inbox[0].deadline}  # the same claim deadline
    pending = PushFilter({"state": "pending"}, queryset=pushes_inbox(actor=actor)).qs
    assert {p.subject_id for p in pending} == {str(credit.pk), str(ordinary.pk)}
    # The access check (R7) comes from the counterparty's own record, not the approval route.
    assert counterparty_access(counterparty=credit.counterparty).level == "normal"
    assert not CREDIT_ROUTE.search(" ".join(PushFilter.base_filters))
