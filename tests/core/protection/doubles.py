"""Port doubles for the protection tests: engines, hosts, DNS, secrets.

Every double records its calls in one shared, ordered ``calls`` list as
``(server, op, args)`` so a test can assert the order across servers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from core.clock import FakeClock
from core.context import Context
from core.errors import NotFound, Refused, Unreachable
from core.model.config import DnsServerEntry, ProtectionConfig
from core.model.server import EngineInfo, Server, Share
from core.model.stats import JobStats
from core.paths import AppPaths
from core.ports import Credential, DnsLock, MonitorStatus, RRSet, ZoneChange

ZONE = "lab.example.com."
REV = "10.0.127.in-addr.arpa."
FS01, FS02 = "fs01.lab.example.com.", "fs02.lab.example.com."
IP1, IP2 = "127.0.10.11", "127.0.10.12"
PTR1, PTR2 = "11.10.0.127.in-addr.arpa.", "12.10.0.127.in-addr.arpa."


class FakeEngine:
    def __init__(self, name: str, calls: list[tuple[str, str, tuple]]) -> None:
        self.name = name
        self.calls = calls
        self.reachable = True
        self.sets: dict[str, list[Any]] = {}
        self.accepts: dict[str, str] = {}
        self.connections: dict[str, dict[str, Any]] = {}
        self.monitors: dict[str, MonitorStatus] = {}
        #: per monitor, the application monitoring it was created with (None: off)
        self.applications: dict[str, dict | None] = {}
        self.identities: dict[str, dict[str, Any]] = {}
        #: mirror status a new connection reports (tests flip it)
        self.mirror_on_connect = "mirroring"
        self.mirror: dict[str, str] = {}
        #: op -> exception raised on the next call of op
        self.fail: dict[str, Exception] = {}
        #: snapshots the engine holds (set -> ids) and, per snapshot id, the files an
        #: application wrote in place since it was taken (tests fill them)
        self.snaps: dict[str, list[str]] = {}
        self.written: dict[str, list[str]] = {}
        #: the manifest rows ([win, is_dir, size, digest]) of this server's files
        self.files: list[list[Any]] = []
        #: quarantine folder -> the paths copied into it
        self.kept: dict[str, list[str]] = {}
        #: set -> (queued ops, queued bytes) each stats call reports in turn (the last repeats)
        self.queued: dict[str, list[tuple[int, int]]] = {}
        #: set -> when its newest snapshot here was taken (said while the set is accepted)
        self.last_snapshot: dict[str, float] = {}

    def _call(self, op: str, *args: Any) -> None:
        if not self.reachable:
            raise Unreachable(f"engine on {self.name} did not answer within 5 s")
        self.calls.append((self.name, op, args))
        if op in self.fail:
            raise self.fail.pop(op)

    def info(self) -> dict[str, Any]:
        self._call("info")
        return {"version": "0.1.0", "port": 6320, "hostname": self.name}

    def create_set(self, name: str, rules: list[Any]) -> None:
        self._call("create_set", name, tuple(rules))
        self.sets[name] = list(rules)

    def delete_set(self, name: str) -> None:
        self._call("delete_set", name)
        if name not in self.sets and name not in self.accepts:
            raise NotFound(f"replication set {name} does not exist")
        self.sets.pop(name, None)
        self.accepts.pop(name, None)
        self.connections.pop(name, None)

    def accept(self, name: str, token: str) -> None:
        self._call("accept", name, token)
        self.accepts[name] = token

    def connect(self, name: str, target: str, port: int, token: str, mirror_type: str = "checksum",
                compression: int = 0, replicate: bool = True, delete_orphans: bool = False,
                codec: str = "zlib") -> None:
        self._call("connect", name, target, port, token, mirror_type, compression, replicate,
                   delete_orphans)
        if name not in self.sets:
            raise NotFound(f"replication set {name} does not exist")
        self.connections[name] = {"target": target, "token": token, "replicate": replicate,
                                  "delete_orphans": delete_orphans, "mirror_type": mirror_type,
                                  "codec": codec}
        self.mirror[name] = self.mirror_on_connect

    def disconnect(self, name: str) -> None:
        self._call("disconnect", name)
        if self.connections.pop(name, None) is None:
            raise NotFound(f"there is no connection for set {name}")

    def stats(self, name: str) -> JobStats:
        self._call("stats", name)
        if name not in self.connections and name not in self.accepts:
            raise NotFound(f"there is no connection for set {name}")
        status = self.mirror.get(name, "idle")
        queue = self.queued.get(name) or [(0, 0)]
        ops, nbytes = queue.pop(0) if len(queue) > 1 else queue[0]
        return JobStats(mirror_status=status, mirror_percent=100.0 if status == "complete" else 40.0,
                        replication_status="replicating" if status == "complete" else "stopped",
                        bytes_sent=1234, queued_ops=ops, queued_bytes=nbytes,
                        last_snapshot=self.last_snapshot.get(name) if name in self.accepts
                        else None)

    def create_monitor(self, name: str, source_ips: list[str], port: int, method: str,
                       interval: float, missed: int, trigger: str,
                       application: dict | None = None) -> None:
        self.applications[name] = application
        self._call("create_monitor", name, tuple(source_ips), port, method, interval, missed, trigger)
        self.monitors[name] = MonitorStatus(name, "monitoring", 1_000_000.0, 0, missed,
                                            {ip: 0 for ip in source_ips})

    def monitor_status(self, name: str) -> MonitorStatus:
        self._call("monitor_status", name)
        if name not in self.monitors:
            raise NotFound(f"there is no failover monitor named {name}")
        return replace(self.monitors[name], last_snapshot=self.last_snapshot.get(name))

    def delete_monitor(self, name: str) -> None:
        self._call("delete_monitor", name)
        if self.monitors.pop(name, None) is None:
            raise NotFound(f"there is no failover monitor named {name}")

    # identity failover (F-9.5): what the target's engine takes over, and what it took
    def set_identity(self, name: str, ips: list[str], prefix: int, nic: str, server_name: str,
                     shares: list[dict[str, str]], auto: bool) -> dict[str, Any]:
        self._call("set_identity", name, tuple(ips), server_name, auto)
        old = self.identities.get(name, {})
        self.identities[name] = {"spec": {"ips": list(ips), "name": server_name,
                                          "shares": list(shares), "auto": auto},
                                 "state": old.get("state", "ready"), "at": None,
                                 "done": old.get("done", []), "error": ""}
        return self.identities[name]

    def delete_identity(self, name: str) -> None:
        self._call("delete_identity", name)
        if self.identities.pop(name, None) is None:
            raise NotFound(f"no identity failover is registered for set {name}")

    def identity_status(self, name: str) -> dict[str, Any]:
        self._call("identity_status", name)
        if name not in self.identities:
            raise NotFound(f"no identity failover is registered for set {name}")
        return self.identities[name]

    def take_identity(self, name: str, wait: float = 600.0) -> dict[str, Any]:
        rec = self.identity_status(name)
        spec = rec["spec"]
        rec.update(state="taken", done=[*(f"ip:{i}" for i in spec["ips"]),
                                        *([f"name:{spec['name']}"] if spec["name"] else []),
                                        *(f"share:{s['name']}" for s in spec["shares"])])
        return rec

    def release_identity(self, name: str, wait: float = 600.0) -> dict[str, Any]:
        rec = self.identity_status(name)
        rec.update(state="ready", done=[])
        return rec

    def manifest(self, rules: list[Any], image: bool = False, wait: float = 3600.0
                 ) -> list[list[Any]]:
        self._call("manifest", tuple(rules), image)
        return [list(r) for r in self.files]

    def quarantine(self, paths: list[str], folder: str, wait: float = 3600.0) -> dict[str, Any]:
        self._call("quarantine", tuple(paths), folder)
        size = {r[0]: r[2] for r in self.files}
        self.kept.setdefault(folder, []).extend(paths)
        drives = sorted({p[0] for p in paths})
        return {"copied": len(paths), "bytes": sum(size.get(p, 0) for p in paths), "missing": 0,
                "folders": [f"{d}:\\{folder}" for d in drives]}

    # snapshots: ``snaps`` (set -> ids) as the target's engine holds them
    def snapshots(self, name: str) -> list[Any]:
        self._call("snapshots", name)
        from types import SimpleNamespace

        return [SimpleNamespace(id=sid) for sid in self.snaps.get(name, [])]

    def rollback_snapshot(self, name: str, sid: str) -> dict[str, int]:
        self._call("rollback_snapshot", name, sid)
        return {"replaced": 2, "deleted": 1, "kept": 7}

    def snapshot_changes(self, name: str, sid: str) -> list[str] | None:
        # ``written``: snapshot id -> files an application wrote in place since
        return list(self.written.get(sid, [])) or None

    # the rest of the snapshot port: not modelled (the snapshot tests use lab engines)
    def take_snapshot(self, name: str, reason: str = "on demand") -> Any:
        raise NotImplementedError("FakeEngine.take_snapshot")

    def delete_snapshot(self, name: str, sid: str) -> None:
        raise NotImplementedError("FakeEngine.delete_snapshot")

    def schedule_snapshots(self, name: str, interval_min: int | None, start_at: float = 0.0,
                           keep: int | None = None) -> None:
        raise NotImplementedError("FakeEngine.schedule_snapshots")

    def close(self) -> None:
        pass

    # test helpers
    def declare_failure(self, name: str) -> None:
        mon = self.monitors[name]
        self.monitors[name] = replace(mon, state="failover_condition", missed=mon.threshold)

    def ops(self) -> list[str]:
        return [op for server, op, _a in self.calls if server == self.name]


class FakeHost:
    def __init__(self, server: Server, calls: list[tuple[str, str, tuple]]) -> None:
        self.server = server
        self.calls = calls
        self.reachable = True
        self.shares: dict[str, str] = {s.name: s.path for s in server.shares}
        self.running: dict[str, bool] = {s.name: True for s in server.services}
        self.fail: dict[str, Exception] = {}
        #: snapshots the engine holds (set -> ids) and, per snapshot id, the files an
        #: application wrote in place since it was taken (tests fill them)
        self.snaps: dict[str, list[str]] = {}
        self.written: dict[str, list[str]] = {}

    def _call(self, op: str, *args: Any) -> None:
        if not self.reachable:
            raise Unreachable(f"{self.server.name} does not answer (WinRM)")
        self.calls.append((self.server.name, op, args))
        if op in self.fail:
            raise self.fail.pop(op)

    def inventory(self) -> Server:
        self._call("inventory")
        return self.server

    def set_service(self, name: str, running: bool) -> None:
        self._call("set_service", name, running)
        self.running[name] = running

    def add_share(self, name: str, path: str, description: str = "",
                  grants: tuple[str, ...] = ()) -> None:
        self._call("add_share", name, path, description, *grants)
        if name in self.shares:
            raise Refused(f"share {name} exists")
        self.shares[name] = path

    def remove_share(self, name: str) -> None:
        self._call("remove_share", name)
        if self.shares.pop(name, None) is None:
            raise NotFound(f"no share {name}")

    def run_op(self, op: str, params: dict[str, Any]) -> Any:
        self._call("run_op", op, params)


class FakeDns:
    """A two-zone DNS that checks prerequisites like RFC 2136 does."""

    def __init__(self, calls: list[tuple[str, str, tuple]]) -> None:
        self.calls = calls
        self.zones = [ZONE, REV]
        self.data = {
            (FS01, "A"): RRSet(FS01, "A", 1200, (IP1,)),
            (FS02, "A"): RRSet(FS02, "A", 1200, (IP2,)),
            (PTR1, "PTR"): RRSet(PTR1, "PTR", 1200, (FS01,)),
            (PTR2, "PTR"): RRSet(PTR2, "PTR", 1200, (FS02,)),
        }

    def lookup(self, name: str, rdtype: str) -> RRSet | None:
        return self.data.get((name, rdtype))

    def zone_of(self, name: str) -> str:
        found = [z for z in self.zones if name == z or name.endswith("." + z)]
        if not found:
            raise NotFound(name)
        return max(found, key=len)

    def apply(self, change: ZoneChange) -> None:
        self.calls.append(("DNS", "apply", (change.zone,)))
        for rr in change.expect:
            cur = self.data.get((rr.name, rr.rdtype))
            if set(rr.values) != set(cur.values if cur else ()):
                raise Refused("the records changed since they were read")
        for rr in change.replace:
            self.data[(rr.name, rr.rdtype)] = rr
        for key in change.delete:
            self.data.pop(key, None)

    def probe_update(self, zone: str) -> None:
        pass

    def a(self, name: str = FS01) -> tuple[str, ...]:
        rr = self.data.get((name, "A"))
        return rr.values if rr else ()

    def ptr(self, owner: str) -> tuple[str, ...]:
        rr = self.data.get((owner, "PTR"))
        return rr.values if rr else ()


class FakeSecrets:
    def get(self, kind: str, key: str) -> Credential | None:
        return Credential("LAB\\dnsadmin", "x") if kind == "dns" else None

    def put(self, kind: str, key: str, cred: Credential) -> None:
        pass

    def delete(self, kind: str, key: str) -> None:
        pass

    def clear(self) -> int:
        return 0


def _server(name: str, ip: str, shares: tuple[Share, ...]) -> Server:
    return Server(name=name, fqdn=f"{name.lower()}.lab.example.com", ips=(ip,),
                  os_name="Windows Server 2008 Enterprise", shares=shares,
                  engine=EngineInfo(True, True, "0.1.0", 6320), domain="lab.example.com")


class LockDirectory:
    """The directory as the DNS failover step uses it: locks kept by record."""

    def __init__(self) -> None:
        self.locked: dict[str, str] = {}  # fqdn -> account
        self.error: Exception | None = None

    def _do(self, fqdn: str, account: str, lock: bool) -> DnsLock:
        if self.error is not None:
            raise self.error
        if lock:
            self.locked[fqdn] = account
        else:
            self.locked.pop(fqdn, None)
        return DnsLock(fqdn, f"DC={fqdn}", lock, f"{fqdn} {'locked' if lock else 'unlocked'}")

    def lock_dns_record(self, fqdn: str, account: str) -> DnsLock:
        return self._do(fqdn, account, True)

    def unlock_dns_record(self, fqdn: str, account: str) -> DnsLock:
        return self._do(fqdn, account, False)

    def close(self) -> None:
        pass


@dataclass
class World:
    root: Path
    calls: list[tuple[str, str, tuple]] = field(default_factory=list)
    clock: FakeClock = field(default_factory=FakeClock)

    def __post_init__(self) -> None:
        shares = (Share("Data", "E:\\Shares\\Data", description="Department data"),
                  Share("Users", "E:\\Shares\\Users"), Share("E$", "E:\\", admin=True))
        self.engines = {"FS01": FakeEngine("FS01", self.calls), "FS02": FakeEngine("FS02", self.calls)}
        self.hosts = {"FS01": FakeHost(_server("FS01", IP1, shares), self.calls),
                      "FS02": FakeHost(_server("FS02", IP2, ()), self.calls)}
        self.dns = FakeDns(self.calls)
        self.dns_servers: list[str] = []
        self.directory = LockDirectory()
        paths = AppPaths(self.root / "config", self.root / "state", self.root / "logs",
                         self.root / "lab").ensure()
        self.ctx = Context(
            paths=paths, secrets=FakeSecrets(),
            directory=lambda read_only=True: self.directory,  # type: ignore[arg-type, return-value]
            host=lambda n: self.hosts[n.upper()], engine=self._engine, dns=self._dns,
            resolve=lambda n: {"FS01": IP1, "FS02": IP2}[n.upper()], domain="lab.example.com",
            clock=self.clock,
        )

    def _engine(self, name: str) -> FakeEngine:
        eng = self.engines[name.upper()]
        if not eng.reachable:
            raise Unreachable(f"engine on {name} cannot be reached")
        return eng

    def _dns(self, server: str, cred: Credential | None) -> FakeDns:
        self.dns_servers.append(server)
        return self.dns

    @property
    def src(self) -> FakeEngine:
        return self.engines["FS01"]

    @property
    def tgt(self) -> FakeEngine:
        return self.engines["FS02"]


def file_config(**monitoring: Any) -> ProtectionConfig:
    cfg = ProtectionConfig(app="fileprint", source="FS01", target="FS02")
    cfg.connection.shares = ["Data", "Users"]
    cfg.connection.route = IP2
    cfg.failover.dns.servers = [DnsServerEntry("127.0.10.1")]
    cfg.failover.dns.ip_map = {IP1: IP2}
    cfg.failover.dns.update_ttl = True
    cfg.failover.dns.ttl = 60
    cfg.monitoring.interval = 1
    cfg.monitoring.missed = 3
    for k, v in monitoring.items():
        setattr(cfg.monitoring, k, v)
    return cfg
