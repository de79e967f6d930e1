"""Many lab engines in one process, for bench/dashboard.py.

``python -m bench._dash_engines HOME`` starts one real engine
(:class:`core.engine.service.EngineService`: its TLS listener, heartbeat responder,
replication and failover monitors) per server of the bench estate, each on its own
loopback address with its own state and volumes, all on one asyncio loop: a thousand
engine processes would need some 20 GB of memory on this machine. Prints ``READY n``
once every engine listens; stops them all on SIGTERM.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import signal
import sys
from pathlib import Path

from bench._dash_estate import PORT, paths, read_spec
from core.engine import tls
from core.engine.__main__ import volume_map
from core.engine.service import EngineService
from core.lab.certs import engine_state_dir
from core.lab.estate import volume_dir


def _engines(home: Path) -> list[EngineService]:
    lab = paths(home).lab
    out = []
    for name, ip in read_spec(home).items():
        state = engine_state_dir(lab, name)
        vols = volume_map([f"{v}={volume_dir(lab, name, v)}" for v in ("C", "E")])
        out.append(EngineService(ip, PORT, state, vols,
                                 tls.read_engine_identity(tls.engine_dir(state)), hostname=name))
    return out


async def serve(home: Path) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    engines = _engines(home)
    await asyncio.gather(*(e.start() for e in engines))
    print(f"READY {len(engines)}", flush=True)
    await stop.wait()
    await asyncio.gather(*(e.stop() for e in engines), return_exceptions=True)


def main() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # 4+ sockets per engine
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(serve(Path(sys.argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
