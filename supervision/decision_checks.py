"""What a licence decision needs from the supervision side (R7), registered with approvals."""

from approvals.decision_checks import AccessCheck, register_decision_check

from .selectors import counterparties_access, counterparty_access, counterparty_listed


def register() -> None:
    register_decision_check(
        AccessCheck(
            access=counterparty_access,
            access_many=counterparties_access,
            listed=counterparty_listed,
        )
    )
