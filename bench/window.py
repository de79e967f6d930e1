"""Replication over a network with a round trip: operations in flight (issue 9).

One ack at a time caps replication at one operation per round trip. Two
in-process engines (tests/core/engine/harness.py: real TLS, real files) on
``--net`` .1 and .2 talk through a proxy on .3 that delays every chunk by
half the ``--rtt`` in each direction. After the mirror, ``--files`` files of
1 KiB are written at once into 20 folders; the time is from the first write
until the queue is empty and every file is on the target (the driver checks
every 50 ms; a polling watcher, used when inotify instances run out, adds up
to its 1 s interval), then every copy is compared with its source. CPU is the
whole process's (both engines, the proxy, the driver).

The code under test is the ``core`` first on ``sys.path``: run from another
checkout to compare (``cd <checkout> && python /path/to/bench/window.py``).
Prints one JSON line per run.
Run: ``python -m bench.window [--rtt 0.01] [--files 300] [--runs 3] [--net 127.0.104]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, os.getcwd())

import core  # noqa: E402
from tests.core.engine import harness  # noqa: E402
from tests.core.engine.test_engine_mirror import RULES, SET  # noqa: E402


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                delay: float) -> None:
    """Forward ``reader`` to ``writer``, each chunk ``delay`` seconds after it came."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def pump() -> None:
        while True:
            due, data = await queue.get()
            await asyncio.sleep(max(0.0, due - loop.time()))
            if not data:
                writer.close()
                return
            writer.write(data)
            await writer.drain()

    task = asyncio.create_task(pump())
    while data := await reader.read(1 << 16):
        queue.put_nowait((loop.time() + delay, data))
    queue.put_nowait((loop.time() + delay, b""))
    await task


def start_proxy(listen: str, port: int, to: str, delay: float) -> None:
    async def handle(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        r2, w2 = await asyncio.open_connection(to, port)
        await asyncio.gather(_pipe(r, w2, delay), _pipe(r2, w, delay), return_exceptions=True)

    async def serve() -> None:
        server = await asyncio.start_server(handle, listen, port)
        async with server:
            await server.serve_forever()

    threading.Thread(target=lambda: asyncio.run(serve()), daemon=True).start()


def one_run(net: str, rtt: float, files: int) -> dict[str, object]:
    port = harness.free_port(net)
    base = Path(tempfile.mkdtemp(prefix="appmgr-bench-window."))
    src = harness.Server(base / "FS01", f"{net}.1", port=port).start()
    tgt = harness.Server(base / "FS02", f"{net}.2", port=port).start()
    start_proxy(f"{net}.3", port, f"{net}.2", rtt / 2)
    try:
        for i in range(20):
            (src.data / f"d{i}").mkdir(parents=True, exist_ok=True)
        s, t = src.client(), tgt.client()
        s.create_set(SET, RULES)
        t.accept(SET, "tok")
        s.connect(SET, f"{net}.3", port, "tok", mirror_type="full", replicate=True)
        harness.wait_for(lambda: s.stats(SET).mirror_status == "complete"
                         and s.stats(SET).queued_ops == 0, 30, "the mirror")
        names = [Path(f"d{i % 20}") / f"burst{i}" for i in range(files)]
        c0, w0 = time.process_time(), time.monotonic()
        for n in names:
            (src.data / n).write_bytes(os.urandom(1024))
        harness.wait_for(lambda: s.stats(SET).queued_ops == 0
                         and all((tgt.data / n).exists() for n in names), 600, "the burst")
        wall, cpu = time.monotonic() - w0, time.process_time() - c0
        same = all((tgt.data / n).read_bytes() == (src.data / n).read_bytes() for n in names)
        if not same:
            raise RuntimeError("a copy differs from its source")
        assert src.svc is not None  # started above
        watcher = src.svc.replicators[SET]._watcher  # "poll" when inotify is exhausted
        return {"core": os.path.dirname(core.__file__), "rtt_ms": rtt * 1000, "files": files,
                "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                "watcher": watcher.kind if watcher else "none"}
    finally:
        src.stop()
        tgt.stop()
        shutil.rmtree(base, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rtt", type=float, default=0.01, help="round trip added, seconds")
    ap.add_argument("--files", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--net", default="127.0.104")
    args = ap.parse_args(argv)
    for _ in range(args.runs):
        print(json.dumps(one_run(args.net, args.rtt, args.files)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
