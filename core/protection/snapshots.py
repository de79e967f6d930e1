"""Snapshots of a pair's data on the target (SPEC F-6.3): the use cases over the engine.

The target's engine takes and keeps them (core/engine/snapshots.py); this
module finds the pair's set and target, pushes the schedule of the Snapshots
tab at Enable Protection, and rolls the target back before a failover to a
snapshot. The console, ``appmgr snapshot`` and ``appmgr failover --snapshot``
all come through here.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from core.context import Context
from core.engine.snap_manifest import changed_text
from core.errors import NotFound, Refused, StateError, Unreachable
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.model.snapshot import SnapshotInfo
from core.model.state import PairState
from core.ports import Engine
from core.protection.env import PairEnv, ignore_missing
from core.protection.facts import PlanFacts
from core.store import PairStore

S = PairState


def _set_name(store: PairStore, pair: Pair) -> str:
    _, source, target = pair.parts
    rec = store.record(pair)
    if rec.pair_state in (S.UNPROTECTED, S.VALIDATED) or not rec.facts:
        raise StateError(f"{source.upper()} → {target.upper()} is not protected: its target "
                         "holds no replicated data to snapshot.")
    return PlanFacts.from_dict(rec.facts).set_name


def _on_target(ctx: Context, target: str) -> Engine:
    return ctx.engine(target)


def take(ctx: Context, store: PairStore, pair: Pair) -> SnapshotInfo:
    target = pair.target
    name = _set_name(store, pair)
    engine = _on_target(ctx, target)
    try:
        return engine.take_snapshot(name)
    finally:
        engine.close()


def listing(ctx: Context, store: PairStore, pair: Pair) -> list[SnapshotInfo]:
    """Oldest first; empty when the pair is not protected (nothing to choose from)."""
    target = pair.target
    try:
        name = _set_name(store, pair)
    except StateError:
        return []
    engine = _on_target(ctx, target)
    try:
        return list(engine.snapshots(name))
    except NotFound:
        return []  # the target never received the set
    finally:
        engine.close()


def delete(ctx: Context, store: PairStore, pair: Pair,
           sid: str) -> None:
    target = pair.target
    name = _set_name(store, pair)
    engine = _on_target(ctx, target)
    try:
        engine.delete_snapshot(name, sid)
    finally:
        engine.close()


def start_epoch(cfg: ProtectionConfig, now: float) -> float:
    """The Snapshots tab's start (local date-time; empty = now) in epoch seconds."""
    text = cfg.snapshots.start_at.strip()
    return datetime.fromisoformat(text).timestamp() if text else now


def push_schedule(env: PairEnv) -> None:
    """At Enable Protection: the target takes the tab's periodic snapshots."""
    snap = env.cfg.snapshots
    env.engine("target").schedule_snapshots(
        env.facts.set_name, snap.interval_min, start_epoch(env.cfg, env.ctx.clock.now()))


def stop_schedule(env: PairEnv) -> None:
    env.engine("target").schedule_snapshots(env.facts.set_name, None)


def check_snapshot(env: PairEnv, sid: str) -> None:
    """Before anything changes: the target holds snapshot ``sid`` (NotFound), and it is
    still the data it was taken with (Refused)."""
    name = env.facts.set_name
    target = env.engine("target")
    if not any(s.id == sid for s in target.snapshots(name)):
        raise NotFound(f"{env.cfg.target.upper()} has no snapshot {sid} of {name}: "
                       "see appmgr snapshot list")
    moved = target.snapshot_changes(name, sid)
    if moved:  # an application wrote its hard-linked files after a failover
        raise Refused(f"{env.cfg.target.upper()}: {changed_text(sid, moved)}")


def roll_back(env: PairEnv, sid: str) -> str:
    """Before the failover plan: no source may send the set again (a new token nobody
    holds, as the plan's stop-replication step does), then the target's data becomes
    the snapshot's. Returns what was done, for the failover log."""
    name = env.facts.set_name
    tgt = env.engine("target")
    # a source that is down sends nothing now; the new token keeps it out later
    with contextlib.suppress(Unreachable):
        ignore_missing(env.engine("source").disconnect, name)
    tgt.accept(name, env.token_factory())
    done = tgt.rollback_snapshot(name, sid)
    return (f"{env.cfg.target} rolled back to snapshot {sid}: {done.get('replaced', 0)} "
            f"file(s) restored, {done.get('deleted', 0)} removed, "
            f"{done.get('kept', 0)} unchanged")
