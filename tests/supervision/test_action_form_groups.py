"""The supervision action form shows only what the chosen kind needs (R6, R7, R8): its
groups carry the kinds they are for, which the page's script reads; without the script
every group shows and the service checks the kind's needs."""

import re

import pytest
from django.urls import reverse

from supervision.models import ActionKind
from tests.clients import logged_in

pytestmark = pytest.mark.django_db


def groups(html: str) -> dict[str, str | None]:
    found = re.findall(
        r'<fieldset class="form-group" data-group="(\w+)"(?: data-shown-for="([^"]*)")?', html
    )
    return {key: shown_for or None for key, shown_for in found}


def test_each_group_names_the_kinds_it_is_shown_for(supervision_clerk):
    html = logged_in(supervision_clerk).get(reverse("supervision:action-create")).content.decode()
    assert groups(html) == {
        "action": None,
        "licence": "suspension revocation penalty suspension_lift",
        "counterparty": "suspension revocation penalty",
        "listing": "suspension revocation penalty",
        "suspension": "suspension",
        "attachments": None,
    }
    assert 'data-kind-field="kind"' in html and "js/kind_form.js" in html


@pytest.mark.parametrize("kind", [ActionKind.TRAINING, ActionKind.RULE_CHANGE])
def test_a_notice_kind_needs_no_licence_counterparty_listing_or_period(supervision_clerk, kind):
    html = logged_in(supervision_clerk).get(reverse("supervision:action-create")).content.decode()
    needing = [key for key, shown_for in groups(html).items() if shown_for and kind in shown_for]
    assert needing == []


def test_the_selects_say_please_choose_and_errors_are_plain(supervision_clerk):
    client = logged_in(supervision_clerk)
    html = client.get(reverse("supervision:action-create")).content.decode()
    assert "---------" not in html
    assert '<option value="" selected>请选择</option>' in html
    posted = client.post(reverse("supervision:action-create"), {"counterparty_code": "1" * 19})
    text = posted.content.decode()
    assert "请选择类型。" in text and "请填写文书编号。" in text
    assert "统一社会信用代码或身份证号最多 18 个字，当前 19 个字。" in text
    assert "确保该变量" not in text and "该字段是必填项" not in text
