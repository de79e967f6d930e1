"""The services of a plan exist on the servers that run them.

Failover starts every listed service on the target; failback stops them
there and starts them again on the source. A name either server lacks stops
the plan part-way ("cannot find any service"), so it is an error here, and
the Fix drops it from the list — except a SQL instance's engine service
(MSSQLSERVER, MSSQL$NAME), which cannot be removed: the instance must be
installed. The services of a SQL instance one of the servers lacks are
``sql.named_instances``'s to report. A server whose inventory lists no
services at all (not read) is not judged. Clusters move resources, not
services.
"""

from __future__ import annotations

import copy

from core.apps.sqlcommon import instance_of_service, is_engine_service
from core.model.config import ProtectionConfig
from core.model.server import Server
from core.validation.base import Outcome, check, fix_for
from core.validation.checks.common import per_side, verdict
from core.validation.context import Side, ValidationContext


def missing(config: ProtectionConfig, server: Server, other: Server | None = None) -> list[str]:
    """The listed services ``server`` does not have (none when it lists no services);
    a service of a SQL instance that ``server`` or ``other`` lacks is left out."""
    have = {s.name.upper() for s in server.services}
    if not have or config.failover.resources:
        return []
    return [s.name for s in config.failover.services
            if s.name.upper() not in have and not _instance_missing(s.name, server, other)]


def _instance_missing(service: str, *servers: Server | None) -> bool:
    inst = instance_of_service(service)
    return bool(inst) and not all(s.apps.sql_instance(inst) for s in servers if s is not None)


def _uses_services(app: object, cfg: ProtectionConfig) -> bool:
    return bool(cfg.failover.services) and not cfg.failover.resources


def _other(v: ValidationContext, side: Side) -> Server | None:
    return (v.target if side is v.source else v.source).server


@check("services.exist", "Plan's services exist on both servers", "application",
       applies=_uses_services, touches=("source", "target"))
def services_exist(v: ValidationContext) -> Outcome:
    kept: list[str] = []

    def probe(side: Side, srv: Server) -> list[str]:
        gone = missing(v.config, srv, _other(v, side))
        kept.extend(n for n in gone if is_engine_service(n) and n not in kept)
        return [f"{side.name} has no service named {', '.join(gone)}"] if gone else []

    problems = per_side(v, probe)
    if kept:
        problems.append(f"install {', '.join(kept)} (an instance's engine service cannot "
                        "be dropped from the list)")
    names = ", ".join(s.name for s in v.config.failover.services)
    droppable = any(not is_engine_service(n) for side in (v.source, v.target)
                    if side.server is not None
                    for n in missing(v.config, side.server, _other(v, side)))
    return verdict(problems, f"{names} on both servers", fixable=droppable if problems else None)


@fix_for("services.exist", order="config")
def drop_missing(v: ValidationContext) -> ProtectionConfig:
    """Drop from the services list those either server does not have (never an
    instance's engine service)."""
    gone = {n.upper() for side in (v.source, v.target) if side.server is not None
            for n in missing(v.config, side.server, _other(v, side))
            if not is_engine_service(n)}
    cfg = copy.deepcopy(v.config)
    cfg.failover.services = [s for s in cfg.failover.services if s.name.upper() not in gone]
    return cfg
