"""The lab servers' replication engines: one real engine process per server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from core.lab.estate import LabServer
from core.lab.seed import engine_volume_args


class EngineProcess:
    """Starts and stops the engine of one lab server (a real outage when stopped)."""

    def __init__(self, server: LabServer, lab_root: Path) -> None:
        self.server = server
        self.lab_root = lab_root
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def state_dir(self) -> Path:
        return self.lab_root / "servers" / self.server.name / "engine"

    def start(self, wait: float = 10.0) -> None:
        if self.proc and self.proc.poll() is None:
            return
        self.state_dir.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "core.engine", "--listen", self.server.ip,
               "--port", str(self.server.engine_port), "--state", str(self.state_dir),
               "--admins", str(self.lab_root / "admins.json"),
               *engine_volume_args(self.lab_root, self.server)]
        log = open(self.state_dir / "engine.log", "ab")  # noqa: SIM115 - owned by the child
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=_child_env())
        log.close()
        self._wait_listening(wait)

    def _wait_listening(self, wait: float) -> None:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"engine of {self.server.name} exited at start; "
                                   f"see {self.state_dir / 'engine.log'}")
            try:
                with socket.create_connection((self.server.ip, self.server.engine_port), 0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"engine of {self.server.name} did not listen within {wait:.0f} s")

    def stop(self, timeout: float = 5.0) -> None:
        if not self.proc or self.proc.poll() is not None:
            self.proc = None
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout)
        self.proc = None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # the engine runs from the same source tree as the supervisor
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env
