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

Put ``--data`` on a journaled file system. This VM's own ext4 has no journal,
and without one ext4 skips inodes freed in the last minutes when it creates a
file: after a mass delete (this bench removes 200,000 files) creating a file
costs 5–10× more for some minutes, for both tools, and single rounds swing
0.3–1.3×. A fresh image (``truncate -s 8G x.img; mkfs.ext4 -N 2000000 x.img;
mount -o loop x.img /mnt/x``) gives rounds within 10 % of each other.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import mirror
from bench.durability import mirror_machine
from bench.mirror import spread

SEED, FILES, SIZE, DIRS = 20261207, 20_000, 4096, 100


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


def main(argv: list[str] | None = None) -> int:
    args = mirror.mirror_args(__doc__ or "", 5, "127.0.100", "small_files.json", argv)
    if args is None:
        return 2
    with mirror.addresses(args.net):
        return measure(args)

def measure(args: argparse.Namespace) -> int:
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
            s, copy = mirror.run_engine(src_c, work, n, src_pid=src_engine.pid,
                                        cpu=res["engine"]["cpu"])
            if not mirror.same_tree(src, copy):
                raise RuntimeError(f"engine copy {n} differs from the source")
            res["engine"]["s"].append(s)

        def rsync(n: int) -> None:
            s = mirror.run_rsync(src, root, n, daemon_pid=daemon.pid, cpu=res["rsync"]["cpu"])
            if not mirror.same_tree(src, root / f"run{n}"):
                raise RuntimeError(f"rsync copy {n} differs from the source")
            res["rsync"]["s"].append(s)

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
