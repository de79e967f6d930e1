"""Full mirror of a compressible set through two real engines, per compression method.

Data set (cached under ``--data``): 256 MiB in eight 32 MiB files, four of log-like
text and four of database-like 8 KiB pages (bench.compression's generators), each
1 MiB of a file a distinct piece (every chunk is compressed on its own, so the ratio
is the per-chunk one the channel sees).

For each setting (off, zlib 1, zlib 6, zstd 1, zstd 6: the guide's levels), two
``python -m core.engine`` processes on NET.1 and NET.2 (bench.mirror's helpers) run
a Full mirror into an empty target; time from ``connect`` to ``complete``, the
bytes on the wire, and both engines' CPU seconds. Every copy is compared byte for
byte with the source. Rounds alternate the order of the settings (reversed every
other round); min/median/max over ``--runs``, with the load average. No rsync here:
the anchor is zlib, what appmgr sent until now, in the same run.
Run: ``python -m bench.compressed_mirror [--runs 3] [--net 127.0.125]``;
results in bench/results/compressed_mirror.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import mirror as bm
from bench.compression import page_data, text_data

MIB, FILE_MIB, POOL_MIB, SEED = 1 << 20, 32, 16, 20261208
SETTINGS = [("off", "zlib", 0), ("zlib-1", "zlib", 1), ("zlib-6", "zlib", 6),
            ("zstd-1", "zstd", 1), ("zstd-6", "zstd", 6)]


def make_dataset(data: Path) -> tuple[Path, int]:
    """The cached set: (directory holding Bench, total bytes)."""
    src = data / "source" / "E" / "Bench"
    stamp = data / "source" / "dataset.json"
    if stamp.exists():
        return src, int(json.loads(stamp.read_text())["bytes"])
    shutil.rmtree(data / "source", ignore_errors=True)
    src.mkdir(parents=True)
    rnd = random.Random(SEED)
    pools = {"log": text_data(POOL_MIB * MIB, rnd), "mdf": page_data(POOL_MIB * MIB, rnd)}
    total = 0
    for kind, pool in pools.items():
        pieces = [pool[i:i + MIB] for i in range(0, len(pool), MIB)]
        for n in range(4):
            with open(src / f"{kind}{n}.{kind}", "wb") as fh:
                for i in range(FILE_MIB):
                    piece = bytearray(rnd.choice(pieces))
                    piece[:16] = f"{kind}{n}:{i:08d}:".encode()[:16].ljust(16)  # distinct
                    fh.write(piece)
            total += FILE_MIB * MIB
    stamp.write_text(json.dumps({"bytes": total, "seed": SEED}))
    return src, total


def main(argv: list[str] | None = None) -> int:
    args = bm.mirror_args(__doc__ or "", 3, "127.0.125", "compressed_mirror.json", argv)
    if args is None:
        return 2
    with bm.addresses(args.net):
        return measure(args)


def measure(args: argparse.Namespace) -> int:
    data = args.data or Path(tempfile.gettempdir()) / "appmgr-bench-zmirror"
    src, nbytes = make_dataset(data)
    work = Path(tempfile.mkdtemp(prefix="appmgr-bench-", dir=data))
    load_before = os.getloadavg()
    times: dict[str, list[float]] = {k: [] for k, _, _ in SETTINGS}
    cpus: dict[str, list[float]] = {k: [] for k, _, _ in SETTINGS}
    wire: dict[str, int] = {}
    proc = bm.engine(bm.SRC_IP, work / "src-state", src.parent)
    try:
        src_c = bm.client(bm.SRC_IP)
        for r in range(args.runs):
            for key, codec, level in SETTINGS if r % 2 == 0 else SETTINGS[::-1]:
                used: list[float] = []
                sent_on_wire: list[int] = []
                seconds, copy = bm.run_engine(
                    src_c, work, f"{key}-{r}", src_pid=proc.pid, cpu=used,
                    options={"compression": level, "codec": codec}, wire=sent_on_wire)
                cpu, sent = used[0], sent_on_wire[0]
                if not bm.same_tree(src, copy):
                    raise RuntimeError(f"the {key} copy of round {r} differs from the source")
                shutil.rmtree(copy.parent.parent, ignore_errors=True)
                times[key].append(seconds)
                cpus[key].append(cpu)
                wire[key] = sent
                print(f"round {r + 1} {key:7} {seconds:6.2f} s  {nbytes / seconds / 1e6:6.1f} MB/s"
                      f"  CPU {cpu:6.2f} s  wire {sent / 1e6:7.1f} MB", flush=True)
        src_c.close()
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    results = {key: {**bm.spread(times[key]), "cpu": bm.spread(cpus[key]),
                     "mb_per_s_median": round(nbytes / statistics.median(times[key]) / 1e6, 1),
                     "wire_bytes": wire[key], "ratio": round(nbytes / wire[key], 3)}
               for key in times}
    doc = {"bench": "compressed_mirror", "bytes": nbytes, "runs": args.runs,
           "cores": os.cpu_count(), "load_before": load_before, "load_after": os.getloadavg(),
           "results": results, "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=2) + "\n")
    for key, res in results.items():
        print(f"{key:7} median {res['mb_per_s_median']:6.1f} MB/s  ratio {res['ratio']:5.2f}")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
