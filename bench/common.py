"""What every benchmark shares: machine details, timing whole processes, JSON results,
and the real servers (Samba AD, BIND9) started in a private network namespace.

Each benchmark compares appmgr with an anchor tool in the same run: the two are run
alternately (after one warm-up each), ``RUNS`` times, and their medians and the ratio
appmgr/anchor are printed and written to ``bench/results/<name>.json``. Never part of
``make test``: ``python -m bench.run_all`` (or ``make bench``).
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# An installed appmgr has compiled bytecode (pip writes .pyc files); a shell that
# sets PYTHONDONTWRITEBYTECODE would make every run recompile every module and
# measure the compiler, not appmgr. The warm-up run writes the .pyc files.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
RESULTS = ROOT / "bench" / "results"
SERVERS = ROOT / "tests" / "peers" / "servers"
PY = sys.executable
#: Provisioned and seeded Samba directories, kept between runs (seeding 20,000 takes minutes).
CACHE = Path(os.environ.get("APPMGR_BENCH_CACHE", "/var/tmp/appmgr-bench-cache"))
RUNS = int(os.environ.get("APPMGR_BENCH_RUNS", "7"))
SAMBA_IP, BIND_IP, DC_NAME = "127.0.10.1", "127.0.10.2", "dc1.lab.example.com"
ADMIN_UPN, ADMIN_PASS = "Administrator@lab.example.com", "Passw0rd!Lab"
INSIDE = "APPMGR_BENCH_INSIDE"
TOOLS = ("samba", "samba-tool", "ldbadd", "named", "tsig-keygen", "dig", "ldapsearch",
         "nsupdate", "unshare", "ip")


def _cmd_version(cmd: Sequence[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return ((out.stdout or out.stderr).strip().splitlines() or ["?"])[0]


def machine() -> dict[str, object]:
    """Where the numbers were measured."""
    cpu = mem = ""
    with contextlib.suppress(OSError):
        cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), "")
    with contextlib.suppress(OSError):
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    return {
        "host": platform.node(), "system": platform.platform(), "cpu": cpu,
        "cores": os.cpu_count(), "memory": mem, "python": platform.python_version(),
        "samba": _cmd_version(["samba", "--version"]),
        "bind": _cmd_version(["named", "-v"]),
        "git": _cmd_version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
    }


def cannot_run() -> str:
    """Why the server benchmarks cannot run here ("" when they can)."""
    if os.geteuid() != 0:
        return "not root (the servers run in a network namespace)"
    missing = [t for t in TOOLS if shutil.which(t) is None]
    return f"missing tools: {', '.join(missing)} (scripts/test-deps.sh --bench)" if missing else ""


def reexec_in_namespace(module: str, argv: Sequence[str]) -> int:
    """Run ``python -m module argv`` again inside fresh network + mount namespaces."""
    env = {**os.environ, INSIDE: "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run(["unshare", "--net", "--mount", "--fork", "--", PY, "-m", module,
                           *argv], env=env, cwd=ROOT).returncode


def time_process(cmd: Sequence[str], env: dict[str, str] | None = None,
                 check: Callable[[str], None] | None = None) -> float:
    """Wall time of one whole process (start, work, exit), in seconds."""
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, cwd=ROOT)
    took = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(f"{cmd[0]} exited {out.returncode}: {out.stderr.strip()[:400]}")
    if check is not None:
        check(out.stdout)
    return took


def compare(ours: Callable[[], float], anchor: Callable[[], float],
            runs: int = RUNS) -> dict[str, object]:
    """Alternate ``ours`` and ``anchor`` ``runs`` times after a warm-up; medians and ratio."""
    ours(), anchor()
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        a.append(ours())
        b.append(anchor())
    ma, mb = statistics.median(a), statistics.median(b)
    return {"runs": runs, "appmgr_s": a, "anchor_s": b, "appmgr_median_s": ma,
            "anchor_median_s": mb, "ratio": ma / mb}


def report(name: str, doc: dict[str, object]) -> Path:
    """Print the comparison and write ``bench/results/<name>.json``."""
    doc = {"benchmark": name, "when": datetime.now(UTC).isoformat(timespec="seconds"),
           "machine": machine(), **doc}
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(doc, indent=2) + "\n")
    for label, res in doc.items():
        if isinstance(res, dict) and "ratio" in res:
            met = "met" if res["ratio"] <= float(res.get("target", 1e9)) else "NOT met"
            print(f"{name} [{label}]: appmgr {res['appmgr_median_s'] * 1000:.1f} ms, "
                  f"{res.get('anchor', 'anchor')} {res['anchor_median_s'] * 1000:.1f} ms, "
                  f"ratio {res['ratio']:.2f} (target <= {res.get('target')}: {met})")
    print(f"{name}: results in {path}")
    return path


def sh(*cmd: str, env: dict[str, str] | None = None, timeout: float = 3600) -> str:
    out = subprocess.run(list(cmd), capture_output=True, text=True, env=env, timeout=timeout,
                         cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:2])} failed: {(out.stderr or out.stdout)[-800:]}")
    return out.stdout


class Lab:
    """Samba AD (optionally seeded, from the cache) and BIND9 in the current namespace."""

    def __init__(self, lab: Path) -> None:
        self.lab = lab
        self.env = {**os.environ, "LAB": str(lab), "SAMBA_IP": SAMBA_IP, "BIND_IP": BIND_IP,
                    "ADMIN_PASS": ADMIN_PASS, "KRB5_CONFIG": str(lab / "krb5.conf")}
        self.samba = self.bind = False

    @property
    def ca(self) -> str:
        return str(self.lab / "samba" / "private" / "tls" / "ca.pem")

    def resolver(self) -> None:
        """/etc/resolv.conf -> the DC, in this mount namespace only (connect by name)."""
        conf = self.lab / "resolv.conf"
        conf.write_text(f"nameserver {SAMBA_IP}\n")
        sh("ip", "link", "set", "lo", "up")
        sh("mount", "--bind", str(conf), "/etc/resolv.conf")

    def start_samba(self, count: int, chunk: int = 2000) -> str:
        """Samba with ``count`` seeded computers; built once into the cache (minutes), then
        copied from it (seconds). Returns what samba.sh printed."""
        cache = CACHE / f"samba-{count}-v1"
        env = {**self.env, "SAMBA_CACHE": str(cache)}
        if not (cache / "origin").exists():
            seed_dir = self.lab / "seed"
            sh(PY, "-m", "tests.peers.servers.seed", "--count", str(count), "--chunk", str(chunk),
               "--out", str(seed_dir))
            env["SEED_LDIF"] = " ".join(str(p) for p in sorted(seed_dir.glob("seed-*.ldif")))
            print(f"seeding {count} computers offline in chunks of {chunk} (cached in {cache})",
                  flush=True)
        out = sh(str(SERVERS / "samba.sh"), "start", env=env)
        self.samba = True
        return out.strip()

    def start_bind(self) -> str:
        out = sh(str(SERVERS / "bind.sh"), "start", env=self.env)
        self.bind = True
        return out.strip()

    def stop(self) -> None:
        if self.bind:
            subprocess.run([str(SERVERS / "bind.sh"), "stop"], env=self.env, check=False)
        if self.samba:
            subprocess.run([str(SERVERS / "samba.sh"), "stop"], env=self.env, check=False)


def run_benchmark(name: str, argv: Sequence[str] | None, start: Callable[[Lab], str],
                  measure: Callable[[Lab], dict[str, object]]) -> int:
    """The ``main`` of a peer benchmark: skip with a reason, re-run inside a private
    network namespace, start the servers it needs (``start``), measure, report,
    and clean up the lab copy (a seeded DC is hundreds of MB)."""
    import tempfile

    argv = list(sys.argv[1:] if argv is None else argv)
    why = cannot_run()
    if why:
        print(f"bench.{name}: skipped: {why}")
        return 0
    if os.environ.get(INSIDE) != "1":
        return reexec_in_namespace(f"bench.{name}", argv)
    lab = Lab(Path(tempfile.mkdtemp(prefix="appmgr-bench.")))
    try:
        lab.resolver()
        print(start(lab), flush=True)
        report(name, measure(lab))
    finally:
        lab.stop()
        shutil.rmtree(lab.lab, ignore_errors=True)
    return 0
