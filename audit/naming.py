"""How the trail's pages name the actor of an event. The trail records a stable label
(a username, `system`, `api:<client>`; R20); the page shows a person's name, which only
organizations knows: it registers the namer in its AppConfig, so audit imports nothing
above it."""

from collections.abc import Callable

_namer: Callable[[str], str] | None = None


def actor_namer_register(namer: Callable[[str], str]) -> None:
    global _namer
    _namer = namer


def actor_name(label: str) -> str:
    return _namer(label) if _namer is not None else label
