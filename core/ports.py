"""Ports: the interfaces core speaks to (ARCHITECTURE rule 2).

Only adapter modules import ldap3, dnspython, pywinrm or keyring; everything
else in core depends on these protocols and the small value types below.
Every method may raise the typed errors of :mod:`core.errors`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # only an annotation here: adapters start without the model package
    from core.model.server import Server


# --- credentials -----------------------------------------------------------
@dataclass(frozen=True)
class Credential:
    """A user name in one of the accepted forms and its password.

    ``repr`` hides the password so it can never reach a log or a traceback.
    """

    user: str
    password: str = field(repr=False)


class SecretStore(Protocol):
    def get(self, kind: str, key: str) -> Credential | None: ...
    def put(self, kind: str, key: str, cred: Credential) -> None: ...
    def delete(self, kind: str, key: str) -> None: ...
    def clear(self) -> int: ...


# --- directory ---------------------------------------------------------------
@dataclass(frozen=True)
class RootDse:
    default_nc: str
    config_nc: str
    root_domain_nc: str
    forest_root: str  # DNS name of the forest root domain


@dataclass(frozen=True)
class DirectoryComputer:
    name: str  # sAMAccountName without "$", upper case
    dn: str
    dns_host_name: str = ""
    operating_system: str = ""
    os_version: str = ""
    spns: tuple[str, ...] = ()
    is_cluster_node: bool = False
    is_cluster_virtual: bool = False
    #: userAccountControl ACCOUNTDISABLE (bit 2): discovery hides it unless asked
    disabled: bool = False
    #: SQL Server instances its ``MSSQLSvc/`` SPNs name (``MSSQLSERVER`` = the default)
    sql_instances: tuple[str, ...] = ()
    #: TCP ports its ``MSSQLSvc/host:port`` SPNs name
    sql_ports: tuple[int, ...] = ()
    #: the accounts those SPNs are registered on (``SQL01$``, ``svc-sql``, ``gmsa-sql$``)
    sql_accounts: tuple[str, ...] = ()
    #: the application's product version the directory gives (Exchange: ``2007``)
    app_version: str = ""
    #: an Exchange server's role when it matters for discovery (``edge``)
    role: str = ""
    #: supported per the support matrix (None: not judged)
    supported: bool | None = None
    #: why it is shown as it is (no computer object, not supported, …)
    note: str = ""


@dataclass(frozen=True)
class ExchangeStoreRef:
    """One information store of an Exchange server as the directory holds it."""

    dn: str
    storage_group: str
    name: str
    kind: str  # "mailbox" | "public"


@dataclass(frozen=True)
class ExchangeHome:
    """What a mailbox on ``server`` points at (homeMDB / msExchHomeServerName / homeMTA)."""

    server: str
    server_dn: str
    legacy_dn: str  # msExchHomeServerName of its mailboxes
    mta_dn: str  # homeMTA of its mailboxes ("" when the server has no MTA object)
    stores: tuple[ExchangeStoreRef, ...] = ()


@dataclass(frozen=True)
class DnsLock:
    """What a lock or unlock of a DNS record did (F-9.4): its dnsNode ("" when the zone is
    not stored in the directory), whether it is locked now, and a sentence saying so."""

    record: str
    dn: str
    locked: bool
    note: str


class Directory(Protocol):
    def root_dse(self) -> RootDse: ...
    def servers(self) -> list[DirectoryComputer]:
        """Every computer of the domain running a server OS (Advanced Find)."""
        ...
    def computer(self, name: str) -> DirectoryComputer | None: ...
    def sql_servers(self) -> list[DirectoryComputer]:
        """Computers with ``MSSQLSvc/`` SPNs (SQL Server instances)."""
        ...
    def exchange_servers(self) -> list[DirectoryComputer]:
        """Exchange server objects of the forest's configuration NC."""
        ...
    def move_spns(self, source: str, target: str, service: str = "HOST",
                  owner: str | None = None) -> tuple[str, ...]:
        """Move ``service`` SPNs naming ``owner`` (default ``source``) from ``source``'s
        computer object to ``target``'s; returns the SPNs moved (F-6.1 AD host SPNs)."""
        ...

    def exchange_config(self, server: str) -> dict[str, Any] | None:
        """The directory half of ``exchange_inventory`` (None: no Exchange server object)."""
        ...

    def exchange_home(self, server: str) -> ExchangeHome:
        """The Exchange server object of ``server``, its MTA and its stores (F-9.2 rehome)."""
        ...
    def entries_with(self, attribute: str, values: Sequence[str], base: str = "",
                     attributes: Sequence[str] = ()) -> list[tuple[str, dict[str, str]]]:
        """(dn, {attribute: first value}) of the entries whose ``attribute`` equals one of
        ``values`` (under ``base``: the domain; ``config`` for the configuration NC)."""
        ...
    def read_attributes(self, dn: str, attributes: Sequence[str]) -> dict[str, str]:
        """The first value of each of ``attributes`` of ``dn`` ("" when unset)."""
        ...
    def replace_attributes(self, dn: str, values: dict[str, str]) -> None:
        """Set single-valued attributes of ``dn`` (needs a writable connection)."""
        ...
    def all_values(self, dn: str, attribute: str) -> list[str]:
        """Every value of a multi-valued attribute (a group's ``member``)."""
        ...
    def add_values(self, dn: str, attribute: str, values: Sequence[str]) -> None:
        """Add values to a multi-valued attribute (Delegate Rights: a group member)."""
        ...
    def lock_dns_record(self, fqdn: str, account: str) -> DnsLock:
        """Deny ``account`` (``FS01$``) re-registering ``fqdn``'s record where its zone is
        stored in the directory; says so, changing nothing, where it is not."""
        ...
    def unlock_dns_record(self, fqdn: str, account: str) -> DnsLock:
        """Undo :meth:`lock_dns_record`."""
        ...
    def domain_controllers(self) -> list[str]:
        """The DNS names of the domain's controllers (``OU=Domain Controllers``)."""
        ...
    def bound_to(self) -> str:
        """The name of the domain controller this connection talks to."""
        ...
    def close(self) -> None: ...


