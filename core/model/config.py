"""Protection configuration of one pair: the tabs of SPEC F-6.

Plain dataclasses with ``to_dict``/``from_dict`` so a configuration can be
saved, shown as JSON and edited headless with ``section.key=value``.
Defaults here are the normative ones of SPEC F-6.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any

from core.model.pair import Pair
from core.model.rules import Rule


@dataclass
class DnsServerEntry:
    ip: str
    port: int = 53
    role: str = "both"  # source | target | both | added


@dataclass
class DnsFailover:
    servers: list[DnsServerEntry] = field(default_factory=list)
    #: monitored source IP -> target IP it fails over to (must be unique)
    ip_map: dict[str, str] = field(default_factory=dict)
    update_ttl: bool = False
    ttl: int = 300
    user: str = ""  # password lives only in the SecretStore
    client_server: str = ""  # advanced: which DNS server to update first


@dataclass
class IdentityFailover:
    monitored_ips: list[str] = field(default_factory=list)
    target_nic: str = ""
    ip_address: bool = True
    server_name: bool = True
    shares: bool = True
    spns: bool = True


@dataclass
class ServiceItem:
    name: str
    user_added: bool = False
    must_stop_on_target: bool = True


@dataclass
class FailoverSection:
    type: str = "dns"  # dns | identity
    dns: DnsFailover = field(default_factory=DnsFailover)
    identity: IdentityFailover = field(default_factory=IdentityFailover)
    services: list[ServiceItem] = field(default_factory=list)
    #: cluster pairs: ``services`` names cluster resources (brought online, not started)
    resources: bool = False


@dataclass
class AppMonitoring:
    """Application monitoring (beta, advanced only, never for clusters; SPEC F-6.2)."""

    enabled: bool = False
    interval: int = 60  # seconds between application checks
    error_threshold: int = 3  # consecutive errors before an alert
    method: str = "builtin"  # builtin | script
    script_path: str = ""  # custom script (.ps1 or .vbs) when method is script
    script_engine: str = "ps1"  # ps1 | vb
    wmi_user: str = ""  # its password lives only in the SecretStore


@dataclass
class MonitoringSection:
    enabled: bool = True
    manual_intervention: bool = True
    method: str = "heartbeat"  # icmp | heartbeat
    interval: int = 5  # seconds
    missed: int = 5
    trigger: str = "all"  # all | any
    application: AppMonitoring = field(default_factory=AppMonitoring)

    @property
    def failure_after(self) -> int:
        return self.interval * self.missed


@dataclass
class SnapshotsSection:
    enabled: bool = False
    interval_min: int = 60
    start_at: str = ""  # "" = start now, else ISO date-time


@dataclass
class ConnectionSection:
    route: str = ""  # target IP the data goes through
    shares: list[str] = field(default_factory=list)  # selected share names
    volume_paths: list[str] = field(default_factory=list)  # extra Windows paths
    mirror_type: str = "checksum"  # full | checksum
    compression: int = 0  # 0 = off, 1 (min) … 9 (max)
    #: how the level compresses: zlib | zstd (core.engine.codec); a file saved before
    #: there was a choice has no such key and is read as zlib, which it meant
    codec: str = "zlib"
    #: Exchange: the storage groups protected (their stores come with them)
    storage_groups: list[str] = field(default_factory=list)
    #: SQL protection mode: instance | database | many-to-one (database-only modes)
    sql_mode: str = "instance"
    #: SQL, SharePoint, BlackBerry: protected databases as ``INSTANCE/name``
    databases: list[str] = field(default_factory=list)
    #: database-only modes: ``INSTANCE/name`` -> folder on the target for its files
    target_paths: dict[str, str] = field(default_factory=dict)


@dataclass
class AdvancedSection:
    override_rules: bool = False
    rules: list[Rule] = field(default_factory=list)  # used when override_rules
    set_name: str = ""
    #: phase name -> user-edited script text (absent = generated)
    plan_edits: dict[str, str] = field(default_factory=dict)
    create_set: bool = True
    create_scripts: bool = True
    create_connection: bool = True
    create_monitor: bool = True
    #: items to failover with DNS failover (defaults per application, SPEC F-6.5)
    items_server_name: bool = False
    items_shares: bool = True
    items_spns: bool = False
    #: Exchange: force AD replication while rehoming, wait at most this long
    force_ad_replication: bool = True
    ad_max_wait_min: int = 30
    #: Exchange 2003: the domain controller updated during failover (a name, never an IP)
    targeted_dc: str = ""


@dataclass
class ClusterSection:
    """Like-named cluster setup (SPEC F-5.6, Exchange 2003 only)."""

    like_named: bool = False
    target_node: str = ""  # a node of the target cluster
    network: str = ""  # NIC of that node that gets the new IP address
    ip: str = ""  # IP address to create for the target's stand-in
    subnet_mask: str = ""
    storage: list[str] = field(default_factory=list)  # drive letters of disk resources


@dataclass
class ProtectionConfig:
    app: str
    source: str
    target: str
    failover: FailoverSection = field(default_factory=FailoverSection)
    monitoring: MonitoringSection = field(default_factory=MonitoringSection)
    snapshots: SnapshotsSection = field(default_factory=SnapshotsSection)
    connection: ConnectionSection = field(default_factory=ConnectionSection)
    advanced: AdvancedSection = field(default_factory=AdvancedSection)
    cluster: ClusterSection = field(default_factory=ClusterSection)

    @property
    def pair(self) -> Pair:
        """The pair this configuration protects."""
        return Pair(self.app, self.source, self.target)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ProtectionConfig:
        cfg = _build(cls, d)
        if not isinstance(cfg, cls):
            raise TypeError("a configuration is a JSON object")
        return cfg


def _build(cls: type, d: Any) -> Any:
    """Rebuild a dataclass tree from ``asdict`` output (unknown keys ignored)."""
    if not is_dataclass(cls) or not isinstance(d, dict):
        return d
    kwargs: dict[str, Any] = {}
    for name in (f.name for f in fields(cls)):
        if name not in d:
            continue
        value = d[name]
        sub = _FIELD_TYPES.get((cls, name))
        if sub is not None and isinstance(value, list):
            kwargs[name] = [_build(sub, v) for v in value]
        elif sub is not None:
            kwargs[name] = _build(sub, value)
        else:
            kwargs[name] = value
    return cls(**kwargs)


_FIELD_TYPES: dict[tuple[type, str], type] = {
    (DnsFailover, "servers"): DnsServerEntry,
    (FailoverSection, "dns"): DnsFailover,
    (FailoverSection, "identity"): IdentityFailover,
    (FailoverSection, "services"): ServiceItem,
    (ProtectionConfig, "failover"): FailoverSection,
    (ProtectionConfig, "monitoring"): MonitoringSection,
    (ProtectionConfig, "snapshots"): SnapshotsSection,
    (ProtectionConfig, "connection"): ConnectionSection,
    (ProtectionConfig, "advanced"): AdvancedSection,
    (ProtectionConfig, "cluster"): ClusterSection,
    (MonitoringSection, "application"): AppMonitoring,
    (AdvancedSection, "rules"): Rule,
}
