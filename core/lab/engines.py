"""The lab servers' replication engines: one real engine process per server.

An engine is ``python -m core.engine …`` — a new interpreter that imports the
engine (~0.1 s of CPU each). When the lab starts, twenty-odd engines at once
would make that the whole start-up time on a 2-core machine, so the
supervisor imports the engine once and *forks* them while it is still
single-threaded (:meth:`EngineProcess.fork`); a fork costs milliseconds and
shares the imported code. Engines restarted later (``heal``, the engine
service started over WinRM) run as new interpreters: the supervisor has
threads by then, and forking a threaded process is unsafe.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

from core.lab.certs import engine_state_dir
from core.lab.estate import LabServer
from core.lab.runtime import control_path
from core.lab.seed import engine_volume_args


class ForkedChild:
    """A child forked from this process, with the part of Popen's interface used here."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere: it is gone all the same
                self.returncode = -1
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout or 0)
            time.sleep(0.01)
        assert self.returncode is not None
        return self.returncode


class EngineProcess:
    """Starts and stops the engine of one lab server (a real outage when stopped)."""

    def __init__(self, server: LabServer, lab_root: Path) -> None:
        self.server = server
        self.lab_root = lab_root
        self.proc: subprocess.Popen[bytes] | ForkedChild | None = None

    @property
    def state_dir(self) -> Path:
        return engine_state_dir(self.lab_root, self.server.name)

    def _argv(self) -> list[str]:
        # identity failover: the engine runs its host operations through the lab
        runner = shlex.join([sys.executable, str(Path(__file__).with_name("host_op.py")),
                             str(control_path(self.lab_root)), self.server.owner or self.server.name])
        return ["--listen", self.server.ip, "--port", str(self.server.engine_port),
                "--state", str(self.state_dir), "--host-runner", runner,
                *engine_volume_args(self.lab_root, self.server)]

    def start(self, wait: float = 10.0) -> None:
        """Start the engine and wait until it listens."""
        self.spawn()
        self.wait_listening(wait)

    def spawn(self) -> None:
        """Start the engine process without waiting (the supervisor starts many at once)."""
        if self.running:
            return
        self.state_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.state_dir / "engine.log", "ab")  # noqa: SIM115 - owned by the child
        self.proc = subprocess.Popen([sys.executable, "-m", "core.engine", *self._argv()],
                                     stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=_child_env())
        log.close()

    def fork(self) -> None:
        """Start the engine as a fork of this process; :meth:`spawn` when threads run."""
        if self.running:
            return
        if threading.active_count() > 1 or not hasattr(os, "fork"):
            self.spawn()
            return
        from core.engine.__main__ import main  # imported once, shared by every fork

        self.state_dir.mkdir(parents=True, exist_ok=True)
        argv = self._argv()
        log = os.open(self.state_dir / "engine.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                      0o644)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the engine: never returns into the supervisor's code
            code = 1
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                null = os.open(os.devnull, os.O_RDONLY)
                os.dup2(null, 0)
                os.dup2(log, 1)
                os.dup2(log, 2)
                code = main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:  # noqa: BLE001 - reported in engine.log, then exit
                traceback.print_exc()
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code)
        os.close(log)
        self.proc = ForkedChild(pid)

    def wait_listening(self, wait: float = 10.0) -> None:
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

    def terminate(self) -> None:
        """Ask the engine to stop (SIGTERM) without waiting; :meth:`stop` then reaps it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)

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
