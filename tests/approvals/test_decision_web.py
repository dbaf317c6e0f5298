import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from approvals.models import Licence
from counterparties.models import Counterparty
from notifications.models import Delivery, DeliveryStatus, Push
from notifications.tasks import deliveries_send_pending
from tests.clients import logged_in
from tests.factories import ApprovalItemFactory, DepartmentFactory, StaffFactory, valid_credit_code
from tests.helpers import at, fan_out

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    data = {
        "counterparty_name": "临淄区稷下街道百姓大药房",
        "code_type": "credit_code",
        "code": valid_credit_code("92370305MA3WEB01"),
        "contact_name": "赵六",
        "contact_phone": "13912345678",
        "licence_no": "鲁CB5330001",
        "licence_date": "2026-11-24",
        "valid_from": "2026-11-24",
        "valid_to": "2031-11-23",
    }
    data.update(overrides)
    return data


@pytest.fixture
def plain_item(supervision_department):
    return ApprovalItemFactory(
        code="plain", name="药品零售企业经营许可", supervision_departments=[supervision_department]
    )


@pytest.fixture
def integrated_item(supervision_department):
    return ApprovalItemFactory(
        code="integ",
        name="便利店一业一证",
        integrated_licence=True,
        supervision_departments=[supervision_department],
    )


@pytest.fixture
def commitment_item(supervision_department):
    return ApprovalItemFactory(
        code="commit",
        name="公共场所卫生许可",
        notification_commitment=True,
        supervision_departments=[supervision_department],
    )


def test_the_item_choice_lists_the_catalog_for_approval_staff(approval_clerk, plain_item):
    response = logged_in(approval_clerk).get(reverse("approvals:decision-item"))
    assert response.status_code == 200
    assert "药品零售企业经营许可" in response.content.decode()


def test_supervision_staff_cannot_open_the_decision_form(supervision_clerk, plain_item):
    client = logged_in(supervision_clerk)
    assert client.get(reverse("approvals:decision-item")).status_code == 403
    assert client.get(reverse("approvals:decision-create", args=["plain"])).status_code == 403


