"""What the application modules share: discovery, clusters, the Volumes branch,
rule tidying, services lists and the "items to failover" plan steps."""

from __future__ import annotations

from typing import Any

from core.apps.base import PlanParts, Problems, StepSpec, TreeItem, spec
from core.model.apps import VirtualServer
from core.model.config import ProtectionConfig, ServiceItem
from core.model.rules import Rule
from core.model.rules import set_name as _set_name
from core.model.server import Server, Share
from core.ports import Directory, DirectoryComputer


def discover_by(directory: Directory, query: str = "", *,
                include_disabled: bool = False) -> list[DirectoryComputer]:
    """Computers a Directory query returns (``servers()`` when the port lacks it),
    cluster nodes hidden and virtual servers kept, disabled computer accounts hidden
    unless asked for (then listed, marked), one per name, sorted (F-5.2)."""
    fn = getattr(directory, query, None) if query else None
    found = fn() if callable(fn) else directory.servers()
    unique: dict[str, DirectoryComputer] = {}
    for c in found:
        if not c.is_cluster_node and (include_disabled or not c.disabled):
            unique.setdefault(c.name.upper(), c)
    return sorted(unique.values(), key=lambda c: c.name.upper())


def virtual_server(server: Server) -> VirtualServer | None:
    """The cluster virtual server ``server`` is (EVS, SQL network name), else None."""
    cluster = server.apps.cluster
    if cluster is None:
        return None
    return next((v for v in cluster.virtual_servers if v.name.upper() == server.name.upper()), None)


def is_cluster_node(server: Server) -> bool:
    """A physical node of a cluster (hidden from the server lists, never a pair member)."""
    cluster = server.apps.cluster
    return (cluster is not None and virtual_server(server) is None
            and server.name.upper() in {n.upper() for n in cluster.nodes})


def services(names: list[tuple[str, bool]], target: Server) -> list[ServiceItem]:
    """ServiceItems for ``(name, must_stop_on_target)``; a service the target's
    inventory shows is not installed is left out (failover could not start it, and
    validation's services.exist would refuse the default list)."""
    have = {s.name.upper() for s in target.services}
    return [ServiceItem(n, False, stop) for n, stop in dict.fromkeys(names)
            if not have or n.upper() in have]


def cluster_resources(source: Server, target: Server | None = None) -> list[ServiceItem]:
    """A virtual server's resources, in the order they come online (F-10). When the
    target is a virtual server of its own (cluster to cluster), only those it also has:
    its own address, name and disks serve it already, the source's are not there."""
    vs = virtual_server(source)
    if vs is None:
        return []
    tvs = virtual_server(target) if target is not None else None
    names = [r for r in vs.resources
             if tvs is None or r.lower() in {x.lower() for x in tvs.resources}]
    return [ServiceItem(r, False, True) for r in names]


def volumes_branch(source: Server, selected_paths: list[str]) -> TreeItem:
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


def without_nested(paths: list[str]) -> list[str]:
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


def folder_rules(folders: list[str]) -> list[Rule]:
    """One include + recursive rule per folder, nested and repeated ones dropped."""
    return [Rule(p) for p in without_nested([f for f in folders if f])]


def _key(path: str) -> str:
    return path.upper().rstrip("\\") + "\\"


def covers(rules: list[Rule], path: str) -> bool:
    """Whether ``path`` is in the set: the most specific rule covering it includes
    it (exclude wins a tie; a non-recursive rule covers only direct children)."""
    key = _key(path)
    best: Rule | None = None
    best_len = -1
    for r in rules:
        rk = _key(r.path)
        if not key.startswith(rk):
            continue
        if not r.recursive and "\\" in key[len(rk):].rstrip("\\"):
            continue
        if len(rk) > best_len or (len(rk) == best_len and not r.include):
            best, best_len = r, len(rk)
    return best is not None and best.include


def parent_folder(path: str) -> str:
    """``E:\\SQL\\sales.mdf`` -> ``E:\\SQL``."""
    head, _, _tail = path.rstrip("\\").rpartition("\\")
    return head + "\\" if head.endswith(":") else head


class AppBase:
    """Defaults of the Application protocol shared by the five modules."""

    id: str
    title: str
    set_prefix: str
    directory_query: str = ""

    def discover(self, directory: Directory, *,
                 include_disabled: bool = False) -> list[DirectoryComputer]:
        return discover_by(directory, self.directory_query, include_disabled=include_disabled)

    def complete_selection(self, config: ProtectionConfig, source: Server | None) -> None:
        return None

    def optional_services(self, source: Server, target: Server) -> list[ServiceItem]:
        return []

    def removable_service(self, item: ServiceItem) -> bool:
        return item.user_added

    def shares_to_publish(self, config: ProtectionConfig, source: Server) -> list[Share]:
        """With "Shares" among the items to failover: the shares whose data is protected."""
        if not config.advanced.items_shares:
            return []
        rules = self.generate_rules(config, source)  # type: ignore[attr-defined]
        return [s for s in source.user_shares() if covers(rules, s.path)]

    def plan_facts(self, config: ProtectionConfig, source: Server,
                   target: Server) -> dict[str, Any]:
        return {}

    def plan_parts(self, config: ProtectionConfig, facts: Any) -> PlanParts:
        start, stop = item_steps(config, facts)
        return PlanParts(after_start=start, after_stop=stop)

    def failback_refusal(self, facts: Any) -> str:
        """Why failback must not start with these plan facts ("" = it may; SQL: F-9.3)."""
        return ""

    def preferred_target_ips(self, target: Server) -> list[str]:
        return []

    def selection_problems(self, config: ProtectionConfig, source: Server,
                           target: Server) -> Problems:
        return [], []

    def set_name(self, source: str, target: str) -> str:
        return _set_name(self.set_prefix, source, target)


def share_steps(facts: Any) -> tuple[list[StepSpec], list[StepSpec]]:
    """Publish the captured shares on the target; withdraw them before failback."""
    publish = [spec("publish-share", s.name, s.path, description=s.description,
                    **({"grants": ";".join(s.grants)} if s.grants else {}))
               for s in facts.shares]
    withdraw = [spec("withdraw-share", s.name) for s in facts.shares]
    return publish, withdraw


def item_steps(cfg: ProtectionConfig, facts: Any) -> tuple[list[StepSpec], list[StepSpec]]:
    """The "items to failover" of DNS failover: server name, shares, AD host SPNs.

    Returns (post-failover steps, pre-failback steps). With identity failover
    the target's engine takes over the name and the shares (``take-identity``),
    so only the SPNs, directory work, are the plan's.
    """
    src, tgt = cfg.source.upper(), cfg.target.upper()
    if cfg.failover.type != "dns":
        if not cfg.failover.identity.spns:
            return [], []
        return [spec("move-spns", src, tgt)], [spec("move-spns", tgt, src, owner=src)]
    start, stop = share_steps(facts)
    adv = cfg.advanced
    if adv.items_server_name:
        start.append(spec("add-name", src))
        stop.append(spec("remove-name", src))
    if adv.items_spns:
        start.append(spec("move-spns", src, tgt))
        stop.append(spec("move-spns", tgt, src, owner=src))
    return start, stop
