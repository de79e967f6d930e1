"""Cross-field rules about clusters and monitoring (SPEC F-6.1, F-6.2, F-5.6, F-10).

- Clusters: DNS failover only; no application monitoring; the time to
  declare a failure (interval × missed) should leave a cushion for a node
  failover, else a node failover looks like a site failure (warning).
- Application monitoring (beta): a custom script needs its path and the
  matching engine; the WMI user is required.
- Like-named cluster setup (Exchange 2003): the values of its dialog.
"""

from __future__ import annotations

from core.apps import likenamed
from core.apps.common import virtual_server
from core.errors import InvalidInput
from core.model.config import ProtectionConfig
from core.model.server import Server

Problems = tuple[list[InvalidInput], list[InvalidInput]]


def cluster_of(source: Server, target: Server) -> tuple[str, int] | None:
    """(cluster name, node failover seconds) when the pair involves a virtual server."""
    for server in (source, target):
        if virtual_server(server) is not None and server.apps.cluster is not None:
            c = server.apps.cluster
            return c.name, c.node_failover_seconds
    return None


def cushion_warning(cfg: ProtectionConfig, source: Server, target: Server) -> str:
    """The cluster-cushion warning of the Monitoring tab ("" when there is none)."""
    found = cluster_of(source, target)
    mon = cfg.monitoring
    if found is None or not mon.enabled:
        return ""
    name, node_seconds = found
    total = mon.interval * mon.missed
    if total > node_seconds:
        return ""
    return (f"failure declared after {total} s, but a node failover of {name} takes up to "
            f"{node_seconds} s: raise the interval or missed packets so a node failover is "
            "not taken for a failure")


def more_problems(cfg: ProtectionConfig, source: Server, target: Server) -> Problems:
    errors: list[InvalidInput] = []
    warnings: list[InvalidInput] = []
    clustered = cluster_of(source, target) is not None
    app_mon = cfg.monitoring.application
    if clustered and cfg.failover.type == "identity":
        errors.append(InvalidInput("failover.type", "identity failover is not supported for "
                                                    "clusters: use dns"))
    if clustered and app_mon.enabled:
        errors.append(InvalidInput("monitoring.application.enabled",
                                   "application monitoring is not available for clusters"))
    cushion = cushion_warning(cfg, source, target)
    if cushion:
        warnings.append(InvalidInput("monitoring.missed", cushion))
    if app_mon.enabled:
        warnings.append(InvalidInput("monitoring.application.enabled",
                                     "application monitoring is a beta feature: not for "
                                     "production use"))
        if app_mon.method == "builtin" and not clustered and not cfg.failover.services:
            errors.append(InvalidInput("monitoring.application.method",
                                       "the built-in check watches the failover services on "
                                       "the source, and there are none: add them in Failover "
                                       "or choose a custom script"))
        if app_mon.method == "script" and not app_mon.script_path:
            errors.append(InvalidInput("monitoring.application.script_path",
                                       "choose the custom script (.ps1 or .vbs)"))
        elif app_mon.method == "script":
            want = "ps1" if app_mon.script_path.lower().endswith(".ps1") else "vb"
            if want != app_mon.script_engine:
                errors.append(InvalidInput("monitoring.application.script_engine",
                                           f"{app_mon.script_path} needs the {want} engine"))
        if not app_mon.wmi_user:
            errors.append(InvalidInput("monitoring.application.wmi_user",
                                       "enter the user that runs the WMI scripts"))
    section = cfg.cluster
    if section.like_named:
        errors += likenamed.problems(section, source, target)
    elif section.ip or section.target_node or section.storage:
        errors.append(InvalidInput("cluster.target_node", "the cluster settings are only for a "
                                                          "like-named cluster pair"))
    return errors, warnings
