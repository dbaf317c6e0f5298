"""What a licence decision needs from the credit side (R10, R11), registered with approvals."""

from approvals.decision_checks import (
    CreditCommitmentCheck,
    VerificationStart,
    register_decision_check,
)

from .selectors import credit_notice
from .services import credit_commitment_record, credit_verification_open


def register() -> None:
    register_decision_check(
        CreditCommitmentCheck(
            notice=credit_notice,
            notice_template="credit/notice.html",
            record=credit_commitment_record,
        )
    )
    register_decision_check(VerificationStart(start=credit_verification_open))
