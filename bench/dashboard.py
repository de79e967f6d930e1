"""The Dashboard's cost (issue 13, SPEC F-8.5): 500 protected pairs of 1,000 file servers,
refreshed every second, in the console process. Goal: at most 10 % of one core.

What runs, all on this machine's loopback (127.0.105–109, or five /24s from ``--net``):

- an estate of ``--servers`` lab file servers (copies of the lab's FS01 under their own
  names and addresses, bench/_dash_estate.py) — the lab's estate file holds one /24, at
  most 254 servers, so the bench lays out its own over five;
- one real engine per server (TLS listener, heartbeats, replication, failover monitor),
  all in ONE process (bench/_dash_engines.py) — the lab starts a process per engine,
  which for 1,000 would need ~20 GB;
- ``--pairs`` pairs protected with core's Enable Protection (validation skipped: the
  estate is known clean; no failover scripts written: the bench has no WinRM), then
  mirrored until the console reads every one as Protected;
- the console (bench/_dash_console.py): appmgr's Textual app over the real Console
  façade, on the Dashboard, polling every pair once a second (the next poll one second
  after the last one started, never two at once), drawing into a 120×40 pseudo-terminal.

Measured: the console process's CPU time (user + system, all threads, /proc/PID/stat)
over ``--seconds`` after a warm-up, as % of one core; polls done and their duration;
the engines' process CPU for reference. JSON in bench/results/dashboard.json.
Run: ``python -m bench.dashboard [--servers 1000 --pairs 500 --seconds 30]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench._dash_estate import FIRST_NET, layout, provision, write_spec
from bench.common import PY, ROOT, report

GOAL_PCT = 10.0
WARMUP_S = 10.0
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def start_engines(home: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    log = open(home / "engines.log", "w")  # noqa: SIM115 - the child owns it
    proc = subprocess.Popen([PY, "-m", "bench._dash_engines", str(home)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=log, text=True)
    line = proc.stdout.readline() if proc.stdout else ""
    if not line.startswith("READY"):
        proc.kill()
        raise RuntimeError(f"the engines did not start: {(home / 'engines.log').read_text()[-800:]}")
    return proc


def protect(home: Path, servers: dict[str, str], pairs: int) -> float:
    """Enable Protection of FS0001→FS0002, FS0003→FS0004, … with core; seconds taken."""
    from bench._dash_estate import context
    from core.config.defaults import default_config
    from core.protection.enable import enable
    from core.store import PairStore

    ctx = context(home, servers)
    store = PairStore(ctx.paths)
    names = list(servers)

    def one(i: int) -> None:
        src, tgt = names[2 * i], names[2 * i + 1]
        cfg = default_config("fileprint", ctx.host(src).inventory(), ctx.host(tgt).inventory())
        cfg.advanced.create_scripts = False  # they are written over WinRM: none here
        enable(ctx, cfg, store, validated=True)

    t0 = time.monotonic()
    with ThreadPoolExecutor(8) as ex:
        list(ex.map(one, range(pairs)))
    return time.monotonic() - t0


def wait_protected(home: Path, servers: dict[str, str], pairs: int, timeout: float) -> dict[str, int]:
    from collections import Counter

    from bench._dash_estate import context
    from core.protection.overview import EnginePool, overview, protected_pairs
    from core.store import PairStore

    ctx = context(home, servers)
    store = PairStore(ctx.paths)
    pool = EnginePool(ctx.engine)
    deadline = time.monotonic() + timeout
    states: Counter[str] = Counter()
    try:
        while time.monotonic() < deadline:
            states = Counter(r.state for r in overview(ctx, store, protected_pairs(store), pool))
            if states.get("Protected") == pairs:
                return dict(states)
            time.sleep(1)
    finally:
        pool.close()
    raise RuntimeError(f"not every pair became Protected within {timeout:.0f} s: {dict(states)}")


def run_console(home: Path, env: dict[str, str], seconds: float) -> dict[str, Any]:
    """The console in a 120×40 pseudo-terminal; its CPU over ``seconds`` after the warm-up."""
    import fcntl
    import json
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    out = home / "console.json"
    proc = subprocess.Popen([PY, "-m", "bench._dash_console", str(home),
                             str(WARMUP_S + seconds + 1), str(out)], cwd=ROOT,
                            env={**env, "TERM": "xterm-256color", "COLUMNS": "120",
                                 "LINES": "40"},
                            stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    drawn = [0]

    def drain() -> None:  # the terminal: reads what the console draws
        while True:
            try:
                data = os.read(master, 1 << 16)
            except OSError:
                return
            if not data:
                return
            drawn[0] += len(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    time.sleep(WARMUP_S)
    c0, t0, b0 = cpu_seconds(proc.pid), time.monotonic(), drawn[0]
    time.sleep(seconds)
    c1, t1, b1 = cpu_seconds(proc.pid), time.monotonic(), drawn[0]
    rc = proc.wait(timeout=60)
    os.close(master)
    if rc != 0:
        raise RuntimeError(f"the console exited {rc}")
    got = json.loads(out.read_text())
    polls = got["polls"]
    inside = [p for p in polls if t0 <= p["start"] and p["end"] <= t1]
    durations = [p["end"] - p["start"] for p in inside]
    poll_cpu = sum(p["cpu"] for p in inside)
    return {"cpu_s": round(c1 - c0, 3), "wall_s": round(t1 - t0, 3),
            "cpu_pct_of_one_core": round(100 * (c1 - c0) / (t1 - t0), 2),
            "polls_in_window": len(inside),
            # the polls' own CPU (their worker thread); the rest is the UI and Textual
            "poll_cpu_pct_of_one_core": round(100 * poll_cpu / (t1 - t0), 2),
            "poll_cpu_s_median": round(statistics.median(p["cpu"] for p in inside), 4)
            if inside else None,
            "polls_per_s": round(len(inside) / (t1 - t0), 3),
            "poll_s": {"min": round(min(durations), 3),
                       "median": round(statistics.median(durations), 3),
                       "max": round(max(durations), 3)} if durations else None,
            "states_last_poll": polls[-1]["states"] if polls else {},
            # cells rewritten over the whole run (warm-up included), by column
            "cells_written": got.get("cells_written", {}),
            "gc_cpu_s_whole_run": round(got.get("gc_s", 0.0), 3),
            "terminal_bytes_per_s": round((b1 - b0) / (t1 - t0))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench.dashboard")
    ap.add_argument("--servers", type=int, default=1000)
    ap.add_argument("--pairs", type=int, default=500)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--net", type=int, default=FIRST_NET,
                    help="the first of the five loopback /24s (127.0.NET.x …); default 105")
    ap.add_argument("--keep", action="store_true", help="keep the bench's home (debugging)")
    a = ap.parse_args(sys.argv[1:] if argv is None else argv)
    if a.pairs * 2 > a.servers:
        ap.error("each pair needs two servers of its own")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    home = Path(tempfile.mkdtemp(prefix="appmgr-bench-dash."))
    env = {**os.environ, "APPMGR_HOME": str(home), "PYTHONPATH": str(ROOT)}
    os.environ["APPMGR_HOME"] = str(home)
    engines: subprocess.Popen[str] | None = None
    try:
        t = time.monotonic()
        servers = layout(a.servers, a.net)
        write_spec(home, servers)
        provision(home, servers)
        print(f"dashboard: {a.servers} servers provisioned in {time.monotonic() - t:.1f} s",
              flush=True)
        t = time.monotonic()
        engines = start_engines(home, env)
        print(f"dashboard: {a.servers} engines listening (one process) in "
              f"{time.monotonic() - t:.1f} s", flush=True)
        took = protect(home, servers, a.pairs)
        print(f"dashboard: {a.pairs} pairs protected in {took:.1f} s", flush=True)
        states = wait_protected(home, servers, a.pairs, timeout=300)
        print(f"dashboard: every pair Protected: {states}", flush=True)
        e0, w0 = cpu_seconds(engines.pid), time.monotonic()
        console = run_console(home, env, a.seconds)
        e1, w1 = cpu_seconds(engines.pid), time.monotonic()
    finally:
        if engines is not None:
            engines.terminate()
            engines.wait(60)
        if not a.keep:
            shutil.rmtree(home, ignore_errors=True)
    met = console["cpu_pct_of_one_core"] <= GOAL_PCT
    print(f"dashboard: console CPU {console['cpu_pct_of_one_core']:.1f} % of one core over "
          f"{console['wall_s']:.0f} s (the polls themselves "
          f"{console['poll_cpu_pct_of_one_core']:.1f} %), {console['polls_per_s']:.2f} polls/s, "
          f"poll {console['poll_s']} s (goal <= {GOAL_PCT:g} %: {'met' if met else 'NOT met'})")
    report("dashboard", {
        "what": "console process CPU while the Dashboard refreshes every pair every second "
                "(a poll 1 s after the last one started, never two at once), real engines "
                "over TLS, 120x40 pty",
        "servers": a.servers, "pairs": a.pairs, "goal_pct_of_one_core": GOAL_PCT,
        "goal_met": met, "warmup_s": WARMUP_S, "console": console,
        "engines_process_cpu_pct_of_one_core": round(100 * (e1 - e0) / (w1 - w0), 1),
        "setup": {"protect_s": round(took, 1), "states_before": states,
                  "engines": "one process, one EngineService per server",
                  "protected_with": "core.protection.enable (validated=True, no scripts)"}})
    return 0


if __name__ == "__main__":
    sys.exit(main())
