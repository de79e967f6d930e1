"""Change detection: latency and CPU of the engine's watcher (issue 9, item 8).

Two in-process engines (tests/core/engine/harness.py: real TLS sockets, real
files) on 127.0.86.1 -> 127.0.86.2, one set of 2,000 files in 20 folders,
mirrored first. Then, with ``time.process_time()`` (CPU of the whole process:
both engines, the watcher's threads and this driver) and the wall clock:

- idle: 5 s with no change (what watching costs when nothing happens);
- latency: 100 times, a 1 KiB file is written and closed, and the driver polls
  the target every 1 ms until the same bytes are there (p50/p95/max, ms);
- burst: 1,000 files written and closed at once, until the last one of them
  is on the target (wall s and CPU s; the driver checks every 50 ms).

``APPMGR_ENGINE_WATCHER=poll`` measures the polling fallback. The code under
test is the ``core`` first on ``sys.path`` (run from another checkout to
compare: ``cd <checkout> && python /path/to/bench/watch_latency.py``).
Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.getcwd())

import core  # noqa: E402
from tests.core.engine import harness  # noqa: E402
from tests.core.engine.test_engine_mirror import SET, protect  # noqa: E402


def main() -> None:
    harness.PORT = harness.free_port("127.0.86")
    import tests.core.engine.test_engine_mirror as m

    m.PORT = harness.PORT
    base = Path(tempfile.mkdtemp(prefix="watchbench."))
    src = harness.Server(base / "FS01", "127.0.86.1", port=harness.PORT).start()
    tgt = harness.Server(base / "FS02", "127.0.86.2", port=harness.PORT).start()
    out: dict[str, object] = {"core": os.path.dirname(core.__file__),
                              "watcher": os.environ.get("APPMGR_ENGINE_WATCHER", "native")}
    try:
        for i in range(2000):
            d = src.data / f"d{i % 20}"
            d.mkdir(parents=True, exist_ok=True)
            (d / f"f{i}").write_bytes(os.urandom(512))
        s, _ = protect(src, tgt, "full", replicate=True)
        harness.wait_for(lambda: s.stats(SET).queued_ops == 0, 10, "idle")

        c0, w0 = time.process_time(), time.monotonic()
        time.sleep(5)
        out["idle_cpu_s_per_s"] = round((time.process_time() - c0) / (time.monotonic() - w0), 4)

        lat = []
        for i in range(100):
            data = os.urandom(1024)
            p, q = src.data / "d0" / f"lat{i}", tgt.data / "d0" / f"lat{i}"
            t0 = time.monotonic()
            p.write_bytes(data)
            while not (q.exists() and q.read_bytes() == data):
                time.sleep(0.001)
            lat.append((time.monotonic() - t0) * 1000)
        lat.sort()
        out["latency_ms"] = {"p50": round(statistics.median(lat), 1),
                             "p95": round(lat[94], 1), "max": round(lat[-1], 1)}

        c0, w0 = time.process_time(), time.monotonic()
        for i in range(1000):
            (src.data / f"d{i % 20}" / f"burst{i}").write_bytes(os.urandom(1024))
        last = tgt.data / "d19" / "burst999"
        while not last.exists():
            time.sleep(0.05)
        harness.wait_for(lambda: s.stats(SET).queued_ops == 0, 30, "drained")
        out["burst_1000"] = {"wall_s": round(time.monotonic() - w0, 2),
                             "cpu_s": round(time.process_time() - c0, 2)}
    finally:
        src.stop()
        tgt.stop()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
