from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.doubles import FakeWorld, make_world


@pytest.fixture
def world(tmp_path: Path) -> FakeWorld:
    """The fake lab estate (DC01, FS01, FS02, FS03) behind a Context."""
    return make_world(tmp_path)
