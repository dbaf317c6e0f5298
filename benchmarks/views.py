from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.api import LicenceInput
from organizations.idempotency import idempotent

from .models import BenchRow


class BareInput(serializers.Serializer):
    note = serializers.CharField(max_length=100)


class BareInsertApi(APIView):
    """P1's reference: the same API-key authentication and throttles as every API view,
    then one INSERT and a tiny answer — the floor any write endpoint stands on."""

    def post(self, request: Request) -> Response:
        data = BareInput(data=request.data)
        data.is_valid(raise_exception=True)
        row = BenchRow.objects.create(note=data.validated_data["note"], created_at=timezone.now())
        return Response({"id": row.pk}, status=status.HTTP_201_CREATED)


class LicenceContractFloorApi(APIView):
    """P1's floor, printed in its note: what `POST /api/v1/licences/` costs before it
    decides anything — the same authentication, `Idempotency-Key` handling (claim and
    stored answer) and input validation, then an answer without any decision written."""

    @idempotent
    def post(self, request: Request) -> Response:
        data = LicenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            {"licence_no": data.validated_data["licence_no"], "pushes": []},
            status=status.HTTP_201_CREATED,
        )
