from pathlib import Path

import pytest
from django.conf import LazySettings

from approvals.models import ApprovalItem, CreditMode, ImportantCategory, ItemSampleText
from demo.seed import demo_items, demo_supervision_departments, seed_items
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

ITEMS = demo_items()
SUPERVISION_DEPARTMENTS = demo_supervision_departments()


@pytest.fixture(autouse=True)
def media_root(settings: LazySettings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def demo_departments() -> None:
    for code, name in SUPERVISION_DEPARTMENTS:
        DepartmentFactory(code=code, name=name)


def test_seed_items_loads_a_catalog_of_at_least_twenty_items(demo_departments: None) -> None:
    count = seed_items()
    assert count == len(ITEMS) == ApprovalItem.objects.count()
    assert count >= 20


def test_seed_items_twice_creates_nothing_new(demo_departments: None) -> None:
    seed_items()
    ApprovalItem.objects.filter(code="food-business").update(name="改过的名称", active=False)
    snapshot = (ApprovalItem.objects.count(), ItemSampleText.objects.count())
    seed_items()
    assert (ApprovalItem.objects.count(), ItemSampleText.objects.count()) == snapshot
    food = ApprovalItem.objects.get(code="food-business")
    assert (food.name, food.active) == ("食品经营许可", True)


def test_seeded_catalog_has_the_required_mix_of_flags(demo_departments: None) -> None:
    seed_items()
    items = ApprovalItem.objects.all()
    assert items.filter(integrated_licence=True).count() >= 3
    assert items.filter(notification_commitment=True).count() >= 4
    credit = items.exclude(credit_mode=CreditMode.NONE)
    assert credit.count() >= 6
    assert set(credit.values_list("credit_mode", flat=True)) == {
        CreditMode.EXEMPT,
        CreditMode.POST_VERIFICATION,
    }
    important = items.exclude(important_category=ImportantCategory.NONE)
    assert important.count() >= 3
    assert {ImportantCategory.WORK_SAFETY, ImportantCategory.ECOLOGY} <= set(
        important.values_list("important_category", flat=True)
    )


def test_every_seeded_item_discloses_every_field(demo_departments: None) -> None:
    seed_items()
    for item in ApprovalItem.objects.prefetch_related("supervision_departments"):
        for field in (
            "legal_basis",
            "conditions",
            "quantity_limits",
            "procedure",
            "time_limit",
            "fees",
            "materials",
        ):
            assert getattr(item, field).strip(), (item.code, field)
        assert "《" in item.legal_basis
        assert item.materials.count("\n") >= 2
        assert item.supervision_departments.exists(), item.code
    assert ApprovalItem.objects.get(code="hazchem-business").supervision_departments.get().code == (
        "yjgl"
    )
    assert any(item.supervision_departments.count() == 2 for item in ApprovalItem.objects.all())


def test_missing_departments_are_skipped_without_error() -> None:
    DepartmentFactory(code="scjg", name="临淄区市场监督管理局")
    seed_items()
    food = ApprovalItem.objects.get(code="food-business")
    assert [d.code for d in food.supervision_departments.all()] == ["scjg"]
    assert not ApprovalItem.objects.get(code="hazchem-business").supervision_departments.exists()


def test_seeded_sample_texts_have_files(demo_departments: None, media_root: Path) -> None:
    seed_items()
    sample = ItemSampleText.objects.filter(item__code="food-business").first()
    assert sample is not None
    with sample.file.open("rb") as handle:
        assert "食品经营许可".encode() in handle.read()
