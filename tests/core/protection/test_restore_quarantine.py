"""Restore never destroys data silently (F-9.3): count, log, keep or discard."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.errors import Refused
from core.model.pair import Pair
from core.protection.errors import StepsFailed
from core.protection.failback import failback
from core.protection.failover import failover
from core.protection.quarantine import CHANGED, ONLY_SOURCE, REPLACED, compare
from core.protection.restore import restore, restore_preview
from core.store import PairRecord, PairStore

from .doubles import World
from .test_failover import NAME, PAIR, _fail_source, _log

A, B, C, D = "E:\\Shares\\Data\\a.txt", "E:\\Shares\\Data\\b.txt", "E:\\Shares\\Data\\c", "E:\\Shares\\Data\\d"


def test_compare_names_what_the_restore_would_lose() -> None:
    source = [["E:\\Shares\\Data", True, 0, ""], [A, False, 10, "x1"], [B, False, 20, "same"],
              [C, False, 30, "c"], [D, False, 40, "d"], ["E:\\Shares\\Data\\empty", True, 0, ""]]
    target = [["e:\\shares\\data", True, 0, ""], [A, False, 10, "x2"], [B.upper(), False, 20, "same"],
              [C, True, 0, ""], ["E:\\Shares\\Data\\new", False, 5, "n"]]
    diff = compare(source, target, "FS01", "FS02")
    assert [(f.path, f.why) for f in diff.files] == [(A, CHANGED), (C, REPLACED), (D, ONLY_SOURCE)]
    assert (diff.count, diff.bytes) == (3, 80)
    assert diff.summary().startswith("3 file(s) on FS01 (80 bytes) differ from FS02")
    assert compare(source[:3], source[:3]).count == 0


def _restoring(world: World, store: PairStore) -> None:
    _fail_source(world, store)
    failover(world.ctx, store, Pair(*PAIR))
    world.src.reachable = world.hosts["FS01"].reachable = True
    failback(world.ctx, store, Pair(*PAIR))
    world.tgt.mirror_on_connect = world.src.mirror_on_connect = "complete"
    world.src.files = [[A, False, 10, "mine"], [D, False, 4000, "late"]]
    world.tgt.files = [[A, False, 12, "theirs"]]
    world.calls.clear()


def test_restore_keeps_copies_before_the_mirror_and_logs_them(
        world: World, store: PairStore, protected: PairRecord,
        tokens: Callable[[], str]) -> None:
    _restoring(world, store)
    preview = restore_preview(world.ctx, store, Pair(*PAIR))
    assert (preview.count, preview.bytes) == (2, 4010)
    said: list[str] = []
    results = restore(world.ctx, store, Pair(*PAIR), said.append, token_factory=tokens)
    ops = [(c[0], c[1]) for c in world.calls]
    assert ops.index(("FS01", "quarantine")) < ops.index(("FS02", "connect"))
    [(folder, kept)] = world.src.kept.items()
    assert folder.startswith(".appmgr-restore-") and kept == [A, D]
    assert "2 file(s) (3.9 KB) kept in E:\\.appmgr-restore-" in results[0].message
    assert any("2 file(s) on FS01 (3.9 KB) differ from FS02" in s for s in said)
    log = _log(world)
    assert f"changed: {A} (10 bytes)" in log and f"only on the source: {D} (4000 bytes)" in log
    assert not any(A in s for s in said)  # the list goes to the log, not the progress lines
    assert store.record(Pair(*PAIR)).state == "Protected"


def test_discard_is_explicit_and_still_counted(world: World, store: PairStore,
                                               protected: PairRecord) -> None:
    _restoring(world, store)
    results = restore(world.ctx, store, Pair(*PAIR), discard=True)
    assert world.src.kept == {} and ("FS01", "quarantine") not in [(c[0], c[1]) for c in world.calls]
    assert "2 file(s) (3.9 KB) discarded as asked (--discard)" in results[0].message
    assert f"only on the source: {D}" in _log(world)


def test_a_copy_that_fails_stops_the_restore_before_it_overwrites(
        world: World, store: PairStore, protected: PairRecord) -> None:
    _restoring(world, store)
    world.src.fail["quarantine"] = Refused("cannot keep a copy before the restore: disk full")
    with pytest.raises(StepsFailed, match="disk full"):
        restore(world.ctx, store, Pair(*PAIR))
    assert ("FS02", "connect") not in [(c[0], c[1]) for c in world.calls]
    assert NAME + "_restore" not in world.tgt.connections
    assert store.record(Pair(*PAIR)).state == "Restoring"
