"""Fixtures: a pair of in-process engines (FS01 → FS02) with certificates of the test CA."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import Server


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    src = Server(tmp_path / "FS01", "127.0.41.1").start()
    tgt = Server(tmp_path / "FS02", "127.0.41.2").start()
    yield src, tgt
    src.stop()
    tgt.stop()
