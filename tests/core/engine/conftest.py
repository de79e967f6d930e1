"""Fixtures: an admins file and a pair of in-process engines (FS01 → FS02)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.engine.auth import password_key

from .harness import PASSWORD, USER, Server


@pytest.fixture
def admins(tmp_path: Path) -> Path:
    p = tmp_path / "admins.json"
    p.write_text(json.dumps({"users": {USER: password_key(PASSWORD)}}))
    return p


@pytest.fixture
def pair(tmp_path: Path, admins: Path) -> Iterator[tuple[Server, Server]]:
    src = Server(tmp_path / "FS01", "127.0.41.1", admins).start()
    tgt = Server(tmp_path / "FS02", "127.0.41.2", admins).start()
    yield src, tgt
    src.stop()
    tgt.stop()
