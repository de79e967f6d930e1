"""The Dashboard's half of the fake ConsoleApi: ``overview`` answers ``estate``.

Tests set ``estate`` (one :class:`PairOverview` per protected pair, built with
:func:`row`) and change it between polls; every poll is recorded as ``overview``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from core.model.overview import PairOverview
from core.model.pair import Pair
from tests.tui.tui_fake_estate import NOW

MB = 1024 * 1024


def row(source: str, target: str, state: str = "Protected", *, app: str = "fileprint",
        condition: str = "", reason: str = "", mirror: float = 100.0, queued: int = 0,
        queued_bytes: int = 0, rate: float = 0.0, hb: float | None = 3.0,
        snap: float | None = None, lifecycle: str = "", counters: bool = True) -> PairOverview:
    """A pair's row; ``hb`` and ``snap`` are ages in seconds at the fake's NOW."""
    return PairOverview(Pair(app, source, target), state, condition, reason, mirror, queued,
                        queued_bytes, rate, None if hb is None else NOW - hb,
                        None if snap is None else NOW - snap, NOW,
                        0 if state == "Protected" else 1, lifecycle or state, counters)


def estate() -> list[PairOverview]:
    """Four pairs, one of each kind of row the Dashboard shows."""
    return [
        row("FS01", "FS02", rate=2 * MB, snap=600),
        row("SQL01", "SQL02", "Degraded", app="sql", condition="Target unreachable",
            reason="Target unreachable since 22:01 — 18 operations queued (24.0 MB)",
            queued=18, queued_bytes=24 * MB, lifecycle="Protected"),
        row("EXCH01", "EXCH02", "Mirroring", app="exchange", mirror=42.0, queued=1200,
            queued_bytes=310 * MB, rate=40 * MB),
        row("BES01", "BES02", "Failed over", app="blackberry", hb=None, counters=False),
    ]


class FakeDashboardMixin:
    estate: list[PairOverview]

    def _rec(self, name: str, *args: Any) -> None: ...

    def overview(self) -> list[PairOverview]:
        self._rec("overview")
        return list(getattr(self, "estate", []))

    def set_row(self, index: int, **changes: Any) -> None:
        """Test hook: change one pair's row for the next poll."""
        self.estate[index] = replace(self.estate[index], **changes)
