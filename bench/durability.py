"""What durable acks cost: the full mirror of bench/mirror.py's 1 GB set with the
target's fsyncs on (the engine as shipped) and off (a bench-only switch).

Four variants run in rounds, each round in a rotated order so none always
runs first or right after another: the engine as shipped (data fsynced before
each rename, directories in group commits); the same engine with fsync
skipped (``APPMGR_BENCH_UNSAFE_NO_FSYNC=1`` in the target engine's
environment: what the engine cost before this change, never a setting);
``rsync --fsync`` (the anchor that also syncs every file) and plain rsync.
Every run writes into a new empty directory after ``sync`` (dirty pages of
the run before are on disk before the clock starts) and every copy is
compared byte for byte with the source, then removed (see bench/mirror.py:
kept copies made every later run slower on this VM). min/median/max per variant; the
ratios are of medians. Engines on ``--net`` .1 and .2, rsync on .3.
Results: bench/results/durability.json.
Run: ``python -m bench.durability [--data DIR] [--runs N] [--net 127.0.71]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import mirror
from bench.mirror import spread
from core.engine.durability import NO_FSYNC_ENV

VARIANTS = ("engine", "engine_no_fsync", "rsync_fsync", "rsync")


def main(argv: list[str] | None = None) -> int:
    args = mirror.mirror_args(__doc__ or "", 5, "127.0.71", "durability.json", argv)
    if args is None:
        return 2
    with mirror.addresses(args.net):
        return measure(args)

def measure(args: argparse.Namespace) -> int:
    data = args.data or Path(tempfile.gettempdir()) / "appmgr-bench-mirror"
    src, nfiles, nbytes = mirror.make_dataset(data)
    work = Path(tempfile.mkdtemp(prefix="appmgr-bench-durable-", dir=data))
    rsync_root = work / "rsync"
    rsync_root.mkdir()
    conf = work / "rsyncd.conf"
    conf.write_text(f"pid file = {work}/rsyncd.pid\nuse chroot = no\n[mod]\npath = {rsync_root}\n"
                    "read only = no\nuid = root\ngid = root\n")
    procs: list[subprocess.Popen[str] | subprocess.Popen[bytes]] = [
        mirror.engine(mirror.SRC_IP, work / "src-state", src.parent),
        subprocess.Popen(["rsync", "--daemon", "--no-detach", "--config", str(conf),
                          "--address", mirror.RSYNC_IP, "--port", str(mirror.RSYNC_PORT)]),
    ]
    times: dict[str, list[float]] = {v: [] for v in VARIANTS}
    try:
        mirror.wait_port(mirror.RSYNC_IP, mirror.RSYNC_PORT)
        src_c = mirror.client(mirror.SRC_IP)

        def engine_run(tag: str, env: dict[str, str] | None) -> Callable[[int], float]:
            def run(n: int) -> float:
                seconds, copy = mirror.run_engine(src_c, work, f"{tag}{n}", env)
                mirror.verify_and_drop(src, copy, f"{tag} copy {n}")
                return seconds
            return run

        def rsync_run(tag: str, extra: tuple[str, ...]) -> Callable[[int], float]:
            def run(n: int) -> float:
                seconds = mirror.run_rsync(src, rsync_root, f"{tag}{n}", extra)
                mirror.verify_and_drop(src, rsync_root / f"run{tag}{n}", f"{tag} copy {n}")
                return seconds
            return run

        runners = {"engine": engine_run("durable", None),
                   "engine_no_fsync": engine_run("nofsync", {NO_FSYNC_ENV: "1"}),
                   "rsync_fsync": rsync_run("rsyncfsync", ("--fsync",)),
                   "rsync": rsync_run("rsync", ())}
        for n in range(args.runs):
            order = VARIANTS[n % 4:] + VARIANTS[:n % 4]
            for v in order:
                times[v].append(runners[v](n))
            print(f"round {n + 1}: " + ", ".join(f"{v} {times[v][-1]:.2f} s" for v in order),
                  flush=True)
        src_c.close()
    finally:
        for p in procs:
            p.terminate()
            p.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    med = {v: statistics.median(times[v]) for v in VARIANTS}
    mbs = {v: nbytes / med[v] / 1e6 for v in VARIANTS}
    result = {
        "benchmark": "full mirror of the 1 GB set of bench/mirror.py: fsync on vs off",
        "dataset": {"files": nfiles, "bytes": nbytes, "seed": mirror.SEED},
        "runs": args.runs,
        **{v: {**spread(times[v]), "mb_per_s": mbs[v]} for v in VARIANTS},
        "commands": {"rsync": "rsync -a --whole-file src/ rsync://HOST:8730/mod/",
                     "rsync_fsync": "rsync -a --whole-file --fsync src/ rsync://HOST:8730/mod/",
                     "engine_no_fsync": f"target engine with {NO_FSYNC_ENV}=1 (bench only)"},
        "cost_of_durability": med["engine"] / med["engine_no_fsync"],
        "ratio_engine_to_rsync_fsync": mbs["engine"] / mbs["rsync_fsync"],
        "ratio_engine_to_rsync": mbs["engine"] / mbs["rsync"],
        "machine": mirror_machine(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(", ".join(f"{v} {mbs[v]:.0f} MB/s" for v in VARIANTS)
          + f"; durable/no-fsync time {result['cost_of_durability']:.2f}x -> {args.out}")
    return 0


def mirror_machine() -> dict[str, object]:
    import platform

    return {"cpu_count": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(),
            "rsync": subprocess.run(["rsync", "--version"], capture_output=True,
                                    text=True).stdout.splitlines()[0]}


if __name__ == "__main__":
    sys.exit(main())
