"""``python -m core.engine --listen IP --port 6320 --state DIR --volume E=/dir ...``

The engine's TLS identity (its key, its certificate and the estate CA's) is
read from ``DIR/tls`` (or ``--tls``); without one it refuses to start and
says so. ``--admins`` (password hashes, protocol 1) is accepted and ignored:
administrators are now identified by the console's certificate.

Runs the engine until SIGTERM/SIGINT, then persists its state and exits 0.
When listening it prints ``READY <ip>:<port> pid <pid>`` on stdout and writes
``<state>/engine.ready`` (JSON) and ``<state>/engine.pid``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import ssl
import sys
from collections.abc import Callable
from pathlib import Path

from core.engine import tls
from core.engine.identity import HostRunner
from core.engine.service import EngineService
from core.engine.volumes import VolumeMap


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m core.engine", description="appmgr replication engine")
    p.add_argument("--listen", default="0.0.0.0", help="IP address to listen on")
    p.add_argument("--port", type=int, default=6320, help="service port (TCP and UDP)")
    p.add_argument("--state", type=Path, required=True, help="directory for persistent state")
    p.add_argument("--volume", action="append", default=[], metavar="L=DIR",
                   help="map drive letter L to a local directory (repeatable)")
    p.add_argument("--tls", type=Path,
                   help="directory with ca.crt, engine.crt, engine.key (default: STATE/tls)")
    p.add_argument("--admins", type=Path, help=argparse.SUPPRESS)  # protocol 1: ignored
    p.add_argument("--hostname", help="name reported by info (default: this host's name)")
    p.add_argument("--host-runner", metavar="COMMAND",
                   help="command that runs one host operation script (read on stdin) for "
                        "identity failover (default: powershell.exe on Windows, none elsewhere)")
    p.add_argument("--log-level", default="INFO")
    return p.parse_args(argv)


def volume_map(specs: list[str]) -> VolumeMap:
    vols: dict[str, Path | str] = {}
    for spec in specs:
        letter, sep, path = spec.partition("=")
        letter = letter.rstrip(":")
        if not sep or len(letter) != 1 or not letter.isalpha():
            raise SystemExit(f"--volume {spec!r}: expected LETTER=DIRECTORY")
        vols[letter.upper()] = Path(path)
    return VolumeMap.for_platform(vols)


async def serve(args: argparse.Namespace, stop: asyncio.Event) -> int:
    """Run the engine until ``stop`` is set (SIGTERM/SIGINT), then stop it cleanly;
    when it is set already during start-up, the engine stops right after starting."""
    if args.admins:
        logging.getLogger(__name__).warning(
            "--admins is ignored: administrators are identified by the console's certificate")
    try:
        identity = tls.read_engine_identity(args.tls or tls.engine_dir(args.state))
    except tls.TlsMissing as exc:
        print(f"engine cannot start: {exc}", file=sys.stderr)
        return 1
    try:
        svc = EngineService(args.listen, args.port, args.state, volume_map(args.volume),
                            identity, hostname=args.hostname,
                            host_runner=HostRunner.from_option(args.host_runner))
    except ssl.SSLError as exc:
        print(f"engine cannot use its TLS certificate: {exc}", file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"engine cannot use its state in {args.state}: {exc}", file=sys.stderr)
        return 1
    try:
        await svc.start()
    except OSError as exc:
        print(f"engine cannot listen on {args.listen}:{args.port}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    if not stop.is_set():
        print(f"READY {args.listen}:{args.port} pid {os.getpid()}", flush=True)
        await stop.wait()
    await svc.stop()
    return 0


def _on_signals(callback: Callable[[], None]) -> None:
    """Call ``callback`` in the running loop on SIGTERM and SIGINT."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, callback)
        except (NotImplementedError, RuntimeError):  # Windows: no loop signal handlers
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(callback))


def main(argv: list[str] | None = None) -> int:
    # Until the loop takes the signals over, a SIGTERM/SIGINT is remembered and makes
    # the engine stop right after its start (not a kill, nor a KeyboardInterrupt).
    early: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _frame: early.append(signum))
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s engine %(levelname)s %(name)s: %(message)s")

    async def run() -> int:
        stop = asyncio.Event()
        _on_signals(stop.set)
        if early:  # arrived before the loop took the signals over
            stop.set()
        return await serve(args, stop)

    return asyncio.run(run())


if __name__ == "__main__":
    sys.exit(main())
