"""Small helpers shared by tests (import them from here, never from a conftest.py)."""

import datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    """An aware time in Asia/Shanghai from an ISO text without offset."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def pdf(name: str = "decision.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test decision", content_type="application/pdf")
