"""Block-delta replication of in-place rewrites against rsync (issue 9.5 and 9.9).

One file of ``--size`` MiB (default 512, random bytes, fixed seed) is
replicated by two engine processes (``--net`` .1 → .2) and kept in step by
rsync through its daemon (.3): ``rsync -a --inplace --no-whole-file --stats``,
rsync's own delta algorithm, the anchor. Each round rewrites in place 81
random aligned regions of the file (``blocks``: 64 KiB each; ``pages``: 8
KiB each, a database's pages), in one open/close, then both tools bring
their copy up to date; the order alternates: in odd rounds the source
engine is paused (SIGSTOP) while rsync runs first, and the engine's time is
counted from its SIGCONT.

Measured per tool and round: seconds from the change (or the resume, or
rsync's start) to a byte-identical copy of the changed regions; bytes on
the wire from the source to the target (engine: the data channel's TCP
bytes_sent from ``ss``, TLS and frame headers included; rsync: "Total bytes
sent" of ``--stats``) and back; CPU seconds of the processes involved (both
engines; rsync's client and the daemon's reaped child).
Every copy is then compared whole with the source (not timed).
min/median/max per metric. Results: bench/results/delta.json.
Run: ``python -m bench.delta [--size 512] [--runs 5] [--kind blocks|pages|both]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import mirror
from core.model.rules import Rule

MIB, SEED, REGIONS = 1 << 20, 20261207, 81
KINDS = {"blocks": 64 * 1024, "pages": 8 * 1024}


def cpu(pid: int) -> float:
    """CPU seconds of a process and its reaped children."""
    f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in f[11:15]) / os.sysconf("SC_CLK_TCK")


def tcp_bytes(dst: str) -> tuple[int, int]:
    """(bytes_sent, bytes_received) of the TCP connections to ``dst`` (ip:port)."""
    out = subprocess.run(["ss", "-tinH", "dst", dst], capture_output=True, text=True).stdout
    sent = sum(int(x) for x in re.findall(r"bytes_sent:(\d+)", out))
    recv = sum(int(x) for x in re.findall(r"bytes_received:(\d+)", out))
    return sent, recv


def rewrite(path: Path, region: int, rnd: random.Random) -> list[tuple[int, bytes]]:
    slots = rnd.sample(range(path.stat().st_size // region), REGIONS)
    out = [(s * region, rnd.randbytes(region)) for s in sorted(slots)]
    with open(path, "r+b") as fh:
        for off, data in out:
            fh.seek(off)
            fh.write(data)
    return out


def holds(copy: Path, changes: list[tuple[int, bytes]], size: int) -> bool:
    try:
        with open(copy, "rb") as fh:
            if os.fstat(fh.fileno()).st_size != size:
                return False
            for off, data in changes:
                fh.seek(off)
                if fh.read(len(data)) != data:
                    return False
    except FileNotFoundError:
        return False
    return True


def same(a: Path, b: Path) -> bool:
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(8 * MIB), fb.read(8 * MIB)
            if x != y:
                return False
            if not x:
                return True


def rsync(src: Path, ip: str, daemon: int) -> dict[str, float]:
    before, kids, t0 = cpu(daemon), os.times(), time.perf_counter()
    out = subprocess.run(["rsync", "-a", "--inplace", "--no-whole-file", "--stats", str(src),
                          f"rsync://{ip}:{mirror.RSYNC_PORT}/mod/big.bin"],
                         capture_output=True, text=True, check=True)
    took = time.perf_counter() - t0
    time.sleep(0.2)  # the daemon reaps its child (whose CPU it then counts)
    ru = os.times()

    def stat(label: str) -> int:
        m = re.search(label + r": ([\d,.]+)", out.stdout)
        assert m is not None, out.stdout
        return int(m[1].replace(",", "").replace(".", ""))

    return {"seconds": took, "sent": stat("Total bytes sent"),
            "received": stat("Total bytes received"),
            "cpu_s": cpu(daemon) - before + ru.children_user + ru.children_system
            - kids.children_user - kids.children_system}


def engine_sync(copy: Path, changes: list[tuple[int, bytes]], size: int, t0: float,
                pids: list[int], chan: str, before: tuple[list[float], tuple[int, int]],
                ) -> dict[str, float]:
    while not holds(copy, changes, size):
        time.sleep(0.005)
    took = time.perf_counter() - t0
    time.sleep(0.2)  # the settle's ack and the index write belong to this round's cost
    sent, recv = tcp_bytes(chan)
    return {"seconds": took, "sent": sent - before[1][0], "received": recv - before[1][1],
            "cpu_s": sum(cpu(p) for p in pids) - sum(before[0])}


def spread(xs: list[float]) -> dict[str, float]:
    return {"min": min(xs), "median": statistics.median(xs), "max": max(xs)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=512, help="file size in MiB")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--kind", choices=[*KINDS, "both"], default="both")
    ap.add_argument("--net", default="127.0.72")
    ap.add_argument("--out", type=Path, default=mirror.RESULTS / "delta.json")
    args = ap.parse_args(argv)
    if shutil.which("rsync") is None:
        print("rsync is not installed (apt-get install rsync)", file=sys.stderr)
        return 2
    src_ip, tgt_ip, rs_ip = (f"{args.net}.{i}" for i in (1, 2, 3))
    work = Path(tempfile.mkdtemp(prefix="appmgr-bench-delta-"))
    procs: list[subprocess.Popen[str] | subprocess.Popen[bytes]] = []
    try:
        return measure(args, work, procs, src_ip, tgt_ip, rs_ip)
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGCONT)
                p.terminate()
                p.wait(10)
        shutil.rmtree(work, ignore_errors=True)


def measure(args: argparse.Namespace, work: Path,
            procs: list[subprocess.Popen[str] | subprocess.Popen[bytes]],
            src_ip: str, tgt_ip: str, rs_ip: str) -> int:
    size = args.size * MIB
    big = work / "src" / "Bench" / "big.bin"
    big.parent.mkdir(parents=True)
    rnd = random.Random(SEED)
    with open(big, "wb") as fh:
        for _ in range(size // (8 * MIB)):
            fh.write(rnd.randbytes(8 * MIB))
        fh.write(rnd.randbytes(size % (8 * MIB)))
    (work / "rs").mkdir()
    conf = work / "rsyncd.conf"
    conf.write_text(f"pid file = {work}/rsyncd.pid\nuse chroot = no\n[mod]\npath = {work}/rs\n"
                    "read only = no\nuid = root\ngid = root\n")
    procs.append(mirror.engine(src_ip, work / "src-state", work / "src"))
    procs.append(mirror.engine(tgt_ip, work / "tgt-state", work / "tgt"))
    procs.append(subprocess.Popen(["rsync", "--daemon", "--no-detach", "--config", str(conf),
                                   "--address", rs_ip, "--port", str(mirror.RSYNC_PORT)]))
    mirror.wait_port(rs_ip, mirror.RSYNC_PORT)
    s, t = mirror.client(src_ip), mirror.client(tgt_ip)
    s.create_set("delta", [Rule("E:\\Bench")])
    t.accept("delta", "tok")
    t.close()
    s.connect("delta", tgt_ip, mirror.PORT, "tok", mirror_type="full", replicate=True)
    copy, rs_copy = work / "tgt" / "Bench" / "big.bin", work / "rs" / "big.bin"
    while not (s.stats("delta").mirror_status == "complete" and copy.exists()
               and copy.stat().st_size == size and s.stats("delta").queued_ops == 0):
        time.sleep(0.05)
    rsync(big, rs_ip, procs[2].pid)  # the anchor's first full copy
    assert same(big, copy) and same(big, rs_copy), "first copies differ"
    pids, chan = [procs[0].pid, procs[1].pid], f"{tgt_ip}:{mirror.PORT}"
    kinds = list(KINDS) if args.kind == "both" else [args.kind]
    result: dict[str, object] = {}
    for kind in kinds:
        rows: dict[str, list[dict[str, float]]] = {"engine": [], "rsync": []}
        for n in range(args.runs):
            os.sync()
            engine_first = n % 2 == 0
            if not engine_first:
                procs[0].send_signal(signal.SIGSTOP)
            before = ([cpu(p) for p in pids], tcp_bytes(chan))
            t0 = time.perf_counter()
            changes = rewrite(big, KINDS[kind], rnd)
            if engine_first:
                rows["engine"].append(engine_sync(copy, changes, size, t0, pids, chan, before))
                rows["rsync"].append(rsync(big, rs_ip, procs[2].pid))
            else:
                rows["rsync"].append(rsync(big, rs_ip, procs[2].pid))
                before = ([cpu(p) for p in pids], tcp_bytes(chan))
                t0 = time.perf_counter()
                procs[0].send_signal(signal.SIGCONT)
                rows["engine"].append(engine_sync(copy, changes, size, t0, pids, chan, before))
            for tool, c in (("engine", copy), ("rsync", rs_copy)):
                if not same(big, c):
                    raise RuntimeError(f"round {n + 1}: the {tool} copy differs from the source")
            e, r = rows["engine"][-1], rows["rsync"][-1]
            print(f"{kind} round {n + 1} ({'engine' if engine_first else 'rsync'} first): "
                  f"engine {e['seconds']:.2f} s {e['sent'] / 1e6:.2f} MB; "
                  f"rsync {r['seconds']:.2f} s {r['sent'] / 1e6:.2f} MB", flush=True)
        changed = REGIONS * KINDS[kind]
        result[kind] = {
            "changed_bytes": changed,
            **{tool: {m: spread([row[m] for row in rs]) for m in ("seconds", "sent", "received",
                                                                  "cpu_s")}
               | {"sent_per_changed": statistics.median(row["sent"] for row in rs) / changed}
               for tool, rs in rows.items()},
        }
    s.close()
    doc = {"benchmark": "in-place rewrites of a replicated file: engine block deltas vs rsync",
           "file_mib": args.size, "regions": REGIONS, "runs": args.runs,
           "rsync_command": "rsync -a --inplace --no-whole-file --stats FILE rsync://.../mod/",
           "machine": {"cores": os.cpu_count(),
                       "rsync": subprocess.run(["rsync", "--version"], capture_output=True,
                                               text=True).stdout.splitlines()[0]},
           "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **result}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2) + "\n")
    for kind in kinds:
        k = result[kind]
        assert isinstance(k, dict)
        print(f"{kind}: engine sent {k['engine']['sent_per_changed']:.2f}x the changed bytes in "
              f"{k['engine']['seconds']['median']:.2f} s; rsync {k['rsync']['sent_per_changed']:.2f}x "
              f"in {k['rsync']['seconds']['median']:.2f} s")
    print(f"results in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
