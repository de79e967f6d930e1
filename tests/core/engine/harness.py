"""Test harness: engines: in-process (a thread with its own event loop) or
real processes (``python -m core.engine``). Addresses 127.0.41.x (the shutdown
tests: 127.0.66.x, on their own port).

Every engine gets a certificate of one test CA (made once per session) in its
state directory, as the lab and a real installation do; clients connect as
that CA's console (:func:`client`)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from core.engine import pki, tls
from core.engine.client import EngineClient
from core.engine.scan import TMP_PREFIX
from core.engine.service import EngineService
from core.engine.volumes import VolumeMap
from core.model.stats import JobStats


@cache
def estate_ca() -> pki.Issued:
    return pki.new_ca("tests")


@cache
def console_identity() -> tls.Identity:
    ca = estate_ca()
    mine = pki.issue(ca, tls.ROLE_CONSOLE, "test console")
    return tls.Identity(ca.cert_pem, mine.cert_pem, mine.key_pem)


def engine_identity(directory: Path, name: str, ip: str) -> tls.Identity:
    """Issue an engine certificate and install it in ``directory`` (the engine's
    ``--tls``; outside its state directory, which the engine itself creates)."""
    ca = estate_ca()
    mine = pki.issue(ca, tls.ROLE_ENGINE, name, ips=(ip,))
    ident = tls.Identity(ca.cert_pem, mine.cert_pem, mine.key_pem)
    tls.write_engine_identity(directory, ident)
    return ident


def client(ip: str, port: int, timeout: float = 5.0) -> EngineClient:
    """A console's client of the engine on ``ip:port``."""
    return EngineClient(ip, port, console_identity(), timeout=timeout)


def free_port(net: str = "127.0.41") -> int:
    """A port free for TCP and UDP on every test address of ``net``, so two test
    runs at once (CI and a developer, say) never fight over 6320."""
    import random
    import socket

    for _ in range(200):
        port = random.randint(20000, 45000)
        socks = []
        try:
            for last in range(1, 8):
                for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                    s = socket.socket(socket.AF_INET, kind)
                    socks.append(s)
                    s.bind((f"{net}.{last}", port))
            return port
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    return 6320


PORT = free_port()
REPO = Path(__file__).resolve().parents[3]


def wait_for(pred: Callable[[], object], timeout: float = 5.0, what: str = "condition") -> object:
    """Poll ``pred`` until truthy (returned) or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def stats_when(pred: Callable[[], object], timeout: float = 5.0,
               what: str = "condition") -> JobStats:
    """:func:`wait_for` of a predicate that returns the set's stats once they hold."""
    stats = wait_for(pred, timeout, what)
    assert isinstance(stats, JobStats), stats
    return stats


def tree(root: Path) -> dict[str, bytes | None]:
    """Relative path → content (None for directories), the engine's temp files excluded."""
    while True:
        out: dict[str, bytes | None] = {}
        try:
            for dirpath, dirs, files in os.walk(root):
                for d in dirs:
                    out[os.path.relpath(os.path.join(dirpath, d), root)] = None
                for f in files:
                    if not f.startswith(TMP_PREFIX):
                        p = os.path.join(dirpath, f)
                        out[os.path.relpath(p, root)] = Path(p).read_bytes()
        except FileNotFoundError:  # changed while we read it (replication at work)
            continue
        return out


class Server:
    """One lab-like server: volumes C and E under ``base``, an engine on ``ip``."""

    def __init__(
        self, base: Path, ip: str, mem_limit: int = 10_000, port: int = PORT,
    ) -> None:
        self.base, self.ip, self.port = base, ip, port
        self.vol = {"C": base / "C", "E": base / "E"}
        for d in self.vol.values():
            d.mkdir(parents=True, exist_ok=True)
        self.state = base / "engine"
        self.tls_dir = base / "tls"
        self.identity = engine_identity(self.tls_dir, base.name, ip)
        self.mem_limit = mem_limit
        self.data = self.vol["E"] / "Shares" / "Data"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.svc: EngineService | None = None
        self._clients: list[EngineClient] = []

    def start(self) -> Server:
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            self.svc = EngineService(self.ip, self.port, self.state, VolumeMap(self.vol),
                                     self.identity, hostname=self.base.name,
                                     mem_limit=self.mem_limit)
            try:
                loop.run_until_complete(self.svc.start())
            except BaseException as exc:  # surfaced in start()
                errors.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        ready.wait(10)
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        if self._loop is None or self.svc is None:
            return
        fut = asyncio.run_coroutine_threadsafe(self.svc.stop(), self._loop)
        fut.result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        assert self._thread is not None
        self._thread.join(10)
        self._loop = None
        for c in self._clients:
            c.close()

    def client(self) -> EngineClient:
        c = client(self.ip, self.port)
        self._clients.append(c)
        return c


@contextmanager
def servers_on(tmp_path: Path, ips: tuple[str, ...]) -> Iterator[list[Server]]:
    """Started in-process engines, one per address (``FS0``, ``FS1``, …), stopped after."""
    started = [Server(tmp_path / f"FS{i}", ip).start() for i, ip in enumerate(ips)]
    try:
        yield started
    finally:
        for s in started:
            s.stop()


def share_heartbeat_key(src: Server, tgt: Server, name: str, token: str = "tok") -> str:
    """Give both engines the set key monitor ``name``'s heartbeats are signed with (in a
    pair the target accepts the set and the source connects it); returns that key."""
    from core.engine.auth import token_key

    for s in (tgt, src):
        s.client().accept(name, token)
    return token_key(token)


def engine_argv(server: Server) -> list[str]:
    """The command line of a real engine process for ``server``."""
    return [sys.executable, "-m", "core.engine", "--listen", server.ip,
            "--port", str(server.port), "--state", str(server.state),
            "--tls", str(server.tls_dir),
            "--volume", f"C={server.vol['C']}", "--volume", f"E={server.vol['E']}",
            "--log-level", "WARNING"]


def spawn_engine(server: Server, stderr: int | None = None) -> subprocess.Popen[str]:
    """A real engine process for ``server``; returns once it printed READY."""
    proc = subprocess.Popen(engine_argv(server), cwd=REPO, stdout=subprocess.PIPE,
                            stderr=stderr, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("READY "), f"engine did not start: {line!r}"
    return proc
