from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from linzi_platform.pagination import ApiCursorPagination
from notifications.feedback.services import feedback_raise, feedback_reply
from notifications.services import push_claim
from organizations.idempotency import idempotent
from organizations.scoping import Actor, actor_for_request

from . import selectors
from .filters import PushFilter
from .models import Feedback, Push


class NewestFirst(ApiCursorPagination):
    ordering = ("-sent_at", "-id")


class FeedbackReplyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    replied_by = serializers.CharField(source="replied_by_label")
    replied_at = serializers.DateTimeField()


class FeedbackOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    raised_by = serializers.CharField(source="raised_by_label")
    raised_at = serializers.DateTimeField()
    status = serializers.CharField()
    answer_deadline = serializers.DateTimeField()
    replies = FeedbackReplyOutput(many=True)


class PushOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    sender = serializers.CharField(source="sender.code")
    receiver = serializers.CharField(source="receiver.code")
    sent_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField()
    state = serializers.CharField()
    claimed_at = serializers.DateTimeField(allow_null=True)
    claimed_by = serializers.CharField(source="claimed_by_label", allow_blank=True)
    overdue = serializers.BooleanField()
    payload = serializers.JSONField()


class PushDetailOutput(PushOutput):
    feedback = FeedbackOutput(many=True)


class TextInput(serializers.Serializer):
    text = serializers.CharField(max_length=5000, trim_whitespace=True)


def _push_for(actor: Actor, pk: int) -> Push:
    try:
        return selectors.push_detail(actor=actor, pk=pk)
    except Push.DoesNotExist:
        raise Http404 from None


def _require_receiver(actor: Actor, push: Push) -> None:
    if actor.department is None or push.receiver_id != actor.department.pk:
        raise exceptions.PermissionDenied(_("Only the receiving department can do this."))


class PushListApi(generics.ListAPIView):
    """The caller department's received (`box=inbox`) or sent (`box=outbox`) pushes."""

    serializer_class = PushOutput
    pagination_class = NewestFirst
    filterset_class = PushFilter

    def get_queryset(self):
        actor = actor_for_request(self.request)
        box = self.request.query_params.get("box", "inbox")
        if box == "outbox":
            return selectors.pushes_outbox(actor=actor)
        if box != "inbox":
            raise exceptions.ValidationError({"box": [_("Use inbox or outbox.")]})
        return selectors.pushes_inbox(actor=actor)

    @extend_schema(
        parameters=[
            OpenApiParameter("box", str, enum=["inbox", "outbox"], description="default inbox")
        ]
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class PushDetailApi(APIView):
    @extend_schema(responses=PushDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        push = _push_for(actor_for_request(request), pk)
        return Response(PushDetailOutput(push).data)


class PushClaimApi(APIView):
    @extend_schema(request=None, responses={200: PushOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        push = _push_for(actor, pk)
        _require_receiver(actor, push)
        push = push_claim(push=push, actor=actor)
        return Response(PushOutput(push).data)


class PushFeedbackApi(APIView):
    @extend_schema(request=TextInput, responses={201: FeedbackOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        push = _push_for(actor, pk)
        _require_receiver(actor, push)
        data = TextInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            item = feedback_raise(push=push, actor=actor, text=data.validated_data["text"])
        except ValueError as exc:
            raise exceptions.ValidationError({"text": [str(exc)]}) from exc
        return Response(FeedbackOutput(item).data, status=status.HTTP_201_CREATED)


class FeedbackReplyApi(APIView):
    @extend_schema(request=TextInput, responses={201: FeedbackReplyOutput})
    @idempotent
    def post(self, request: Request, pk: int, feedback_id: int) -> Response:
        actor = actor_for_request(request)
        push = _push_for(actor, pk)
        item = Feedback.objects.filter(pk=feedback_id, push=push).first()
        if item is None:
            raise Http404
        if actor.department is None or item.answering_department_id != actor.department.pk:
            raise exceptions.PermissionDenied(_("Only the sending department answers feedback."))
        data = TextInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            answer = feedback_reply(feedback=item, actor=actor, text=data.validated_data["text"])
        except ValueError as exc:
            raise exceptions.ValidationError({"text": [str(exc)]}) from exc
        return Response(FeedbackReplyOutput(answer).data, status=status.HTTP_201_CREATED)
