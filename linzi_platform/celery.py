import os
from pathlib import Path

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linzi_platform.settings")

app = Celery("linzi_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# One beat process owns this schedule. Every entry is safe to run twice or concurrently.
app.conf.beat_schedule = {
    "auto-claim-overdue-pushes": {
        "task": "notifications.auto_claim_overdue",
        "schedule": 5 * 60,
    },
    "credit-verifications-sweep": {
        "task": "credit.verifications_sweep",
        "schedule": 5 * 60,
    },
    "inquiries-deemed-consent": {
        "task": "coordination.inquiries_deem_consent",
        "schedule": 5 * 60,
    },
    # Suspensions end at the start of the day after their last day; the half-hourly run
    # catches up after a beat that was down at midnight.
    "suspensions-end-at-midnight": {
        "task": "supervision.suspensions_end",
        "schedule": crontab(minute=0, hour=0),
    },
    "suspensions-end-catch-up": {
        "task": "supervision.suspensions_end",
        "schedule": 30 * 60,
    },
    "monthly-report": {
        "task": "notifications.compile_monthly_report",
        "schedule": crontab(minute=0, hour=8, day_of_month=1),
    },
    "reminders": {
        "task": "notifications.send_reminders",
        "schedule": 5 * 60,
    },
    "overdue-feedback": {
        "task": "notifications.mark_overdue_feedback",
        "schedule": 5 * 60,
    },
    "open-data-nightly": {
        "task": "approvals.regenerate_open_data",
        "schedule": crontab(minute=0, hour=2),
    },
    # Pushes whose after-commit fan-out never ran (notifications/fanout.py).
    "fan-out-missing-pushes": {
        "task": "notifications.fan_out_missing",
        "schedule": 60,
    },
    "retry-pending-webhooks": {
        "task": "notifications.send_pending_webhooks",
        "schedule": 60,
    },
    "retry-pending-deliveries": {
        "task": "notifications.send_pending_deliveries",
        "schedule": 60,
    },
    "retry-pending-sms": {
        "task": "notifications.send_pending_sms",
        "schedule": 60,
    },
}


@app.on_after_configure.connect
def _make_filesystem_broker_folders(sender: Celery, **kwargs: object) -> None:
    """kombu's filesystem transport needs its folders to exist before the first message."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    backend = str(sender.conf.result_backend or "")
    if backend.startswith("file://"):
        Path(backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)


@app.task(name="linzi_platform.ping")
def ping(token: str) -> str:
    """Round trip used by the health check and by the live-worker test."""
    return f"pong:{token}"
