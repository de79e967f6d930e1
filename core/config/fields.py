"""Every settable field of a ProtectionConfig: how to parse it, show it, explain it.

One table serves ``--set section.key=value`` on the command line, the
Configure Protection form (the help line of the focused field, SPEC F-3)
and the per-user memory of non-machine choices (SPEC F-4). ``fmt`` writes
a value back in the syntax ``parse`` reads, so ``key=fmt(value)`` round-trips.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.config import parsers as p
from core.errors import InvalidInput
from core.model.config import DnsServerEntry, ProtectionConfig, ServiceItem
from core.model.rules import Rule

Parse = Callable[[str, str, ProtectionConfig], Any]  # (text, key, current config) -> value


@dataclass(frozen=True)
class FieldSpec:
    key: str
    parse: Parse
    fmt: Callable[[Any], str]
    help: str
    #: machine-specific (IPs, paths, names of one pair): never carried to the next pair
    machine: bool = False


def _on(v: bool) -> str:
    return "on" if v else "off"


def _simple(fn: Callable[[str, str], Any]) -> Parse:
    return lambda text, key, _cfg: fn(text, key)


def _enum(**choices: str) -> Parse:
    return lambda text, key, _cfg: p.parse_enum(text, key, choices)


def _text(max_len: int = 256) -> Parse:
    def parse(text: str, key: str, _cfg: ProtectionConfig) -> str:
        value = text.strip()
        if len(value) > max_len or any(ord(c) < 32 for c in value):
            raise InvalidInput(key, f"must be at most {max_len} printable characters")
        return value
    return parse


def _optional(fn: Callable[[str, str], Any]) -> Parse:
    return lambda text, key, _cfg: fn(text, key) if text.strip() else ""


def _compression(text: str, key: str) -> int:
    word = text.strip().lower()
    named = {"off": 0, "none": 0, "min": 1, "minimum": 1, "max": 9, "maximum": 9}
    if word in named:
        return named[word]
    return p.parse_int(text, key, 0, 9)


def _set_name(text: str, key: str) -> str:
    value = text.strip()
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", value):
        raise InvalidInput(key, f"{text!r}: use 1 to 64 letters, digits, '_', '.' or '-'")
    return value


def _paths(text: str, key: str) -> list[str]:
    # paths may hold commas, so a comma only separates when a drive letter follows
    parts = re.split(r";|,(?=\s*[A-Za-z]:)", text)
    out: list[str] = []
    for part in (x for x in parts if x.strip()):
        path = p.parse_windows_path(part, key)
        if path.upper() not in {o.upper() for o in out}:
            out.append(path)
    return out


def _servers(text: str, key: str, _cfg: ProtectionConfig) -> list[DnsServerEntry]:
    """``IP[:PORT][/ROLE]`` items, comma-separated."""
    out: list[DnsServerEntry] = []
    for part in (x.strip() for x in text.split(",") if x.strip()):
        addr, _, role = part.partition("/")
        ip, _, port = addr.partition(":")
        entry = DnsServerEntry(
            p.parse_ipv4(ip, key),
            p.parse_port(port, key) if port else 53,
            p.parse_enum(role, key, {"source": "source", "target": "target", "both": "both",
                                     "added": "added"}) if role else "added")
        if entry.ip in {e.ip for e in out}:
            raise InvalidInput(key, f"DNS server {entry.ip} is listed twice")
        out.append(entry)
    return out


def _fmt_servers(v: list[DnsServerEntry]) -> str:
    return ",".join(f"{e.ip}:{e.port}/{e.role}" for e in v)


def _services(text: str, key: str, cfg: ProtectionConfig) -> list[ServiceItem]:
    """``Name[/stop|/run]``; known services keep their flags, new ones are user-added."""
    known = {s.name.upper(): s for s in cfg.failover.services}
    out: list[ServiceItem] = []
    for item in p.parse_name_list(text, key):
        name, _, flag = item.partition("/")
        name = name.strip()
        if not name or flag.strip().lower() not in {"", "stop", "run"}:
            raise InvalidInput(key, f"{item!r}: write NAME, NAME/stop or NAME/run")
        old = known.get(name.upper(), ServiceItem(name, user_added=True))
        stop = old.must_stop_on_target if not flag else flag.strip().lower() == "stop"
        out.append(ServiceItem(old.name, old.user_added, stop))
    return out


def _fmt_services(v: list[ServiceItem]) -> str:
    return ",".join(f"{s.name}/{'stop' if s.must_stop_on_target else 'run'}" for s in v)


_RULE_KINDS = {"include": (True, True), "exclude": (False, True),
               "include-flat": (True, False), "exclude-flat": (False, False)}


def _rules(text: str, key: str, _cfg: ProtectionConfig) -> list[Rule]:
    """``KIND:PATH`` items separated by ``;`` (KIND include, exclude, include-flat, exclude-flat)."""
    out: list[Rule] = []
    for part in (x.strip() for x in text.split(";") if x.strip()):
        kind, sep, path = part.partition(":")
        if not sep or kind.strip().lower() not in _RULE_KINDS:
            raise InvalidInput(key, f"{part!r}: write include:PATH, exclude:PATH, "
                                    "include-flat:PATH or exclude-flat:PATH")
        include, recursive = _RULE_KINDS[kind.strip().lower()]
        out.append(Rule(p.parse_windows_path(path, key), include, recursive))
    return out


def _fmt_rules(v: list[Rule]) -> str:
    kinds = {flags: kind for kind, flags in _RULE_KINDS.items()}
    return ";".join(f"{kinds[(r.include, r.recursive)]}:{r.path}" for r in v)


def _user(text: str, key: str) -> str:
    return p.parse_user_name(text, key) if text.strip() else ""


_BOOL = _simple(p.parse_bool)
_IPS = _simple(p.parse_ip_list)
_NAMES = _simple(p.parse_name_list)


def _spec(key: str, parse: Parse, fmt: Callable[[Any], str], help: str,
          machine: bool = False) -> FieldSpec:
    return FieldSpec(key, parse, fmt, help, machine)


FIELDS: dict[str, FieldSpec] = {f.key: f for f in (
    _spec("failover.type", _enum(dns="dns", identity="identity"), str,
          "How clients reach the target after failover: dns (recommended) or identity"),
    _spec("failover.dns.servers", _servers, _fmt_servers,
          "DNS servers to update: IP[:PORT][/source|target|both|added], comma-separated", True),
    _spec("failover.dns.ip_map", _simple(p.parse_ip_map),
          lambda v: ",".join(f"{s}:{t}" for s, t in v.items()),
          "Monitored source IP -> target IP it fails over to: SRC:TGT,… (targets unique)", True),
    _spec("failover.dns.ttl", _simple(p.parse_ttl), str,
          "TTL in seconds for the source's DNS records (0–2147483647); setting it turns Update TTL on"),
    _spec("failover.dns.update_ttl", _BOOL, _on,
          "Set the TTL of the source's records during failover (300 s or less recommended)"),
    _spec("failover.dns.user", _simple(_user), str,
          "DNS user (DOMAIN\\user or user@domain), a member of DnsAdmins"),
    _spec("failover.dns.client_server", _optional(p.parse_ipv4), str,
          "Advanced: the DNS server to update first (empty: the first in the list)", True),
    _spec("failover.identity.monitored_ips", _IPS, ",".join,
          "Identity failover: source IPs to monitor, comma-separated", True),
    _spec("failover.identity.target_nic", _text(), str,
          "Identity failover: the target NIC that takes over the source's IPs", True),
    _spec("failover.identity.ip_address", _BOOL, _on, "Identity failover: move the IP address"),
    _spec("failover.identity.server_name", _BOOL, _on, "Identity failover: move the server name"),
    _spec("failover.identity.shares", _BOOL, _on, "Identity failover: move the file shares"),
    _spec("failover.identity.spns", _BOOL, _on, "Identity failover: move the AD host SPNs"),
    _spec("failover.services", _services, _fmt_services,
          "Services started on failover in this order: NAME[/stop|/run],…", True),
    _spec("monitoring.enabled", _BOOL, _on, "Watch the source for failure (failover monitor)"),
    _spec("monitoring.manual_intervention", _BOOL, _on,
          "Ask before failing over when a failure is declared"),
    _spec("monitoring.method", _enum(icmp="icmp", ping="icmp", heartbeat="heartbeat",
                                     udp="heartbeat"), str,
          "How the target checks the source: icmp (ping) or heartbeat (engine UDP)"),
    _spec("monitoring.interval", _simple(p.parse_interval), str,
          "Seconds between checks of the source (1–3600)"),
    _spec("monitoring.missed", _simple(p.parse_missed), str,
          "Missed replies before failure is declared (1–1000)"),
    _spec("monitoring.trigger", _enum(all="all", any="any"), str,
          "Declare failure when all monitored IPs fail, or any one"),
    _spec("snapshots.enabled", _BOOL, _on, "Take periodic snapshots of the target data"),
    _spec("snapshots.interval_min", _simple(p.parse_snapshot_interval), str,
          "Minutes between snapshots (at least 15)"),
    _spec("snapshots.start_at", _simple(p.parse_datetime), str,
          "When snapshots start: empty for now, or a date-time like 2025-01-31T22:00", True),
    _spec("connection.route", _simple(p.parse_ipv4), str,
          "Target IP the replication data goes through", True),
    _spec("connection.shares", _NAMES, ",".join,
          "Shares to protect, comma-separated", True),
    _spec("connection.volume_paths", _simple(_paths), ";".join,
          "Other data to protect: Windows paths separated by ';'", True),
    _spec("connection.mirror_type", _enum(full="full", checksum="checksum"), str,
          "Mirror: full (copy everything) or checksum (send only differing blocks)"),
    _spec("connection.compression", _simple(_compression), str,
          "Compression: 0/off, 1/min … 9/max (one setting per target)"),
    _spec("advanced.override_rules", _BOOL, _on,
          "Use your own replication set rules instead of the generated ones", True),
    _spec("advanced.rules", _rules, _fmt_rules,
          "Replication set rules: include:PATH, exclude:PATH, include-flat:PATH … separated by ';'",
          True),
    _spec("advanced.set_name", _simple(_set_name), str, "Name of the replication set", True),
    _spec("advanced.create_set", _BOOL, _on, "Advanced: create the replication set on enable"),
    _spec("advanced.create_scripts", _BOOL, _on, "Advanced: write the failover scripts on enable"),
    _spec("advanced.create_connection", _BOOL, _on, "Advanced: create the connection on enable"),
    _spec("advanced.create_monitor", _BOOL, _on,
          "Advanced: create the failover monitor on enable"),
)}

#: ``advanced.plan_edits.<phase>``: the user's text of one plan phase (empty resets it)
PLAN_EDIT_PREFIX = "advanced.plan_edits."
