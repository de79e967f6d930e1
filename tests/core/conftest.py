"""Fixtures shared by the façade's tests: the fake estate of every application."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.console import Console
from tests.core.apps.app_estate import make_world
from tests.core.doubles import FakeWorld


@pytest.fixture
def world(tmp_path: Path) -> FakeWorld:
    """Every application's lab servers behind a Context (tests/core/apps/app_estate.py)."""
    return make_world(tmp_path)


@pytest.fixture
def console(world: FakeWorld) -> Console:
    return Console(world.ctx)
