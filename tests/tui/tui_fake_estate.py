"""Value types and the lab-like estate behind the fake ConsoleApi (see tui_fake_api.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.model.server import EngineInfo, Nic, Server, Service, Share, Volume
from core.model.state import PairState
from core.model.stats import JobStats
from core.ports import MonitorStatus

NOW = 1_700_000_000.0
LAB_USER, LAB_PASSWORD = "LAB\\Administrator", "Lab-Passw0rd!"
OS = ("Windows Server 2008 Enterprise", "6.0.6002")
ST = PairState


@dataclass(frozen=True)
class Application:
    id: str
    title: str
    task_label: str
    protectable: bool
    not_protectable_reason: str = ""


@dataclass
class PairSelection:
    state: PairState
    reuse_offered: bool = False
    draft: bool = False
    messages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CheckResult:
    id: str
    title: str
    group: str
    status: str
    reason: str
    fixable: bool = False


@dataclass
class ValidationReport:
    results: list[CheckResult]

    @property
    def ok(self) -> bool:
        return not any(r.status == "error" for r in self.results)


@dataclass
class PairStatus:
    state: PairState
    stats: JobStats
    monitor: MonitorStatus | None
    source_reachable: bool = True

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


def _server(name: str, host: int, volumes: str, shares: list[Share]) -> Server:
    ip = f"127.0.10.{host}"
    return Server(
        name=name, fqdn=f"{name.lower()}.lab.example.com", ips=(ip,), os_name=OS[0],
        os_version=OS[1], nics=(Nic("Local Area Connection", (ip,)),),
        volumes=tuple(Volume(v) for v in volumes),
        services=(Service("LanmanServer", "Server"), Service("Spooler", "Print Spooler"),
                  Service("AppMgrEngine", "appmgr replication engine")),
        shares=tuple(shares), roles=("fileprint",), engine=EngineInfo(True, True, "0.1.0"),
        domain="lab.example.com", dns_servers=("127.0.10.1",))


SERVERS = {
    "FS01": _server("FS01", 11, "CE", [Share("Data", "E:\\Shares\\Data", description="Dept"),
                                       Share("Users", "E:\\Shares\\Users"),
                                       Share("C$", "C:\\", admin=True)]),
    "FS02": _server("FS02", 12, "CE", [Share("C$", "C:\\", admin=True)]),
    "FS03": _server("FS03", 13, "C", [Share("C$", "C:\\", admin=True)]),
}

APPS = [
    Application("exchange", "Exchange", "Protect Exchange", False,
                "Protecting Exchange comes in a later release."),
    Application("sql", "SQL Server", "Protect SQL Server", False,
                "Protecting SQL Server comes in a later release."),
    Application("fileprint", "File Server", "Protect File Server", True),
    Application("sharepoint", "SharePoint", "Protect SharePoint", False,
                "Protecting SharePoint comes in a later release."),
    Application("blackberry", "BlackBerry", "Protect BlackBerry", False,
                "Protecting BlackBerry comes in a later release."),
]

LIMITS = {"monitoring.interval": (1, 3600), "monitoring.missed": (1, 100),
          "failover.dns.ttl": (1, 86400), "snapshots.interval_min": (15, 100000),
          "connection.compression": (0, 9)}
CHOICES = {"monitoring.method": ("icmp", "heartbeat"), "monitoring.trigger": ("all", "any"),
           "failover.type": ("dns", "identity"), "connection.mirror_type": ("full", "checksum")}
OPTION_LIMITS = {"service_port": (1, 65535), "refresh_interval": (1, 30000),
                 "max_log_kb": (1, 1048576)}
MIRROR_TOTAL = 400 * 1024 * 1024
