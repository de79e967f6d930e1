"""Choosing a pair: the selection rules of SPEC F-5.5."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.apps.common import is_cluster_node
from core.apps.support import check_shared_machine
from core.errors import AppmgrError, InvalidInput
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.model.server import Server
from core.model.state import PairState
from core.store import PairStore

#: states in which a pair holds its target (protection or failover in progress)
ACTIVE = {s.value for s in PairState} - {PairState.UNPROTECTED.value, PairState.VALIDATED.value}


@dataclass
class PairSelection:
    app: str
    source: str
    target: str
    state: PairState
    reuse_offered: bool = False
    draft: bool = False
    messages: list[str] = field(default_factory=list)
    failover_offered: bool = False
    #: the target is the like-named cluster of the source: its setup dialog comes next
    like_named: bool = False


def check_roles(store: PairStore, pair: Pair) -> None:
    """Refuse pairs the rules forbid before anything remote is asked."""
    _, source, target = pair.parts
    if source.upper() == target.upper():
        raise InvalidInput("target", "the target must be a different server from the source")
    for rec in store.pairs_with_target(source):
        if rec.state in ACTIVE:
            raise InvalidInput("source", f"{source.upper()} is already the target of "
                                         f"{rec.source} and cannot be a source")
    for rec in store.pairs_with_source(target):
        if rec.state in ACTIVE:
            raise InvalidInput("target", f"{target.upper()} is already the source of a "
                                         f"protected pair ({rec.source} → {rec.target})")


def source_unreachable_note(source: str, target: str, exc: AppmgrError) -> str:
    return (f"{source.upper()} does not answer ({exc}). It may have failed over: "
            f"select the target {target.upper()} to see its state.")


def ips_changed(saved: ProtectionConfig, source: Server | None, target: Server | None) -> bool:
    """A saved configuration is not reused when the servers' addresses changed."""
    if source is not None and not set(saved.failover.dns.ip_map) <= set(source.ips):
        return True
    return target is not None and not set(saved.failover.dns.ip_map.values()) <= set(target.ips)


def running_apps(server: Server) -> list[str]:
    """The applications whose inventory shows on ``server``."""
    a = server.apps
    found = {"exchange": a.exchange is not None, "sql": bool(a.sql),
             "sharepoint": a.sharepoint is not None, "blackberry": a.blackberry is not None}
    return [k for k, v in found.items() if v]


def check_server(app: str, server: Server, role: str) -> None:
    """A cluster node is never a pair member (its virtual server is); Exchange and
    BlackBerry are never protected on one machine (F-1.2). InvalidInput naming ``role``."""
    if is_cluster_node(server):
        cluster = server.apps.cluster.name if server.apps.cluster else "a cluster"
        raise InvalidInput(role, f"{server.name} is a node of {cluster}: select its virtual "
                                 "server instead")
    problem = check_shared_machine(app, running_apps(server), server.name)
    if problem:
        raise InvalidInput(role, problem)
