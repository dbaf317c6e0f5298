"""Push kinds the supervision side sends (registered with the engine in AppConfig.ready)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from notifications.kinds import PushKind, register_push_kind

SUPERVISION_ACTION = "supervision_action"
LICENCE_LETTER = "licence_letter"
LETTER_DECISION = "licence_letter_decision"
LISTING = "listing"
SUSPENSION_ENDED = "suspension_ended"


class _Ref(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class _LicenceRef(serializers.Serializer):
    id = serializers.IntegerField()
    licence_no = serializers.CharField()
    item = _Ref()
    status = serializers.CharField()


class _CounterpartyRef(serializers.Serializer):
    name = serializers.CharField()
    credit_code = serializers.CharField(allow_null=True, required=False)
    id_number = serializers.CharField(allow_null=True, required=False)


class SupervisionActionPayload(serializers.Serializer):
    action_id = serializers.IntegerField()
    kind = serializers.CharField()
    department = _Ref()
    document_no = serializers.CharField()
    decided_on = serializers.DateField()
    summary = serializers.CharField()
    counterparty = _CounterpartyRef(allow_null=True)
    licence = _LicenceRef(allow_null=True)
    listing = serializers.DictField(allow_null=True)
    attachments = serializers.ListField(child=serializers.CharField())
    suspended_until = serializers.DateField(allow_null=True, required=False)
    lifts = serializers.ListField(child=serializers.DictField(), required=False)


class LicenceLetterPayload(serializers.Serializer):
    letter_id = serializers.IntegerField()
    action = serializers.CharField()
    document_no = serializers.CharField()
    department = _Ref()
    licence = _LicenceRef()
    counterparty = _CounterpartyRef()
    legal_basis = serializers.CharField()
    penalty_result = serializers.CharField()
    attachments = serializers.ListField(child=serializers.CharField())


class LetterDecisionPayload(serializers.Serializer):
    letter_id = serializers.IntegerField()
    document_no = serializers.CharField()
    action = serializers.CharField()
    decision = serializers.ChoiceField(choices=["accepted", "rejected"])
    note = serializers.CharField(allow_blank=True)
    licence = _LicenceRef()


class ListingPayload(serializers.Serializer):
    """A listing added on its own or lifted (R6, R7): who, which list, the document, the period."""

    listing_id = serializers.IntegerField()
    event = serializers.ChoiceField(choices=["listed", "lifted"])
    listing_type = serializers.CharField()
    access_level = serializers.CharField()
    department = _Ref()
    counterparty = _CounterpartyRef()
    source_document = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    listed_on = serializers.DateField()
    until = serializers.DateField(allow_null=True)
    lifted_on = serializers.DateField(allow_null=True)
    removal_reason = serializers.CharField(allow_blank=True)


class SuspensionEndedPayload(serializers.Serializer):
    """A suspension order whose period ended: the licence is back to its status (R8)."""

    action_id = serializers.IntegerField()
    document_no = serializers.CharField()
    department = _Ref()
    licence = _LicenceRef()
    counterparty = _CounterpartyRef()
    decided_on = serializers.DateField()
    suspended_until = serializers.DateField()
    ended_on = serializers.DateField()


def register() -> None:
    register_push_kind(
        PushKind(
            key=SUPERVISION_ACTION,
            label=_("supervision information"),
            payload_serializer=SupervisionActionPayload,
            template="supervision/payloads/supervision_action.html",
        )
    )
    register_push_kind(
        PushKind(
            key=LICENCE_LETTER,
            label=_("licence letter"),
            payload_serializer=LicenceLetterPayload,
            template="supervision/payloads/licence_letter.html",
        )
    )
    register_push_kind(
        PushKind(
            key=LETTER_DECISION,
            label=_("decision on a licence letter"),
            payload_serializer=LetterDecisionPayload,
            template="supervision/payloads/letter_decision.html",
        )
    )
    register_push_kind(
        PushKind(
            key=LISTING,
            label=_("business anomaly or dishonest listing"),
            payload_serializer=ListingPayload,
            template="supervision/payloads/listing.html",
        )
    )
    register_push_kind(
        PushKind(
            key=SUSPENSION_ENDED,
            label=_("end of a suspension order"),
            payload_serializer=SuspensionEndedPayload,
            template="supervision/payloads/suspension_ended.html",
        )
    )
