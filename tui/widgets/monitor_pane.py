"""The Monitor tab (SPEC F-8.4): live status polled by a self-rescheduling timer.

A thread worker calls ``api.monitoring.status`` and posts :class:`StatusPolled`; the
handler updates the widgets (the counters table by row key) and only then
schedules the next poll, so polls never overlap or pile up over a slow link.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Collapsible, DataTable, Label, ProgressBar, Sparkline, Static
from textual.worker import get_current_worker

from core.model.pair import Pair
from core.protection.health import since_text
from core.protection.status import missed_text
from tui.api_calls import error_text
from tui.fmt import STATE_CLASS, ago, rate, size, status_label
from tui.hosts import appmgr_app
from tui.refresh import RefreshPolicy, counters_changed, is_busy

ROWS = (
    ("mirror", "Mirror status"),
    ("replication", "Replication status"),
    ("sent", "Bytes sent"),
    ("sent_compressed", "Bytes sent (compressed)"),
    ("remaining", "Bytes remaining"),
    ("queue", "Replication queue"),
    ("rate", "Transfer rate"),
    ("heartbeat", "Last heartbeat"),
    ("missed", "Missed heartbeats"),
    ("monitor", "Failover monitor"),
    ("snapshot", "Last snapshot"),
)
AGE_TICK = 1.0  # seconds between recomputed ages ("last heartbeat 3 s ago")
MONITOR_STATES = {"monitoring": "monitoring", "failover_condition": "failover condition met",
                  "off": "off"}


#: rate samples on the sparkline (one per poll), oldest left
RATE_WINDOW = 60

class StatusPolled(Message):
    def __init__(self, pair: Pair, status: Any, error: BaseException | None):
        super().__init__()
        self.pair = pair
        self.status = status
        self.error = error


class MonitorPane(VerticalScroll):
    can_focus = False  # Tab goes straight to the fields

    class StatusChanged(Message):
        def __init__(self, status: Any) -> None:
            super().__init__()
            self.status = status

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pair: Pair | None = None
        self.policy = RefreshPolicy()
        self.interval = self.policy.fast
        self.settings: Any = None
        self.last_stats: Any = None
        self.rates: deque[float] = deque(maxlen=RATE_WINDOW)
        self._timer: Timer | None = None
        #: (last heartbeat, last snapshot) of the status shown: their ages are recomputed
        #: from the clock every second, since polls back off to 10 s while nothing moves
        self._times: tuple[float | None, float | None] | None = None

    def on_mount(self) -> None:
        self.set_interval(AGE_TICK, self.refresh_ages)

    def compose(self) -> ComposeResult:
        yield Static("Protection status: —", id="mon-state")
        yield Static("Choose a source and a target on the Setup tab.", id="mon-refresh")
        yield Static("", id="mon-problems")
        with Collapsible(title="Protection details", id="mon-details", collapsed=True):
            with Horizontal(classes="row"):
                yield Label("Mirror", classes="label")
                yield ProgressBar(total=100, show_eta=False, id="mon-progress")
            table: DataTable[str] = DataTable(id="mon-table", cursor_type="none",
                                              show_header=False)
            table.add_column("Counter", key="name", width=24)
            table.add_column("Value", key="value", width=24)
            for key, title in ROWS:
                table.add_row(title, "—", key=key)
            yield table
            with Horizontal(classes="row"):
                yield Label("Rate", classes="label")
                yield Sparkline([], id="mon-spark")

    def apply_settings(self, settings: Any) -> None:
        self.settings = settings
        if getattr(settings, "always_show_details", False):
            self.query_one("#mon-details", Collapsible).collapsed = False

    # --- polling ---------------------------------------------------------------
    def start(self, pair: Pair) -> None:
        self.stop()
        self.pair = pair
        self.interval = self.policy.fast
        self.query_one("#mon-refresh", Static).update(
            f"{pair.source} → {pair.target} · reading status…")
        self._poll()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.pair = None
        self.last_stats = None
        self._times = None
        self.rates.clear()

    def poll_now(self) -> None:
        if self.pair is None:
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._poll()

    @work(thread=True, exclusive=True, group="status", exit_on_error=False)
    def _poll(self) -> None:
        pair = self.pair
        if pair is None:
            return
        worker = get_current_worker()
        try:
            status, error = appmgr_app(self).api.monitoring.status(pair), None
        except Exception as err:  # typed errors shown on the tab; the timer carries on
            status, error = None, err
        if not worker.is_cancelled:
            self.post_message(StatusPolled(pair, status, error))

    def on_status_polled(self, message: StatusPolled) -> None:
        message.stop()
        if message.pair != self.pair:
            return  # a poll of a pair no longer shown
        if message.error is not None:
            self.query_one("#mon-refresh", Static).update(
                f"Status unavailable: {error_text(message.error)}")
            changed, busy = False, False
        else:
            status = message.status
            changed = counters_changed(self.last_stats, status.stats)
            busy = is_busy(status)
            self.last_stats = status.stats
            self._show(status)
            self.post_message(self.StatusChanged(status))
        auto = bool(getattr(self.settings, "refresh_auto", True))
        manual = float(getattr(self.settings, "refresh_interval", 5) or 5)
        self.interval = self.policy.next_interval(
            auto=auto, manual=manual, busy=busy, changed=changed, current=self.interval)
        mode = "auto" if auto else "manual"
        if message.error is None:
            self.query_one("#mon-refresh", Static).update(
                f"Refreshed every {self.interval:g} s ({mode}) · ctrl+r refreshes now")
        self._timer = self.set_timer(self.interval, self._poll)

    # --- display -----------------------------------------------------------------
    def _show(self, status: Any) -> None:
        state = status_label(status)
        line = self.query_one("#mon-state", Static)
        reason = str(getattr(status, "reason", "") or "")
        line.update(f"Protection status: {state}" + (f" — {reason}" if reason else ""))
        for cls in ("ok", "busy", "bad", "idle"):
            line.set_class(STATE_CLASS.get(state, "idle") == cls, f"-{cls}")
        s = status.stats
        in_bytes = bool(getattr(self.settings, "stats_in_bytes", False))
        now = appmgr_app(self).clock()
        monitor = status.monitor
        last_hb = monitor.last_heartbeat if monitor and monitor.last_heartbeat else s.last_heartbeat
        missed = monitor.missed if monitor else s.missed_heartbeats
        threshold = monitor.threshold if monitor else s.missed_threshold
        mon_state = monitor.state if monitor else s.monitor_state
        upto = "up to " if s.queued_bytes_upto else ""  # deltas not hashed yet: a bound
        values = {
            "mirror": f"{s.mirror_status} ({s.mirror_percent:.0f}%)",
            "replication": s.replication_status,
            "sent": size(s.bytes_sent, in_bytes),
            "sent_compressed": size(s.bytes_sent_compressed, in_bytes),
            "remaining": ("up to " if s.bytes_remaining_upto else "")
            + size(s.bytes_remaining, in_bytes),
            "queue": f"{s.queued_ops:,} operations"
            + (f" ({upto}{size(s.queued_bytes, in_bytes)})" if s.queued_bytes else ""),
            "rate": rate(s.transfer_rate, in_bytes),
            **self._ages(last_hb, s.last_snapshot, now),
            "missed": missed_text(missed, threshold),
            "monitor": MONITOR_STATES.get(mon_state, mon_state),
        }
        self._times = (last_hb, s.last_snapshot)
        self.query_one("#mon-problems", Static).update(
            "\n".join([*self._automatic(status), *(f"▲ {p}" for p in self._problems(status))]))
        table = self.query_one("#mon-table", DataTable)
        for key, text in values.items():
            table.update_cell(key, "value", text)
        self.query_one("#mon-progress", ProgressBar).update(progress=s.mirror_percent)
        self.rates.append(float(s.transfer_rate))
        # a fixed window, oldest left: a single sample must not fill the whole line
        window = [0.0] * (RATE_WINDOW - len(self.rates)) + list(self.rates)
        self.query_one("#mon-spark", Sparkline).data = window

    @staticmethod
    def _problems(status: Any) -> list[str]:
        """Each degraded condition with its reason and start; without conditions (a status
        that has none to give), what the read itself met."""
        conds = [c for c in getattr(status, "conditions", None) or [] if c.name != "Mirroring"]
        if conds:
            now = float(getattr(status, "read_at", 0.0) or 0.0)
            return [c.name + (f" since {since_text(c.since, now)}" if c.since else "")
                    + f": {c.reason}" for c in conds]
        s = status.stats
        problems = list(getattr(status, "errors", []) or [])
        if getattr(s, "last_error", ""):
            problems.insert(0, s.last_error)
        if getattr(status, "source_reachable", None) is False:
            problems.append("The source does not answer.")
        if getattr(status, "target_reachable", None) is False:
            problems.append("The target does not answer.")
        return problems

    @staticmethod
    def _automatic(status: Any) -> list[str]:
        """Who runs a plan now, and (manual intervention off) who will fail over."""
        out = []
        plan = getattr(status, "plan", None)
        if plan is not None:
            out.append(f"▶ {plan.sentence()}")
        watcher = getattr(status, "watcher", None)
        if watcher is not None:
            out.append(f"{'●' if watcher.running else '▲'} Automatic failover: "
                       f"{watcher.sentence()}")
        identity = getattr(status, "identity", None)
        if identity and identity.get("state") in ("taken", "failed"):
            out.append(f"{'●' if identity['state'] == 'taken' else '▲'} Identity failover: "
                       f"{identity.get('text', '')}")
        return out

    @staticmethod
    def _ages(last_hb: float | None, last_snapshot: float | None, now: float) -> dict[str, str]:
        return {"heartbeat": ago(last_hb, now),
                "snapshot": ago(last_snapshot, now) if last_snapshot else "none"}

    def refresh_ages(self) -> None:
        """Ages from the clock at render time, not frozen at the last poll."""
        if self._times is None or self.pair is None:
            return
        table = self.query_one("#mon-table", DataTable)
        for key, text in self._ages(*self._times, appmgr_app(self).clock()).items():
            if str(table.get_cell(key, "value")) != text:  # no repaint for the same text
                table.update_cell(key, "value", text)

    def clear(self, note: str = "Choose a source and a target on the Setup tab.") -> None:
        self.stop()
        self.query_one("#mon-state", Static).update("Protection status: —")
        self.query_one("#mon-refresh", Static).update(note)
        self.query_one("#mon-problems", Static).update("")
        table = self.query_one("#mon-table", DataTable)
        for key, _ in ROWS:
            table.update_cell(key, "value", "—")
        self.query_one("#mon-progress", ProgressBar).update(progress=0)
        self.query_one("#mon-spark", Sparkline).data = []
