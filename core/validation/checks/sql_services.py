"""The SQL plan's services exist where the plan runs them (issue 10, SPEC F-6.1).

Post-failover starts every service of the list on the target, pre-failback stops
them there, and post-restore starts them on the source: a service one of the two
servers does not have stops the plan half-way (``Cannot find any service``). So
a missing service is an error here, not a warning, and Fix drops it from the
list — except an instance's engine service (MSSQLSERVER, MSSQL$NAME), which
cannot be removed: that instance must be installed. The services of an instance
one of the servers lacks are ``sql.named_instances``'s to report, not this check's.
"""

from __future__ import annotations

import copy

from core.apps.sqlcommon import is_engine_service
from core.model.config import ProtectionConfig
from core.model.server import Server
from core.validation.base import Outcome, check, error, fix_for, passed
from core.validation.checks.common import both_servers
from core.validation.context import ValidationContext


def missing_services(cfg: ProtectionConfig, source: Server,
                     target: Server) -> list[tuple[str, list[str]]]:
    """(service, servers that lack it) for each service of the plan; an inventory that
    lists no services at all (not read) proves nothing and is skipped."""
    if cfg.failover.resources:
        return []  # a cluster's resources, checked by the cluster checks
    out = []
    for svc in cfg.failover.services:
        inst = _instance_of(svc.name)
        if inst and not all(s.apps.sql_instance(inst) for s in (source, target)):
            continue  # the instance itself is missing: sql.named_instances says so
        lack = [s.name for s in (target, source) if s.services
                and svc.name.upper() not in {x.name.upper() for x in s.services}]
        if lack:
            out.append((svc.name, lack))
    return out


def _instance_of(service: str) -> str:
    """The SQL instance a service belongs to ("" for SQL Browser or any other service)."""
    upper = service.upper()
    if upper in ("MSSQLSERVER", "SQLSERVERAGENT"):
        return "MSSQLSERVER"
    head, _, name = upper.partition("$")
    return name if name and head in ("MSSQL", "SQLAGENT") else ""


@check("sql.services_exist", "Services of the plan exist on both servers", "application",
       apps=("sql",))
def services_exist(v: ValidationContext) -> Outcome:
    source, target = both_servers(v)
    missing = missing_services(v.config, source, target)
    if not missing:
        return passed(f"{len(v.config.failover.services)} service(s) on {target.name} "
                      f"and {source.name}")
    shown = "; ".join(f"{name} is not installed on {' or '.join(lack)}" for name, lack in missing)
    kept = [name for name, _ in missing if is_engine_service(name)]
    how = ("Fix drops it from the services list" if not kept else
           f"install {', '.join(kept)} (an instance's engine service cannot be dropped)")
    return error(f"{shown}: the failover plan would stop there — {how}")


@fix_for("sql.services_exist", order="config")
def drop_missing(v: ValidationContext) -> ProtectionConfig:
    """Drop the services a server does not have from the list (never an engine service)."""
    source, target = both_servers(v)
    drop = {name.upper() for name, _ in missing_services(v.config, source, target)
            if not is_engine_service(name)}
    cfg = copy.deepcopy(v.config)
    cfg.failover.services = [s for s in cfg.failover.services if s.name.upper() not in drop]
    return cfg
