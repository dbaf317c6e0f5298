"""One error vocabulary: services raise ValidationError or a DomainConflict; the one API
exception handler answers them (400/409), so no API module catches Django's ValidationError."""

import ast
from pathlib import Path

from approvals.licence_status import LicenceStatusConflict
from coordination.services import CoordinationConflict, InquiryDeemedConsent
from linzi_platform.errors import DomainConflict, DuplicateRecord
from notifications.feedback.services import FeedbackWindowClosed
from notifications.services import PushConflict

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "node_modules", "tests", "migrations"}


def _api_modules() -> list[Path]:
    found = []
    for path in ROOT.rglob("*.py"):
        if SKIPPED.intersection(path.relative_to(ROOT).parts):
            continue
        if path.name == "api.py" or path.name.endswith("_api.py") or path.parent.name == "api":
            found.append(path)
    return found


def _django_validation_error_names(tree: ast.Module) -> set[str]:
    """The names Django's ValidationError goes by in the module (aliases included)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in {
            "django.core.exceptions",
            "django.forms",
        }:
            names |= {
                alias.asname or alias.name
                for alias in node.names
                if alias.name == "ValidationError"
            }
    return names


def _caught(handler: ast.ExceptHandler) -> list[ast.expr]:
    if handler.type is None:
        return []
    return list(handler.type.elts) if isinstance(handler.type, ast.Tuple) else [handler.type]


def _catches_django_validation_error(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = _django_validation_error_names(tree)
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ExceptHandler):
            continue
        for caught in _caught(node):
            dotted = ast.unparse(caught)
            if dotted in names or dotted == "django.core.exceptions.ValidationError":
                lines.append(node.lineno)
    return lines


def test_the_api_modules_are_found():
    names = {path.relative_to(ROOT).as_posix() for path in _api_modules()}
    assert {"approvals/api.py", "credit/api.py", "notifications/api.py"} <= names
    assert any(name.startswith("supervision/") for name in names)
    assert any(name.startswith("coordination/") for name in names)


def test_no_api_module_catches_djangos_validation_error():
    offenders = {
        path.relative_to(ROOT).as_posix(): lines
        for path in _api_modules()
        if (lines := _catches_django_validation_error(path))
    }
    assert offenders == {}, "let the API exception handler answer a service's ValidationError"


def test_the_check_sees_an_aliased_catch(tmp_path):
    module = tmp_path / "api.py"
    module.write_text(
        "from django.core.exceptions import ValidationError as DjangoValidationError\n"
        "try:\n    pass\nexcept (KeyError, DjangoValidationError):\n    pass\n",
        encoding="utf-8",
    )
    assert _catches_django_validation_error(module) == [4]


def test_every_state_conflict_is_a_domain_conflict():
    for conflict in (
        PushConflict,
        FeedbackWindowClosed,
        CoordinationConflict,
        InquiryDeemedConsent,
        LicenceStatusConflict,
        DuplicateRecord,
    ):
        assert issubclass(conflict, DomainConflict), conflict
