"""Replication lag of a busy file: random rewrites inside one file kept open (issue 9.9).

One file of ``--size`` MiB (default 512) is replicated by two engine
processes (``--net`` .1 → .2). A writer keeps it open (no close: nothing
but the engine's busy-file bound sends it) and rewrites random aligned
64 KiB blocks at ``--rate`` MB/s (default 20) for ``--seconds`` (default 60).
A checker reads, every 20 ms, the first 64 bytes of every rewritten block
still pending on the target (the data is random: a match is that write);
a block rewritten again before it arrived counts from its first pending
write. Lag = from the write to its bytes on the target. After the writes
stop, the whole copy is compared with the source. No anchor tool: rsync has
no continuous mode; the target is the issue's p99 ≤ 1 s.
Results: bench/results/busy_lag.json (p50/p99/max lag, wire bytes, CPU).
Run: ``python -m bench.busy_lag [--size 512] [--seconds 60] [--rate 20]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import mirror
from bench.delta import MIB, cpu, same, tcp_bytes
from core.model.rules import Rule

BLOCK, PROBE = 64 * 1024, 64


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=512, help="file size in MiB")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--rate", type=float, default=20.0, help="MB/s rewritten")
    ap.add_argument("--net", default="127.0.73")
    ap.add_argument("--out", type=Path, default=mirror.RESULTS / "busy_lag.json")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="appmgr-bench-busy-"))
    procs: list[subprocess.Popen[str]] = []
    try:
        return measure(args, work, procs)
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
            p.wait(10)
        shutil.rmtree(work, ignore_errors=True)


def measure(args: argparse.Namespace, work: Path, procs: list[subprocess.Popen[str]]) -> int:
    src_ip, tgt_ip = f"{args.net}.1", f"{args.net}.2"
    size = args.size * MIB
    big = work / "src" / "Bench" / "busy.bin"
    big.parent.mkdir(parents=True)
    rnd = random.Random(20261207)
    with open(big, "wb") as fh:
        for _ in range(size // (8 * MIB)):
            fh.write(rnd.randbytes(8 * MIB))
    procs.append(mirror.engine(src_ip, work / "src-state", work / "src"))
    procs.append(mirror.engine(tgt_ip, work / "tgt-state", work / "tgt"))
    s, t = mirror.client(src_ip), mirror.client(tgt_ip)
    s.create_set("busy", [Rule("E:\\Bench")])
    t.accept("busy", "tok")
    t.close()
    s.connect("busy", tgt_ip, mirror.PORT, "tok", mirror_type="full", replicate=True)
    copy = work / "tgt" / "Bench" / "busy.bin"
    while not (s.stats("busy").mirror_status == "complete" and s.stats("busy").queued_ops == 0
               and copy.exists() and copy.stat().st_size == size):
        time.sleep(0.05)
    pending: dict[int, tuple[float, bytes]] = {}  # block -> (first pending write, probe)
    lags: list[float] = []
    lock, done = threading.Lock(), threading.Event()

    def check() -> None:
        with open(copy, "rb") as fh:
            while not (done.is_set() and not pending):
                with lock:
                    items = list(pending.items())
                now = time.perf_counter()
                for blk, (t0, probe) in items:
                    if os.pread(fh.fileno(), PROBE, blk * BLOCK) == probe:
                        with lock:
                            if pending.get(blk, (0, b""))[1] == probe:
                                del pending[blk]
                                lags.append(now - t0)
                time.sleep(0.02)

    checker = threading.Thread(target=check, daemon=True)
    checker.start()
    pids, chan = [p.pid for p in procs], f"{tgt_ip}:{mirror.PORT}"
    cpu0, wire0 = sum(cpu(p) for p in pids), tcp_bytes(chan)
    writes, interval = 0, BLOCK / (args.rate * 1e6)
    start = time.perf_counter()
    with open(big, "r+b", buffering=0) as raw:
        while (now := time.perf_counter()) - start < args.seconds:
            blk = rnd.randrange(size // BLOCK)
            data = rnd.randbytes(BLOCK)
            os.pwrite(raw.fileno(), data, blk * BLOCK)
            with lock:
                pending[blk] = (pending.get(blk, (now, b""))[0], data[:PROBE])
            writes += 1
            time.sleep(max(0.0, start + writes * interval - time.perf_counter()))
        done.set()
        checker.join(60)
    if checker.is_alive() or pending:
        raise RuntimeError(f"{len(pending)} writes never reached the target")
    while not same(big, copy):  # the last send (settle) may still be on its way
        time.sleep(0.2)
    wire, used = tcp_bytes(chan), sum(cpu(p) for p in pids) - cpu0
    s.close()
    lags.sort()
    doc = {"benchmark": "replication lag of a file rewritten continuously, kept open",
           "file_mib": args.size, "seconds": args.seconds, "rate_mb_s": args.rate,
           "writes": writes, "written_bytes": writes * BLOCK, "lag_samples": len(lags),
           "lag_s": {"p50": statistics.median(lags), "p99": lags[int(0.99 * (len(lags) - 1))],
                     "max": lags[-1]},
           "wire_sent": wire[0] - wire0[0], "engines_cpu_s": used,
           "target": "p99 <= 1 s", "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2) + "\n")
    lag = doc["lag_s"]
    assert isinstance(lag, dict)
    print(f"lag p50 {lag['p50']:.2f} s, p99 {lag['p99']:.2f} s, max {lag['max']:.2f} s; "
          f"{doc['wire_sent'] / 1e6:.0f} MB sent for {writes * BLOCK / 1e6:.0f} MB written; "
          f"engines' CPU {used:.1f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
