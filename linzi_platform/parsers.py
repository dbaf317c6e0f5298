"""JSON that cannot hurt the server: nested too deep or too large, it is refused as bad input.

Python's decoder recurses once per level, so a body of a few thousand `[` was a RecursionError
and a 500 on every JSON write endpoint (GB/T 22239-2019 8.1.4.4: the software checks the
validity of its input). A body nested deeper than JSON_MAX_DEPTH is a 400 in the API's
envelope; one larger than DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 (DRF streams a JSON body past
Django's own size check, so the parser applies it).
"""

import json
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json as drf_json

# No API body needs more than a handful of levels; 32 leaves room and stays far below the
# interpreter's recursion limit.
JSON_MAX_DEPTH = 32


class JSONTooDeep(ValueError):
    """A JSON text nested deeper than JSON_MAX_DEPTH (a ValueError, as json's own errors are)."""


# A JSON string (skipped whole, brackets inside it do not nest) or a bracket.
_TOKENS = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]', re.DOTALL)


def _depth_exceeds(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than `limit`: no recursion, and the
    regular expression skips the text between brackets at C speed."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _TOKENS.finditer(text):
        found = match.group()
        if found in "[{":
            depth += 1
            if depth > limit:
                return True
        elif found in "]}":
            depth -= 1
    return False


def loads_json(text: str | bytes, *, max_depth: int = JSON_MAX_DEPTH, **kwargs: Any) -> Any:
    """`json.loads(text, **kwargs)`, refusing a text nested deeper than `max_depth` with
    JSONTooDeep."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if _depth_exceeds(text, max_depth):
        raise JSONTooDeep(f"JSON nested deeper than {max_depth} levels")
    try:
        return json.loads(text, **kwargs)
    except RecursionError as exc:  # belt and braces: the scan above should prevent it
        raise JSONTooDeep("JSON nested too deeply") from exc


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser (same media type, so the schema is unchanged) with a size and a
    depth limit."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(_("The request body is not valid JSON.")) from exc
        try:
            parse_constant = drf_json.strict_constant if self.strict else None
            return loads_json(text, parse_constant=parse_constant)
        except JSONTooDeep as exc:
            raise ParseError(_("The JSON body is nested too deeply.")) from exc
        except ValueError as exc:
            raise ParseError(_("The request body is not valid JSON.")) from exc


# The parsers of an endpoint that takes a file: JSON as everywhere, or multipart with the
# files (a nested object then comes as a JSON string, see supervision.api._request_body).
# Form-encoded bodies cannot carry a file and are taken nowhere.
UPLOAD_PARSERS = (JSONParser, parsers.MultiPartParser)
