"""The File server application (SPEC F-6 as it applies to ``fileprint``).

What is protected: the source's non-administrative shares (NETLOGON and
SYSVOL are never offered, even on a domain controller) plus any paths the
user picks under the Volumes branch. Each selected item becomes one
include + recursive rule. Failover moves no services by default: the plan
publishes the shares on the target, and post-restore restarts the source's
Server service so clients reconnect. Of the items to failover (all on by
default, as in the guide) each chosen one is a step of the plan with DNS
failover: the shares are published on the target, the source's name is
added to the target (alternate computer name) and its AD host SPNs moved
there; failback undoes them in reverse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.apps.base import ALL_PHASES, AppDefaults, PlanParts, Problems, TreeItem
from core.apps.common import AppBase, item_steps, volumes_branch, without_nested
from core.apps.support import os_family
from core.errors import InvalidInput
from core.model.config import ProtectionConfig, ServiceItem
from core.model.rules import Rule
from core.model.server import Server, Share


@dataclass(frozen=True)
class FileServerApp(AppBase):
    id: str = "fileprint"
    title: str = "File Server"
    task_label: str = "Protect File Server"
    protectable: bool = True
    not_protectable_reason: str = ""
    set_prefix: str = "fileprint"
    plan_phases: tuple[str, ...] = ALL_PHASES
    selection_key: str = "connection.shares"
    directory_query: str = ""  # Advanced Find: every server of the domain
    defaults: AppDefaults = field(default_factory=lambda: AppDefaults(
        identity_ip=True, identity_name=True, identity_shares=True, identity_spns=True,
        items_server_name=True, items_shares=True, items_spns=True,
        graceful_failover=False))

    def version_of(self, server: Server) -> str:
        """A file server's "version" is its Windows Server family."""
        return os_family(server.os_name) or ""

    def protected_items(self, source: Server, config: ProtectionConfig | None = None) -> TreeItem:
        shares = source.user_shares()
        if config is None:
            chosen = {s.name.upper() for s in shares}
            extra: list[str] = []
        else:
            chosen = {n.upper() for n in config.connection.shares}
            extra = list(config.connection.volume_paths)
        share_items = tuple(
            TreeItem(f"share:{s.name}", _share_label(s.name, s.path, s.description), "share",
                     s.path, s.name.upper() in chosen)
            for s in shares)
        return TreeItem("root", f"File shares on {source.name}", "root", "",
                        False, share_items + (volumes_branch(source, extra),))

    def default_selection(self, source: Server) -> dict[str, Any]:
        return {"shares": [s.name for s in source.user_shares()]}

    def default_services(self, source: Server, target: Server) -> list[ServiceItem]:
        # The target's Server service must keep running (it serves the shares
        # after failover), so nothing is stopped on the target; the Server
        # service restart on failback is a fixed step of post-restore.
        return []

    def generate_rules(self, config: ProtectionConfig, source: Server) -> list[Rule]:
        by_name = {s.name.upper(): s.path for s in source.user_shares()}
        paths = [by_name[n.upper()] for n in config.connection.shares if n.upper() in by_name]
        paths += list(config.connection.volume_paths)
        return [Rule(p, include=True, recursive=True) for p in without_nested(paths)]

    def selection_problems(self, config: ProtectionConfig, source: Server,
                           target: Server) -> Problems:
        conn = config.connection
        existing = {s.name.upper() for s in source.user_shares()}
        errors = [InvalidInput("connection.shares", f"{source.name} has no share named {name!r}")
                  for name in conn.shares if name.upper() not in existing]
        if not config.advanced.override_rules and not conn.shares and not conn.volume_paths:
            errors.append(InvalidInput("connection.shares", "nothing is selected to protect"))
        return errors, []

    def shares_to_publish(self, config: ProtectionConfig, source: Server) -> list[Share]:
        if not config.advanced.items_shares:
            return []
        by_name = {s.name.upper(): s for s in source.user_shares()}
        return [by_name[n.upper()] for n in config.connection.shares if n.upper() in by_name]

    def plan_parts(self, config: ProtectionConfig, facts: Any) -> PlanParts:
        publish, withdraw = item_steps(config, facts)
        return PlanParts(after_start=publish, after_stop=withdraw,
                         source_services=("LanmanServer",))


def _share_label(name: str, path: str, description: str) -> str:
    label = f"{name} ({path})"
    return f"{label} — {description}" if description else label
