"""``appmgr status [--watch]`` without a pair: one table of every pair (SPEC F-8.5).

The columns and their words are the Dashboard screen's (:mod:`tui.pair_rows`): state
(Protected, or Degraded with why), mirror percent, queue, transfer rate with a
sparkline of the rates seen so far, age of the last heartbeat and of the last
snapshot. With ``--watch`` on a terminal the table is redrawn in place (cursor
home, clear to the end); into a pipe or file each refresh is printed after the
last, separated by a blank line.
"""

from __future__ import annotations

from core.model.overview import PairOverview
from tui.cli import output
from tui.pair_rows import COLUMNS, KEYS, PairRows

HOME_CLEAR = "\x1b[H\x1b[J"
EMPTY = ("No pair is protected yet. Protect one with: appmgr protect SOURCE TARGET "
         "(or Enable Protection in the console).")


class StatusTable:
    """Keeps the rate history between refreshes (one instance per ``--watch``)."""

    def __init__(self) -> None:
        self.rows = PairRows()

    def render(self, ovs: list[PairOverview], now: float) -> str:
        if not ovs:
            return EMPTY
        self.rows.add(ovs)
        titles = {c.key: c.title for c in COLUMNS}
        cells = [{titles[k]: v for k, v in self.rows.cells(ov, now).items()} for ov in ovs]
        return output.table(cells, [titles[k] for k in KEYS])