def test_the_form_shows_integrated_and_commitment_fields_only_when_the_item_needs_them(
    approval_clerk, plain_item, integrated_item, commitment_item
):
    client = logged_in(approval_clerk)
    plain = client.get(reverse("approvals:decision-create", args=["plain"])).content.decode()
    assert "licence_title" not in plain and "commitment_text" not in plain
    integrated = client.get(reverse("approvals:decision-create", args=["integ"])).content.decode()
    assert "综合许可证名称" in integrated and "commitment_text" not in integrated
    commitment = client.get(reverse("approvals:decision-create", args=["commit"])).content.decode()
    assert "告知承诺书" in commitment and "licence_title" not in commitment


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_recording_a_decision_pushes_it_and_shows_the_licence(
    approval_clerk, plain_item, supervision_clerk
):
    response = logged_in(approval_clerk).post(
        reverse("approvals:decision-create", args=["plain"]), form_data(), follow=True
    )
    text = response.content.decode()
    assert "审批决定已录入，并已推送至 1 个监管部门" in text
    licence = Licence.objects.get()
    assert response.redirect_chain[-1][0] == reverse("approvals:licence-detail", args=[licence.pk])
    push = Push.objects.get()
    assert push.receiver == supervision_clerk.membership.department
    assert "2026-11-25 17:30" in text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": valid_credit_code("92370305MA3WEB01")[:-1] + "0"}, "校验位"),
        ({"contact_phone": "12345"}, "手机号"),
        ({"valid_to": "2020-01-01"}, "不能早于起始日期"),
        ({"licence_date": "2099-01-01"}, "不能晚于今天"),
        ({"licence_date": "not-a-date"}, "日期"),
        ({"counterparty_name": ""}, "请填写行政相对人名称"),
        ({"code_type": "id_number", "code": "370305198001011234"}, "校验位"),
    ],
)
@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_bad_input_shows_a_chinese_error_and_saves_nothing(
    approval_clerk, plain_item, overrides, message
):
    response = logged_in(approval_clerk).post(
        reverse("approvals:decision-create", args=["plain"]), form_data(**overrides)
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "本次未保存任何数据" in text
    assert message in text
    assert not Licence.objects.exists() and not Counterparty.objects.exists()


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_an_integrated_item_without_face_info_is_refused_with_the_field_named(
    approval_clerk, integrated_item
):
    response = logged_in(approval_clerk).post(
        reverse("approvals:decision-create", args=["integ"]), form_data()
    )
    assert response.status_code == 200
    assert "综合许可证名称" in response.content.decode()
    assert not Licence.objects.exists()
    ok = logged_in(approval_clerk).post(
        reverse("approvals:decision-create", args=["integ"]),
        form_data(licence_title="便利店综合许可证", licence_scope="食品销售；烟草零售"),
    )
    assert ok.status_code == 302
    assert Licence.objects.get().integrated_licence["scope"] == "食品销售；烟草零售"


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_a_commitment_item_records_the_signed_letter(approval_clerk, commitment_item):
    response = logged_in(approval_clerk).post(
        reverse("approvals:decision-create", args=["commit"]),
        form_data(
            commitment_text="本单位承诺已符合公共场所卫生许可条件。",
            commitment_signer="赵六",
            commitment_signed_at="2026-11-24T09:30",
        ),
    )
    assert response.status_code == 302
    commitment = Licence.objects.get().commitment
    assert commitment["signer"] == "赵六"
    assert commitment["signed_at"].startswith("2026-11-24T09:30")


def test_unknown_item_is_404(approval_clerk):
    assert (
        logged_in(approval_clerk)
        .get(reverse("approvals:decision-create", args=["nope"]))
        .status_code
        == 404
    )


@pytest.fixture
def recorded(approval_clerk, plain_item):
    with time_machine.travel(at("2026-11-24T10:00"), tick=False):
        logged_in(approval_clerk).post(
            reverse("approvals:decision-create", args=["plain"]), form_data()
        )
        fan_out(Push.objects.all())  # as the task queued by the decision's commit does
    return Licence.objects.get()


def test_lists_mask_the_phone_and_the_detail_page_of_a_push_holder_shows_it(
    recorded, approval_clerk, supervision_clerk
):
    listing = logged_in(approval_clerk).get(reverse("approvals:licence-list")).content.decode()
    assert "139****5678" in listing and "13912345678" not in listing
    url = reverse("approvals:counterparty-detail", args=[recorded.counterparty_id])
    assert "13912345678" in logged_in(supervision_clerk).get(url).content.decode()
    assert "13912345678" in logged_in(approval_clerk).get(url).content.decode()
    stranger = StaffFactory(department=DepartmentFactory(code="other")).user
    assert logged_in(stranger).get(url).status_code == 404


def test_the_licence_is_visible_to_its_receivers_and_404_to_others(recorded, supervision_clerk):
    url = reverse("approvals:licence-detail", args=[recorded.pk])
    assert logged_in(supervision_clerk).get(url).status_code == 200
    stranger = StaffFactory(department=DepartmentFactory(code="other")).user
    assert logged_in(stranger).get(url).status_code == 404


def test_a_counterparty_is_found_again_by_code_not_duplicated(recorded, approval_clerk):
    with time_machine.travel(at("2026-11-24T11:00"), tick=False):
        logged_in(approval_clerk).post(
            reverse("approvals:decision-create", args=["plain"]),
            form_data(licence_no="鲁CB5330002", contact_phone="13800000000"),
        )
    assert Counterparty.objects.count() == 1
    assert Counterparty.objects.get().contact_phone == "13800000000"
    assert Licence.objects.count() == 2


def test_e_mail_deliveries_are_sent_by_the_task_and_retried_on_failure(
    supervision_clerk, recorded, monkeypatch
):
    pending = Delivery.objects.filter(status=DeliveryStatus.PENDING)
    assert pending.count() >= 1
    calls = {"n": 0}
    import notifications.tasks as tasks

    def flaky(*args, **kwargs):
        calls["n"] += 1
        raise OSError("SMTP down")

    monkeypatch.setattr(tasks, "send_mail", flaky)
    assert deliveries_send_pending() == 0
    failed_once = Delivery.objects.first()
    assert failed_once.attempts == 1 and "SMTP down" in failed_once.last_error
    assert failed_once.status == DeliveryStatus.PENDING
    monkeypatch.undo()
    with time_machine.travel(failed_once.next_attempt_at, tick=False):
        assert deliveries_send_pending() >= 1
    assert not Delivery.objects.filter(status=DeliveryStatus.PENDING).exists()
    assert "药品零售企业经营许可" in mail.outbox[0].subject


def test_the_beat_schedule_sweeps_every_five_minutes():
    from linzi_platform.celery import app

    entry = app.conf.beat_schedule["auto-claim-overdue-pushes"]
    assert entry["task"] == "notifications.auto_claim_overdue"
    assert entry["schedule"] == 300
