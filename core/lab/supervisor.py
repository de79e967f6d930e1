"""The lab supervisor: one process serving a whole estate on loopback (F-14).

It runs the DNS server (asyncio, in its own thread), one WinRM endpoint per
machine (answering on its addresses and on those of the cluster groups it
owns), and one real engine process per server with the engine installed
(a cluster virtual server's listens on the virtual server's address).
``fail``/``heal`` stop and restart a server's endpoints: a real outage for
heartbeats, WinRM and the engine alike. Cluster groups do not move to
another node when their owner fails: they go down with it.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from core.atomic import write_json
from core.lab.engines import EngineProcess
from core.lab.estate import Estate, volume_dir
from core.lab.ip_ops import taken_ips
from core.lab.runtime import LabRuntime, runtime_path
from core.lab.seed import prepare
from core.lab.supervisor_ips import AddressTakeovers
from core.lab.supervisor_services import LabServices
from core.lab.tcp_relay import TcpRelay

WINRM_PORT = 5985


def default_dns_port() -> int:
    """Port 53 when we may bind it (root), else a high port."""
    return 53 if os.geteuid() == 0 else 10053


def extra_winrm_ips(estate: Estate, name: str, failed: Collection[str] = ()) -> list[str]:
    """The addresses machine ``name`` answers WinRM on besides its own: its extra ones
    and those of the cluster groups it owns (unless that virtual server was failed)."""
    s = estate.server(name)
    return [*s.extra_ips, *(vs.ip for vs in estate.owned(name) if vs.name not in failed)]


class LabSupervisor(LabServices, AddressTakeovers):
    def __init__(self, estate: Estate, lab_root: Path, dns_port: int | None = None,
                 host_latency: float = 0.0) -> None:
        self.estate = estate
        self.lab_root = lab_root
        #: seconds each host operation takes (see LabWinrmServer.latency)
        self.host_latency = host_latency
        self.dns_port = dns_port or default_dns_port()
        self._loop = asyncio.new_event_loop()
        self._loop_thread = threading.Thread(target=self._loop.run_forever, name="lab-dns",
                                             daemon=True)
        self._dns: Any = None
        self._winrm: dict[str, Any] = {}
        self._engines: dict[str, EngineProcess] = {}
        self._failed: set[str] = set()  # virtual servers failed on their own
        #: identity failover: relays of taken-over addresses, servers whose address is held
        self._relays: dict[str, TcpRelay] = {}
        self._waiting: set[str] = set()
        self._lock = threading.RLock()

    # --- lifecycle -------------------------------------------------------------
    def start(self) -> None:
        self.lab_root.mkdir(parents=True, exist_ok=True)
        prepare(self.estate, self.lab_root)
        try:
            # engines first, forked while this process has no thread yet; they start
            # listening while the DNS server and the WinRM endpoints come up
            self._waiting = {s.name for s in self.estate.hosts if self.address_held(s.name)}
            engines = [self._engine(s.name) for s in self.estate.servers
                       if s.engine_installed and (s.owner or s.name) not in self._waiting]
            for eng in engines:
                eng.fork()
            self._loop_thread.start()
            self._start_dns()
            for s in self.estate.hosts:
                if s.name not in self._waiting:
                    self._start_winrm(s.name)
            for eng in engines:
                eng.wait_listening()
        except BaseException:
            self.stop()
            raise
        self._write_runtime()

    def stop(self) -> None:
        with self._lock:
            for eng in self._engines.values():
                eng.terminate()  # all at once: each engine persists its state as it exits
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda w: w.stop(), list(self._winrm.values())))
            self._winrm.clear()
            for relay in self._relays.values():
                relay.close()
            self._relays.clear()
            for eng in self._engines.values():
                eng.stop()
            self._stop_dns()
            runtime_path(self.lab_root).unlink(missing_ok=True)
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._loop_thread.is_alive():
            self._loop_thread.join(5)

    # --- fail / heal -------------------------------------------------------------
    def fail(self, name: str) -> None:
        """Stop a server answering: a machine's WinRM (with the cluster groups it owns),
        engines and, for the DNS server, DNS; a virtual server's address and engine."""
        s = self.estate.server(name)
        with self._lock:
            if s.virtual:
                self._failed.add(s.name)
                w = self._winrm.get(s.owner)
                if w is not None:
                    w.unserve(s.ip)
                self._stop_engine(s.name)
            else:
                w = self._winrm.pop(s.name, None)
                if w is not None:
                    w.stop()
                self.stop_relays(s.name)
                for member in (s, *self.estate.owned(s.name)):
                    self._stop_engine(member.name)
                if s.name == self.estate.server(self.estate.dns_server).name:
                    self._stop_dns()
            self._write_runtime()

    def heal(self, name: str) -> None:
        s = self.estate.server(name)
        with self._lock:
            if s.virtual:
                self._failed.discard(s.name)
                w = self._winrm.get(s.owner)
                if w is not None:
                    w.serve(s.ip)
                    self._start_engine(s.name)
            elif self.address_held(s.name):
                self._waiting.add(s.name)  # a duplicate address: back once it is given back
            else:
                if s.name == self.estate.server(self.estate.dns_server).name and self._dns is None:
                    self._start_dns()
                self._start_winrm(s.name)
                for member in (s, *self.estate.owned(s.name)):
                    if member.name not in self._failed:
                        self._start_engine(member.name)
            self._write_runtime()

    def up(self, name: str) -> bool:
        """Whether ``name`` answers: a virtual server only while its owner does too."""
        s = self.estate.server(name)
        if s.virtual:
            return s.name not in self._failed and s.owner in self._winrm
        return s.name in self._winrm

    # --- parts -------------------------------------------------------------------
    def _start_dns(self) -> None:
        from core.lab.dns_accounts import dns_admin_keys
        from core.lab.dns_server import LabDnsServer

        dns = LabDnsServer(self.estate, self.lab_root / "dns", self.estate.dns_ip, self.dns_port,
                           update_keys=dns_admin_keys(self.estate))
        asyncio.run_coroutine_threadsafe(dns.start(), self._loop).result(10)
        self._dns = dns

    def _stop_dns(self) -> None:
        if self._dns is not None:
            asyncio.run_coroutine_threadsafe(self._dns.stop(), self._loop).result(10)
            self._dns = None

    def _start_winrm(self, name: str) -> None:
        from core.lab.winrm_server import LabWinrmServer

        if name in self._winrm:
            return
        s = self.estate.server(name)
        dns_host = s.name == self.estate.server(self.estate.dns_server).name
        w = LabWinrmServer(self.estate, s.name, self.lab_root, s.ip, WINRM_PORT,
                           on_service=lambda svc, start: self._engine_service(name, svc, start),
                           extra_ips=[*extra_winrm_ips(self.estate, name, self._failed),
                                      *taken_ips(self.lab_root, name)],
                           on_zone=self._add_zone if dns_host else None,
                           latency=self.host_latency,
                           on_ip=lambda ip, add: self.on_ip(name, ip, add))
        w.start()
        self._winrm[name] = w
        self.start_relays(name)

    def _add_zone(self, zone: str) -> bool:
        """A zone created on the DNS server's host (``dns_zone_add``): in the lab DNS, on its loop."""
        dns = self._dns
        if dns is None:
            raise ValueError("the DNS Server service is not running")
        return asyncio.run_coroutine_threadsafe(dns.add_zone_async(zone), self._loop).result(10)

    def _engine(self, name: str) -> EngineProcess:
        s = self.estate.server(name)
        return self._engines.setdefault(name, EngineProcess(s, self.lab_root))

    def _start_engine(self, name: str) -> None:
        if self.estate.server(name).engine_installed:
            self._engine(name).start()

    def _stop_engine(self, name: str) -> None:
        eng = self._engines.get(name)
        if eng is not None:
            eng.stop()

    def _engine_service(self, name: str, service: str, start: bool) -> None:
        """Starting/stopping the engine's service over WinRM starts/stops its process."""
        eng = self._engines.get(name)
        if eng is None or service.lower() != "appmgrengine":
            raise ValueError(f"Cannot {'start' if start else 'stop'} service {service}")
        eng.start() if start else eng.stop()

    def runtime(self) -> LabRuntime:
        servers = {}
        for s in self.estate.servers:
            servers[s.name] = {
                "ip": s.ip,
                "ips": list(s.ips),
                "fqdn": s.fqdn(self.estate.domain),
                "winrm_port": WINRM_PORT,
                "engine_port": s.engine_port if s.engine_installed else None,
                "up": self.up(s.name),
                "volumes": {v: str(volume_dir(self.lab_root, s.name, v)) for v in s.volumes},
            }
            if s.cluster:
                servers[s.name]["cluster"] = s.cluster
            if s.virtual:
                servers[s.name]["owner"] = s.owner
        return LabRuntime(os.getpid(), self.estate.domain, self.estate.net, self.estate.dns_ip,
                          self.dns_port, str(self.estate.source or ""), servers)

    def _write_runtime(self) -> None:
        write_json(runtime_path(self.lab_root), self.runtime().to_dict())
