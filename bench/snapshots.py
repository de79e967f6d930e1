"""What a target snapshot costs: time and space for a 1,000-file / 200 MB set.

Runs the engine's own code (core.engine.snapshots, snap_rollback, fsops.own)
on a directory of this machine: take a snapshot (reflink where the file
system has FICLONE, else a hard-link farm), measure the extra disk space it
uses (``du`` of the snapshot tree, counting shared blocks once: hard links
and reflinks add only directory entries and inodes), then the copy on write
the receiver pays the first time it patches a shared file in place, and a
rollback after 10 % of the files changed. Compared with ``cp -a`` of the same
tree (a full copy) as the anchor. Each step runs ``--runs`` times; medians.
Results: bench/results/snapshots.json.
Run: ``python -m bench.snapshots [--dir DIR] [--runs 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.engine import fsops
from core.engine.durability import Durability
from core.engine.rules import RuleMatcher
from core.engine.snap_rollback import Rollback, rollback
from core.engine.snapshots import SnapshotStore
from core.engine.volumes import VolumeMap
from core.model.rules import Rule
from core.model.snapshot import SnapshotInfo

FILES, TOTAL = 1000, 200 << 20
SET = "bench"


def populate(root: Path) -> None:
    size = TOTAL // FILES
    for i in range(FILES):
        d = root / f"d{i % 20:02d}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"f{i:04d}.bin").write_bytes(os.urandom(size))


def du_kb(path: Path) -> int:
    """Disk use in KiB, each inode counted once (as ``du -sk``)."""
    out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[0])


def timed(fn: Callable[[], object]) -> float:
    subprocess.run(["sync"], check=True)
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _own_all(paths: list[Path], dur: Durability) -> None:
    for p in paths:
        fsops.own(str(p), dur)


def one_run(base: Path) -> dict[str, Any]:  # a JSON document: figures and names
    vol = base / "E"
    data = vol / "Shares" / "Data"
    populate(data)
    volumes = VolumeMap({"E": vol})
    matcher = RuleMatcher([Rule("E:\\Shares\\Data")])
    store = SnapshotStore(base / "snapshots", volumes)
    live_kb = du_kb(vol)
    info: dict[str, SnapshotInfo] = {}
    took = timed(lambda: info.setdefault("snap", store.take(SET, matcher, time.time(), "bench")))
    snap = info["snap"]
    snap_kb = du_kb(base / "snapshots")  # alone: its directories (and inodes, if copied)
    both_kb = du_kb(base)  # live + snapshot, shared blocks once
    copy_s = timed(lambda: subprocess.run(["cp", "-a", str(data), str(base / "copy")],
                                          check=True))
    shutil.rmtree(base / "copy")
    # the receiver's first in-place patch of a shared file: a private copy first
    victims = sorted(data.rglob("*.bin"))[:: 10]  # 10 % of the files
    dur = Durability()
    cow_s = timed(lambda: _own_all(victims, dur))
    for p in victims:
        with open(p, "r+b") as fh:
            fh.write(b"changed after the snapshot")
    files = store.files(SET, snap.id, matcher)
    rb: dict[str, Rollback] = {}
    rb_s = timed(lambda: rb.setdefault("r", rollback(files, matcher, volumes)))
    return {"take_s": took, "method": snap.method, "files": snap.files, "bytes": snap.size,
            "live_kib": live_kb, "snapshot_alone_kib": snap_kb,
            "extra_kib": both_kb - live_kb, "full_copy_s": copy_s,
            "cow_100_files_s": cow_s, "rollback_s": rb_s, "rolled_back": rb["r"].to_dict()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default=None, help="where to work (default: a temp dir)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    runs = []
    for _ in range(args.runs):
        base = Path(tempfile.mkdtemp(prefix="appmgr-bench-snap-", dir=args.dir))
        try:
            runs.append(one_run(base))
        finally:
            shutil.rmtree(base, ignore_errors=True)
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]
           if isinstance(runs[0][k], int | float)}
    fs = subprocess.run(["df", "-T", args.dir or tempfile.gettempdir()], capture_output=True,
                        text=True).stdout.splitlines()[-1].split()[1]
    doc = {"set": {"files": FILES, "bytes": TOTAL}, "filesystem": fs,
           "method": runs[0]["method"], "median": med, "runs": runs}
    out = Path(__file__).parent / "results" / "snapshots.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(doc, indent=2) + "\n")
    print(json.dumps(doc["median"], indent=2))


if __name__ == "__main__":
    main()
