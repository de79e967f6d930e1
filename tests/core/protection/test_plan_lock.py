"""The plan lock across processes: a second appmgr is refused with who runs the plan,
and the lock dies with its holder (kill -9)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import StateError
from core.model.pair import Pair
from core.protection.failover import failover
from core.protection.plan_lock import plan_holder, plan_lock
from core.store import PairRecord, PairStore

from .doubles import IP2, World

ROOT = Path(__file__).resolve().parents[3]
PAIR = ("fileprint", "FS01", "FS02")
HOLD = """
import sys
from pathlib import Path
from core.paths import AppPaths
from core.protection.plan_lock import plan_lock
from core.model.pair import Pair
paths = AppPaths(*(Path(sys.argv[1], d) for d in ("config", "state", "logs", "lab")))
with plan_lock(paths, Pair("fileprint", "FS01", "FS02"), "failover", "appmgr watch", 0.0):
    print("locked", flush=True)
    sys.stdin.read()
"""


@pytest.fixture
def holder(world: World) -> Iterator[subprocess.Popen[str]]:
    """Another process (a watcher) holding the pair's plan lock."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(world.root)], cwd=ROOT, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == "locked\n"
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def test_a_plan_another_process_runs_is_refused_with_who_runs_it(
        world: World, store: PairStore, protected: PairRecord,
        holder: subprocess.Popen[str]) -> None:
    world.src.reachable = False
    who = f"appmgr watch on {socket.gethostname()} is running the failover plan (pid {holder.pid})"
    found = plan_holder(world.ctx.paths, Pair(*PAIR))
    assert found is not None and found.sentence() == who
    with pytest.raises(StateError) as refused:
        failover(world.ctx, store, Pair(*PAIR))
    assert str(refused.value) == f"{who}; wait for it to finish."
    assert store.record(Pair(*PAIR)).state == "Protected"  # nothing ran
    # the holder dies without unlocking: the kernel releases the lock, the plan may run
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert plan_holder(world.ctx.paths, Pair(*PAIR)) is None
    failover(world.ctx, store, Pair(*PAIR))
    assert world.dns.a() == (IP2,)


def test_the_lock_is_free_after_use_and_exclusive_within_one_process(world: World) -> None:
    paths = world.ctx.paths
    assert plan_holder(paths, Pair(*PAIR)) is None
    with plan_lock(paths, Pair(*PAIR), "restore", "appmgr", 5.0):
        h = plan_holder(paths, Pair(*PAIR))
        assert h is not None and (h.actor, h.operation, h.pid) == ("appmgr", "restore", os.getpid())
        with pytest.raises(StateError, match="is running the restore plan"), \
                plan_lock(paths, Pair(*PAIR), "failover", "appmgr watch", 6.0):
            pass
    assert plan_holder(paths, Pair(*PAIR)) is None
