"""Hypothesis strategies of always-invalid input, and the "nothing was written" fingerprint,
shared by the bad-input tests of the web forms and the API."""

import datetime
import os
import re
from collections.abc import Callable
from typing import Any

from django.apps import apps
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.factories import valid_credit_code, valid_id_number

# Each group test builds one world and runs every form or endpoint of its app: a few examples
# per field keep the whole of tests/security well under 3 minutes on PostgreSQL. Set
# SECURITY_FUZZ_EXAMPLES=200 for a deeper run.
FUZZ = settings(
    max_examples=int(os.environ.get("SECURITY_FUZZ_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

HUGE = 100_000
CJK = re.compile(r"[\u4e00-\u9fff]")
PROJECT_APPS = (
    "organizations",
    "workdays",
    "audit",
    "approvals",
    "notifications",
    "supervision",
    "credit",
    "coordination",
)


def fingerprint() -> dict[str, int]:
    """Row counts of every model of the project (the audit trail included): a rejected input
    must leave all of them as they were."""
    counts = {}
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model._base_manager.count()
    return counts


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {name: (before[name], after[name]) for name in before if before[name] != after[name]}


def is_chinese(message: str) -> bool:
    return bool(CJK.search(str(message)))


# --------------------------------------------------------------------------- strategies

_filler = st.sampled_from(["a", "字", "\u202e", "😀", "<", "'"])
nul_text = st.text(max_size=8).map(lambda s: f"{s}\x00{s}")


def huge(limit: int = HUGE) -> st.SearchStrategy[str]:
    """Just over the limit, or 100k characters."""
    return st.tuples(_filler, st.sampled_from(sorted({limit + 1, max(limit + 1, HUGE)}))).map(
        lambda pair: pair[0] * pair[1]
    )


def required_text(limit: int) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), st.sampled_from([" ", "\t\n ", "\u3000 "]), huge(limit), nul_text)


def optional_text(limit: int) -> st.SearchStrategy[str]:
    return st.one_of(huge(limit), nul_text)


GARBAGE_DATES = [
    "garbage",
    "2026-13-45",
    "2026-02-30",
    "0000-00-00",
    "99999-01-01",
    "2026/11/31",
    "2026-11-24T25:61",
    "\x00",
    "-1",
    "1e10",
]


def bad_date(*extra: str) -> st.SearchStrategy[str]:
    """Unparseable dates, plus dates that parse but the field must refuse (`extra`)."""
    return st.one_of(
        st.sampled_from(GARBAGE_DATES + list(extra)),
        st.text(min_size=1, max_size=12).filter(lambda s: s.strip() and not _parses_as_date(s)),
    )


def _parses_as_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def bad_datetime(*extra: str) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            "garbage",
            "2026-13-45T09:00",
            "2026-11-31T09:00",
            "2026-11-26T25:00",
            "0000-01-01T00:00",
            "99999-01-01T00:00",
            "\x00",
            "",
            *extra,
        ]
    )


def bad_choice(*extra: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["", "nope", "ACCEPT", "1", "\x00", "met;drop table", *extra]), huge(200)
    )


def bad_int(low: int, high: int) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["abc", "1.5", "1e3", "", "\x00", "0x10", str(10**30)]),
        st.integers(max_value=low - 1).map(str),
        st.integers(min_value=high + 1).map(str),
    )


def bad_pk(*extra: str, required: bool = True) -> st.SearchStrategy[str]:
    values = ["abc", "999999", "-1", "1.5", "\x00", str(2**63), *extra]
    return st.sampled_from(values + ([""] if required else []))


def _corrupt_last(code: str) -> str:
    last = code[-1]
    replacement = "0" if last != "0" else "1"
    return code[:-1] + replacement


BAD_CODES = [
    _corrupt_last(valid_credit_code("91370305MA3FX001")),  # wrong check character
    _corrupt_last(valid_id_number("37030519800101123")),
    valid_credit_code("91370305MA3FX001")[:-1],  # 17 characters
    valid_credit_code("91370305MA3FX001") + "0",  # 19 characters
    "91370305MA3CIOSV0Z",  # letters outside the GB 32100 charset
    "370305198013451234",  # month 13
    "ABCDEFGHIJKLMNOPQR",
    "\x00" * 18,
]


def bad_code(required: bool = True) -> st.SearchStrategy[str]:
    options = st.sampled_from(BAD_CODES + ([""] if required else []))
    return st.one_of(options, huge(18))


Strategy = st.SearchStrategy
FieldSpec = tuple[Strategy, set[str]]


def field(strategy: Strategy, *error_keys: str) -> Callable[[str], FieldSpec]:
    """A field's bad values and the form/serializer keys an error may be reported under
    (default: the field itself)."""

    def bind(name: str) -> FieldSpec:
        return strategy, set(error_keys) or {name}

    return bind


def bind_fields(spec: dict[str, Any]) -> dict[str, FieldSpec]:
    return {name: (value(name) if callable(value) else value) for name, value in spec.items()}


# --------------------------------------------------------------------------- hostile bodies


def nested_json(depth: int, *, kind: str = "array") -> str:
    """A JSON text nested `depth` levels deep (Python's decoder recursed once per level)."""
    if kind == "array":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


# Deep enough to have been a RecursionError, far deeper, and a valid-looking body hiding a
# deep value in a field.
DEEP_BODIES = {
    "1,000 arrays": nested_json(1_000),
    "100,000 objects": nested_json(100_000, kind="object"),
    "deep field": '{"text": ' + nested_json(2_000) + "}",
}


def oversized_json(limit: int) -> str:
    """A valid JSON object one byte over `limit`."""
    head, tail = '{"text": "', '"}'
    return head + "a" * (limit + 1 - len(head) - len(tail)) + tail
