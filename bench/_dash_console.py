"""The console measured by bench/dashboard.py: appmgr's Textual app on the Dashboard.

``python -m bench._dash_console HOME SECONDS OUT.json`` runs the real app over the real
Console façade (core's services, the engine client over TLS) with the Dashboard as its
screen, refreshing every second, for SECONDS; it runs in a pseudo-terminal the bench
gives it (it draws every change, as in a real terminal). Each poll's start, end, CPU
time (of the worker thread that ran it) and the states it read are written to OUT.json
at the end.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench._dash_estate import context, read_spec


def main() -> int:
    home, seconds, out = Path(sys.argv[1]), float(sys.argv[2]), Path(sys.argv[3])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # one connection per engine
    from core.console import Console
    from tui.app import AppmgrApp
    from tui.screens.dashboard import DashboardScreen
    from tui.widgets.pair_table import PairTable

    console = Console(context(home, read_spec(home)))
    polls: list[dict[str, Any]] = []
    overview = console.monitoring.overview

    def timed() -> Any:
        t0, c0 = time.monotonic(), time.thread_time()
        rows = overview()
        polls.append({"start": t0, "end": time.monotonic(), "pairs": len(rows),
                      "cpu": time.thread_time() - c0,  # this thread's CPU: the poll's own
                      "states": dict(Counter(r.state for r in rows))})
        return rows

    console.monitoring.overview = timed  # type: ignore[method-assign]
    # the cells the Dashboard rewrites, by column: each one repaints the table
    written: Counter[str] = Counter()
    update_cell = PairTable.update_cell

    def counted(self: PairTable, row: Any, column: Any, value: Any, **kw: Any) -> Any:
        written[str(column)] += 1
        return update_cell(self, row, column, value, **kw)

    PairTable.update_cell = counted  # type: ignore[method-assign,assignment]
    render_line = PairTable.render_line

    def drawn(self: PairTable, y: int) -> Any:  # the table's lines drawn
        written["(table lines drawn)"] += 1
        return render_line(self, y)

    PairTable.render_line = drawn  # type: ignore[method-assign,assignment]

    class BenchApp(AppmgrApp):
        def get_default_screen(self) -> Any:
            return DashboardScreen(lambda _pair, _state: None, interval=1.0)

        def on_mount(self) -> None:
            self.set_timer(seconds, lambda: self.exit(0))

    gc_time: dict[str, float] = {"s": 0.0, "at": 0.0}

    def gc_timed(phase: str, info: dict[str, Any]) -> None:  # the collector's own CPU
        if phase == "start":
            gc_time["at"] = time.thread_time()
        else:
            gc_time["s"] += time.thread_time() - gc_time["at"]
            written[f"(gc gen {info['generation']})"] += 1

    gc.callbacks.append(gc_timed)
    started = time.monotonic()
    BenchApp(console).run()
    out.write_text(json.dumps({"started": started, "polls": polls,
                               "cells_written": dict(written), "gc_s": gc_time["s"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
