"""Health check benchmark of issue 5: how long validation of a lab pair takes.

Against a lab started here (net 127.0.70; real WinRM, DNS, directory and engines):

- one pair: the whole health check (read both servers, run every check that applies) of
  each application's clean pair, median of ``--runs``; anchor: the same checks run one
  after another on one thread, in the same run (what the concurrency buys);
- 20 pairs at once: 20 validations started together, wall time until the last report;
  anchor: the same 20 validations one after another.

Both first with lab hosts that answer at once (the lab runs an operation in microseconds,
so what is measured is the console's own CPU: twenty pairs are twenty times the work, on
one core), then with hosts that take ``--host-latency`` seconds per PowerShell command
(``lab up --host-latency``; starting powershell.exe on a real server takes a few hundred
milliseconds), where the concurrency of the health check is what decides.

Targets: one pair ≤ 1 s; 20 pairs concurrently ≤ 3 × one pair. Results in
bench/results/validate.json. Run: ``python -m bench.validate [--runs N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import PY, ROOT, report
from core.model.pair import Pair

NET = "127.0.70"
PAIRS = [("fileprint", "FS01", "FS02"), ("exchange", "EXCH01", "EXCH02"),
         ("sql", "SQL01", "SQL02"), ("sharepoint", "SQL05A", "SQL05B"),
         ("blackberry", "BES01", "BES02")]
#: 20 distinct pairs of the lab estate (faulty ones too: they run the same checks)
TWENTY = [("fileprint", "FS01", "FS02"), ("fileprint", "FS02", "FS01"),
          ("fileprint", "FS01", "FS03"), ("fileprint", "FS03", "FS02"),
          ("exchange", "EXCH01", "EXCH02"), ("exchange", "EXCH02", "EXCH01"),
          ("exchange", "EXCH01", "EXCH03"), ("exchange", "EXCH03", "EXCH02"),
          ("exchange", "EXCH01", "DC02"), ("sql", "SQL01", "SQL02"), ("sql", "SQL02", "SQL01"),
          ("sql", "SQL01", "SQL03"), ("sql", "SQL01", "SQL04"), ("sql", "SQL03", "SQL02"),
          ("sql", "SQL05A", "SQL05B"), ("sharepoint", "SQL05A", "SQL05B"),
          ("sharepoint", "SQL05B", "SQL05A"), ("blackberry", "BES01", "BES02"),
          ("blackberry", "BES02", "BES01"), ("sql", "SQLVS1", "SQL02")]


def _lab(home: Path, *args: str) -> None:
    env = {**os.environ, "APPMGR_HOME": str(home), "PYTHONPATH": str(ROOT)}
    subprocess.run([PY, "-m", "tui.cli.main", "lab", *args], env=env, cwd=ROOT, check=True,
                   capture_output=True, timeout=120)


def _cli(home: Path) -> float:
    env = {**os.environ, "APPMGR_HOME": str(home), "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    subprocess.run([PY, "-m", "tui.cli.main", "--lab", "validate", "FS01", "FS02", "--json"],
                   env=env, cwd=ROOT, capture_output=True, timeout=120)
    return time.perf_counter() - t0


def _cold(ctx) -> None:  # noqa: ANN001
    """Forget what validations share (directory facts, DNS answers): every run starts cold."""
    from core.validation.shared import shared

    shared(ctx).forget()


def _sequential(ctx, cfg) -> float:  # noqa: ANN001 - core types imported lazily
    """The same checks, gathered the same way, run one after another on this thread."""
    from core.validation.context import gather
    from core.validation.runner import _run_one, applicable, default_timeout

    _cold(ctx)
    t0 = time.perf_counter()
    vctx = gather(ctx, cfg, timeout=default_timeout(ctx))
    results = [_run_one(c, vctx) for c in applicable(vctx)]
    vctx.close()
    took = time.perf_counter() - t0
    assert results
    return took


def _concurrent(ctx, cfg, cold: bool = True) -> float:  # noqa: ANN001
    from core.validation import validate

    if cold:
        _cold(ctx)
    t0 = time.perf_counter()
    report_ = validate(ctx, cfg)
    took = time.perf_counter() - t0
    assert report_.results
    return took


def _median(fn, runs: int) -> tuple[float, list[float]]:  # noqa: ANN001
    fn()  # warm-up: imports, first connections
    times = [fn() for _ in range(runs)]
    return statistics.median(times), times


def _open(home: Path):  # noqa: ANN202 - (ctx, configs), core types imported lazily
    from core.console import Console
    from core.lab.context import lab_context
    from core.paths import app_paths
    from core.settings import load_settings

    os.environ["APPMGR_HOME"] = str(home)
    paths = app_paths()
    ctx = lab_context(paths, load_settings(paths.config / "settings.json"))
    console = Console(ctx)
    return ctx, {p: console.configure.load_config(Pair(*p)) for p in dict.fromkeys(PAIRS + TWENTY)}


def _together(ctx, configs) -> float:  # noqa: ANN001
    _cold(ctx)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(len(TWENTY)) as pool:
        reports = list(pool.map(lambda p: _concurrent(ctx, configs[p], False), TWENTY))
    assert len(reports) == len(TWENTY)
    return time.perf_counter() - t0


def _instant(runs: int) -> dict[str, object]:
    """Hosts that answer at once: what the console itself costs (CPU on loopback)."""
    home = Path(tempfile.mkdtemp(prefix="appmgr-bench-validate-"))
    _lab(home, "up", "--detach", "--net", NET)
    try:
        ctx, configs = _open(home)
        one: dict[str, object] = {}
        for pair in PAIRS:
            cfg = configs[pair]
            conc, conc_all = _median(lambda c=cfg: _concurrent(ctx, c), runs)
            seq, seq_all = _median(lambda c=cfg: _sequential(ctx, c), runs)
            one[" ".join(pair)] = {"appmgr_median_s": conc, "anchor_median_s": seq,
                                   "ratio": conc / seq, "appmgr_s": conc_all,
                                   "anchor_s": seq_all,
                                   "anchor": "same checks one after another",
                                   "target_s": 1.0, "met": conc <= 1.0}
        single = statistics.median(v["appmgr_median_s"] for v in one.values())  # type: ignore[index]

        def one_by_one() -> float:
            took = 0.0
            for p in TWENTY:  # each validation cold, as if run on its own
                took += _concurrent(ctx, configs[p])
            return took

        conc20, conc20_all = _median(lambda: _together(ctx, configs), max(3, runs // 2))
        seq20, seq20_all = _median(one_by_one, max(3, runs // 2))
        twenty = {"appmgr_median_s": conc20, "anchor_median_s": seq20,
                  "ratio_vs_anchor": conc20 / seq20, "appmgr_s": conc20_all,
                  "anchor_s": seq20_all,
                  "anchor": "the 20 validations one after another",
                  "pairs": [" ".join(p) for p in TWENTY], "one_pair_median_s": single,
                  "vs_one_pair": conc20 / single, "target_vs_one_pair": 3.0,
                  "met": conc20 <= 3 * single}
        cli = [_cli(home) for _ in range(runs)]
        return {"runs": runs, "one_pair": one, "twenty_pairs": twenty,
                "cli_one_pair": {"command": "appmgr --lab validate FS01 FS02 --json",
                                 "median_s": statistics.median(cli), "runs_s": cli,
                                 "what": "the whole process: interpreter, imports, lab "
                                         "context, configuration, validation, JSON"}}
    finally:
        _lab(home, "down")


def _slow_hosts(runs: int, latency: float) -> dict[str, object]:
    """Hosts that take ``latency`` s per PowerShell command, as real servers do."""
    home = Path(tempfile.mkdtemp(prefix="appmgr-bench-validate-slow-"))
    _lab(home, "up", "--detach", "--net", NET, "--host-latency", str(latency))
    try:
        ctx, configs = _open(home)
        per_pair = {" ".join(p): _median(lambda c=configs[p]: _concurrent(ctx, c), runs)[0]
                    for p in PAIRS}
        single = statistics.median(per_pair.values())
        conc20, conc20_all = _median(lambda: _together(ctx, configs), runs)
        return {"host_latency_s": latency, "runs": runs, "one_pair_median_s": per_pair,
                "one_pair_s": single, "twenty_pairs_s": conc20, "twenty_pairs_runs_s": conc20_all,
                "vs_one_pair": conc20 / single, "target_vs_one_pair": 3.0,
                "met": conc20 <= 3 * single}
    finally:
        _lab(home, "down")


def run(runs: int, latency: float) -> dict[str, object]:
    doc = _instant(runs)
    doc["slow_hosts"] = _slow_hosts(max(2, runs // 3), latency)
    return doc


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.validate", description=__doc__)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--host-latency", type=float, default=0.3,
                   help="seconds per host command in the second scenario (powershell.exe start)")
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    doc = run(args.runs, args.host_latency)
    one_pair = doc["one_pair"]
    assert isinstance(one_pair, dict)
    for name, res in one_pair.items():
        print(f"one pair {name}: {res['appmgr_median_s'] * 1000:.0f} ms concurrent, "
              f"{res['anchor_median_s'] * 1000:.0f} ms one check after another "
              f"(ratio {res['ratio']:.2f}); target <= 1 s: {'met' if res['met'] else 'NOT met'}")
    tw = doc["twenty_pairs"]
    print(f"20 pairs at once: {tw['appmgr_median_s'] * 1000:.0f} ms, one after another "  # type: ignore[index]
          f"{tw['anchor_median_s'] * 1000:.0f} ms (ratio {tw['ratio_vs_anchor']:.2f}); "  # type: ignore[index]
          f"{tw['vs_one_pair']:.2f} x one pair (target <= 3: "  # type: ignore[index]
          f"{'met' if tw['met'] else 'NOT met'})")  # type: ignore[index]
    sl = doc["slow_hosts"]
    print(f"hosts taking {sl['host_latency_s']:g} s per command: one pair "  # type: ignore[index]
          f"{sl['one_pair_s'] * 1000:.0f} ms, 20 pairs at once "  # type: ignore[index]
          f"{sl['twenty_pairs_s'] * 1000:.0f} ms = {sl['vs_one_pair']:.2f} x one pair "  # type: ignore[index]
          f"(target <= 3: {'met' if sl['met'] else 'NOT met'})")  # type: ignore[index]
    print(f"appmgr --lab validate FS01 FS02 --json (whole process): "
          f"{doc['cli_one_pair']['median_s'] * 1000:.0f} ms")  # type: ignore[index]
    report("validate", {"what": "health check of lab pairs (in process, real protocols)",
                        "net": NET, **doc})
    return 0


if __name__ == "__main__":
    sys.exit(main())
