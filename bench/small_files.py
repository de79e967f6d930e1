"""Full mirror of 20,000 files of 4 KiB: the engine against an rsync daemon (issue 9).

What a set of many small files costs per file: the data set is 20,000 files of
4 KiB (random bytes, fixed seed) in 100 directories, cached under ``--data``.

(a) engine: two ``python -m core.engine`` processes (TLS, as shipped: acks on
    disk) on ``--net`` .1 and .2; time from ``connect(mirror_type="full",
    replicate=False)`` to ``mirror_status == "complete"``, into a new empty
    target volume each run. CPU: both engines' user+system time during the run
    (/proc/<pid>/stat).
(b) rsync: ``rsync -a --whole-file src/ rsync://NET.3:8730/mod/runN/`` into a new
    empty directory of the daemon's module. CPU: the client's plus the daemon's
    child that served the run (the daemon's reaped-children time).

Runs alternate, the first tool flipping each round (engine first in even
rounds, rsync first in odd ones), after ``sync``; every copy of both tools is
compared byte for byte with the source. min/median/max per tool; the ratio
is of the medians (throughput engine / rsync, i.e. rsync time / engine time).
Results: bench/results/small_files.json.
Run: ``python -m bench.small_files [--data DIR] [--runs N] [--net 127.0.100]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import mirror
from bench.durability import mirror_machine, spread
from core.engine.client import EngineClient
from core.model.rules import Rule

SEED, FILES, SIZE, DIRS = 20261207, 20_000, 4096, 100
TICK = os.sysconf("SC_CLK_TCK")


def make_dataset(data: Path) -> Path:
    src = data / "source" / "E" / "Bench"
    stamp = data / "source" / "dataset.json"
    if stamp.exists():
        return src
    shutil.rmtree(data / "source", ignore_errors=True)
    rnd = random.Random(SEED)
    for i in range(FILES):
        d = src / f"d{i % DIRS:03d}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"f{i:05d}.bin").write_bytes(rnd.randbytes(SIZE))
    stamp.write_text(json.dumps({"files": FILES, "size": SIZE, "seed": SEED}))
    return src


def cpu_of(pid: int, children: bool = False) -> float:
    """User + system seconds of ``pid`` (with ``children``: of its reaped children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    at = 13 if children else 11  # cutime/cstime, or utime/stime (fields 16-17, 14-15)
    return (int(fields[at]) + int(fields[at + 1])) / TICK


def run_engine(src_pid: int, src_c: EngineClient, work: Path, n: int) -> tuple[float, float, Path]:
    """One timed Full mirror into a new target engine: (seconds, CPU seconds, copy)."""
    target_e = work / f"engine-run{n}" / "E"
    mirror.fresh(target_e)
    tgt = mirror.engine(mirror.TGT_IP, work / f"engine-run{n}" / "state", target_e)
    try:
        tgt_c = mirror.client(mirror.TGT_IP)
        name, token = f"small{n}", f"token-{n}"
        src_c.create_set(name, [Rule("E:\\Bench")])
        tgt_c.accept(name, token)
        tgt_c.close()
        cpu0 = cpu_of(src_pid) + cpu_of(tgt.pid)
        t0 = time.perf_counter()
        src_c.connect(name, mirror.TGT_IP, mirror.PORT, token,
                      mirror_type="full", replicate=False)
        while (st := src_c.stats(name)).mirror_status not in (
                "complete", "error"):
            time.sleep(0.01)
        elapsed = time.perf_counter() - t0
        cpu = cpu_of(src_pid) + cpu_of(tgt.pid) - cpu0
    finally:
        tgt.terminate()
        tgt.wait(30)
    if st.mirror_status != "complete":
        raise RuntimeError(f"engine mirror failed: {st.last_error}")
    src_c.disconnect(name)
    src_c.delete_set(name)
    return elapsed, cpu, target_e / "Bench"


def run_rsync(src: Path, root: Path, daemon_pid: int, n: int) -> tuple[float, float, Path]:
    dest = root / f"run{n}"
    mirror.fresh(dest)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    d0 = cpu_of(daemon_pid, children=True)
    t0 = time.perf_counter()
    subprocess.run(["rsync", "-a", "--whole-file", f"{src}/",
                    f"rsync://{mirror.RSYNC_IP}:{mirror.RSYNC_PORT}/mod/run{n}/"], check=True)
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # the daemon reaps the child that served the run soon after the client exits
    deadline = time.monotonic() + 5
    while (d1 := cpu_of(daemon_pid, children=True)) == d0 and time.monotonic() < deadline:
        time.sleep(0.02)
    client_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return elapsed, client_cpu + d1 - d0, dest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, help="cache directory for the data set")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--net", default="127.0.100", help="loopback /24 for the engines and rsync")
    ap.add_argument("--out", type=Path, default=mirror.RESULTS / "small_files.json")
    args = ap.parse_args(argv)
    if shutil.which("rsync") is None:
        print("rsync is not installed (apt-get install rsync)", file=sys.stderr)
        return 2
    mirror.SRC_IP, mirror.TGT_IP, mirror.RSYNC_IP = (f"{args.net}.{i}" for i in (1, 2, 3))
    data = args.data or Path(tempfile.gettempdir()) / "appmgr-bench-small"
    src = make_dataset(data)
    work = Path(tempfile.mkdtemp(prefix="appmgr-bench-small-", dir=data))
    root = work / "rsync"
    root.mkdir()
    conf = work / "rsyncd.conf"
    conf.write_text(f"pid file = {work}/rsyncd.pid\nuse chroot = no\n[mod]\npath = {root}\n"
                    "read only = no\nuid = root\ngid = root\n")
    src_engine = mirror.engine(mirror.SRC_IP, work / "src-state", src.parent)
    daemon = subprocess.Popen(["rsync", "--daemon", "--no-detach", "--config", str(conf),
                               "--address", mirror.RSYNC_IP, "--port", str(mirror.RSYNC_PORT)])
    res: dict[str, dict[str, list[float]]] = {t: {"s": [], "cpu": []} for t in ("engine", "rsync")}
    try:
        mirror.wait_port(mirror.RSYNC_IP, mirror.RSYNC_PORT)
        src_c = mirror.client(mirror.SRC_IP)

        def engine(n: int) -> None:
            s, cpu, copy = run_engine(src_engine.pid, src_c, work, n)
            if not mirror.same_tree(src, copy):
                raise RuntimeError(f"engine copy {n} differs from the source")
            res["engine"]["s"].append(s)
            res["engine"]["cpu"].append(cpu)

        def rsync(n: int) -> None:
            s, cpu, copy = run_rsync(src, root, daemon.pid, n)
            if not mirror.same_tree(src, copy):
                raise RuntimeError(f"rsync copy {n} differs from the source")
            res["rsync"]["s"].append(s)
            res["rsync"]["cpu"].append(cpu)

        for n in range(args.runs):
            for tool in ((engine, rsync) if n % 2 == 0 else (rsync, engine)):
                tool(n)
            print(f"round {n + 1}: engine {res['engine']['s'][-1]:.2f} s "
                  f"(CPU {res['engine']['cpu'][-1]:.2f} s), rsync {res['rsync']['s'][-1]:.2f} s "
                  f"(CPU {res['rsync']['cpu'][-1]:.2f} s)", flush=True)
        src_c.close()
    finally:
        for p in (src_engine, daemon):
            p.terminate()
            p.wait(30)
        shutil.rmtree(work, ignore_errors=True)
    med = {t: statistics.median(res[t]["s"]) for t in res}
    result = {
        "benchmark": "full mirror of 20,000 x 4 KiB files, engine vs rsync daemon on loopback",
        "dataset": {"files": FILES, "bytes_each": SIZE, "directories": DIRS, "seed": SEED},
        "runs": args.runs,
        **{t: {**spread(res[t]["s"]), "files_per_s": FILES / med[t],
               "cpu": spread(res[t]["cpu"])} for t in res},
        "command": "rsync -a --whole-file src/ rsync://HOST:8730/mod/runN/",
        "ratio_engine_to_rsync": med["rsync"] / med["engine"],
        "target_ratio": 0.8,
        "machine": mirror_machine(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"engine {FILES / med['engine']:.0f} files/s, rsync {FILES / med['rsync']:.0f} files/s,"
          f" ratio {result['ratio_engine_to_rsync']:.2f} (target >= 0.8) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
