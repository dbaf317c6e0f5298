"""Markup every assistive technology relies on, checked on every page as each role (GB/T
37668, WCAG 1.3.1, 1.4.1, 3.3.1, 4.1.2; R19):

- every form field has a label (a <label for>, a wrapping label, aria-label or
  aria-labelledby);
- a field with errors says so (aria-invalid) and names its error text (aria-describedby),
  tried by submitting every form page empty;
- a status is never shown by colour alone: every coloured status element carries text.

axe-core checks the rendered pages in the browser (tests/e2e/test_accessibility.py); these
checks read the server's HTML, so they run without a browser and name the field.
"""

from collections.abc import Iterator

import pytest
import time_machine
from bs4 import BeautifulSoup, Tag
from django.test import Client

from tests.e2e.pages import ROLES, every_page_world_rolled_back, page_client, page_urls
from tests.security.world import NOW, World

pytestmark = pytest.mark.django_db

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}
# Classes that colour a status: each such element must say the status in words too.
STATUS_CLASSES = {"badge", "red", "todo-when", "count"}
STATUS_PREFIXES = ("state-",)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """The every-page world, built once and rolled back at the module's end."""
    with every_page_world_rolled_back(django_db_blocker, tmp_path_factory.mktemp("media")) as world:
        yield world


def _pages(client: Client, urls: list[str]) -> Iterator[tuple[str, BeautifulSoup]]:
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        yield url, BeautifulSoup(response.content, "html.parser")


def unlabelled_fields(soup: BeautifulSoup) -> list[str]:
    labelled = {label.get("for") for label in soup.find_all("label") if label.get("for")}
    missing = []
    for field in soup.find_all(["input", "select", "textarea"]):
        if field.name == "input" and field.get("type", "text") in UNLABELLED_TYPES:
            continue
        if field.get("aria-label", "").strip() or field.get("aria-labelledby"):
            continue
        if field.get("id") in labelled or field.find_parent("label") is not None:
            continue
        missing.append(field.get("name") or str(field)[:80])
    return missing


def errors_not_tied(soup: BeautifulSoup) -> list[str]:
    """Fields in an error state whose error text is not named by aria-describedby."""
    untied = []
    for block in soup.select(".field.has-error"):
        error = block.select_one(".error-text[id]")
        if error is None:
            untied.append(f"{block.get('data-field')}: no error text with an id")
            continue
        described = [
            element
            for element in block.find_all(["input", "select", "textarea", "fieldset"])
            if error["id"] in (element.get("aria-describedby") or "").split()
        ]
        if not described:
            untied.append(f"{block.get('data-field')}: its field does not name #{error['id']}")
        fields = [
            element
            for element in block.find_all(["input", "select", "textarea"])
            if element.get("type") not in UNLABELLED_TYPES
        ]
        if fields and not any(field.get("aria-invalid") == "true" for field in fields):
            untied.append(f"{block.get('data-field')}: no aria-invalid")
    return untied


def colour_only(soup: BeautifulSoup) -> list[str]:
    found = []
    for element in soup.find_all(class_=True):
        classes = set(element.get("class", []))
        if not (classes & STATUS_CLASSES or any(c.startswith(STATUS_PREFIXES) for c in classes)):
            continue
        if isinstance(element, Tag) and not element.get_text(strip=True):
            found.append(str(element)[:100])
    return found


@pytest.mark.parametrize("who", [*ROLES, "anonymous"])
def test_every_field_is_labelled_and_no_status_is_colour_alone(world: World, who: str) -> None:
    problems = []
    seen = 0
    with time_machine.travel(NOW, tick=False):
        client = page_client(world, who)
        for url, soup in _pages(client, page_urls(world, anonymous=who == "anonymous")):
            seen += 1
            problems += [f"{url}: field without a label: {n}" for n in unlabelled_fields(soup)]
            problems += [f"{url}: status by colour alone: {html}" for html in colour_only(soup)]
    assert seen >= (5 if who == "anonymous" else 40), seen
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("who", [*ROLES])
def test_every_form_sent_empty_ties_its_errors_to_the_fields(world: World, who: str) -> None:
    """Each page whose form is built from form fields is submitted empty; the page that comes
    back marks each field in error and names the error text from the field. The module's
    transaction is rolled back, so whatever an empty submission might do is undone."""
    problems = []
    forms_tried = 0
    with time_machine.travel(NOW, tick=False):
        client = page_client(world, who)
        for url, soup in _pages(client, page_urls(world, anonymous=False)):
            form = next(
                (f for f in soup.find_all("form", method="post") if f.select(".field[data-field]")),
                None,
            )
            if form is None:
                continue
            action = form.get("action") or url
            response = client.post(action, {})
            if response.status_code != 200 or b"has-error" not in response.content:
                continue
            forms_tried += 1
            answer = BeautifulSoup(response.content, "html.parser")
            problems += [f"{action}: {problem}" for problem in errors_not_tied(answer)]
            problems += [f"{action}: field without a label: {n}" for n in unlabelled_fields(answer)]
    assert forms_tried >= 3, forms_tried
    assert not problems, "\n".join(problems)
