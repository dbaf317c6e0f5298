"""The errors a service raises besides Django's ValidationError: a state conflict (409).

Every layer may import this module; the API exception handler maps a DomainConflict to 409
in the error envelope, and the web helpers put it on the form or in a message.
"""

from dataclasses import dataclass


class DomainConflict(Exception):
    """The record is not in a state that allows the action (API 409).

    A subclass whose conflict is about one input names it in `field`: the web form shows
    the reason on that field; otherwise the page shows it as a message. The API answers 409
    either way.
    """

    field: str | None = None


@dataclass(frozen=True)
class ExistingRecord:
    """The record a duplicate collides with: its id, a label a person reads, its page."""

    id: int
    label: str
    url: str


class DuplicateRecord(DomainConflict):
    """The same department already recorded this document (R6: one document number once).

    `field` is the input field the duplicate is about; `existing` names the record kept.
    """

    def __init__(self, message: str, *, field: str, existing: ExistingRecord) -> None:
        super().__init__(message)
        self.field = field
        self.existing = existing
