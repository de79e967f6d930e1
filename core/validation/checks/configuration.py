"""Checks of the configuration against the two inventories (core.config.check)."""

from __future__ import annotations

import copy

from core.config.check import MIN_SNAPSHOT_INTERVAL, ConfigProblems, config_problems
from core.model.config import ProtectionConfig
from core.validation.base import Outcome, check, dns_failover, error, fix_for, passed, warning
from core.validation.context import ValidationContext

#: fields with a check of their own (ip map, TTL, snapshots, failover type, monitoring,
#: clusters, services: services.exist)
_OWN = ("failover.dns.ip_map", "failover.dns.ttl", "snapshots.", "failover.type",
        "monitoring.application.", "monitoring.missed", "cluster.", "failover.services")


def _problems(v: ValidationContext) -> ConfigProblems:
    return v.memo("config-problems", lambda: config_problems(
        v.config, v.source.require(), v.target.require()))


@check("config.ip_map", "Monitored source IPs map to unique target IPs", "configuration",
       applies=dns_failover)
def ip_map(v: ValidationContext) -> Outcome:
    found = _problems(v).of("failover.dns.ip_map")
    if found.errors:
        return error("; ".join(e.message for e in found.errors))
    shown = ", ".join(f"{s} → {t}" for s, t in v.config.failover.dns.ip_map.items())
    return passed(shown)


@check("config.snapshots", "Snapshot interval at least 15 minutes", "configuration")
def snapshots(v: ValidationContext) -> Outcome:
    snap = v.config.snapshots
    if not snap.enabled:
        return passed("snapshots are off")
    if snap.interval_min < MIN_SNAPSHOT_INTERVAL:
        return error(f"snapshots every {snap.interval_min} min: the interval must be at least "
                     f"{MIN_SNAPSHOT_INTERVAL} min")
    return passed(f"every {snap.interval_min} min")


@fix_for("config.snapshots", order="config")
def snapshot_interval(v: ValidationContext) -> ProtectionConfig:
    """Take snapshots every 15 minutes, the shortest interval allowed."""
    cfg = copy.deepcopy(v.config)
    cfg.snapshots.interval_min = MIN_SNAPSHOT_INTERVAL
    return cfg


@check("config.consistency", "Configuration matches the servers", "configuration")
def consistency(v: ValidationContext) -> Outcome:
    found = _problems(v)
    errors = [e for e in found.errors if not e.field.startswith(_OWN)]
    warnings = [w for w in found.warnings if not w.field.startswith(_OWN)]
    if errors:
        return error("; ".join(str(e) for e in errors))
    if warnings:
        return warning("; ".join(str(w) for w in warnings))
    return passed("route, shares and services match the servers")
