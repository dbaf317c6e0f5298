"""What a licence decision needs from the supervision side (R7), registered with approvals."""

from approvals.decision_checks import AccessCheck, register_decision_check

from .selectors import counterparty_access


def register() -> None:
    register_decision_check(AccessCheck(access=counterparty_access))
