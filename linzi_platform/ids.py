"""Database ids taken from user input (query strings, form fields, API bodies)."""

from typing import Any

# The largest value of a PostgreSQL bigint (Django's BigAutoField); SQLite's INTEGER alike.
MAX_ID = 2**63 - 1


def parse_id(value: Any) -> int | None:
    """A positive id, or None for anything else.

    `str.isdigit()` alone is not enough: it accepts "²" or "１" (which `int()` refuses) and
    20-digit numbers (which overflow the database driver) — both were 500s.
    """
    text = str(value).strip() if value is not None else ""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
