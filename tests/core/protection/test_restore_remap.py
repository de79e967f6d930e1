"""Restore of a set whose rules land on other target paths: the target sends from
where the data landed, and each mapped rule maps back to its source path."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.model.rules import Rule
from core.protection.failback import failback
from core.protection.failover import failover
from core.protection.restore import restore
from core.store import PairRecord, PairStore

from .doubles import World, file_config

NAME = "fileprint_FS01_FS02"
PAIR = ("fileprint", "FS01", "FS02")
RULES = (Rule("E:\\Shares\\Data", target="F:\\FromFS01\\Data"), Rule("E:\\Shares\\Users"))


@pytest.fixture
def cfg() -> ProtectionConfig:
    c = file_config()
    c.advanced.override_rules = True
    c.advanced.rules = list(RULES)
    return c


def test_restore_set_maps_back_and_reprotect_maps_forward(
    world: World, store: PairStore, protected: PairRecord, tokens: Callable[[], str]
) -> None:
    assert tuple(world.src.sets[NAME]) == RULES  # enable gave the engine the mapped rules
    world.src.reachable = world.hosts["FS01"].reachable = False
    world.tgt.declare_failure(NAME)
    failover(world.ctx, store, Pair(*PAIR), token_factory=tokens)
    world.src.reachable = world.hosts["FS01"].reachable = True
    failback(world.ctx, store, Pair(*PAIR), token_factory=tokens)
    world.tgt.mirror_on_connect = world.src.mirror_on_connect = "complete"
    world.calls.clear()
    restore(world.ctx, store, Pair(*PAIR), token_factory=tokens)
    created = {(c[0], c[2][0]): c[2][1] for c in world.calls if c[1] == "create_set"}
    assert created[("FS02", NAME + "_restore")] == (
        Rule("F:\\FromFS01\\Data", target="E:\\Shares\\Data"),
        Rule("E:\\Shares\\Users"),
        Rule("E:\\Shares\\Data", include=False),  # not where the data landed: left out
    )
    assert created[("FS01", NAME)] == RULES
