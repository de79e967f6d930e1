"""Exchange configurations identical on source and target (guide, Exchange requirements):
storage groups and log prefixes, their log, system and database paths, the MTA and queue
paths. Not required for a like-named cluster (the same virtual server on both sides)."""

from __future__ import annotations

from core.model.apps import ExchangeInventory, StorageGroup
from core.validation.base import Outcome, check, error, passed
from core.validation.checks.common import both_servers
from core.validation.checks.exchange import EXCHANGE, exchange_of
from core.validation.context import ValidationContext

_LIKE_NAMED = "not required for a like-named cluster (the same virtual server on both sides)"


def _inventories(v: ValidationContext) -> tuple[ExchangeInventory, ExchangeInventory]:
    src, tgt = both_servers(v)
    return exchange_of(v.source, src), exchange_of(v.target, tgt)


def _protected(v: ValidationContext, inv: ExchangeInventory) -> list[StorageGroup]:
    chosen = {n.upper() for n in v.config.connection.storage_groups}
    return [g for g in inv.storage_groups if not chosen or g.name.upper() in chosen]


def _same(a: str, b: str) -> bool:
    return a.rstrip("\\").lower() == b.rstrip("\\").lower()


@check("exchange.storage_groups", "Storage groups and log prefixes identical", "application",
       apps=EXCHANGE, touches=("source", "target"))
def storage_groups(v: ValidationContext) -> Outcome:
    if v.config.cluster.like_named:
        return passed(_LIKE_NAMED)
    a, b = _inventories(v)
    theirs = {g.name.upper(): g for g in b.storage_groups}
    problems = []
    for g in _protected(v, a):
        other = theirs.get(g.name.upper())
        if other is None:
            problems.append(f"{v.target.name} has no storage group {g.name!r}")
        elif other.log_prefix.upper() != g.log_prefix.upper():
            problems.append(f"{g.name!r} logs with prefix {g.log_prefix} on {v.source.name} "
                            f"but {other.log_prefix} on {v.target.name}")
        else:
            names = {s.name.upper() for s in other.stores}
            problems += [f"{v.target.name} has no store {s.name!r} in {g.name!r}"
                         for s in g.stores if s.name.upper() not in names]
    if problems:
        return error("; ".join(problems))
    shown = ", ".join(f"{g.name} ({g.log_prefix})" for g in _protected(v, a)) or "none"
    return passed(f"same storage groups on both: {shown}")


def _differ(prefix: str, paths: list[tuple[str, str, str]], src: str, tgt: str) -> list[str]:
    """"PREFIXwhat: SRC path, TGT path" for each (what, source's, target's) that differs."""
    return [f"{prefix}{what}: {src} {mine or '(none)'}, {tgt} {their or '(none)'}"
            for what, mine, their in paths if not _same(mine, their)]


@check("exchange.sg_paths", "Log, system and database paths identical", "application",
       apps=EXCHANGE, touches=("source", "target"))
def sg_paths(v: ValidationContext) -> Outcome:
    if v.config.cluster.like_named:
        return passed(_LIKE_NAMED)
    a, b = _inventories(v)
    theirs = {g.name.upper(): g for g in b.storage_groups}
    src, tgt = v.source.name, v.target.name
    problems = []
    for g in _protected(v, a):
        other = theirs.get(g.name.upper())
        if other is None:
            continue  # exchange.storage_groups reports it
        pairs = [("logs", g.log_path, other.log_path),
                 ("system files", g.system_path, other.system_path)]
        if _same(g.system_path, g.log_path) and _same(other.system_path, other.log_path):
            pairs = [("logs and system files", g.log_path, other.log_path)]
        problems += _differ(f"{g.name} ", pairs, src, tgt)
        stores = {s.name.upper(): s for s in other.stores}
        for s in g.stores:
            o = stores.get(s.name.upper())
            if o is None:
                continue
            problems += _differ(f"{s.name} ", [("database", s.edb_path, o.edb_path),
                                               ("streaming file", s.stm_path, o.stm_path)],
                                src, tgt)
    if problems:
        return error("; ".join(problems) + " — the paths must be identical")
    return passed(f"the storage groups' paths are the same on {src} and {tgt}")


@check("exchange.mta_queue_paths", "MTA and queue paths identical", "application",
       apps=EXCHANGE, touches=("source", "target"))
def mta_queue_paths(v: ValidationContext) -> Outcome:
    if v.config.cluster.like_named:
        return passed(_LIKE_NAMED)
    a, b = _inventories(v)
    problems = _differ("", [("MTA path", a.mta_path, b.mta_path),
                            ("queue path", a.queue_path, b.queue_path)],
                       v.source.name, v.target.name)
    if problems:
        return error("; ".join(problems) + " — the paths must be identical")
    if not (a.mta_path or a.queue_path):
        return passed(f"Exchange {a.version} has no MTA or queue path to compare")
    return passed(f"MTA {a.mta_path or '(none)'} and queue {a.queue_path or '(none)'} on both")
