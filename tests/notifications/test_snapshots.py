"""How a stored snapshot is read for display, whatever wrote it (R2)."""

import pytest
from django.template import Context, Template

from approvals.push_kinds import ApprovalDecisionPayload
from notifications.snapshots import MISSING, snapshot_display
from notifications.templatetags.snapshot_tags import entries, snapshot_url


def render(source: str, **context: object) -> str:
    return Template("{% load snapshot_tags %}" + source).render(Context(context))


def test_a_missing_value_reads_as_a_dash_all_the_way_down():
    shown = snapshot_display({}, ApprovalDecisionPayload).payload
    assert render("{{ p.counterparty.name }}", p=shown) == "—"
    assert render("{{ p.a.b.c|default:p.x.y }}|{% if p.a %}yes{% endif %}", p=shown) == "—|"
    assert list(MISSING) == [] and not MISSING


def test_a_null_or_blank_value_reads_as_missing():
    shown = snapshot_display({"licence_no": "", "valid_to": None}, ApprovalDecisionPayload)
    assert shown.payload["licence_no"] is MISSING
    assert shown.payload["valid_to"] is MISSING
    assert "valid_to" in shown.payload
    assert shown.others == []


@pytest.mark.parametrize(
    ("key", "value", "listed"),
    [
        ("counterparty", "临淄某公司", "临淄某公司"),
        ("counterparty", ["甲"], '["甲"]'),
        ("licence_no", {"no": 1}, '{"no": 1}'),
        ("licence_id", "12", "12"),
        ("licence_id", True, "true"),
    ],
)
def test_a_value_of_another_type_reads_as_missing_and_is_listed_as_sent(key, value, listed):
    shown = snapshot_display({key: value}, ApprovalDecisionPayload)
    assert shown.payload[key] is MISSING
    assert shown.others == [(key, listed)]


def test_an_undeclared_key_is_listed_with_its_path():
    shown = snapshot_display(
        {"partner": {"批次": 7}, "counterparty": {"name": "甲", "备注": None}},
        ApprovalDecisionPayload,
    )
    assert shown.others == [("partner", '{"批次": 7}'), ("counterparty.备注", "—")]
    assert shown.payload["counterparty"]["name"] == "甲"


def test_a_declared_time_is_shown_in_local_time_and_anything_else_as_sent():
    shown = snapshot_display(
        {"decided_at": "2026-09-30T02:00:00+00:00", "licence_date": "2026-09-30"},
        ApprovalDecisionPayload,
    ).payload
    assert shown["decided_at"] == "2026-09-30 10:00"
    assert shown["licence_date"] == "2026-09-30"
    garbled = snapshot_display({"decided_at": "昨天"}, ApprovalDecisionPayload).payload
    assert garbled["decided_at"] == "昨天"


def test_without_a_serializer_every_key_is_shown_as_sent():
    shown = snapshot_display({"x": {"y": None}, "z": 1}, None)
    assert shown.others == []
    assert shown.payload["x"]["y"] is MISSING


@pytest.mark.parametrize("payload", [[1], "文字", 7])
def test_a_payload_that_is_not_a_dict_is_listed_whole(payload):
    shown = snapshot_display(payload, ApprovalDecisionPayload)
    assert shown.payload == {}
    assert len(shown.others) == 1 and shown.others[0][0] == ""


def test_entries_lists_a_dict_even_with_a_key_named_items():
    assert entries({"items": [1, 2], "b": None}) == [("items", "[1, 2]"), ("b", "—")]
    assert entries("text") == entries(MISSING) == []


@pytest.mark.parametrize("value", [MISSING, "abc", -1, None])
def test_a_link_to_an_id_that_names_nothing_is_left_out(value):
    assert snapshot_url("supervision:letter-detail", value) == ""


def test_a_link_to_an_id_is_made():
    assert snapshot_url("supervision:letter-detail", 5).endswith("/5/")
