"""Pages for everyone: the 菜单 disclosure menu, the public header, the open-data page and the
phone rules of site.css (R19: the catalog and its open data are public)."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from approvals.opendata import DATASETS, ITEM_COLUMNS, LICENCE_COLUMNS, open_data_generate_all
from approvals.opendata_fields import OPEN_DATA_FIELDS
from reporting.charts import on_time_bars_phone
from tests.clients import logged_in
from tests.factories import ApprovalItemFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
SITE_CSS = settings.BASE_DIR / "static" / "css" / "site.css"


def _menu(html: str) -> str:
    match = re.search(r'<details class="site-menu">(.*?)</details>', html, re.S)
    assert match, "no <details class=site-menu> in the header"
    return match.group(1)


@pytest.mark.parametrize("who", ["approval_clerk", "supervision_clerk", "platform_admin"])
def test_a_staff_members_links_and_user_line_are_behind_one_menu_summary(
    request: pytest.FixtureRequest, who: str
) -> None:
    user = request.getfixturevalue(who)
    html = logged_in(user).get(reverse("catalog:list")).content.decode()
    menu = _menu(html)
    assert menu.lstrip().startswith("<summary>菜单</summary>")
    assert 'class="main-nav"' in menu and 'class="user-nav"' in menu
    assert "退出登录" in menu and "工作台" in menu
    # Nothing of the navigation is outside the menu.
    header = html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert header.count("<nav") == menu.count("<nav")


def test_the_public_header_offers_the_catalog_verification_open_data_and_login() -> None:
    html = Client().get(reverse("catalog:list")).content.decode()
    menu = _menu(html)
    assert menu.lstrip().startswith("<summary>菜单</summary>")
    links = dict((text, href) for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', menu))
    assert links == {
        "事项目录": reverse("catalog:list"),
        "许可核验": reverse("public:verify-search"),
        "开放数据": reverse("public:open-data"),
        "登录": reverse("login"),
    }


@pytest.mark.parametrize("name", ["catalog:list", "public:verify-search"])
def test_the_catalog_and_the_verification_page_link_to_the_open_data_page(name: str) -> None:
    html = Client().get(reverse(name)).content.decode()
    main = html.split('<main class="content"', 1)[1]
    assert f'href="{reverse("public:open-data")}"' in main, name


def test_every_column_written_to_an_open_data_file_is_described() -> None:
    assert set(OPEN_DATA_FIELDS) == set(DATASETS)
    assert [f.name for f in OPEN_DATA_FIELDS["licences.csv"]] == list(LICENCE_COLUMNS)
    assert [f.name for f in OPEN_DATA_FIELDS["items.csv"]] == list(ITEM_COLUMNS)
    json_fields = [f.name for f in OPEN_DATA_FIELDS["items.json"]]
    json_columns = [c for c in ITEM_COLUMNS if c != "supervision_department_codes"]
    assert json_fields == ["generated_at", "items", *json_columns]


def test_the_open_data_page_lists_each_file_with_fields_licence_local_update_time_and_size(
    django_assert_max_num_queries,
) -> None:
    ApprovalItemFactory(code="open-page", name="食品经营许可")
    generated = datetime.datetime(2026, 12, 1, 2, 0, 5, tzinfo=SHANGHAI)
    with time_machine.travel(generated, tick=False):
        files = open_data_generate_all()
    # The page reads the files' sidecars: no query.
    with django_assert_max_num_queries(0):
        response = Client().get(reverse("public:open-data"))
    assert response.status_code == 200
    html = response.content.decode()
    licence = settings.OPEN_DATA_LICENCE
    assert "开放数据，依知识共享署名 4.0 国际许可协议发布" in html
    # The licence's own name, marked as English for screen readers, links to its text.
    assert str(licence["name"]) == "CC BY 4.0" and f'href="{licence["url"]}"' in html
    assert '<span lang="en">CC BY 4.0</span>' in html
    for file in files:
        section = html.split(f'id="{file.dataset}"', 1)[1].split("</section>", 1)[0]
        assert f'href="{reverse("public:open-data")}{file.dataset}"' in section
        # The local (Beijing) time, not the ISO text of the sidecar.
        assert ">2026-12-01 02:00</time>" in section
        assert "T02:00" not in re.sub(r"<[^>]+>", "", section.split("<table", 1)[0])
        size = file.path.stat().st_size
        assert re.search(r'class="open-data-size">[\d.]+\xa0(KB|字节|bytes)<', section), size
        assert 'rel="license"' in section
        for field in OPEN_DATA_FIELDS[file.dataset]:
            assert f"<code>{field.name}</code>" in section
            assert str(field.meaning) in section
        assert "生成文件当日的许可状态" in section or file.dataset != "licences.csv"


def test_an_open_data_file_never_generated_says_so_instead_of_a_time() -> None:
    html = Client().get(reverse("public:open-data")).content.decode()
    assert html.count("尚未生成：首次下载时生成。") == len(DATASETS)


def _rules(css: str) -> list[tuple[str, str]]:
    """(selector, body) of every rule, media queries flattened."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"@media[^{]*\{", "", css)
    return [(s.strip(), b) for s, b in re.findall(r"([^{}]+)\{([^{}]*)\}", css)]


def test_keep_all_is_only_on_the_classes_for_short_values() -> None:
    """Long Chinese text in a table cell (legal basis, conditions) wraps; only dates and
    codes keep together."""
    keep_all = [s for s, body in _rules(SITE_CSS.read_text()) if "keep-all" in body]
    assert keep_all, "no keep-all rule at all"
    for selector in keep_all:
        for part in selector.split(","):
            assert re.search(r"\.(nowrap|code)\b|td\.date", part), part


def test_report_charts_fit_the_width_and_do_not_scroll_sideways() -> None:
    rules = _rules(SITE_CSS.read_text())
    for selector, body in rules:
        if "chart" in selector:
            assert "min-width" not in body and "overflow-x" not in body, selector


def test_the_phone_chart_shows_every_label_and_value() -> None:
    svg = on_time_bars_phone(
        [("临淄区市场监督管理局", 0.955), ("临淄区水利局", None)], title="各部门按时认领率"
    )
    assert 'viewBox="0 0 332 96"' in svg
    assert "临淄区市场监督管理局" in svg and ">95.5%</text>" in svg
    assert "临淄区水利局" in svg and ">—</text>" in svg


def test_the_report_page_offers_the_phone_charts_and_the_print_page_does_not(
    platform_admin,
) -> None:
    from reporting.reports import monthly_report_compile

    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, tzinfo=SHANGHAI), tick=False):
        monthly_report_compile(month=datetime.date(2026, 10, 1))
    client = logged_in(platform_admin)
    detail = client.get(reverse("reporting:report-detail", args=["2026-10"])).content
    printed = client.get(reverse("reporting:report-print", args=["2026-10"])).content
    assert detail.count(b'class="chart-wrap chart-phone"') == 2
    assert b"chart-phone" not in printed
