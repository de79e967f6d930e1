"""Exchange checks (guide, Exchange requirements): the target is no domain controller, one
administrative group, a mailbox / back-end server, the engine runs as LocalSystem, Exchange
and a DC never on one cluster node, a global catalog in a child domain."""

from __future__ import annotations

from functools import partial

from core.errors import AppmgrError
from core.model.apps import ExchangeInventory
from core.model.server import Server
from core.ports import DirectoryComputer
from core.validation.base import Outcome, check, error, fix_for, passed, warning
from core.validation.checks.common import (
    ENGINE_SERVICE,
    both_servers,
    clustered,
    per_side,
    update_server,
    verdict,
)
from core.validation.checks.domain import forest_root, within
from core.validation.context import Side, ValidationContext

EXCHANGE = ("exchange",)
LOCAL_SYSTEM = {"localsystem", ".\\localsystem", "nt authority\\system", "system"}


def exchange_of(side: Side, srv: Server) -> ExchangeInventory:
    if srv.apps.exchange is None:
        from core.errors import NotFound

        raise NotFound(f"Exchange was not found on {side.name}")
    return srv.apps.exchange


@check("exchange.target_not_dc", "Exchange target is not a domain controller", "application",
       apps=EXCHANGE, touches=("target",))
def target_not_dc(v: ValidationContext) -> Outcome:
    target = v.target.require()
    if target.is_dc:
        return error(f"{target.name} is a domain controller: the Exchange target cannot be one")
    return passed(f"{target.name} is not a domain controller")


def like_named_target(v: ValidationContext, side: Side) -> bool:
    """The target of a like-named pair: a standby cluster node with Exchange installed but
    no Exchange server object of its own; the source virtual server moves there as itself."""
    return v.config.cluster.like_named and side.role == "target"


@check("exchange.admin_group", "Same Exchange administrative group", "application",
       apps=EXCHANGE, touches=("source", "target"))
def admin_group(v: ValidationContext) -> Outcome:
    src, tgt = both_servers(v)
    a = exchange_of(v.source, src)
    if like_named_target(v, v.target):
        return passed(f"like-named: {src.name} moves to the standby cluster as itself, in "
                      f"{a.admin_group!r}")
    b = exchange_of(v.target, tgt)
    if a.admin_group.lower() != b.admin_group.lower():
        return error(f"{src.name} is in the administrative group {a.admin_group!r} but "
                     f"{tgt.name} in {b.admin_group!r}: both must be in the same one")
    return passed(f"both are in {a.admin_group!r}")


@check("exchange.role", "Exchange server role can be protected", "application",
       apps=EXCHANGE, touches=("source", "target"))
def role(v: ValidationContext) -> Outcome:
    def probe(side: Side, srv: Server) -> list[str]:
        if like_named_target(v, side):
            return []  # the role is the source virtual server's, checked on the source
        ex = exchange_of(side, srv)
        roles = {r.lower() for r in ex.roles}
        if ex.version.startswith(("2000", "2003")):
            return [f"{side.name} is an Exchange {ex.version} front-end server: only back-end "
                    "servers are protected"] if "frontend" in roles else []
        if "mailbox" not in roles:
            return [f"{side.name} has no mailbox role (roles: {', '.join(ex.roles) or 'none'}): "
                    f"only the mailbox role is protected"]
        return []

    return verdict(per_side(v, probe), "both hold the mailbox (back-end) role")


def _not_local_system(v: ValidationContext) -> list[tuple[Side, str]]:
    out = []
    for side in (v.source, v.target):
        ex = side.server.apps.exchange if side.server is not None else None
        if ex is not None and ex.service_account.lower() not in LOCAL_SYSTEM:
            out.append((side, ex.service_account or "an unknown account"))
    return out


@check("exchange.engine_account", "Engine service runs as LocalSystem", "engine",
       apps=EXCHANGE, touches=("source", "target"))
def engine_account(v: ValidationContext) -> Outcome:
    both_servers(v)
    wrong = _not_local_system(v)
    if wrong:
        return error("; ".join(f"the engine service on {s.name} runs as {acct}" for s, acct in wrong)
                     + ": for Exchange it must run as LocalSystem")
    return passed(f"the engine service runs as LocalSystem on {v.source.name} and "
                  f"{v.target.name}")


@fix_for("exchange.engine_account", order="engine")
def set_local_system(v: ValidationContext) -> None:
    """Run the engine service as LocalSystem again (and restart it) where it does not."""
    for side, _ in _not_local_system(v):
        v.ctx.host(side.name).run_op("service_account",
                                     {"name": ENGINE_SERVICE, "account": "LocalSystem"})


def _computer(v: ValidationContext, name: str) -> DirectoryComputer | None:
    return v.directory().computer(name)


@check("exchange.dc_cluster_node", "Exchange and a domain controller not on one cluster node",
       "servers", apps=EXCHANGE, topology="cluster", when=clustered,
       touches=("source", "target", "directory"))
def dc_cluster_node(v: ValidationContext) -> Outcome:
    problems, checked = [], []
    for side in (v.source, v.target):
        cluster = side.server.apps.cluster if side.server is not None else None
        if cluster is None:
            continue
        for node in cluster.nodes:
            comp = v.fact(f"computer:{node.upper()}", partial(_computer, v, node))
            checked.append(node)
            if comp is not None and "OU=DOMAIN CONTROLLERS," in comp.dn.upper():
                problems.append(f"{node}, a node of {cluster.name}, is a domain controller")
    if problems:
        return error("; ".join(problems) + ": Exchange and a domain controller cannot share "
                     "a cluster node")
    return passed(f"no domain controller among the nodes {', '.join(checked)}")


def _global_catalogs(v: ValidationContext, root: str) -> list[str]:
    """Host names of the forest's global catalogs (their ``_gc._tcp`` SRV records)."""
    def find() -> list[str]:
        _, dns, _ = update_server(v)
        rr = dns.lookup(f"_gc._tcp.{root}", "SRV")
        return [val.split()[-1].rstrip(".").lower() for val in (rr.values if rr else ())]
    return v.memo("gcs", find)


@check("exchange.child_gc", "A global catalog in the child domain", "directory",
       apps=EXCHANGE, touches=("source", "target", "directory", "dns"))
def child_gc(v: ValidationContext) -> Outcome:
    root = forest_root(v)
    src, tgt = both_servers(v)
    children = sorted({d.lower() for d in (src.domain or v.domain, tgt.domain or v.domain)
                       if d and d.lower() != root and within(d, root)})
    if not children:
        return passed(f"{src.domain or v.domain} is the forest root: no child domain")
    try:
        gcs = _global_catalogs(v, root)
    except AppmgrError as exc:
        return warning(f"could not list the global catalogs of {root}: {exc}")
    if not gcs:
        return warning(f"DNS lists no global catalog of {root} (_gc._tcp.{root}): check that "
                       f"{', '.join(children)} has one")
    missing = [c for c in children if not any(within(g, c) for g in gcs)]
    if missing:
        return error(f"no domain controller of {', '.join(missing)} is a global catalog: "
                     "designate one in the child domain")
    return passed(f"{', '.join(children)} has a global catalog")
