"""What the target's failover monitor checks of the application (SPEC F-6.2).

With ``monitoring.application.enabled`` the monitor the target creates also
runs the application check: the built-in one reads the pair's failover
services on the source (each must be Running); the script one runs the chosen
script on the target. Never for clusters (the configuration refuses it; a
cluster pair's services are resources, which this check cannot read).
"""

from __future__ import annotations

from typing import Any

from core.model.config import ProtectionConfig


def app_check(cfg: ProtectionConfig) -> dict[str, Any] | None:
    """The ``application`` argument of ``create_monitor``; None when off."""
    app = cfg.monitoring.application
    if not app.enabled or cfg.failover.resources:
        return None
    out: dict[str, Any] = {"method": app.method, "interval": float(app.interval),
                           "error_threshold": int(app.error_threshold)}
    if app.method == "script":
        out["script"] = app.script_path
    else:
        out.update(computer=cfg.source, services=[s.name for s in cfg.failover.services])
    return out


def monitor_kwargs(cfg: ProtectionConfig) -> dict[str, Any]:
    """Extra keyword arguments of ``create_monitor``: none when application monitoring
    is off, so engines (and doubles) from before it are called exactly as before."""
    check = app_check(cfg)
    return {} if check is None else {"application": check}
