"""Push kinds the approval side sends (registered with the engine in AppConfig.ready)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from notifications.kinds import PushKind, register_push_kind


class _Ref(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class _CounterpartySnapshot(serializers.Serializer):
    name = serializers.CharField()
    credit_code = serializers.CharField(allow_null=True, required=False)
    id_number = serializers.CharField(allow_null=True, required=False)
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()


class ApprovalDecisionPayload(serializers.Serializer):
    """R2: everything the supervision department needs, frozen at the time of sending."""

    licence_id = serializers.IntegerField()
    item = _Ref()
    approval_department = _Ref()
    counterparty = _CounterpartySnapshot()
    licence_no = serializers.CharField()
    supervision_code = serializers.CharField(required=False)
    licence_date = serializers.DateField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    decided_at = serializers.DateTimeField()
    integrated_licence = serializers.DictField(allow_null=True, required=False)
    commitment = serializers.DictField(allow_null=True, required=False)


class LicenceStatusChangePayload(serializers.Serializer):
    licence_id = serializers.IntegerField()
    item = _Ref()
    counterparty = _CounterpartySnapshot()
    licence_no = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    changed_at = serializers.DateTimeField()


APPROVAL_DECISION = "approval_decision"
LICENCE_STATUS_CHANGE = "licence_status_change"


def register() -> None:
    register_push_kind(
        PushKind(
            key=APPROVAL_DECISION,
            label=_("approval decision"),
            payload_serializer=ApprovalDecisionPayload,
            template="approvals/payloads/approval_decision.html",
        )
    )
    register_push_kind(
        PushKind(
            key=LICENCE_STATUS_CHANGE,
            label=_("licence status change"),
            payload_serializer=LicenceStatusChangePayload,
            template="approvals/payloads/licence_status_change.html",
        )
    )