# --- DNS ---------------------------------------------------------------------
@dataclass(frozen=True)
class RRSet:
    name: str  # absolute, with trailing dot
    rdtype: str  # "A", "PTR", "MX", "SOA", "NS"
    ttl: int
    values: tuple[str, ...]  # presentation format ("127.0.10.12", "10 mail.lab.example.com.")


@dataclass(frozen=True)
class ZoneChange:
    """One atomic UPDATE of one zone: prerequisites, then replacements.

    ``expect`` rrsets must exist with exactly these values (RFC 2136 value
    dependent prerequisites) or the whole update is refused; ``replace``
    rrsets replace whatever is at (name, type); ``delete`` removes (name, type).
    """

    zone: str
    expect: tuple[RRSet, ...] = ()
    replace: tuple[RRSet, ...] = ()
    delete: tuple[tuple[str, str], ...] = ()


class Dns(Protocol):
    def lookup(self, name: str, rdtype: str) -> RRSet | None: ...
    def zone_of(self, name: str) -> str:
        """The zone (SOA owner) that holds ``name``; NotFound when none."""
        ...
    def apply(self, change: ZoneChange) -> None:
        """Send one signed UPDATE; all of it applies or none (raises on refusal)."""
        ...
    def probe_update(self, zone: str) -> None:
        """Prove the credentials may update ``zone`` without changing any real record."""
        ...


# --- hosts -------------------------------------------------------------------
class HostControl(Protocol):
    """PowerShell operations on one Windows server (WinRM)."""

    def inventory(self) -> Server: ...
    def set_service(self, name: str, running: bool) -> None: ...
    def add_share(self, name: str, path: str, description: str = "",
                  grants: tuple[str, ...] = ()) -> None: ...
    def remove_share(self, name: str) -> None: ...
    def run_op(self, op: str, params: dict[str, Any]) -> Any: ...


# --- replication engine ----------------------------------------------------------
@dataclass(frozen=True)
class MonitorStatus:
    name: str
    state: str  # monitoring | failover_condition | off
    last_heartbeat: float | None  # epoch seconds of the last reply from any monitored IP
    missed: int  # consecutive misses (the worst IP under trigger "any", the best under "all")
    threshold: int
    per_ip: dict[str, int] = field(default_factory=dict)  # ip -> consecutive misses
    #: epoch seconds of the newest snapshot of the set on the target (None: none yet)
    last_snapshot: float | None = None
    #: why the condition was met when not by missed heartbeats, e.g. "Application
    #: failure: MSSQLSERVER stopped on SQL01 (3 checks)"; "" otherwise
    reason: str = ""


