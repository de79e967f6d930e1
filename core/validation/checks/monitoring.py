"""Failover type and application monitoring of a pair that is not a cluster (SPEC F-6.1,
F-6.2); the cluster rules are in :mod:`core.validation.checks.clusters`."""

from __future__ import annotations

from core.config.check import config_problems
from core.validation.base import Outcome, check, error, passed, warning
from core.validation.context import ValidationContext


def _standalone(v: ValidationContext) -> bool:
    return not v.clustered()


@check("config.failover_type", "Who runs failover", "configuration",
       when=_standalone)
def failover_type(v: ValidationContext) -> Outcome:
    if v.config.failover.type == "identity":
        ident, tgt = v.config.failover.identity, v.config.target.upper()
        if not (ident.ip_address or ident.server_name or ident.shares):
            return warning("identity failover takes over nothing: choose the IP address, the "
                           "server name or the shares in Configure Identity failover")
        when = ("by itself when its monitor declares the failure"
                if not v.config.monitoring.manual_intervention else "when you fail over")
        return passed(f"identity failover: {tgt}'s engine takes over the source's identity "
                      f"{when}; the console runs the rest of failover and failback")
    return passed("DNS failover: the console runs failover and failback")


@check("config.app_monitoring", "Application monitoring settings", "configuration",
       when=_standalone, touches=("source", "target"))
def app_monitoring(v: ValidationContext) -> Outcome:
    app_mon = v.config.monitoring.application
    if not app_mon.enabled:
        return passed("application monitoring is off")
    found = config_problems(v.config, v.source.require(), v.target.require())
    own = found.of("monitoring.application.")
    if own.errors:
        return error("; ".join(e.message for e in own.errors))
    return warning("; ".join(w.message for w in own.warnings) or "application monitoring is on")
