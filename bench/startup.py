"""Start-up benchmarks of issue 2: whole-process times, measured here, never asserted in tests.

- ``appmgr --version`` (target ≤ 150 ms), anchor: ``python -c pass`` (the interpreter alone);
- ``appmgr --lab status FS01 FS02 --json`` of a protected lab pair (target ≤ 100 ms
  beyond interpreter start);
- the console's first frame (target ≤ 1 s): ``appmgr --lab`` in a tmux pane, polled
  until the task list is drawn.

Run: ``python -m bench.startup [--runs N]``; results in bench/results/startup.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
APPMGR = [sys.executable, "-m", "tui.cli.main"]
NET = "127.0.61"


def _env(home: Path) -> dict[str, str]:
    # as installed: compiled bytecode (see bench/common.py)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "APPMGR_HOME": str(home), "PYTHONPATH": str(ROOT)}


def wall(cmd: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall time of a whole process, in seconds."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def first_frame(env: dict[str, str], runs: int) -> float | None:
    """Median seconds from launching the console in tmux to its first drawn frame."""
    if shutil.which("tmux") is None:
        return None
    times = []
    for i in range(runs):
        name = f"appmgr-bench-{os.getpid()}-{i}"
        cmd = " ".join(APPMGR + ["--lab"])
        envs = [f"{k}={v}" for k, v in env.items() if k in ("APPMGR_HOME", "PYTHONPATH")]
        t = time.perf_counter()
        subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24",
                        "env", *envs, *cmd.split()], check=True)
        try:
            deadline = t + 15
            while time.perf_counter() < deadline:
                out = subprocess.run(["tmux", "capture-pane", "-p", "-t", name],
                                     capture_output=True, text=True).stdout
                if "[lab]" in out:  # the header of the first frame
                    times.append(time.perf_counter() - t)
                    break
                time.sleep(0.01)
        finally:
            subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
    return statistics.median(times) if times else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=10)
    a = ap.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="appmgr-bench-"))
    env = _env(home)
    res: dict[str, object] = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                                          "platform": platform.platform()}}
    interp = wall([sys.executable, "-c", "pass"], env, a.runs)
    version = wall(APPMGR + ["--version"], env, a.runs)
    res["interpreter_s"] = interp
    res["version_s"] = version
    subprocess.run(APPMGR + ["lab", "up", "--detach", "--net", NET], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    try:
        subprocess.run(APPMGR + ["--lab", "protect", "FS01", "FS02"], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        status = wall(APPMGR + ["--lab", "status", "FS01", "FS02", "--json"], env, a.runs)
        res["status_json_s"] = status
        res["status_beyond_interpreter_s"] = status - interp
        ff = first_frame(env, max(3, a.runs // 2))
        res["first_frame_s"] = ff
    finally:
        subprocess.run(APPMGR + ["lab", "down"], env=env, stdout=subprocess.DEVNULL)
        shutil.rmtree(home, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "startup.json").write_text(json.dumps(res, indent=2) + "\n")
    print(f"python -c pass          {interp * 1000:7.1f} ms (anchor)")
    print(f"appmgr --version        {version * 1000:7.1f} ms  (target ≤ 150 ms)")
    print(f"status --json           {status * 1000:7.1f} ms  = interpreter + "
          f"{(status - interp) * 1000:.1f} ms (target ≤ 100 ms beyond)")
    print(f"console first frame     {ff * 1000:7.1f} ms  (target ≤ 1000 ms)" if ff
          else "console first frame     not measured (tmux missing or no frame in 15 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
