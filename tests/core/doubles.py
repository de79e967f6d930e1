"""Adapter-level test doubles: the ports of core/ports.py over in-memory data.

Each double implements one port Protocol, raises the typed errors of
core.errors as a real adapter would and records its calls (no library is
monkeypatched). ``make_world(tmp_path)`` builds a Context over a lab-like
estate: DC01, FS01, FS02, FS03 on 127.0.10.x; FS03 has no E: volume.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.clock import FakeClock
from core.context import Context
from core.errors import NotFound, Refused, Unreachable
from core.model.server import EngineInfo, Nic, Server, Service, Share, Volume
from core.model.stats import JobStats
from core.paths import AppPaths
from core.ports import (
    Credential,
    DirectoryComputer,
    DnsLock,
    ExchangeHome,
    MonitorStatus,
    RootDse,
    RRSet,
    ZoneChange,
)
from core.settings import Settings

ENGINE_SERVICE = "AppMgrEngine"
RUNNING_ENGINE = EngineInfo(True, True, "0.1.0", 6320)


class _Faulty:
    """Common knobs: ``error`` raised by every call, ``gate`` makes calls wait (a hang)."""

    error: Exception | None = None
    gate: threading.Event | None = None

    def _enter(self, call: str, *args: Any) -> None:
        self.calls.append((call, *args))  # type: ignore[attr-defined]
        if self.gate is not None:
            self.gate.wait()
        if self.error is not None:
            raise self.error


class FakeHost(_Faulty):
    """HostControl over a Server value; service and share changes show in the next inventory."""

    def __init__(self, server: Server, *, error: Exception | None = None) -> None:
        self.server = server
        self.error = error
        self.calls: list[tuple[Any, ...]] = []
        self.ops: dict[str, Callable[[dict[str, Any]], Any]] = {}

    def inventory(self) -> Server:
        self._enter("inventory")
        return self.server

    def set_service(self, name: str, running: bool) -> None:
        self._enter("set_service", name, running)
        state = "running" if running else "stopped"
        if not any(s.name.upper() == name.upper() for s in self.server.services):
            raise NotFound(f"{self.server.name} has no service {name}")
        services = tuple(dataclasses.replace(s, state=state) if s.name.upper() == name.upper()
                         else s for s in self.server.services)
        engine = self.server.engine
        if name.upper() == ENGINE_SERVICE.upper() and engine is not None and engine.installed:
            engine = dataclasses.replace(engine, running=running)
        self.server = dataclasses.replace(self.server, services=services, engine=engine)

    def add_share(self, name: str, path: str, description: str = "",
                  grants: tuple[str, ...] = ()) -> None:
        self._enter("add_share", name, path)
        shares = tuple(s for s in self.server.shares if s.name.upper() != name.upper())
        self.server = dataclasses.replace(
            self.server, shares=(*shares, Share(name, path, False, description, grants)))

    def remove_share(self, name: str) -> None:
        self._enter("remove_share", name)
        if not any(s.name.upper() == name.upper() for s in self.server.shares):
            raise NotFound(f"{self.server.name} has no share {name}")
        self.server = dataclasses.replace(
            self.server, shares=tuple(s for s in self.server.shares if s.name.upper() != name.upper()))

    def run_op(self, op: str, params: dict[str, Any]) -> Any:
        self._enter("run_op", op, params)
        handler = self.ops.get(op)
        return handler(params) if handler else None


class FakeEngine(_Faulty):
    """The Engine management API in memory: sets, connections, monitors, stats."""

    def __init__(self, hostname: str = "FS01", *, version: str = "0.1.0", port: int = 6320,
                 error: Exception | None = None) -> None:
        self.hostname, self.version, self.port, self.error = hostname, version, port, error
        self.calls: list[tuple[Any, ...]] = []
        self.sets: dict[str, list[Any]] = {}
        self.accepted: dict[str, str] = {}
        self.connections: dict[str, dict[str, Any]] = {}
        self.monitors: dict[str, MonitorStatus] = {}
        self.applications: dict[str, dict | None] = {}
        self.job_stats: dict[str, JobStats] = {}
        self.closed = 0

    def info(self) -> dict[str, Any]:
        self._enter("info")
        return {"version": self.version, "port": self.port, "hostname": self.hostname,
                "sets": sorted(self.sets), "connections": sorted(self.connections),
                "monitors": sorted(self.monitors)}

    def create_set(self, name: str, rules: list[Any]) -> None:
        self._enter("create_set", name)
        self.sets[name] = list(rules)

    def delete_set(self, name: str) -> None:
        self._enter("delete_set", name)
        if self.sets.pop(name, None) is None:
            raise NotFound(f"no replication set {name} on {self.hostname}")

    def accept(self, name: str, token: str) -> None:
        self._enter("accept", name)
        self.accepted[name] = token

    def connect(self, name: str, target: str, port: int, token: str, mirror_type: str = "checksum",
                compression: int = 0, replicate: bool = True, delete_orphans: bool = False,
                codec: str = "zlib") -> None:
        self._enter("connect", name, target, port)
        if name not in self.sets:
            raise NotFound(f"no replication set {name} on {self.hostname}")
        self.connections[name] = {"target": target, "port": port, "mirror_type": mirror_type,
                                  "compression": compression, "replicate": replicate,
                                  "delete_orphans": delete_orphans, "codec": codec}

    def disconnect(self, name: str) -> None:
        self._enter("disconnect", name)
        if self.connections.pop(name, None) is None:
            raise NotFound(f"no connection {name} on {self.hostname}")

    def stats(self, name: str) -> JobStats:
        self._enter("stats", name)
        if name in self.job_stats:
            return self.job_stats[name]
        if name in self.connections:
            return JobStats(mirror_status="complete", mirror_percent=100.0,
                            replication_status="replicating")
        return JobStats()

    def create_monitor(self, name: str, source_ips: list[str], port: int, method: str,
                       interval: float, missed: int, trigger: str,
                       application: dict | None = None) -> None:
        self.applications[name] = application
        self._enter("create_monitor", name, tuple(source_ips), method, interval, missed, trigger)
        self.monitors[name] = MonitorStatus(name, "monitoring", None, 0, missed,
                                            {ip: 0 for ip in source_ips})

    def trip_monitor(self, name: str) -> None:
        """Test helper: the monitor meets a failover condition."""
        m = self.monitors[name]
        self.monitors[name] = dataclasses.replace(
            m, state="failover_condition", missed=m.threshold,
            per_ip={ip: m.threshold for ip in m.per_ip})

    def monitor_status(self, name: str) -> MonitorStatus:
        self._enter("monitor_status", name)
        if name not in self.monitors:
            raise NotFound(f"no failover monitor {name} on {self.hostname}")
        return self.monitors[name]

    def delete_monitor(self, name: str) -> None:
        self._enter("delete_monitor", name)
        if self.monitors.pop(name, None) is None:
            raise NotFound(f"no failover monitor {name} on {self.hostname}")

    # identity failover (F-9.5): the record as the engine answers it
    def set_identity(self, name: str, ips: list[str], prefix: int, nic: str, server_name: str,
                     shares: list[dict[str, str]], auto: bool) -> dict[str, Any]:
        self._enter("set_identity", name, tuple(ips), server_name, auto)
        old = getattr(self, "identities", {}).get(name, {})
        self.identities = {**getattr(self, "identities", {}), name: {
            "spec": {"ips": list(ips), "prefix": prefix, "nic": nic, "name": server_name,
                     "shares": list(shares), "auto": auto},
            "state": old.get("state", "ready"), "at": None, "done": old.get("done", []),
            "error": ""}}
        return self.identities[name]

    def delete_identity(self, name: str) -> None:
        self._enter("delete_identity", name)
        getattr(self, "identities", {}).pop(name, None)

    def identity_status(self, name: str) -> dict[str, Any]:
        self._enter("identity_status", name)
        if name not in getattr(self, "identities", {}):
            raise NotFound(f"no identity failover is registered for set {name}")
        return self.identities[name]

    def take_identity(self, name: str, wait: float = 600.0) -> dict[str, Any]:
        rec = self.identity_status(name)
        spec = rec["spec"]
        done = [f"ip:{i}" for i in spec["ips"]] + ([f"name:{spec['name']}"] if spec["name"]
                                                    else [])
        rec.update(state="taken", done=done + [f"share:{s['name']}" for s in spec["shares"]])
        return rec

    def release_identity(self, name: str, wait: float = 600.0) -> dict[str, Any]:
        rec = self.identity_status(name)
        rec.update(state="ready", done=[])
        return rec

    def close(self) -> None:
        self.closed += 1

    # --- the rest of the Engine port: not modelled here (the snapshot tests use lab
    # engines); a call says so rather than failing as a missing attribute
    def manifest(self, rules: list[Any], image: bool = False, wait: float = 3600.0
                 ) -> list[list[Any]]:
        raise NotImplementedError("FakeEngine.manifest")

    def quarantine(self, paths: list[str], folder: str, wait: float = 3600.0) -> dict[str, Any]:
        raise NotImplementedError("FakeEngine.quarantine")

    def take_snapshot(self, name: str, reason: str = "on demand") -> Any:
        raise NotImplementedError("FakeEngine.take_snapshot")

    def snapshots(self, name: str) -> list[Any]:
        raise NotImplementedError("FakeEngine.snapshots")

    def delete_snapshot(self, name: str, sid: str) -> None:
        raise NotImplementedError("FakeEngine.delete_snapshot")

    def rollback_snapshot(self, name: str, sid: str) -> dict[str, int]:
        raise NotImplementedError("FakeEngine.rollback_snapshot")

    def snapshot_changes(self, name: str, sid: str) -> list[str] | None:
        raise NotImplementedError("FakeEngine.snapshot_changes")

    def schedule_snapshots(self, name: str, interval_min: int | None, start_at: float = 0.0,
                           keep: int | None = None) -> None:
        raise NotImplementedError("FakeEngine.schedule_snapshots")


def _abs(name: str) -> str:
    return name.lower().rstrip(".") + "."


class FakeDns(_Faulty):
    """An authoritative DNS server: ``zones`` maps a zone name to its rrsets.

    Every zone answers an SOA. ``apply`` honours prerequisites and applies a
    change fully or not at all; ``allow_updates=False`` refuses updates and
    probes the way a server refuses a key without rights.
    """

    def __init__(self, zones: dict[str, list[RRSet]] | None = None, *,
                 allow_updates: bool = True, error: Exception | None = None) -> None:
        self.zones = {_abs(z): {(_abs(r.name), r.rdtype.upper()): r for r in rrs}
                      for z, rrs in (zones or {}).items()}
        self.allow_updates, self.error = allow_updates, error
        self.calls: list[tuple[Any, ...]] = []
        self.applied: list[ZoneChange] = []
        self.probed: list[str] = []
        self.credential: Credential | None = None

    def lookup(self, name: str, rdtype: str) -> RRSet | None:
        self._enter("lookup", name, rdtype)
        key = (_abs(name), rdtype.upper())
        zone = self._zone(name, missing_ok=True)
        if zone is None:
            return None
        if key[1] == "SOA" and key[0] == zone:
            return RRSet(zone, "SOA", 3600, (f"ns1.{zone} hostmaster.{zone} 1 900 600 86400 300",))
        return self.zones[zone].get(key)

    def zone_of(self, name: str) -> str:
        self._enter("zone_of", name)
        zone = self._zone(name)
        assert zone is not None
        return zone

    def apply(self, change: ZoneChange) -> None:
        self._enter("apply", change.zone)
        zone = self._writable(change.zone)
        records = self.zones[zone]
        for want in change.expect:
            have = records.get((_abs(want.name), want.rdtype.upper()))
            if have is None or set(have.values) != set(want.values):
                raise Refused(f"{want.name} {want.rdtype} is not what was expected; nothing changed")
        for name, rdtype in change.delete:
            records.pop((_abs(name), rdtype.upper()), None)
        for rr in change.replace:
            records[(_abs(rr.name), rr.rdtype.upper())] = dataclasses.replace(rr, name=_abs(rr.name))
        self.applied.append(change)

    def probe_update(self, zone: str) -> None:
        self._enter("probe_update", zone)
        self.probed.append(_abs(zone))
        self._writable(zone)

    def records(self, name: str, rdtype: str) -> tuple[str, ...]:
        """Test helper: the values at (name, type), () when none."""
        zone = self._zone(name, missing_ok=True)
        rr = self.zones[zone].get((_abs(name), rdtype.upper())) if zone else None
        return rr.values if rr else ()

    def _writable(self, zone: str) -> str:
        z = _abs(zone)
        if z not in self.zones:
            raise NotFound(f"no zone {zone} on this DNS server")
        if not self.allow_updates:
            raise Refused(f"the DNS server refused the update of {zone}")
        return z

    def _zone(self, name: str, missing_ok: bool = False) -> str | None:
        n = _abs(name)
        found = [z for z in self.zones if n == z or n.endswith("." + z)]
        if not found:
            if missing_ok:
                return None
            raise NotFound(f"no zone holds {name}")
        return max(found, key=len)


class FakeDirectory(_Faulty):
    def __init__(self, computers: list[DirectoryComputer], domain: str = "lab.example.com",
                 *, error: Exception | None = None) -> None:
        self.computers, self.domain, self.error = computers, domain, error
        self.calls: list[tuple[Any, ...]] = []

    def root_dse(self) -> RootDse:
        self._enter("root_dse")
        dn = ",".join(f"DC={p}" for p in self.domain.split("."))
        return RootDse(dn, f"CN=Configuration,{dn}", dn, self.domain)

    def servers(self) -> list[DirectoryComputer]:
        self._enter("servers")
        return list(self.computers)

    def computer(self, name: str) -> DirectoryComputer | None:
        self._enter("computer", name)
        return next((c for c in self.computers if c.name.upper() == name.upper()), None)

    def exchange_home(self, server: str) -> ExchangeHome:
        """A directory with no Exchange organization: no server object (as AD answers)."""
        self._enter("exchange_home", server)
        raise NotFound(f"the directory has no Exchange server object named {server.upper()}")

    def close(self) -> None:
        pass

    # --- the rest of the Directory port: not modelled here (subclasses such as
    # tests/core/apps' AppDirectory add what their tests need); a call says so
    def sql_servers(self) -> list[DirectoryComputer]:
        raise NotImplementedError("FakeDirectory.sql_servers")

    def exchange_servers(self) -> list[DirectoryComputer]:
        raise NotImplementedError("FakeDirectory.exchange_servers")

    def move_spns(self, source: str, target: str, service: str = "HOST",
                  owner: str | None = None) -> tuple[str, ...]:
        raise NotImplementedError("FakeDirectory.move_spns")

    def exchange_config(self, server: str) -> dict[str, Any] | None:
        raise NotImplementedError("FakeDirectory.exchange_config")

    def entries_with(self, attribute: str, values: Sequence[str], base: str = "",
                     attributes: Sequence[str] = ()) -> list[tuple[str, dict[str, str]]]:
        raise NotImplementedError("FakeDirectory.entries_with")

    def read_attributes(self, dn: str, attributes: Sequence[str]) -> dict[str, str]:
        raise NotImplementedError("FakeDirectory.read_attributes")

    def replace_attributes(self, dn: str, values: dict[str, str]) -> None:
        raise NotImplementedError("FakeDirectory.replace_attributes")

    def all_values(self, dn: str, attribute: str) -> list[str]:
        raise NotImplementedError("FakeDirectory.all_values")

    def add_values(self, dn: str, attribute: str, values: Sequence[str]) -> None:
        raise NotImplementedError("FakeDirectory.add_values")

    def lock_dns_record(self, fqdn: str, account: str) -> DnsLock:
        raise NotImplementedError("FakeDirectory.lock_dns_record")

    def unlock_dns_record(self, fqdn: str, account: str) -> DnsLock:
        raise NotImplementedError("FakeDirectory.unlock_dns_record")

    def domain_controllers(self) -> list[str]:
        raise NotImplementedError("FakeDirectory.domain_controllers")

    def bound_to(self) -> str:
        raise NotImplementedError("FakeDirectory.bound_to")


class MemorySecrets:
    def __init__(self, items: dict[tuple[str, str], Credential] | None = None) -> None:
        self.items = dict(items or {})

    def get(self, kind: str, key: str) -> Credential | None:
        return self.items.get((kind, key))

    def put(self, kind: str, key: str, cred: Credential) -> None:
        self.items[(kind, key)] = cred

    def delete(self, kind: str, key: str) -> None:
        self.items.pop((kind, key), None)

    def clear(self) -> int:
        n = len(self.items)
        self.items.clear()
        return n


# --- a lab-like estate ---------------------------------------------------------------------
DOMAIN = "lab.example.com"
NET = "127.0.10"
ADMIN = "LAB\\Administrator"
_FS_SERVICES = (Service("LanmanServer", "Server"), Service("Spooler", "Print Spooler"),
                Service(ENGINE_SERVICE, "appmgr replication engine"))


def make_server(name: str, host: int, *, volumes: tuple[str, ...] = ("C", "E"),
                shares: tuple[Share, ...] = (), os_name: str = "Windows Server 2008 Enterprise",
                engine: EngineInfo | None = RUNNING_ENGINE,
                roles: tuple[str, ...] = ("fileprint",), ips: tuple[str, ...] | None = None,
                services: tuple[Service, ...] = _FS_SERVICES) -> Server:
    ips = ips or (f"{NET}.{host}",)
    return Server(
        name=name, fqdn=f"{name.lower()}.{DOMAIN}", ips=ips, os_name=os_name,
        os_version="6.0.6002", nics=(Nic("Local Area Connection", ips),),
        volumes=tuple(Volume(v, f"{v} drive") for v in volumes), services=services,
        shares=shares, roles=roles, engine=engine, domain=DOMAIN, dns_servers=(f"{NET}.1",),
        admin_group_members=(ADMIN,))


def lab_servers() -> dict[str, Server]:
    admin = lambda *letters: tuple(Share(f"{x}$", f"{x}:\\", True) for x in letters)  # noqa: E731
    return {
        "DC01": make_server("DC01", 1, volumes=("C",), roles=("dc", "dns", "gc"),
                            engine=EngineInfo(False, False),
                            shares=(Share("NETLOGON", "C:\\Windows\\SYSVOL\\sysvol\\lab.example.com"
                                          "\\SCRIPTS", True),
                                    Share("SYSVOL", "C:\\Windows\\SYSVOL\\sysvol", True),
                                    *admin("C"))),
        "FS01": make_server("FS01", 11, shares=(
            Share("Data", "E:\\Shares\\Data", description="Department data"),
            Share("Users", "E:\\Shares\\Users", description="Home folders"), *admin("C", "E"))),
        "FS02": make_server("FS02", 12, shares=admin("C", "E")),
        "FS03": make_server("FS03", 13, volumes=("C",),
                            shares=(Share("Public", "C:\\Public"), *admin("C"))),
    }


def lab_dns(servers: dict[str, Server], ttl: int = 1200) -> FakeDns:
    fwd = [RRSet(f"{s.name.lower()}.{DOMAIN}.", "A", ttl, s.ips) for s in servers.values()]
    rev = [RRSet(".".join(reversed(ip.split("."))) + ".in-addr.arpa.", "PTR", ttl,
                 (f"{s.name.lower()}.{DOMAIN}.",)) for s in servers.values() for ip in s.ips]
    return FakeDns({DOMAIN: fwd, "10.0.127.in-addr.arpa": rev})


@dataclass
class FakeWorld:
    """A Context over fakes, with the fakes kept at hand for assertions."""

    ctx: Context
    hosts: dict[str, FakeHost]
    engines: dict[str, FakeEngine]
    dns: dict[str, FakeDns]
    secrets: MemorySecrets
    servers: dict[str, Server] = field(default_factory=dict)
    #: every address ctx.dns was asked for ("ip" or "ip:port")
    dns_addrs: list[str] = field(default_factory=list)


def make_world(tmp_path: Path, servers: dict[str, Server] | None = None, *,
               dns: dict[str, FakeDns] | None = None, timeout: float = 1.0,
               settings: Any = None, domain: str = DOMAIN) -> FakeWorld:
    servers = servers if servers is not None else lab_servers()
    hosts = {n.upper(): FakeHost(s) for n, s in servers.items()}
    engines = {n.upper(): FakeEngine(n.upper(), version=s.engine.version, port=s.engine.port)
               for n, s in servers.items() if s.engine is not None and s.engine.installed}
    dns = dns if dns is not None else {f"{NET}.1": lab_dns(servers)}
    secrets = MemorySecrets({("server", n.upper()): Credential(ADMIN, "pw") for n in servers})
    secrets.put("dns", domain, Credential("LAB\\dnsadmin", "pw"))

    def host(name: str) -> FakeHost:
        if name.upper() not in hosts:
            raise Unreachable(f"{name} is not known on this network")
        return hosts[name.upper()]

    def engine(name: str) -> FakeEngine:
        if name.upper() not in engines:
            raise Unreachable(f"no engine answers on {name}")
        return engines[name.upper()]

    def dns_for(addr: str, cred: Credential | None) -> FakeDns:
        world.dns_addrs.append(addr)
        fake = dns.get(addr) or dns.get(addr.split(":")[0])
        if fake is None:
            fake = FakeDns(error=Unreachable(f"DNS server {addr} does not answer"))
        fake.credential = cred
        return fake

    def resolve(name: str) -> str:
        srv = servers.get(name.upper())
        if srv is None:
            raise NotFound(f"{name} is not in DNS")
        return srv.ips[0]

    world = FakeWorld(None, hosts, engines, dns, secrets, dict(servers))  # type: ignore[arg-type]
    paths = AppPaths(tmp_path / "config", tmp_path / "state", tmp_path / "logs",
                     tmp_path / "lab").ensure()
    ctx = Context(paths=paths, secrets=secrets, directory=lambda read_only=True: FakeDirectory([]), host=host,
                  engine=engine, dns=dns_for, resolve=resolve, domain=domain,
                  settings=settings or Settings(), clock=FakeClock(),
                  lab=True, timeout=timeout)
    world.ctx = ctx
    return world
