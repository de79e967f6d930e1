"""The lab supervisor: one process serving a whole estate on loopback (F-14).

It runs the DNS server (asyncio, in its own thread), one WinRM endpoint per
server, and one real engine process per server with the engine installed.
``fail``/``heal`` stop and restart a server's endpoints: a real outage for
heartbeats, WinRM and the engine alike.
"""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path
from typing import Any

from core.atomic import write_json
from core.lab.engines import EngineProcess
from core.lab.estate import Estate, volume_dir
from core.lab.runtime import LabRuntime, runtime_path
from core.lab.seed import prepare

WINRM_PORT = 5985


def default_dns_port() -> int:
    """Port 53 when we may bind it (root), else a high port."""
    return 53 if os.geteuid() == 0 else 10053


class LabSupervisor:
    def __init__(self, estate: Estate, lab_root: Path, dns_port: int | None = None) -> None:
        self.estate = estate
        self.lab_root = lab_root
        self.dns_port = dns_port or default_dns_port()
        self._loop = asyncio.new_event_loop()
        self._loop_thread = threading.Thread(target=self._loop.run_forever, name="lab-dns",
                                             daemon=True)
        self._dns: Any = None
        self._winrm: dict[str, Any] = {}
        self._engines: dict[str, EngineProcess] = {}
        self._up: dict[str, bool] = {}
        self._lock = threading.RLock()

    # --- lifecycle -------------------------------------------------------------
    def start(self) -> None:
        self.lab_root.mkdir(parents=True, exist_ok=True)
        prepare(self.estate, self.lab_root)
        self._loop_thread.start()
        try:
            self._start_dns()
            for s in self.estate.servers:
                self._start_server(s.name)
        except BaseException:
            self.stop()
            raise
        self._write_runtime()

    def stop(self) -> None:
        with self._lock:
            for name in list(self._up):
                self._stop_server(name)
            self._stop_dns()
            runtime_path(self.lab_root).unlink(missing_ok=True)
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._loop_thread.is_alive():
            self._loop_thread.join(5)

    # --- fail / heal -------------------------------------------------------------
    def fail(self, name: str) -> None:
        s = self.estate.server(name)
        with self._lock:
            self._stop_server(s.name)
            if s.name == self.estate.server(self.estate.dns_server).name:
                self._stop_dns()
            self._write_runtime()

    def heal(self, name: str) -> None:
        s = self.estate.server(name)
        with self._lock:
            if s.name == self.estate.server(self.estate.dns_server).name and self._dns is None:
                self._start_dns()
            self._start_server(s.name)
            self._write_runtime()

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

    def _start_server(self, name: str) -> None:
        from core.lab.winrm_server import LabWinrmServer

        s = self.estate.server(name)
        if name not in self._winrm:
            w = LabWinrmServer(self.estate, s.name, self.lab_root, s.ip, WINRM_PORT,
                               on_service=lambda svc, start: self._engine_service(name, svc, start))
            w.start()
            self._winrm[name] = w
        if s.engine_installed:
            eng = self._engines.setdefault(name, EngineProcess(s, self.lab_root))
            eng.start()
        self._up[name] = True

    def _engine_service(self, name: str, service: str, start: bool) -> None:
        """Starting/stopping the engine's service over WinRM starts/stops its process."""
        eng = self._engines.get(name)
        if eng is None or service.lower() != "appmgrengine":
            raise ValueError(f"Cannot {'start' if start else 'stop'} service {service}")
        eng.start() if start else eng.stop()

    def _stop_server(self, name: str) -> None:
        w = self._winrm.pop(name, None)
        if w is not None:
            w.stop()
        eng = self._engines.get(name)
        if eng is not None:
            eng.stop()
        self._up[name] = False

    def runtime(self) -> LabRuntime:
        servers = {}
        for s in self.estate.servers:
            servers[s.name] = {
                "ip": s.ip,
                "fqdn": s.fqdn(self.estate.domain),
                "winrm_port": WINRM_PORT,
                "engine_port": s.engine_port if s.engine_installed else None,
                "up": self._up.get(s.name, False),
                "volumes": {v: str(volume_dir(self.lab_root, s.name, v)) for v in s.volumes},
            }
        return LabRuntime(os.getpid(), self.estate.domain, self.estate.net, self.estate.dns_ip,
                          self.dns_port, str(self.estate.source or ""), servers)

    def _write_runtime(self) -> None:
        write_json(runtime_path(self.lab_root), self.runtime().to_dict())
