"""``appmgr status [--watch]`` without a pair: one table of every pair (SPEC F-8.5).

One row per pair: application, state, mirror percent, queue, transfer rate
with a sparkline of the rates seen so far, age of the last heartbeat (HB) and
of the last snapshot (SNAP). With ``--watch`` on a terminal the table is redrawn in place
(cursor home, clear to the end); into a pipe or file each refresh is printed
after the last, separated by a blank line.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from tui.cli import output

BARS = "▁▂▃▄▅▆▇█"
#: rates kept per pair for the sparkline (one per refresh)
HISTORY = 8
HOME_CLEAR = "\x1b[H\x1b[J"
#: short headers: the table fits 80 columns for server names of up to 6 characters
COLS = ["pair", "app", "state", "mirror", "queue", "rate", "trend", "hb", "snap"]


def spark(values: list[float]) -> str:
    if not values:
        return ""
    top = max(values)
    if top <= 0:
        return BARS[0] * len(values)
    return "".join(BARS[min(len(BARS) - 1, int(v / top * (len(BARS) - 1) + 0.5))]
                   for v in values)


def age(ts: float | None, now: float) -> str:
    if not ts:
        return "—"
    s = max(0.0, now - ts)
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.0f} min"
    if s < 2 * 86400:
        return f"{s / 3600:.0f} h"
    return f"{s / 86400:.0f} d"


class StatusTable:
    """Keeps the rate history between refreshes (one instance per ``--watch``)."""

    def __init__(self) -> None:
        self.rates: dict[str, deque[float]] = {}

    def row(self, d: dict[str, Any], now: float) -> dict[str, str]:
        key = f"{d['source']}→{d['target']}"
        c, m = d["counters"], d.get("monitor") or {}
        rate = float(c.get("transfer_rate") or 0)
        hist = self.rates.setdefault(key, deque(maxlen=HISTORY))
        hist.append(rate)
        from core.protection.status import state_label

        queued = int(c.get("queued_bytes") or 0)
        return {"pair": key, "app": d["app"],
                "state": state_label(d["state"], d.get("operation") or ""),
                "mirror": f"{d['mirror']['percent']:.0f}%",
                "queue": f"{c['queued_ops']}" + (f" {output.size(queued)}" if queued else ""),
                "rate": f"{output.size(rate)}/s", "trend": spark(list(hist)),
                "hb": age(m.get("last_heartbeat"), now),
                "snap": age(m.get("last_snapshot"), now)}

    def render(self, docs: list[dict[str, Any]], now: float) -> str:
        if not docs:
            return "no pairs yet"
        return output.table([self.row(d, now) for d in docs], COLS)
