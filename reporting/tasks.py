from celery import shared_task
from django.utils import timezone

from .reminders import reminders_send_due
from .reports import monthly_report_compile, previous_month

# The task names are those the beat schedule and a running deployment's queue already know
# (the tasks lived in the notifications app before): a queued message still finds its task.


@shared_task(name="notifications.compile_monthly_report")
def compile_monthly_report() -> str:
    """Beat, 08:00 on the 1st: the previous month's report. Twice is harmless: one report."""
    report = monthly_report_compile(month=previous_month(timezone.now()))
    return str(report)


@shared_task(name="notifications.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """Beat, every 5 minutes: reminders 2 working hours before deadlines (office hours only)."""
    return reminders_send_due(now=timezone.now())
