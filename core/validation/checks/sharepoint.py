"""SharePoint checks (guide, SharePoint requirements): identical SharePoint versions on the
source's and the target's farms, and port 6350 open for SharePoint communication."""

from __future__ import annotations

from concurrent.futures import wait
from typing import Any

from core.apps.farm_memory import forget_front_end, remember_front_ends, remembered_front_ends
from core.apps.sqlcommon import parse_sql_server
from core.context import Context
from core.errors import AppmgrError
from core.hosts.inventory_apps import sharepoint_from_json
from core.model.apps import SharePointFarm
from core.validation.base import Outcome, check, error, fix_for, passed, warning
from core.validation.checks.admin_host import domain_servers
from core.validation.context import ValidationContext
from core.validation.threads import spawn

SHAREPOINT = ("sharepoint",)
PORT = 6350
#: a domain with more servers is not scanned for front ends (use Get Config instead)
SCAN_LIMIT = 64


def _farm_on(ctx: Context, name: str) -> SharePointFarm | None:
    return sharepoint_from_json(ctx.host(name).run_op("sharepoint_inventory", {}))


def _scan(v: ValidationContext) -> dict[str, tuple[str, SharePointFarm]]:
    """Front ends of the domain by the back end their farm uses (what Get Config reads):
    back end -> (front end, farm)."""
    names = [c.name.upper() for c in domain_servers(v)
             if not c.is_cluster_node and "OU=DOMAIN CONTROLLERS," not in c.dn.upper()]
    if len(names) > SCAN_LIMIT:
        return {}
    jobs = {n: spawn(_farm_on, v.ctx, n, name=f"sp-farm-{n}") for n in names}
    wait(jobs.values(), timeout=v.ctx.timeout)
    found: dict[str, tuple[str, SharePointFarm]] = {}
    for name, job in jobs.items():
        farm = job.result() if job.done() and job.exception() is None else None
        if farm is not None:
            found.setdefault(_back_end(farm), (name, farm))
    remember_front_ends(v.ctx.paths, {b: fe for b, (fe, _f) in found.items()})
    return found


def _back_end(farm: SharePointFarm) -> str:
    return parse_sql_server(farm.sql_server)[0].upper()


def _remembered(v: ValidationContext, back_ends: list[str]) -> dict[str, SharePointFarm]:
    """The farms of ``back_ends`` as their remembered front ends report them, asked at once
    and for at most the context's timeout (a dead front end must leave time for a scan).
    A front end that no longer serves its back end is forgotten."""
    paths = v.ctx.paths
    known = remembered_front_ends(paths)  # one read of the file for both sides
    asked = {b: known[b] for b in back_ends if b in known}
    jobs = {b: spawn(_farm_on, v.ctx, fe, name=f"sp-farm-{fe}") for b, fe in asked.items()}
    wait(jobs.values(), timeout=v.ctx.timeout)
    found: dict[str, SharePointFarm] = {}
    for back_end, job in jobs.items():
        if not job.done() or job.exception() is not None:
            continue  # down or slow: the scan decides
        farm = job.result()
        if farm is not None and _back_end(farm) == back_end:
            found[back_end] = farm
        else:
            forget_front_end(paths, back_end)
    return found


def _farms(v: ValidationContext, back_ends: list[str]) -> dict[str, SharePointFarm]:
    """Farms by back end: asked of the front ends found last time, else scanned for."""
    found = _remembered(v, back_ends)
    if any(b not in found for b in back_ends):
        scanned = v.fact("sp-scan", lambda: _scan(v))
        found |= {b: scanned[b][1] for b in back_ends if b not in found and b in scanned}
    return found


def farms_of(v: ValidationContext) -> dict[str, SharePointFarm | None]:
    """The farm whose back end is each server of the pair: its own, the console's (Get
    Config), else the one its remembered front end reports, else found by asking the
    domain's servers."""
    out: dict[str, SharePointFarm | None] = {}
    for side in (v.source, v.target):
        srv = side.server
        if srv is not None and srv.apps.sharepoint is not None:
            out[side.name] = srv.apps.sharepoint
        elif side.name in v.farms:
            out[side.name] = v.farms[side.name]
    rest = [s.name for s in (v.source, v.target) if s.name not in out]
    if rest:
        try:
            known = v.fact(f"sp-farms:{':'.join(rest)}", lambda: _farms(v, rest))
        except AppmgrError:
            known = {}
        out |= {n: known.get(n) for n in rest}
    return out


@check("sharepoint.versions", "Identical SharePoint versions", "application", apps=SHAREPOINT,
       touches=("source", "target", "directory", "hosts"))
def versions(v: ValidationContext) -> Outcome:
    v.source.require(), v.target.require()
    farms = farms_of(v)
    unknown = [n for n, f in farms.items() if f is None]
    if unknown:
        return warning(f"no SharePoint front end using {' or '.join(unknown)} was found: run "
                       "Get Config on its front end so its version can be compared")
    (a_name, a), (b_name, b) = farms.items()
    assert a is not None and b is not None
    if a.version != b.version:
        return error(f"the farm on {a_name} runs {a.version} but the one on {b_name} runs "
                     f"{b.version}: SharePoint versions must be identical")
    fronts = ", ".join(dict.fromkeys([*a.front_ends, *b.front_ends])) or "their front ends"
    return passed(f"{a.version} on both farms ({fronts})")


def _port_open(v: ValidationContext, name: str) -> bool | None:
    """Whether the firewall of ``name`` lets TCP 6350 in (None: its answer made no sense)."""
    doc: Any = v.ctx.host(name).run_op("firewall_port", {"port": PORT})
    if not isinstance(doc, dict) or not isinstance(doc.get("open"), bool):
        return None
    return bool(doc["open"])


def _states(v: ValidationContext) -> dict[str, bool | None]:
    for side in (v.source, v.target):
        side.require()
    return {s.name: _port_open(v, s.name) for s in (v.source, v.target)}


@check("sharepoint.port_6350", "Port 6350 open for SharePoint on both servers", "application",
       apps=SHAREPOINT, touches=("source", "target", "hosts"))
def port_6350(v: ValidationContext) -> Outcome:
    states = _states(v)
    closed = [n for n, on in states.items() if on is False]
    if closed:
        return error(f"the Windows Firewall of {' and '.join(closed)} blocks TCP port {PORT}, "
                     "which SharePoint communication needs (Fix opens it)")
    unknown = [n for n, on in states.items() if on is None]
    if unknown:
        return warning(f"could not tell whether TCP port {PORT} is open on "
                       f"{' and '.join(unknown)}: its firewall answer made no sense",
                       fixable=False)
    return passed(f"TCP port {PORT} is open on {v.source.name} and {v.target.name}")


@fix_for("sharepoint.port_6350", order="host")
def open_port(v: ValidationContext) -> None:
    """Add an inbound allow rule for TCP 6350 where the firewall blocks it."""
    for name, on in _states(v).items():
        if on is False:
            v.ctx.host(name).run_op("firewall_port", {"port": PORT, "open": True})
