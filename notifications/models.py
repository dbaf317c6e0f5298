from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Department


class PushState(models.TextChoices):
    PENDING = "pending", _("Pending claim")
    CLAIMED = "claimed", _("Claimed")
    AUTO_CLAIMED = "auto_claimed", _("Auto-claimed (overdue)")


class Push(models.Model):
    """One record sent from one department to another, awaiting its claim (推送 / 认领).

    `payload` is the immutable snapshot of what was sent (R2); the search columns
    (counterparty, reference number, item) are copied out of it so inboxes filter on indexes.
    `state_rank` is 0 while pending and 1 after, so "pending first" is an index order.
    """

    kind = models.CharField(_("kind"), max_length=40)
    sender = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="pushes_sent", verbose_name=_("sender")
    )
    receiver = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="pushes_received",
        verbose_name=_("receiver"),
    )
    sent_at = models.DateTimeField(_("sent at"))
    sent_by_label = models.CharField(_("sent by"), max_length=150)
    deadline = models.DateTimeField(_("claim deadline"))
    state = models.CharField(
        _("state"), max_length=16, choices=PushState.choices, default=PushState.PENDING
    )
    state_rank = models.PositiveSmallIntegerField(default=0, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("claimed by"),
    )
    claimed_by_label = models.CharField(_("claimed by (label)"), max_length=150, blank=True)
    overdue = models.BooleanField(_("overdue"), default=False)
    claim_working_minutes = models.PositiveIntegerField(
        _("time to claim (working minutes)"), null=True, blank=True
    )
    title = models.CharField(_("title"), max_length=300)
    payload = models.JSONField(_("payload"))
    subject_type = models.CharField(_("subject type"), max_length=60)
    subject_id = models.CharField(_("subject id"), max_length=40)
    counterparty_name = models.CharField(_("counterparty"), max_length=200, blank=True)
    counterparty_code = models.CharField(_("counterparty code"), max_length=18, blank=True)
    reference_no = models.CharField(_("reference number"), max_length=64, blank=True)
    item_code = models.CharField(_("item code"), max_length=40, blank=True)
    # The push is its own outbox: its notices, e-mail and webhook rows are written after the
    # sender's commit (notifications/fanout.py); null until then, so a sweep finds any push
    # whose fan-out a crash or a broker outage left undone.
    fanned_out_at = models.DateTimeField(_("fanned out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("push")
        verbose_name_plural = _("pushes")
        indexes = [
            models.Index(
                fields=["receiver", "state_rank", "-sent_at", "-id"], name="push_inbox_idx"
            ),
            models.Index(
                fields=["receiver", "state", "-sent_at", "-id"], name="push_inbox_state_idx"
            ),
            models.Index(fields=["sender", "-sent_at", "-id"], name="push_outbox_idx"),
            # The outbox filtered by state and its per-state counts (capped), read from the
            # index alone: without it a 1M-row outbox fetched a heap row per entry counted.
            models.Index(
                fields=["sender", "state", "-sent_at", "-id"], name="push_outbox_state_idx"
            ),
            # The outbox page: awaiting the receiver's claim first, then newest.
            models.Index(
                fields=["sender", "state_rank", "-sent_at", "-id"], name="push_outbox_pending_idx"
            ),
            # The API lists a box newest first (no "pending first"): its own keyset order.
            models.Index(fields=["receiver", "-sent_at", "-id"], name="push_inbox_newest_idx"),
            # Dashboard counts of a department's deadlines this month / due today.
            models.Index(fields=["receiver", "deadline"], name="push_receiver_deadline_idx"),
            # The monthly report selects a month by send time and by deadline.
            models.Index(fields=["sent_at"], name="push_sent_at_idx"),
            # Pushes due in a month by receiver and state (the monthly report; the home page's
            # on-time rate), counted from the index alone without reading the table.
            models.Index(fields=["deadline", "receiver", "state"], name="push_due_idx"),
            models.Index(
                fields=["deadline"],
                name="push_pending_deadline_idx",
                condition=Q(state="pending"),
            ),
            # Pushes waiting to be claimed, by receiver (the admin's ranking, due today): a
            # small index of the open pushes only, whatever the size of the history.
            models.Index(
                fields=["receiver", "deadline"],
                name="push_pending_receiver_idx",
                condition=Q(state="pending"),
            ),
            models.Index(fields=["counterparty_code"], name="push_counterparty_idx"),
            models.Index(fields=["reference_no"], name="push_reference_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="push_subject_idx"),
            models.Index(
                fields=["sent_at"],
                name="push_fanout_missing_idx",
                condition=Q(fanned_out_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_pending(self) -> bool:
        return self.state == PushState.PENDING


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("Awaiting answer")
    ANSWERED = "answered", _("Answered")


class Feedback(models.Model):
    """A receiver's query or dispute about a push (反馈意见, R5), answered by the sender."""

    push = models.ForeignKey(
        Push, on_delete=models.PROTECT, related_name="feedback", verbose_name=_("push")
    )
    text = models.TextField(_("feedback"))
    # The push's sender when raised; its successor after a merge (R21). The push's sender
    # itself is history and never changes.
    answering_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="feedback_to_answer",
        verbose_name=_("answering department"),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    raised_by_label = models.CharField(_("raised by (label)"), max_length=150)
    raised_at = models.DateTimeField(_("raised at"))
    answer_deadline = models.DateTimeField(_("answer deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["raised_at", "id"]
        indexes = [models.Index(fields=["status", "answer_deadline"], name="feedback_open_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.push_id})"


class FeedbackReply(models.Model):
    feedback = models.ForeignKey(
        Feedback, on_delete=models.PROTECT, related_name="replies", verbose_name=_("feedback")
    )
    text = models.TextField(_("reply"))
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replied by"),
    )
    replied_by_label = models.CharField(_("replied by (label)"), max_length=150)
    replied_at = models.DateTimeField(_("replied at"))

    class Meta:
        verbose_name = _("feedback reply")
        verbose_name_plural = _("feedback replies")
        ordering = ["replied_at", "id"]

    def __str__(self) -> str:
        return f"#{self.pk} → {self.feedback_id}"


class Obligation(models.TextChoices):
    CLAIM = "claim", _("Claim within 1 working day")
    FEEDBACK_ANSWER = "feedback_answer", _("Answer feedback")
    VERIFICATION = "verification", _("Credit verification")
    INQUIRY_REPLY = "inquiry_reply", _("Reply to inquiry letter")


class OverdueRecord(models.Model):
    """Responsibility for a missed deadline, charged to a department (Art. 15)."""

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="overdue_records",
        verbose_name=_("responsible department"),
    )
    obligation = models.CharField(_("obligation"), max_length=20, choices=Obligation.choices)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    deadline = models.DateTimeField(_("deadline"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("overdue record")
        verbose_name_plural = _("overdue records")
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "object_type", "object_id"], name="overdue_once_per_object"
            )
        ]
        indexes = [
            models.Index(fields=["department", "deadline"], name="overdue_dept_idx"),
            # The admin's home ranks every department by this month's records.
            models.Index(fields=["deadline", "department"], name="overdue_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.get_obligation_display()} · {self.object_id}"


class NoticeKind(models.TextChoices):
    """What a notice is about, for the notice centre's filter."""

    PUSH = "push", _("Push to be claimed")
    FEEDBACK = "feedback", _("Feedback")
    REMINDER = "reminder", _("Deadline reminder")
    REPORT = "report", _("Monthly report")
    COORDINATION = "coordination", _("Coordination")
    OTHER = "other", _("Other")


class NoticeResolution(models.TextChoices):
    """How the work a notice asked for was done (shown on it instead of nagging)."""

    CLAIMED = "claimed", _("Claimed")
    AUTO_CLAIMED = "auto_claimed", _("Was auto-claimed")
    ANSWERED = "answered", _("Answered")


class Notification(models.Model):
    """An in-app notice to one person (the inbox bell).

    A notice asking to claim a push (the push's own notice and its reminder) keeps the push
    it is about; the claim and the auto-claim resolve it in their own transaction, so it says
    已认领 instead of "please claim by …" and no longer counts as unread work.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=NoticeKind.choices, default=NoticeKind.OTHER
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    push = models.ForeignKey(
        Push,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("push"),
    )
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=16, choices=NoticeResolution.choices, blank=True
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notice_user_idx"),
            # The notice centre: newest first, optionally of one kind.
            models.Index(fields=["user", "-created_at", "-id"], name="notice_user_newest_idx"),
            models.Index(
                fields=["user", "kind", "-created_at", "-id"], name="notice_user_kind_idx"
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def needs_attention(self) -> bool:
        return self.read_at is None and self.resolved_at is None


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """An outbox row written in the same transaction as the change it announces.

    A task sends it after commit; a periodic sweep retries what is still pending, so a
    broker outage or a crashed worker delays a delivery and never loses it.
    """

    channel = models.CharField(_("channel"), max_length=16, choices=DeliveryChannel.choices)
    push = models.ForeignKey(
        Push,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("push"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    address = models.CharField(_("address"), max_length=300)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    # Webhooks retry for 24 hours from the first attempt of the current round; "deliver
    # again" in admin starts a new round.
    first_attempt_at = models.DateTimeField(_("first attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_pending_idx",
                condition=Q(status="pending"),
            ),
            # The admin's home lists the deliveries that gave up, newest first.
            models.Index(
                fields=["-created_at", "-id"],
                name="delivery_failed_idx",
                condition=Q(status="failed"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address}"


class DeliveryAttempt(models.Model):
    """One try at sending a webhook delivery, kept for the admin's delivery log."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("delivery")
    )
    at = models.DateTimeField(_("attempted at"))
    url = models.CharField(_("address"), max_length=300)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"#{self.delivery_id} @ {self.at:%Y-%m-%d %H:%M:%S} → {self.status_code or '-'}"


class WebhookEndpoint(models.Model):
    """A department system's callback URL: each new push to the department is POSTed there,
    signed with `secret` (HMAC-SHA256). The secret is kept as given because signing needs
    it; it is shown once, when it is created or rotated."""

    department = models.OneToOneField(
        Department,
        on_delete=models.PROTECT,
        related_name="webhook_endpoint",
        verbose_name=_("department"),
    )
    url = models.URLField(_("callback URL"), max_length=300)
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return f"{self.department} → {self.url}"


class SmsKind(models.TextChoices):
    """What a text message is about; each kind has its gateway template (settings)."""

    DEADLINE_TODAY = "deadline_today", _("Deadlines due today")
    AUTO_CLAIMED = "auto_claimed", _("Pushes auto-claimed")


class SmsStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    # The gateway kept failing (5xx, timeouts) until the attempts ran out.
    FAILED = "failed", _("Failed")
    # The gateway refused it for good (invalid number, blacklisted…): never retried.
    REFUSED = "refused", _("Refused")


class SmsDelivery(models.Model):
    """An SMS outbox row, written in the transaction of what it announces and sent by a task
    after commit, like the e-mail deliveries. At most one per person per subject
    (`subject_key`, e.g. "deadline-today:2026-12-01"): the unique constraint decides, so a
    sweep that runs twice sends one message. Sent only within office hours (R0):
    `next_attempt_at` is moved to the next opening instead of dropping the message."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    phone = models.CharField(_("mobile number"), max_length=11)
    kind = models.CharField(_("kind"), max_length=20, choices=SmsKind.choices)
    template_id = models.CharField(_("template"), max_length=64)
    params = models.JSONField(_("template parameters"), default=dict)
    subject_key = models.CharField(_("subject"), max_length=100)
    status = models.CharField(
        _("status"), max_length=16, choices=SmsStatus.choices, default=SmsStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.TextField(_("reason"), blank=True)
    gateway_message_id = models.CharField(_("gateway message id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS delivery")
        verbose_name_plural = _("SMS deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "subject_key"], name="sms_once_per_person_subject"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="sms_pending_idx",
                condition=Q(status="pending"),
            ),
            # The admin's home lists the refused and failed ones, newest first.
            models.Index(
                fields=["-created_at", "-id"],
                name="sms_undelivered_idx",
                condition=Q(status__in=["refused", "failed"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.phone}"
