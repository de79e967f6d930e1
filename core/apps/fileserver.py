"""The File server application (SPEC F-6 as it applies to ``fileprint``).

What is protected: the source's non-administrative shares (NETLOGON and
SYSVOL are never offered, even on a domain controller) plus any paths the
user picks under the Volumes branch. Each selected item becomes one
include + recursive rule. Failover moves no services by default: the plan
publishes the shares on the target, and post-failback restarts the source's
Server service so clients reconnect.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.apps.base import ALL_PHASES, AppDefaults, TreeItem
from core.model.config import ProtectionConfig, ServiceItem
from core.model.rules import Rule
from core.model.rules import set_name as _set_name
from core.model.server import Server
from core.ports import Directory, DirectoryComputer


@dataclass(frozen=True)
class FileServerApp:
    id: str = "fileprint"
    title: str = "File Server"
    task_label: str = "Protect File Server"
    protectable: bool = True
    not_protectable_reason: str = ""
    set_prefix: str = "fileprint"
    plan_phases: tuple[str, ...] = ALL_PHASES
    defaults: AppDefaults = field(default_factory=lambda: AppDefaults(
        identity_ip=True, identity_name=True, identity_shares=True, identity_spns=True,
        graceful_failover=False))

    def discover(self, directory: Directory) -> list[DirectoryComputer]:
        """Every server of the domain (Advanced Find), cluster nodes hidden."""
        found = [c for c in directory.servers() if not c.is_cluster_node]
        return sorted(found, key=lambda c: c.name.upper())

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
                        False, share_items + (_volumes_branch(source, extra),))

    def default_services(self, source: Server, target: Server) -> list[ServiceItem]:
        # The target's Server service must keep running (it serves the shares
        # after failover), so nothing is stopped on the target; the Server
        # service restart on failback is a fixed step of post-failback.
        return []

    def removable_service(self, item: ServiceItem) -> bool:
        return item.user_added

    def generate_rules(self, config: ProtectionConfig, source: Server) -> list[Rule]:
        by_name = {s.name.upper(): s.path for s in source.user_shares()}
        paths = [by_name[n.upper()] for n in config.connection.shares if n.upper() in by_name]
        paths += list(config.connection.volume_paths)
        return [Rule(p, include=True, recursive=True) for p in _without_nested(paths)]

    def set_name(self, source: str, target: str) -> str:
        return _set_name(self.set_prefix, source, target)


def _share_label(name: str, path: str, description: str) -> str:
    label = f"{name} ({path})"
    return f"{label} — {description}" if description else label


def _volumes_branch(source: Server, selected_paths: list[str]) -> TreeItem:
    """Volumes branch: one node per source volume; chosen deeper paths under their volume."""
    chosen = {p.upper().rstrip("\\") for p in selected_paths}
    volumes = []
    for vol in sorted(source.volumes, key=lambda v: v.letter):
        root = f"{vol.letter.upper()}:\\"
        deeper = tuple(
            TreeItem(f"path:{p}", p, "folder", p, True)
            for p in selected_paths
            if p.upper().startswith(root.upper()) and p.upper().rstrip("\\") != root[:2].upper())
        label = f"{root} {vol.label}".rstrip() if vol.label else root
        volumes.append(TreeItem(f"volume:{vol.letter.upper()}", label, "volume", root,
                                root[:2].upper() in chosen, deeper))
    return TreeItem("volumes", "Volumes", "volumes", "", False, tuple(volumes))


def _without_nested(paths: list[str]) -> list[str]:
    """Drop duplicates and paths already covered by a recursive rule of another path."""
    kept: list[str] = []
    keys = [p.upper().rstrip("\\") + "\\" for p in paths]
    for i, (path, key) in enumerate(zip(paths, keys, strict=True)):
        if key in keys[:i]:
            continue
        if any(key != other and key.startswith(other) for other in keys):
            continue
        kept.append(path)
    return kept
