"""Keyset pagination reads the rows after the cursor as one index range per sort column
(R1, R3); walking every page must still give every row once, in order, with ties."""

import datetime

import pytest

from linzi_platform.pagination import keyset_page
from notifications.models import Push
from notifications.selectors import INBOX_ORDER, OUTBOX_ORDER
from tests.factories import ApprovalDepartmentFactory, DepartmentFactory

pytestmark = pytest.mark.django_db

BASE = datetime.datetime(2026, 10, 12, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def pushes():
    sender = ApprovalDepartmentFactory(code="a", name="审批")
    receiver = DepartmentFactory(code="s", name="监管")
    rows = []
    for n in range(23):
        pending = n % 3 == 0
        rows.append(
            Push(
                kind="approval_decision",
                sender=sender,
                receiver=receiver,
                # Pairs of pushes share a send time, so the id breaks ties across pages.
                sent_at=BASE + datetime.timedelta(minutes=n // 2),
                sent_by_label="x",
                deadline=BASE + datetime.timedelta(days=1),
                state="pending" if pending else "claimed",
                state_rank=0 if pending else 1,
                title=f"#{n}",
                payload={},
                subject_type="t",
                subject_id=str(n),
            )
        )
    Push.objects.bulk_create(rows)
    return Push.objects.filter(receiver=receiver)


@pytest.mark.parametrize("order", [INBOX_ORDER, OUTBOX_ORDER])
@pytest.mark.parametrize("size", [1, 3, 5, 25])
def test_walking_every_page_gives_every_row_once_in_order(pushes, order, size):
    expected = list(
        pushes.order_by(*[f"-{name}" if desc else name for name, desc in order]).values_list(
            "pk", flat=True
        )
    )
    seen, cursor = [], None
    while True:
        page = keyset_page(pushes, order=order, cursor=cursor, size=size)
        seen += [push.pk for push in page.items]
        assert len(page.items) <= size
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == expected


def test_a_page_after_a_cursor_costs_at_most_one_query_per_sort_column(
    pushes, django_assert_max_num_queries
):
    first = keyset_page(pushes, order=INBOX_ORDER, cursor=None, size=5)
    with django_assert_max_num_queries(len(INBOX_ORDER)):
        keyset_page(pushes, order=INBOX_ORDER, cursor=first.next_cursor, size=5)
