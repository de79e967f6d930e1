"""Compression codecs on this machine: MB/s and ratio of zlib, zstandard and lz4 (issue 9).

The data channel compresses each 1 MiB chunk on its own (core.engine.channel), so
every codec here compresses 1 MiB chunks, one frame each, and is timed on:

- ``text``: log/CSV-like lines (timestamps, levels, words, numbers), like a share's
  logs and exports;
- ``pages``: 8 KiB database-like pages (a header, rows of names and numbers, free
  space at the end), like an .mdf;
- ``random``: incompressible bytes (media, archives, encrypted files): what a codec
  costs when it cannot win (the channel then sends the chunk raw).

Codecs: zlib at the guide's levels 1, 6, 9 (the anchor: what appmgr did until now),
zstandard at 1, 3, 6, 9 and lz4 frame at its fast level 0 and HC level 9.
One thread (``threads=1``) and one compressing job per core in a thread pool
(``threads=N``: every codec releases the GIL while it compresses). Rounds alternate
the codec order (reversed every other round); min/median/max of the compress rate
over the rounds, the decompress rate (one thread) and the ratio (input/output) are
reported, with the load average at the start and the end. MB = 10^6 bytes.

Run: ``python -m bench.compression [--mib 32] [--runs 3]``;
results in bench/results/compression.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import lz4.frame
import zstandard

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
CHUNK, PAGE, SEED = 1 << 20, 8192, 20261207
WORDS = ("replica", "server", "backup", "invoice", "customer", "order", "mailbox", "store",
         "sql", "error", "warning", "session", "commit", "transaction", "user", "login",
         "timeout", "volume", "share", "report", "Exchange", "SharePoint", "index", "page")

Codec = tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]


def text_data(n: int, rnd: random.Random) -> bytes:
    out, size, t = [], 0, 1_700_000_000
    while size < n:
        t += rnd.randint(0, 3)
        line = (f"2026-12-07T{t % 86400 // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}Z "
                f"{rnd.choice(('INFO', 'INFO', 'INFO', 'WARN', 'ERROR'))} "
                f"pid={rnd.randint(100, 9999)} {' '.join(rnd.choices(WORDS, k=rnd.randint(3, 9)))} "
                f"id={rnd.getrandbits(32):08x} n={rnd.randint(0, 10 ** 6)}\n").encode()
        out.append(line)
        size += len(line)
    return b"".join(out)[:n]


def page_data(n: int, rnd: random.Random) -> bytes:
    pages = []
    for number in range(n // PAGE):
        head = bytes([1, 1, 0, 0]) + number.to_bytes(4, "little") + rnd.randbytes(8)
        body, fill = bytearray(head.ljust(96, b"\0")), rnd.randint(PAGE // 3, PAGE - 200)
        while len(body) < fill:
            row = (rnd.getrandbits(32).to_bytes(4, "little")
                   + rnd.choice(WORDS).encode().ljust(24, b" ")
                   + rnd.randint(0, 10 ** 6).to_bytes(8, "little")
                   + (b"%04d-%02d-%02d" % (rnd.randint(2000, 2026), rnd.randint(1, 12),
                                           rnd.randint(1, 28))))
            body += row
        pages.append(bytes(body[:PAGE]).ljust(PAGE, b"\0"))
    return b"".join(pages)


def codecs() -> dict[str, Codec]:
    def zl(level: int) -> Codec:
        return (lambda b: zlib.compress(b, level)), zlib.decompress

    def zs(level: int) -> Codec:
        # one compressor per call: the engine compresses in several threads at once
        return ((lambda b: zstandard.ZstdCompressor(level=level).compress(b)),
                lambda b: zstandard.ZstdDecompressor().decompress(b))

    def l4(level: int) -> Codec:
        return (lambda b: lz4.frame.compress(b, compression_level=level)), lz4.frame.decompress

    return {"zlib-1": zl(1), "zlib-6": zl(6), "zlib-9": zl(9),
            "zstd-1": zs(1), "zstd-3": zs(3), "zstd-6": zs(6), "zstd-9": zs(9),
            "lz4-0": l4(0), "lz4-9": l4(9)}


def chunks(data: bytes) -> list[bytes]:
    return [data[i:i + CHUNK] for i in range(0, len(data), CHUNK)]


def compress_rate(fn: Callable[[bytes], bytes], parts: list[bytes], threads: int) -> float:
    """MB/s of input compressed, wall clock."""
    start = time.perf_counter()
    if threads == 1:
        for p in parts:
            fn(p)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(fn, parts))
    return sum(map(len, parts)) / (time.perf_counter() - start) / 1e6


def measure(mib: int, runs: int, threads: int) -> dict[str, object]:
    rnd = random.Random(SEED)
    sets = {"text": text_data(mib << 20, rnd), "pages": page_data(mib << 20, rnd),
            "random": rnd.randbytes(mib << 20)}
    table = codecs()
    names = list(table)
    out: dict[str, object] = {}
    for kind, data in sets.items():
        parts = chunks(data)
        rates: dict[tuple[str, int], list[float]] = {}
        for r in range(runs):
            for name in names if r % 2 == 0 else names[::-1]:
                for t in (1, threads):
                    rates.setdefault((name, t), []).append(compress_rate(table[name][0], parts, t))
        rows: dict[str, dict[str, Any]] = {}
        for name in names:
            comp, decomp = table[name]
            packed = [comp(p) for p in parts]
            start = time.perf_counter()
            if b"".join(decomp(p) for p in packed) != data:
                raise SystemExit(f"{name} did not round-trip the {kind} set")
            unpack = len(data) / (time.perf_counter() - start) / 1e6
            rows[name] = {"ratio": round(len(data) / sum(map(len, packed)), 3),
                          "decompress_mb_s": round(unpack, 1),
                          **{f"compress_mb_s_{t}t": _spread(rates[(name, t)])
                             for t in (1, threads)}}
            print(f"{kind:6} {name:7} ratio {rows[name]['ratio']:6.2f}  "
                  f"1t {rows[name]['compress_mb_s_1t']['median']:8.1f} MB/s  "
                  f"{threads}t {rows[name][f'compress_mb_s_{threads}t']['median']:8.1f} MB/s  "
                  f"inflate {unpack:8.1f} MB/s", flush=True)
        out[kind] = rows
    return out


def _spread(values: list[float]) -> dict[str, float]:
    return {"min": round(min(values), 1), "median": round(statistics.median(values), 1),
            "max": round(max(values), 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--mib", type=int, default=32, help="MiB per data set")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--out", type=Path, default=RESULTS / "compression.json")
    args = ap.parse_args(argv)
    load_before = os.getloadavg()
    results = measure(args.mib, args.runs, max(2, args.threads))
    doc = {"bench": "compression", "mib_per_set": args.mib, "runs": args.runs,
           "threads": max(2, args.threads), "chunk": CHUNK, "cores": os.cpu_count(),
           "python": sys.version.split()[0], "zstandard": zstandard.__version__,
           "lz4": lz4.library_version_string(), "zlib": zlib.ZLIB_RUNTIME_VERSION,
           "load_before": load_before, "load_after": os.getloadavg(), "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
