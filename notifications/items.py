"""The names of the catalog's transferred items, for the item pickers of push lists.

A push stores only its item's code (`Push.item_code`); the catalog lives in the approvals app,
above this one, so that app registers how to list the items (in its AppConfig.ready()) and
the pickers here show names, never codes.
"""

from collections.abc import Callable

ItemChoices = Callable[[], list[tuple[str, str]]]

_provider: ItemChoices | None = None


def register_item_choices(provider: ItemChoices) -> None:
    global _provider
    _provider = provider


def item_choices() -> list[tuple[str, str]]:
    """(code, name) of every catalog item, by name: one query per page that shows a picker."""
    return _provider() if _provider is not None else []
