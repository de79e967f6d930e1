"""Verify Target Data (SPEC F-11): prove the target's copy of a SQL or Exchange pair usable.

The mirror is never stopped. The target's engine takes a snapshot of the
set's data (or a chosen one is used); the target then checks each database or
store from that snapshot through a host operation: SQL, ``sql_verify`` attaches
a copy of the files under another name and runs DBCC CHECKDB; Exchange,
``exchange_verify`` replays the storage group's logs into a copy of the store and
wants Clean Shutdown and good page checksums (eseutil /r, /mh, /k). The lab
answers both by checking the page checksums of the snapshot's files. A snapshot
taken for the check is deleted after it, whatever happened.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.apps.exchange import protected_stores
from core.apps.sql import protected_databases
from core.apps.sqlcommon import DB_MODES
from core.context import Context
from core.engine.snap_manifest import changed_text
from core.errors import AppmgrError, InvalidInput, Refused, StateError
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.model.server import Server
from core.model.verify import VerifiedItem, VerifyReport
from core.protection.facts import PlanFacts
from core.protection.snapshots import _set_name
from core.store import PairStore

APPS = ("sql", "exchange")


@dataclass(frozen=True)
class Item:
    """One database or store to check, with the Windows paths of its files on the target."""

    kind: str  # "database" | "store"
    instance: str  # SQL Server instance ("" for a store)
    name: str
    files: tuple[str, ...]
    #: what the host operation needs besides (a store: its storage group's logs)
    extra: dict[str, str] = field(default_factory=dict)


def items_of(cfg: ProtectionConfig, facts: PlanFacts, source: Callable[[], Server]) -> list[Item]:
    """The databases (SQL) or stores (Exchange) the pair protects, with their files.

    They come from the plan's facts, captured at Enable Protection, so a pair whose
    source is down (failed over) can still be verified; pairs enabled before those
    facts were kept read the source's inventory (``source`` is called only then)."""
    if cfg.app == "sql":
        key = "databases" if cfg.connection.sql_mode in DB_MODES else "verify_databases"
        dbs = facts.app.get(key) or protected_databases(source(), cfg.connection.databases)
        return [Item("database", d["instance"], d["name"], tuple(d["files"]))
                for d in dbs if d.get("files")]
    stores = facts.app.get("verify_stores")
    if stores is None:
        groups = facts.app.get("storage_groups") or cfg.connection.storage_groups
        stores = protected_stores(source(), groups)
    return [Item("store", "", st["name"], tuple(st["files"]),
                 {"logs": st["logs"], "prefix": st["prefix"]}) for st in stores]


def _check(ctx: Context, target: str, item: Item, tree: str) -> VerifiedItem:
    kind, inst, name, files = item.kind, item.instance, item.name, list(item.files)
    host = ctx.host(target)
    try:
        if kind == "database":
            got: dict[str, Any] = host.run_op("sql_verify", {"instance": inst, "database": name,
                                                             "files": files, "snapshot": tree})
        else:
            got = host.run_op("exchange_verify", {"store": name, "files": files,
                                                  "snapshot": tree, **item.extra})
    except AppmgrError as exc:  # one item that cannot be checked is not usable; go on
        return VerifiedItem(kind, name, inst, False, (str(exc),))
    errors = tuple(str(e) for e in (got.get("errors") or ()))
    return VerifiedItem(kind, name, inst, bool(got.get("usable")) and not errors, errors,
                        int(got.get("pages") or 0), str(got.get("copy") or ""))


def verify(ctx: Context, store: PairStore, pair: Pair,
           source_inventory: Callable[[], Server], snapshot: str | None = None,
           progress: Callable[[str], None] | None = None) -> VerifyReport:
    app, source, target = pair.parts
    if app not in APPS:
        raise InvalidInput("app", "Verify Target Data is for SQL Server and Exchange pairs")
    cfg = store.load_config(pair)
    name = _set_name(store, pair)
    if cfg is None:
        raise StateError(f"{source.upper()} → {target.upper()} has no configuration")
    facts = PlanFacts.from_dict(store.record(pair).facts)
    items = items_of(cfg, facts, source_inventory)
    if not items:
        raise StateError(f"{source.upper()} → {target.upper()} protects no "
                         f"{'database' if app == 'sql' else 'store'} to verify")
    say = progress or (lambda _t: None)
    engine = ctx.engine(target)
    try:
        if snapshot:
            snap = next((s for s in engine.snapshots(name) if s.id == snapshot), None)
            if snap is None:
                raise StateError(f"{target.upper()} has no snapshot {snapshot} of {name}: "
                                 "see appmgr snapshot list")
            moved = engine.snapshot_changes(name, snapshot)
            if moved:  # it would verify data of a later time than it names
                raise Refused(f"{target.upper()}: {changed_text(snapshot, moved)}")
            say(f"checking snapshot {snapshot} of {name} on {target.upper()}")
        else:
            say(f"{target.upper()} takes a snapshot of {name}")
            snap = engine.take_snapshot(name, "verify")
        try:
            out = []
            for item in items:
                say(f"checking {item.name} on {target.upper()}")
                out.append(_check(ctx, target, item, snap.path))
        finally:
            if not snapshot:
                with contextlib.suppress(AppmgrError):  # a leftover is listed, deletable
                    engine.delete_snapshot(name, snap.id)
    finally:
        engine.close()
    return VerifyReport(source.upper(), target.upper(), app, snap.id, bool(snapshot), tuple(out))
