"""What a licence decision needs from coordination (R14), registered with approvals."""

from approvals.decision_checks import ImportantMatterGate, register_decision_check

from .selectors import important_file_for, important_file_missing


def register() -> None:
    register_decision_check(
        ImportantMatterGate(files_for=important_file_for, missing=important_file_missing)
    )
