"""Items are shown by name, followed by their official 事项编码 where they have one, never by
the platform's slug — on the catalog and in a push's payload snapshot (R2, R19)."""

import pytest
from django.urls import reverse
from django.utils import translation

from approvals.models import ApprovalItem
from approvals.templatetags.approvals_tags import item_name
from tests.factories import ApprovalItemFactory

OFFICIAL = "11370305004188000X4000117001"


@pytest.mark.parametrize(
    ("official_code", "shown"),
    [("", "食品经营许可"), (OFFICIAL, f"食品经营许可（编码 {OFFICIAL}）")],
)
def test_an_item_reads_as_its_name_and_official_code(official_code: str, shown: str) -> None:
    item = ApprovalItem(code="food-workshop", name="食品经营许可", official_code=official_code)
    with translation.override("zh-hans"):
        assert item.display_name == shown
        assert item_name(item) == shown


def test_a_payload_snapshot_of_an_item_never_shows_its_slug() -> None:
    with translation.override("zh-hans"):
        assert item_name({"code": "food-workshop", "name": "食品经营许可"}) == "食品经营许可"
        assert item_name({"code": "x", "name": "食品经营许可", "official_code": "123"}) == (
            "食品经营许可（编码 123）"
        )
        assert item_name(None) == "—"


@pytest.mark.django_db
def test_the_public_catalog_shows_the_official_code_and_not_the_slug(client) -> None:
    ApprovalItemFactory(code="food-workshop", name="食品小作坊登记", official_code=OFFICIAL)
    page = client.get(reverse("catalog:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert OFFICIAL in page
    assert ">food-workshop<" not in page
