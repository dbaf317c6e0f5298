"""Fixtures over the security tests' world (tests/security/world.py)."""

from collections.abc import Iterator

import pytest
import time_machine

from tests.security.world import NOW, World, build_world


@pytest.fixture
def frozen_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(db: None, frozen_now: None) -> World:
    return build_world()
