from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.model.state import PairState
from core.protection.enable import enable
from core.protection.status import pair_status
from core.store import PairRecord, PairStore

from .doubles import World, file_config


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


@pytest.fixture
def store(world: World) -> PairStore:
    return PairStore(world.ctx.paths)


@pytest.fixture
def cfg() -> ProtectionConfig:
    return file_config()


@pytest.fixture
def tokens() -> Callable[[], str]:
    """Deterministic tokens: tok-1, tok-2, …"""
    counter = itertools.count(1)
    return lambda: f"tok-{next(counter)}"


@pytest.fixture
def protected(world: World, store: PairStore, cfg: ProtectionConfig,
              tokens: Callable[[], str]) -> PairRecord:
    """A pair enabled and mirrored: state Protected, monitor running."""
    world.src.mirror_on_connect = "complete"
    enable(world.ctx, cfg, store, validated=True, token_factory=tokens)
    status = pair_status(world.ctx, store, Pair("fileprint", "FS01", "FS02"))
    assert status.state == PairState.PROTECTED
    world.calls.clear()
    return store.record(Pair("fileprint", "FS01", "FS02"))
