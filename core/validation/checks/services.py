"""The services of a plan exist on the servers that run them.

Failover starts every listed service on the target; failback stops them
there and starts them again on the source. A name either server lacks stops
the plan part-way ("cannot find any service"), so it is an error here, and
the Fix drops it from the list. A server whose inventory lists no services
at all (not read) is not judged. Clusters move resources, not services.
"""

from __future__ import annotations

import copy

from core.model.config import ProtectionConfig
from core.model.server import Server
from core.validation.base import Outcome, check, fix_for
from core.validation.checks.common import per_side, verdict
from core.validation.context import Side, ValidationContext


def missing(config: ProtectionConfig, server: Server) -> list[str]:
    """The listed services ``server`` does not have (none when it lists no services)."""
    have = {s.name.upper() for s in server.services}
    if not have or config.failover.resources:
        return []
    return [s.name for s in config.failover.services if s.name.upper() not in have]


def _uses_services(app: object, cfg: ProtectionConfig) -> bool:
    return bool(cfg.failover.services) and not cfg.failover.resources


@check("services.exist", "Plan's services exist on both servers", "application",
       applies=_uses_services, touches=("source", "target"))
def services_exist(v: ValidationContext) -> Outcome:
    def probe(side: Side, srv: Server) -> list[str]:
        gone = missing(v.config, srv)
        return [f"{side.name} has no service named {', '.join(gone)}"] if gone else []

    names = ", ".join(s.name for s in v.config.failover.services)
    return verdict(per_side(v, probe), f"{names} on both servers")


@fix_for("services.exist", order="config")
def drop_missing(v: ValidationContext) -> ProtectionConfig:
    """Drop from the services list those either server does not have."""
    gone = {n.upper() for side in (v.source, v.target) if side.server is not None
            for n in missing(v.config, side.server)}
    cfg = copy.deepcopy(v.config)
    cfg.failover.services = [s for s in cfg.failover.services if s.name.upper() not in gone]
    return cfg
