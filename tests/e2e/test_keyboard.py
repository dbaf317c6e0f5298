"""A person without a mouse: the to-do list and the inbox work with the keyboard alone, and
every stop of the Tab key is visibly focused (GB/T 37668, WCAG 2.1.1 and 2.4.7; R1, R19).

Screenshots: artifacts/e2e/<test-name>/.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from notifications.models import Push, PushState
from tests.e2e.browser import log_in
from tests.e2e.scenario import World, at, licence_record, world_build

pytestmark = pytest.mark.django_db(transaction=True)

# What the focused element looks like: a focus ring is an outline or a box-shadow.
FOCUS_STYLE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    tag: element.tagName.toLowerCase(),
    text: (element.innerText || element.getAttribute('aria-label') || element.name || '').trim(),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== 'none',
  };
}"""


def tab_to(page: Any, target: Any, *, limit: int = 80) -> list[dict[str, Any]]:
    """Press Tab until `target` has the focus, checking that every stop on the way shows a
    focus ring; the stops are returned."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_STYLE)
        stops.append(stop)
        assert stop["outline"] or stop["shadow"], f"focus not visible on {stop}"
        if target.evaluate("element => element === document.activeElement"):
            return stops
    raise AssertionError(f"{target} not reached in {limit} presses of Tab: {stops}")


@pytest.fixture
def two_pending() -> Iterator[tuple[World, list[Push]]]:
    """Two decisions of Tuesday 2026-11-24 09:00, pending at the supervision department."""
    with time_machine.travel(at("2026-11-24T09:00"), tick=True) as traveller:
        world = world_build()
        licences = [licence_record(world), licence_record(world)]
        traveller.move_to(at("2026-11-24T10:00"))
        pushes = [
            Push.objects.get(subject_id=str(licence.pk), receiver=world.supervision)
            for licence in licences
        ]
        yield world, pushes


@pytest.mark.parametrize("width", [1366, 375])
def test_a_push_is_claimed_from_the_inbox_with_the_keyboard_alone(
    two_pending: tuple[World, list[Push]],
    new_page: Callable[..., Any],
    screenshot: Any,
    width: int,
):
    world, (first, second) = two_pending
    page = new_page(viewport={"width": width, "height": 900})
    log_in(page, world.supervision_clerk.username)
    page.goto("/pushes/inbox/")
    row = page.locator("table.pushes tbody tr").filter(has_text=first.title)
    checkbox = row.get_by_role("checkbox")
    stops = tab_to(page, checkbox)
    screenshot(page, f"checkbox-focused-{width}", full_page=False)
    page.keyboard.press("Space")
    expect(checkbox).to_be_checked()
    tab_to(page, page.get_by_role("button", name="认领所选"))
    screenshot(page, f"claim-focused-{width}", full_page=False)
    page.keyboard.press("Enter")  # the confirm() dialog is accepted
    expect(page.locator(".message.success")).to_have_text("已认领 1 条推送。")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == PushState.CLAIMED
    assert first.claimed_by_id == world.supervision_clerk.pk
    assert second.state == PushState.PENDING
    # The way there passed through the skip link or the navigation, never a dead stop.
    assert all(stop["tag"] != "body" for stop in stops)


def test_a_push_is_claimed_from_the_home_to_do_list_with_the_keyboard_alone(
    two_pending: tuple[World, list[Push]], new_page: Callable[..., Any], screenshot: Any
):
    world, (first, second) = two_pending
    page = new_page(viewport={"width": 1366, "height": 900})
    log_in(page, world.supervision_clerk.username)
    page.goto("/dashboard/")
    item = page.locator(".todo-item").filter(has_text=first.title)
    expect(item).to_contain_text("剩余 1 个工作日")
    claim = item.get_by_role("button", name="认领")
    tab_to(page, claim)
    screenshot(page, "todo-claim-focused", full_page=False)
    page.keyboard.press("Enter")
    expect(page.locator(".message.success")).to_be_visible()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == PushState.CLAIMED
    assert second.state == PushState.PENDING
    screenshot(page, "todo-claimed")
