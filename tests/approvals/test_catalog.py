from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from approvals.models import ApprovalItem, CreditMode, ImportantCategory, ItemSampleText
from organizations.models import Department
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

API_FIELDS = {
    "code",
    "name",
    "supervision_departments",
    "integrated_licence",
    "notification_commitment",
    "credit_mode",
    "important",
    "important_category",
    "legal_basis",
    "conditions",
    "quantity_limits",
    "procedure",
    "time_limit",
    "fees",
    "materials",
    "sample_texts",
}


def make_item(code: str, name: str, *departments: Department, **fields: object) -> ApprovalItem:
    values = {
        "legal_basis": "《中华人民共和国食品安全法》第三十五条",
        "conditions": "具有与经营的食品品种、数量相适应的场所",
        "quantity_limits": "无数量限制",
        "procedure": "申请—受理—审查—决定—送达",
        "time_limit": "法定时限：10个工作日；承诺时限：3个工作日",
        "fees": "不收费",
        "materials": "1. 申请书；\n2. 营业执照；\n3. 场所平面图",
        **fields,
    }
    item = ApprovalItem.objects.create(code=code, name=name, **values)
    item.supervision_departments.set(departments)
    return item


@pytest.fixture(autouse=True)
def media_root(settings: LazySettings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def scjg() -> Department:
    return DepartmentFactory(code="scjg", name="临淄区市场监督管理局")


@pytest.fixture
def food(scjg: Department) -> ApprovalItem:
    whly = DepartmentFactory(code="whly", name="临淄区文化和旅游局")
    item = make_item(
        "food-business",
        "食品经营许可",
        scjg,
        whly,
        integrated_licence=True,
        credit_mode=CreditMode.EXEMPT,
        important_category=ImportantCategory.WORK_SAFETY,
    )
    sample = ItemSampleText(item=item, title="食品经营许可申请书（示范文本）")
    sample.file.save("food.txt", ContentFile("申请书示范文本".encode()), save=True)
    return item


@pytest.fixture
def anonymous() -> Client:
    return Client()


# The web page (R19): no login needed.


def test_catalog_list_is_public_and_links_to_each_item(
    anonymous: Client, food: ApprovalItem
) -> None:
    make_item("hidden-item", "已停用的事项", active=False)
    response = anonymous.get(reverse("catalog:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "食品经营许可" in html
    assert reverse("catalog:detail", kwargs={"code": "food-business"}) in html
    assert "临淄区市场监督管理局" in html
    assert "已停用的事项" not in html
    assert 'class="table-wrap"' in html


def test_catalog_search_matches_name_code_and_legal_basis(
    anonymous: Client, scjg: Department
) -> None:
    make_item("food-business", "食品经营许可", scjg)
    make_item("road-freight", "道路货物运输经营许可", legal_basis="《中华人民共和国道路运输条例》")
    url = reverse("catalog:list")
    assert "道路货物" not in anonymous.get(url, {"q": "食品"}).content.decode()
    assert "食品经营许可" not in anonymous.get(url, {"q": "道路运输条例"}).content.decode()
    assert "道路货物" in anonymous.get(url, {"q": "ROAD-freight"}).content.decode()
    assert anonymous.get(url, {"q": "无此事项"}).context["page"].paginator.count == 0


@pytest.mark.parametrize("page", ["2", "0", "-1", "abc", "99999999999999999999999", "1.5", ""])
def test_catalog_pagination_never_fails_on_a_bad_page(anonymous: Client, page: str) -> None:
    for number in range(25):
        make_item(f"item-{number:02d}", f"测试事项{number:02d}")
    response = anonymous.get(reverse("catalog:list"), {"page": page})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) in (20, 5)


def test_catalog_list_shows_twenty_items_per_page(anonymous: Client) -> None:
    for number in range(21):
        make_item(f"item-{number:02d}", f"测试事项{number:02d}")
    first = anonymous.get(reverse("catalog:list"))
    second = anonymous.get(reverse("catalog:list"), {"page": 2})
    assert len(first.context["page"].object_list) == 20
    assert [item.code for item in second.context["page"].object_list] == ["item-20"]
    assert "page=2" in first.content.decode()


def test_catalog_detail_discloses_every_field(anonymous: Client, food: ApprovalItem) -> None:
    response = anonymous.get(reverse("catalog:detail", kwargs={"code": food.code}))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "《中华人民共和国食品安全法》第三十五条",
        "具有与经营的食品品种、数量相适应的场所",
        "无数量限制",
        "申请—受理—审查—决定—送达",
        "法定时限：10个工作日",
        "不收费",
        "2. 营业执照；",
        "食品经营许可申请书（示范文本）",
        "临淄区市场监督管理局",
        "临淄区文化和旅游局",
    ):
        assert text in html, text
    sample = food.sample_texts.get()
    assert reverse("catalog:sample", kwargs={"code": food.code, "pk": sample.pk}) in html


def test_sample_text_downloads_without_login(anonymous: Client, food: ApprovalItem) -> None:
    sample = food.sample_texts.get()
    response = anonymous.get(reverse("catalog:sample", kwargs={"code": food.code, "pk": sample.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == "申请书示范文本".encode()
    assert "attachment" in response["Content-Disposition"]


def test_sample_text_of_another_item_or_a_missing_file_is_404(
    anonymous: Client, food: ApprovalItem, scjg: Department
) -> None:
    other = make_item("other", "其他事项", scjg)
    sample = food.sample_texts.get()
    url = reverse("catalog:sample", kwargs={"code": other.code, "pk": sample.pk})
    assert anonymous.get(url).status_code == 404
    sample.file.delete(save=False)
    url = reverse("catalog:sample", kwargs={"code": food.code, "pk": sample.pk})
    assert anonymous.get(url).status_code == 404


def test_unknown_or_inactive_item_is_404(anonymous: Client) -> None:
    make_item("retired", "已停用的事项", active=False)
    assert anonymous.get(reverse("catalog:detail", kwargs={"code": "nope"})).status_code == 404
    assert anonymous.get(reverse("catalog:detail", kwargs={"code": "retired"})).status_code == 404


# The API (shared/API.md): anyone may read the catalog.


def test_api_list_shape_for_an_anonymous_client(anonymous: Client, food: ApprovalItem) -> None:
    response = anonymous.get("/api/v1/items/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"next", "previous", "results"}
    [item] = body["results"]
    assert set(item) == API_FIELDS
    assert item["code"] == "food-business"
    assert item["supervision_departments"] == [
        {"code": "scjg", "name": "临淄区市场监督管理局"},
        {"code": "whly", "name": "临淄区文化和旅游局"},
    ]
    assert item["integrated_licence"] is True
    assert item["notification_commitment"] is False
    assert item["credit_mode"] == "exempt"
    assert (item["important"], item["important_category"]) == (True, "work_safety")
    [sample] = item["sample_texts"]
    assert sample["title"] == "食品经营许可申请书（示范文本）"
    assert sample["url"].startswith("http://testserver/catalog/food-business/samples/")


def test_api_list_searches_and_hides_inactive_items(anonymous: Client, scjg: Department) -> None:
    make_item("food-business", "食品经营许可", scjg)
    make_item("road-freight", "道路货物运输经营许可", legal_basis="《中华人民共和国道路运输条例》")
    make_item("retired", "已停用的食品事项", active=False)
    codes = [row["code"] for row in anonymous.get("/api/v1/items/").json()["results"]]
    assert codes == ["food-business", "road-freight"]
    found = anonymous.get("/api/v1/items/", {"search": "食品"}).json()["results"]
    assert [row["code"] for row in found] == ["food-business"]


def test_api_list_query_count_does_not_grow_with_items(
    anonymous: Client, scjg: Department, django_assert_max_num_queries
) -> None:
    whly = DepartmentFactory(code="whly", name="临淄区文化和旅游局")
    for number in range(30):
        item = make_item(f"item-{number:02d}", f"测试事项{number:02d}", scjg, whly)
        ItemSampleText.objects.create(item=item, title="示范文本", file="samples/x.txt")
    with django_assert_max_num_queries(4):
        response = anonymous.get("/api/v1/items/")
    assert len(response.json()["results"]) == 30


def test_api_list_cursor_pages_through_the_catalog(anonymous: Client) -> None:
    for number in range(5):
        make_item(f"item-{number:02d}", f"测试事项{number:02d}")
    first = anonymous.get("/api/v1/items/", {"page_size": 3}).json()
    second = anonymous.get(first["next"]).json()
    codes = [row["code"] for row in first["results"] + second["results"]]
    assert codes == [f"item-{number:02d}" for number in range(5)]
    assert second["next"] is None


def test_api_detail_by_code(
    anonymous: Client, food: ApprovalItem, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(4):
        response = anonymous.get(f"/api/v1/items/{food.code}/")
    assert response.status_code == 200
    assert set(response.json()) == API_FIELDS
    assert response.json()["name"] == "食品经营许可"


def test_api_detail_of_an_unknown_item_is_404_in_the_error_shape(anonymous: Client) -> None:
    response = anonymous.get("/api/v1/items/nope/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
