"""The dashboard's rows (SPEC F-8.5), built once for the console's Dashboard screen and for
``appmgr status [--watch]`` without a pair: the same columns, the same words.

A row is plain text per column, from core's :class:`~core.protection.overview.PairOverview`
and the rates seen so far (a sparkline). No Textual here: the headless ``status`` imports
this and must stay quick to start.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, fields, replace

from core.model.overview import PairOverview
from core.protection.health import size_text

BARS = "▁▂▃▄▅▆▇█"
#: rates kept per pair for the sparkline (one per poll), oldest left
HISTORY = 8


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    #: width on the Dashboard screen (None: as wide as its longest text; the text
    #: table always sizes to its content)
    width: int | None


COLUMNS: tuple[Column, ...] = (
    Column("pair", "Pair", None),
    Column("state", "State", None),
    Column("mirror", "Mirror", 6),
    Column("queue", "Queue", 14),
    Column("trend", "Trend", HISTORY),
    Column("rate", "Rate", 10),
    # the age of the last heartbeat and of the last snapshot (short: 120 columns hold all)
    Column("hb", "HB", 6),
    Column("snap", "Snap", 6),
    Column("app", "App", 10),
)
KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS)
#: columns as wide as their longest text (they widen when a longer one comes)
AUTO: frozenset[str] = frozenset(c.key for c in COLUMNS if c.width is None)

#: the columns a Dashboard too narrow for all of them keeps (80 columns): without the
#: rate's trend (the rate itself stays) and the application (the detail line names the
#: highlighted pair's); the figures keep their widths (a cut "310.0 MB" would mislead)
NARROW_LEFT_OUT = frozenset({"trend", "app"})
NARROW: tuple[Column, ...] = tuple(c for c in COLUMNS if c.key not in NARROW_LEFT_OUT)
#: every column is kept only while the state has this much room ("Failure detected"):
#: the states are whole, only a Degraded row's condition may be cut
STATE_WHOLE = 16
#: the narrow state's least width ("Protected", "Mirroring"); a longer text ends in "…"
#: (its colour still says how it goes; the detail line has it whole)
STATE_MIN = 9
#: cells around each column's text (the table's cell padding, both sides)
PAD = 2


def fit(width: int, pair_width: int, state_width: int) -> tuple[Column, ...]:
    """The Dashboard's columns for a table ``width`` cells wide whose longest pair and
    state texts are ``pair_width`` and ``state_width`` cells: every column while the state
    has room for :data:`STATE_WHOLE`, else :data:`NARROW`; the state as wide as its
    longest text (``width`` None) when that fits, else what the others leave."""
    pair_width, state_width = max(pair_width, len("Pair")), max(state_width, len("State"))

    def left(cols: tuple[Column, ...]) -> int:
        return width - pair_width - sum(c.width or 0 for c in cols) - PAD * len(cols)

    cols = COLUMNS if left(COLUMNS) >= min(state_width, STATE_WHOLE) else NARROW
    if left(cols) >= state_width:
        return cols
    return tuple(replace(c, width=max(STATE_MIN, left(cols))) if c.key == "state" else c
                 for c in cols)


def spark(values: list[float]) -> str:
    if not values:
        return ""
    top = max(values)
    if top <= 0:
        return BARS[0] * len(values)
    return "".join(BARS[min(len(BARS) - 1, int(v / top * (len(BARS) - 1) + 0.5))]
                   for v in values)


#: ages below this read "<10 s": a healthy monitor's heartbeat (every 5 s by default)
#: is always that recent, and a cell that changes every second for every pair only
#: repaints the table (the exact age: the detail line, the Monitor tab)
RECENT = 10.0


def age(ts: float | None, now: float) -> str:
    """How long ago, short ("<10 s", "42 s", "10 min", "2 h", "3 d"); "—" when never."""
    if not ts:
        return "—"
    s = max(0.0, now - ts)
    if s < RECENT:
        return f"<{RECENT:.0f} s"
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.0f} min"
    if s < 2 * 86400:
        return f"{s / 3600:.0f} h"
    return f"{s / 86400:.0f} d"


def size(n: float, in_bytes: bool = False) -> str:
    return f"{int(n):,} bytes" if in_bytes else size_text(int(n))


def state_text(ov: PairOverview) -> str:
    """The honest named state: "Protected", "Degraded — Target unreachable"."""
    return f"{ov.state} — {ov.condition}" if ov.condition and ov.condition != ov.state \
        else ov.state


def pair_text(ov: PairOverview) -> str:
    return f"{ov.pair.source.upper()}→{ov.pair.target.upper()}"


#: what a row's texts but the ages are made from: every field of the overview (one
#: added later counts too) but those that change at every poll and show only as ages
_FACTS = tuple(f.name for f in fields(PairOverview)
               if f.name not in ("last_heartbeat", "last_snapshot", "read_at"))


class PairRows:
    """Turns overviews into rows, keeping each pair's rates between polls (one instance
    per dashboard or per ``status --watch``)."""

    def __init__(self, in_bytes: bool = False) -> None:
        self.in_bytes = in_bytes
        self.rates: dict[str, deque[float]] = {}
        #: each pair's texts but the ages, and what they were made from: a row whose
        #: facts did not change since the last poll is not formatted again
        self._made: dict[str, tuple[tuple[object, ...], dict[str, str]]] = {}

    def add(self, ovs: list[PairOverview]) -> None:
        """Record one poll's rates (pairs gone from the estate are forgotten)."""
        seen = set()
        for ov in ovs:
            seen.add(ov.key)
            hist = self.rates.setdefault(ov.key, deque(maxlen=HISTORY))
            if ov.counters:  # an unknown rate is no point on the trend
                hist.append(ov.transfer_rate)
        for key in set(self.rates) - seen:
            del self.rates[key]
            self._made.pop(key, None)

    def cells(self, ov: PairOverview, now: float) -> dict[str, str]:
        """Column key → text. The ages count from ``now`` (the shower's clock)."""
        trend = tuple(self.rates.get(ov.key, ()))
        facts = (*(getattr(ov, f) for f in _FACTS), trend)
        made = self._made.get(ov.key)
        if made is None or made[0] != facts:
            made = self._made[ov.key] = (facts, self._texts(ov, list(trend)))
        return {**made[1], "hb": age(ov.last_heartbeat, now),
                "snap": age(ov.last_snapshot, now)}

    def _texts(self, ov: PairOverview, trend: list[float]) -> dict[str, str]:
        """Every column but the ages."""
        queue = f"{ov.queued_ops:,}"
        if ov.queued_bytes:
            queue += f" {'≤' if ov.queued_upto else ''}{size(ov.queued_bytes, self.in_bytes)}"
        known = ov.counters  # else nobody said: "—", never a 0 that reads as fine
        return {
            "pair": pair_text(ov),
            "state": state_text(ov),
            "mirror": f"{ov.mirror_percent:.0f}%" if known else "—",
            "queue": queue if known else "—",
            "trend": spark(trend),
            "rate": f"{size(ov.transfer_rate, self.in_bytes)}/s" if known else "—",
            "app": ov.pair.app,
        }

    @staticmethod
    def exact_age(ts: float | None, now: float) -> str:
        """The age to the second, for the detail line."""
        if not ts:
            return "—"
        s = max(0.0, now - ts)
        return f"{s:.0f} s" if s < 120 else age(ts, now)

    def ages(self, ov: PairOverview, now: float) -> dict[str, str]:
        """Only the columns that change with the clock between polls."""
        return {"hb": age(ov.last_heartbeat, now), "snap": age(ov.last_snapshot, now)}
