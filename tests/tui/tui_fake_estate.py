"""Value types and the estate behind the fake ConsoleApi (see tui_fake_api.py).

The servers are those of the default lab estate (``core/lab/default_estate.toml``,
net 127.0.10), inventoried as the console sees them, so the pictures match
``appmgr --lab``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.apps import applications
from core.model.server import Server
from core.model.state import PairState
from core.model.stats import JobStats
from core.ports import MonitorStatus

NOW = 1_700_000_000.0
LAB_USER, LAB_PASSWORD = "LAB\\Administrator", "Lab-Passw0rd!"
ST = PairState


@dataclass
class PairStatus:
    state: PairState
    stats: JobStats
    monitor: MonitorStatus | None
    source_reachable: bool = True
    operation: str = ""  # core: the record's phase
    conditions: list[Any] = field(default_factory=list)  # core.protection.health.Condition
    read_at: float = NOW
    plan: Any = None  # core.protection.plan_lock.PlanHolder: who runs a plan now
    watcher: Any = None  # core.protection.watch_beat.WatcherState (manual intervention off)

    @property
    def label(self) -> str:
        from core.protection.status import state_label

        return state_label(self.state.value, self.operation, self.conditions)

    @property
    def reason(self) -> str:
        from core.protection.health import headline

        return headline(self.conditions, self.stats, self.read_at)

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state.value, "stats": self.stats.to_dict()}


@dataclass(frozen=True)
class StepResult:
    step: str
    ok: bool
    message: str = ""


@dataclass(frozen=True)
class LastPair:
    app: str
    source: str
    target: str


@dataclass
class FakeSettings:
    service_port: int = 6320
    refresh_auto: bool = False
    refresh_interval: int = 30000  # tests poll with ctrl+r, never by the clock
    max_log_kb: int = 1024
    verbose_logging: bool = True
    always_show_details: bool = True
    stats_in_bytes: bool = False
    load_last_pair: bool = False
    alt_dns: bool = False
    show_advanced: bool = False
    last_pair: LastPair | None = None


def _lab_servers() -> dict[str, Server]:
    """Every server of the default lab estate, as the console inventories them."""
    from core.lab.estate import load_estate  # test data only: the TUI never imports the lab

    estate = load_estate()
    return {s.name.upper(): estate.as_server(s) for s in estate.servers}


SERVERS = _lab_servers()
#: the five applications, as the console lists them (core's registry)
APPS = applications()

OPTION_LIMITS = {"service_port": (1, 65535), "refresh_interval": (1, 30000),
                 "max_log_kb": (1, 1048576)}
MIRROR_TOTAL = 400 * 1024 * 1024
