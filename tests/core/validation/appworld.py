"""The lab estate's servers (all five applications, clusters, faults) behind fakes.

``lab_world`` builds a FakeWorld from the default estate's inventories, so the
application checks run on the same Exchange, SQL, SharePoint and BlackBerry
data the lab serves, without any process. ``FakeOps`` gives every fake host
the operations the fixes call, changing its inventory the way Windows would.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from core.config import apply_assignments, default_config
from core.lab.estate import load_estate
from core.model.config import ProtectionConfig
from core.model.server import Server
from core.ports import DirectoryComputer, RRSet
from core.validation import CheckResult, get_check, validate
from core.validation.admin_host import AdminHost
from core.validation.context import gather
from tests.core.doubles import FakeDirectory, FakeDns, FakeHost, FakeWorld, make_world
from tests.present import present


def lab_world(tmp_path: Path) -> FakeWorld:
    estate = load_estate()
    servers = {s.name: estate.as_server(s) for s in estate.servers}
    world = make_world(tmp_path, servers)
    comps = [DirectoryComputer(s.name, f"CN={s.name},{'OU=Domain Controllers' if s.is_dc else 'CN=Computers'},DC=lab,DC=example,DC=com",
                               s.fqdn) for s in servers.values()]
    world.ctx.directory = lambda: FakeDirectory(comps)
    for name, host in world.hosts.items():
        FakeOps(world, name).install(host)
    return world


def app_config(world: FakeWorld, app: str, source: str, target: str,
               *assignments: str) -> ProtectionConfig:
    cfg = default_config(app, world.servers[source], world.servers[target], dns_ttl=300)
    return apply_assignments(cfg, list(assignments))


def change(world: FakeWorld, name: str, **fields: Any) -> Server:
    """Replace fields of a server's inventory (``apps=…`` too)."""
    host = world.hosts[name]
    host.server = dataclasses.replace(host.server, **fields)
    world.servers[name] = host.server
    return host.server


def change_apps(world: FakeWorld, name: str, **fields: Any) -> Server:
    srv = world.hosts[name].server
    return change(world, name, apps=dataclasses.replace(srv.apps, **fields))


ADMIN_HOST = AdminHost("ADMIN01", ("192.0.2.10",), Path("/nonexistent/hosts"))


def check(world: FakeWorld, cfg: ProtectionConfig, check_id: str,
          admin: AdminHost = ADMIN_HOST, timeout: float = 2.0) -> CheckResult:
    """Run one registered check through the real runner, with a known admin host."""
    vctx = gather(world.ctx, cfg, timeout=timeout, admin=admin)
    report = validate(world.ctx, cfg, checks=[get_check(check_id)], timeout=timeout, vctx=vctx)
    return report.result(check_id)


def applies(world: FakeWorld, cfg: ProtectionConfig, check_id: str) -> bool:
    from core.validation.runner import applicable

    vctx = gather(world.ctx, cfg, admin=ADMIN_HOST)
    return bool(applicable(vctx, [get_check(check_id)]))


class FakeOps:
    """The fixes' host operations on one fake host, changing its inventory."""

    def __init__(self, world: FakeWorld, name: str) -> None:
        self.world, self.name = world, name
        self.closed: set[int] = set()

    def install(self, host: FakeHost) -> None:
        for op in ("firewall_port", "sql_detach", "admin_group_add", "sql_protocols",
                   "service_account", "dns_zone_add", "sharepoint_inventory"):
            host.ops[op] = getattr(self, op)

    @property
    def server(self) -> Server:
        return self.world.hosts[self.name].server

    def firewall_port(self, p: dict[str, Any]) -> dict[str, Any]:
        if p.get("open") is True:
            self.closed.discard(p["port"])
        elif p.get("open") is False:
            self.closed.add(p["port"])
        return {"port": p["port"], "open": p["port"] not in self.closed, "firewall": True}

    def sql_detach(self, p: dict[str, Any]) -> dict[str, Any]:
        insts = tuple(dataclasses.replace(i, databases=tuple(
            d for d in i.databases if d.name.lower() != p["database"].lower()))
            if i.name == p["instance"] else i for i in self.server.apps.sql)
        change_apps(self.world, self.name, sql=insts)
        return {"detached": True}

    def sql_protocols(self, p: dict[str, Any]) -> dict[str, Any]:
        insts = tuple(dataclasses.replace(i, protocols=tuple(
            dict.fromkeys([*i.protocols, *p.get("enable", [])])))
            if i.name == p["instance"] else i for i in self.server.apps.sql)
        change_apps(self.world, self.name, sql=insts)
        return {"instance": p["instance"]}

    def admin_group_add(self, p: dict[str, Any]) -> dict[str, Any]:
        change(self.world, self.name,
               admin_group_members=(*self.server.admin_group_members, p["user"]))
        return {"user": p["user"], "added": True}

    def service_account(self, p: dict[str, Any]) -> dict[str, Any]:
        ex = dataclasses.replace(present(self.server.apps.exchange), service_account=p["account"])
        change_apps(self.world, self.name, exchange=ex)
        return {"name": p["name"], "account": p["account"]}

    def dns_zone_add(self, p: dict[str, Any]) -> dict[str, Any]:
        fake = next(iter(self.world.dns.values()))
        fake.zones.setdefault(p["zone"].rstrip(".") + ".", {})
        return {"zone": p["zone"], "created": True}

    def sharepoint_inventory(self, p: dict[str, Any]) -> dict[str, Any]:
        from core.lab.app_json import sharepoint_json

        return sharepoint_json(self.server.apps.sharepoint)


def secure_dns(world: FakeWorld) -> None:
    """The fake DNS server refuses unsigned updates, like a zone set to secure only."""
    from core.errors import Refused

    real = world.ctx.dns

    def dns(addr: str, cred: Any) -> FakeDns:
        fake = real(addr, cred)
        assert isinstance(fake, FakeDns)
        if cred is not None:
            return fake
        unsigned = FakeDns(allow_updates=False)
        unsigned.zones = fake.zones
        unsigned.probe_update = lambda zone: (_ for _ in ()).throw(  # type: ignore[method-assign]
            Refused(f"the DNS server refused the unsigned update of {zone}"))
        return unsigned
    world.ctx.dns = dns


__all__ = ["RRSet", "app_config", "applies", "change", "change_apps", "check", "lab_world",
           "secure_dns"]
