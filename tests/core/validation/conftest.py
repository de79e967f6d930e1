from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.doubles import FakeWorld, make_world
from tests.core.validation.appworld import lab_world


@pytest.fixture
def world(tmp_path: Path) -> FakeWorld:
    """The fake lab estate (DC01, FS01, FS02, FS03) behind a Context."""
    return make_world(tmp_path)


@pytest.fixture
def lab(tmp_path: Path) -> FakeWorld:
    """The whole lab estate of every application (appworld.lab_world) behind a Context."""
    return lab_world(tmp_path)
