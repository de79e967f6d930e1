"""Every settable field of a ProtectionConfig: how to parse it, show it, explain it.

One table serves ``--set section.key=value`` on the command line, the
Configure Protection form (the help line of the focused field, SPEC F-3)
and the per-user memory of non-machine choices (SPEC F-4). ``fmt`` writes
a value back in the syntax ``parse`` reads, so ``key=fmt(value)`` round-trips.
``apps`` limits a field to some applications; ``advanced`` fields change
only in the advanced context (``--advanced``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.config import field_parsers as f
from core.config import parsers as p
from core.config.field_parsers import Parse


@dataclass(frozen=True)
class FieldSpec:
    key: str
    parse: Parse
    fmt: Callable[[Any], str]
    help: str
    #: machine-specific (IPs, paths, names of one pair): never carried to the next pair
    machine: bool = False
    #: the applications this field belongs to (empty: every application)
    apps: tuple[str, ...] = ()
    #: changeable only in the advanced context (SPEC F-2 --advanced)
    advanced: bool = False


_BOOL = f.simple(p.parse_bool)
_IPS = f.simple(p.parse_ip_list)
_NAMES = f.simple(p.parse_name_list)
_EXCHANGE, _SQL, _SQL_APPS = ("exchange",), ("sql",), ("sql", "sharepoint", "blackberry")


def _spec(key: str, parse: Parse, fmt: Callable[[Any], str], help: str, machine: bool = False,
          apps: tuple[str, ...] = (), advanced: bool = False) -> FieldSpec:
    return FieldSpec(key, parse, fmt, help, machine, apps, advanced)


_APPMON = "Application monitoring (beta): "

FIELDS: dict[str, FieldSpec] = {s.key: s for s in (
    _spec("failover.type", f.enum(dns="dns", identity="identity"), str,
          "How clients reach the target after failover: dns (recommended) or identity"),
    _spec("failover.dns.servers", f.servers, f.fmt_servers,
          "DNS servers to update: IP[:PORT][/source|target|both|added], comma-separated", True),
    _spec("failover.dns.ip_map", f.simple(p.parse_ip_map),
          lambda v: ",".join(f"{s}:{t}" for s, t in v.items()),
          "Monitored source IP -> target IP it fails over to: SRC:TGT,… (targets unique)", True),
    _spec("failover.dns.ttl", f.simple(p.parse_ttl), str,
          "TTL in seconds for the source's DNS records (0–2147483647); setting it turns Update TTL on"),
    _spec("failover.dns.update_ttl", _BOOL, f.on,
          "Set the TTL of the source's records during failover (300 s or less recommended)"),
    _spec("failover.dns.user", f.simple(f.user), str,
          "DNS user (DOMAIN\\user or user@domain), a member of DnsAdmins"),
    _spec("failover.dns.client_server", f.optional(p.parse_ipv4), str,
          "Advanced: the DNS server to update first (empty: the first in the list)", True,
          advanced=True),
    _spec("failover.identity.monitored_ips", _IPS, ",".join,
          "Identity failover: source IPs to monitor, comma-separated", True),
    _spec("failover.identity.target_nic", f.text_value(), str,
          "Identity failover: the target NIC that takes over the source's IPs", True),
    _spec("failover.identity.ip_address", _BOOL, f.on, "Identity failover: move the IP address"),
    _spec("failover.identity.server_name", _BOOL, f.on, "Identity failover: move the server name"),
    _spec("failover.identity.shares", _BOOL, f.on, "Identity failover: move the file shares"),
    _spec("failover.identity.spns", _BOOL, f.on, "Identity failover: move the AD host SPNs"),
    _spec("failover.services", f.services, f.fmt_services,
          "Services (cluster: resources) started on failover in this order: NAME[/stop|/run],…",
          True),
    _spec("monitoring.enabled", _BOOL, f.on, "Watch the source for failure (failover monitor)"),
    _spec("monitoring.manual_intervention", _BOOL, f.on,
          "Ask before failing over when a failure is declared"),
    _spec("monitoring.method", f.enum(icmp="icmp", ping="icmp", heartbeat="heartbeat",
                                      udp="heartbeat"), str,
          "How the target checks the source: icmp (ping) or heartbeat (engine UDP)"),
    _spec("monitoring.interval", f.simple(p.parse_interval), str,
          "Seconds between checks of the source (1–3600)"),
    _spec("monitoring.missed", f.simple(p.parse_missed), str,
          "Missed replies before failure is declared (1–1000)"),
    _spec("monitoring.trigger", f.enum(all="all", any="any"), str,
          "Declare failure when all monitored IPs fail, or any one"),
    _spec("monitoring.application.enabled", _BOOL, f.on,
          _APPMON + "watch the application's health (not for clusters)", advanced=True),
    _spec("monitoring.application.interval", f.whole(1, 3600, "s"), str,
          _APPMON + "seconds between health checks (1–3600)", advanced=True),
    _spec("monitoring.application.error_threshold", f.whole(1, 100), str,
          _APPMON + "consecutive errors before an alert (1–100)", advanced=True),
    _spec("monitoring.application.method", f.enum(builtin="builtin", script="script",
                                                  custom="script"), str,
          _APPMON + "builtin monitoring points or a custom script", advanced=True),
    _spec("monitoring.application.script_path", f.simple(f.script_path), str,
          _APPMON + "custom script on the target (.ps1 or .vbs)", True, advanced=True),
    _spec("monitoring.application.script_engine", f.enum(ps1="ps1", powershell="ps1", vb="vb",
                                                         vbs="vb", vbscript="vb"), str,
          _APPMON + "script engine: ps1 (PowerShell) or vb (VBScript)", advanced=True),
    _spec("monitoring.application.wmi_user", f.simple(f.user), str,
          _APPMON + "user that runs the WMI scripts (DOMAIN\\user or user@domain)", True,
          advanced=True),
    _spec("snapshots.enabled", _BOOL, f.on, "Take periodic snapshots of the target data"),
    _spec("snapshots.interval_min", f.simple(p.parse_snapshot_interval), str,
          "Minutes between snapshots (at least 15)"),
    _spec("snapshots.start_at", f.simple(p.parse_datetime), str,
          "When snapshots start: empty for now, or a date-time like 2025-01-31T22:00", True),
    _spec("connection.route", f.simple(p.parse_ipv4), str,
          "Target IP the replication data goes through (cluster: the virtual server's IP)", True),
    _spec("connection.shares", _NAMES, ",".join,
          "Shares to protect, comma-separated", True, ("fileprint",)),
    _spec("connection.storage_groups", _NAMES, ",".join,
          "Storage groups to protect (with their stores), comma-separated", True, _EXCHANGE),
    _spec("connection.sql_mode", f.enum(instance="instance", database="database",
                                        **{"database-only": "database",
                                           "many-to-one": "many-to-one"}), str,
          "SQL protection mode: instance, database (database only) or many-to-one", True, _SQL),
    _spec("connection.databases", f.db_keys, ",".join,
          "Databases to protect as INSTANCE/name, comma-separated (system ones but tempdb "
          "come with an instance)", True, _SQL_APPS),
    _spec("connection.target_paths", f.target_paths, f.fmt_target_paths,
          "Database only: INSTANCE/name=TARGET_FOLDER;… (the databases' files on the target)",
          True, _SQL),
    _spec("connection.volume_paths", f.simple(f.paths), ";".join,
          "Other data to protect: Windows paths separated by ';'", True),
    _spec("connection.mirror_type", f.enum(full="full", checksum="checksum"), str,
          "Mirror: full (copy everything) or checksum (send only differing blocks)"),
    _spec("connection.compression", f.simple(f.compression), str,
          "Compression: 0/off, 1/min … 9/max (one setting for every pair to this target)"),
    _spec("connection.codec", f.enum(zlib="zlib", zstd="zstd"), str,
          "Compression method: zlib, or zstd (same levels, several times faster)"),
    _spec("advanced.override_rules", _BOOL, f.on,
          "Use your own replication set rules instead of the generated ones", True),
    _spec("advanced.rules", f.rules, f.fmt_rules,
          "Replication set rules: include:PATH, exclude:PATH, include-flat:PATH … separated by "
          "';' (include:PATH>TARGET lands PATH at TARGET on the target server)",
          True),
    _spec("advanced.set_name", f.simple(f.set_name), str, "Name of the replication set", True),
    _spec("advanced.items_server_name", _BOOL, f.on,
          "Items to failover: add the source's name to the target"),
    _spec("advanced.items_shares", _BOOL, f.on,
          "Items to failover: publish the source's shares on the target"),
    _spec("advanced.items_spns", _BOOL, f.on,
          "Items to failover: move the AD host SPNs to the target (never for Exchange)"),
    _spec("advanced.force_ad_replication", _BOOL, f.on,
          "Exchange: force AD replication when users are rehomed", apps=_EXCHANGE),
    _spec("advanced.ad_max_wait_min", f.whole(1, 1440, "min"), str,
          "Exchange: longest wait for AD replication, in minutes (1–1440)", apps=_EXCHANGE),
    _spec("advanced.targeted_dc", f.simple(f.dc_name), str,
          "Exchange 2003: domain controller updated during failover — a name, never an IP "
          "(empty: Windows picks)", True, _EXCHANGE),
    _spec("advanced.create_set", _BOOL, f.on, "Advanced: create the replication set on enable",
          advanced=True),
    _spec("advanced.create_scripts", _BOOL, f.on,
          "Advanced: write the failover scripts on enable", advanced=True),
    _spec("advanced.create_connection", _BOOL, f.on,
          "Advanced: create the connection on enable", advanced=True),
    _spec("advanced.create_monitor", _BOOL, f.on,
          "Advanced: create the failover monitor on enable", advanced=True),
    _spec("cluster.target_node", f.optional(p.parse_hostname), str,
          "Like-named cluster: a node of the target cluster", True, _EXCHANGE),
    _spec("cluster.network", f.text_value(), str,
          "Like-named cluster: the node's network (NIC) that gets the new IP address", True,
          _EXCHANGE),
    _spec("cluster.ip", f.optional(p.parse_ipv4), str,
          "Like-named cluster: IP address to create on the target cluster", True, _EXCHANGE),
    _spec("cluster.subnet_mask", f.simple(f.subnet_mask), str,
          "Like-named cluster: subnet mask of the new IP address (like 255.255.255.0)", True,
          _EXCHANGE),
    _spec("cluster.storage", f.simple(f.drive_letters), ",".join,
          "Like-named cluster: drive letters of the target's disk resources (E,S)", True,
          _EXCHANGE),
)}

#: ``advanced.plan_edits.<phase>``: the user's text of one plan phase (empty resets it)
PLAN_EDIT_PREFIX = "advanced.plan_edits."


def applies(spec: FieldSpec, app: str) -> bool:
    """Whether the field belongs to a pair of ``app``."""
    return not spec.apps or app in spec.apps
