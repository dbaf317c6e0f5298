"""Counterparties found again by their identifier (credit code or ID number)."""

from django.db.models import Q, QuerySet

from .models import Counterparty
from .validators import normalize_code


def counterparty_find(
    *, credit_code: str | None = None, id_number: str | None = None
) -> Counterparty | None:
    """The counterparty on record with this credit code or ID number, or None."""
    found = counterparties_with_code(credit_code=credit_code, id_number=id_number)
    return None if found is None else found.first()


def counterparties_with_code(
    *, credit_code: str | None = None, id_number: str | None = None
) -> QuerySet[Counterparty] | None:
    """``counterparty_find`` as a query (at most one row), for a caller that reads more
    with it; None when neither code is given."""
    credit_code = normalize_code(credit_code) or None
    id_number = normalize_code(id_number) or None
    if credit_code:
        return Counterparty.objects.filter(credit_code=credit_code)
    if id_number:
        return Counterparty.objects.filter(id_number=id_number)
    return None


def counterparty_by_code(code: str) -> Counterparty | None:
    """The counterparty whose credit code or ID number is ``code`` (either kind), or None."""
    code = normalize_code(code)
    if not code:
        return None
    return Counterparty.objects.filter(Q(credit_code=code) | Q(id_number=code)).first()
