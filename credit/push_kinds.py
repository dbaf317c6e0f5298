"""Push kinds of credit approval (registered with the engine in AppConfig.ready)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from notifications.kinds import PushKind, register_push_kind

VERIFICATION_RESULT = "credit_verification_result"
COMMITMENT_BREACH = "commitment_breach"


class _Ref(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class VerificationResultPayload(serializers.Serializer):
    verification_id = serializers.IntegerField()
    licence_id = serializers.IntegerField()
    licence_no = serializers.CharField()
    item = _Ref()
    counterparty = serializers.DictField()
    result = serializers.CharField()
    notes = serializers.CharField(allow_blank=True)
    verified_at = serializers.DateTimeField()
    rectification_deadline = serializers.DateTimeField(allow_null=True)


class CommitmentBreachPayload(serializers.Serializer):
    revocation_request_id = serializers.IntegerField()
    licence_id = serializers.IntegerField()
    licence_no = serializers.CharField()
    item = _Ref()
    counterparty = serializers.DictField()
    reason = serializers.CharField()
    department = _Ref()


def register() -> None:
    register_push_kind(
        PushKind(
            key=VERIFICATION_RESULT,
            label=_("credit verification result"),
            payload_serializer=VerificationResultPayload,
            template="credit/payloads/verification_result.html",
        )
    )
    register_push_kind(
        PushKind(
            key=COMMITMENT_BREACH,
            label=_("commitment breach report"),
            payload_serializer=CommitmentBreachPayload,
            template="credit/payloads/commitment_breach.html",
        )
    )