class Engine(Protocol):
    """The management API of the replication engine on one server (port 6320).

    Windows paths in rules are the source's; the target stores the data at
    the same paths (its own volume letters).
    """

    def info(self) -> dict[str, Any]:
        """``{"version", "port", "hostname", "sets", "connections", "monitors"}``."""
        ...

    def create_set(self, name: str, rules: list[Any]) -> None: ...
    def delete_set(self, name: str) -> None: ...

    def accept(self, name: str, token: str) -> None:
        """On the target: accept data of set ``name`` from a peer presenting ``token``."""
        ...

    def connect(
        self,
        name: str,
        target: str,
        port: int,
        token: str,
        mirror_type: str = "checksum",
        compression: int = 0,
        replicate: bool = True,
        delete_orphans: bool = False,
        codec: str = "zlib",
    ) -> None:
        """On the source: mirror set ``name`` to ``target:port``, then (if
        ``replicate``) replicate every change continuously, in order; ``codec`` is
        how level ``compression`` compresses (zlib or zstd)."""
        ...

    def disconnect(self, name: str) -> None: ...
    def stats(self, name: str) -> Any:  # core.model.stats.JobStats
        ...

    def create_monitor(
        self,
        name: str,
        source_ips: list[str],
        port: int,
        method: str,
        interval: float,
        missed: int,
        trigger: str,
        application: dict[str, Any] | None = None,
    ) -> None:
        """On the target: watch the source's heartbeat (UDP) or ICMP; ``application``
        adds application monitoring (``{"method": "builtin"|"script", "interval",
        "error_threshold", "computer", "services", "script"}``, SPEC F-6.2)."""
        ...

    def monitor_status(self, name: str) -> MonitorStatus: ...
    def delete_monitor(self, name: str) -> None: ...

    def set_identity(self, name: str, ips: list[str], prefix: int, nic: str, server_name: str,
                     shares: list[dict[str, str]], auto: bool) -> dict[str, Any]:
        """On the target: what it takes over when the source fails (identity failover,
        F-9.5); ``auto``: by itself on the monitor's condition. Answers the record
        ``{"spec", "state": ready|taken|failed, "at", "done", "error"}``."""
        ...

    def delete_identity(self, name: str) -> None: ...
    def identity_status(self, name: str) -> dict[str, Any]: ...
    def take_identity(self, name: str, wait: float = 600.0) -> dict[str, Any]: ...
    def release_identity(self, name: str, wait: float = 600.0) -> dict[str, Any]: ...

    def manifest(self, rules: list[Any], image: bool = False, wait: float = 3600.0
                 ) -> list[list[Any]]:
        """``[win, is_dir, size, digest]`` of a set's entries on this server, named as
        on the receiver (``image``: where a sender's data of ``rules`` lands here)."""
        ...

    def quarantine(self, paths: list[str], folder: str, wait: float = 3600.0) -> dict[str, Any]:
        """Copy these files into ``<volume>:\\<folder>\\…`` before a restore overwrites them;
        ``{"copied", "bytes", "missing", "folders"}``."""
        ...

    # On the target: snapshots of an accepted set's data (core.model.snapshot.SnapshotInfo)
    def take_snapshot(self, name: str, reason: str = "on demand") -> Any: ...
    def snapshots(self, name: str) -> list[Any]: ...
    def delete_snapshot(self, name: str, sid: str) -> None: ...
    def rollback_snapshot(self, name: str, sid: str) -> dict[str, int]:
        """Make the set's data equal snapshot ``sid``: ``{"replaced", "deleted", "kept"}``."""
        ...
    def snapshot_changes(self, name: str, sid: str) -> list[str] | None:
        """Files of snapshot ``sid`` written in place since it was taken (None: unknown,
        a snapshot from before manifests were kept)."""
        ...

    def schedule_snapshots(self, name: str, interval_min: int | None, start_at: float = 0.0,
                           keep: int | None = None) -> None:
        """Take one every ``interval_min`` minutes from ``start_at`` (None: stop)."""
        ...

    def close(self) -> None: ...
