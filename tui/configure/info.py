"""What Configure Protection shows for a pair, asked of the façade once per opening."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.model.config import ProtectionConfig

#: settings only the advanced context may change (SPEC F-2 --advanced)
ADVANCED = frozenset({
    "failover.dns.client_server", "monitoring.application.enabled",
    "monitoring.application.interval", "monitoring.application.error_threshold",
    "monitoring.application.method", "monitoring.application.script_path",
    "monitoring.application.script_engine", "monitoring.application.wmi_user",
    "advanced.create_set", "advanced.create_scripts", "advanced.create_connection",
    "advanced.create_monitor"})
#: applications that must not move the AD host SPNs (a warning, F-6.1)
NO_SPNS = {"exchange": "Exchange must not move the AD host SPNs: leave SPNs off."}
ADVANCED_NOTE = "Advanced options: start appmgr with --advanced to change them."


@dataclass(frozen=True)
class FormInfo:
    editable: frozenset[str] = field(default_factory=frozenset)
    advanced_shown: bool = False  # --advanced, or the application shows them (SharePoint)
    sql_modes: tuple[str, ...] = ("instance",)
    graceful: bool = True

    def shows(self, key: str) -> bool:
        """Whether the form shows ``key`` (maybe read-only: see ``can_edit``)."""
        return key in self.editable or (self.advanced_shown and key in ADVANCED)

    def can_edit(self, key: str) -> bool:
        return key in self.editable


def load_info(api: Any, cfg: ProtectionConfig) -> FormInfo:
    """Thread: the façade's answers that shape the form."""
    return FormInfo(frozenset(api.tabs.editable_keys(cfg)), bool(api.session.advanced_shown(cfg.app)),
                    tuple(api.tabs.sql_modes(cfg)), bool(api.tabs.graceful_failover(cfg.app)))


def clustered(cfg: ProtectionConfig) -> bool:
    """A cluster pair (virtual server or like-named cluster): DNS failover only,
    resources instead of services, no application monitoring (F-10)."""
    return bool(cfg.failover.resources or cfg.cluster.like_named)
