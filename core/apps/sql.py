"""The SQL Server application (SPEC F-1, F-6 as they apply to ``sql``).

Protection modes (Connection tab): SQL instance (default) replicates each
protected instance's program and data files except ``Binn`` (system
databases but tempdb required); Database only replicates the .mdf/.ldf/.ndf
files of the chosen user databases, which the plan attaches on the target
at failover (optionally from another target folder); Database only
many-to-one does the same for several sources to one target, where names
or target paths must be unique. Services: each protected instance's engine
and agent (and SQL Browser for a named instance); only the engine service
cannot be removed. The replication set is ``sqldag01_SRC_TGT``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from core.apps import sqlcommon as sq
from core.apps import support
from core.apps.base import ALL_PHASES, AppDefaults, PlanParts, Problems, TreeItem, spec
from core.apps.common import (
    AppBase,
    cluster_resources,
    folder_rules,
    item_steps,
    services,
    virtual_server,
)
from core.errors import InvalidInput
from core.model.config import ProtectionConfig, ServiceItem
from core.model.rules import Rule
from core.model.server import Server


@dataclass(frozen=True)
class SqlApp(AppBase):
    id: str = "sql"
    title: str = "SQL Server"
    task_label: str = "Protect SQL Server"
    protectable: bool = True
    not_protectable_reason: str = ""
    set_prefix: str = "sqldag01"
    plan_phases: tuple[str, ...] = ALL_PHASES
    selection_key: str = "connection.databases"
    directory_query: str = "sql_servers"  # computers with MSSQLSvc SPNs (F-5.2)
    defaults: AppDefaults = field(default_factory=lambda: AppDefaults(identity_ip=True))

    def version_of(self, server: Server) -> str:
        insts = server.apps.sql
        default = next((i for i in insts if i.default), insts[0] if insts else None)
        return default.version if default else ""

    def protected_items(self, source: Server, config: ProtectionConfig | None = None) -> TreeItem:
        return sq.sql_tree(source, list(source.apps.sql), config,
                           self.default_selection(source)["databases"],
                           f"SQL Server instances on {source.name}")

    def default_selection(self, source: Server) -> dict[str, Any]:
        keys = [k for inst in source.apps.sql for k in sq.all_keys(inst)]
        return {"sql_mode": "instance", "databases": keys}

    def complete_selection(self, config: ProtectionConfig, source: Server | None) -> None:
        config.connection.databases = sq.normalise(config.connection.databases,
                                                   config.connection.sql_mode)

    def default_services(self, source: Server, target: Server) -> list[ServiceItem]:
        if virtual_server(source) is not None:
            return cluster_resources(source, target)
        names = [n for inst in source.apps.sql for n in sq.instance_services(inst)]
        return services(names, target)

    def removable_service(self, item: ServiceItem) -> bool:
        return item.user_added or not sq.is_engine_service(item.name)

    def generate_rules(self, config: ProtectionConfig, source: Server) -> list[Rule]:
        conn = config.connection
        if conn.sql_mode == "instance":
            rules = sq.instance_rules(source, conn.databases)
        else:
            rules = sq.database_rules(source, conn.databases, conn.target_paths)
        return rules + folder_rules(list(conn.volume_paths))

    def selection_problems(self, config: ProtectionConfig, source: Server,
                           target: Server) -> Problems:
        conn = config.connection
        errors = sq.database_problems(config, source)
        if not config.advanced.override_rules and not conn.databases and not conn.volume_paths:
            errors.append(InvalidInput("connection.databases", "nothing is selected to protect"))
        errors += _target_path_problems(config, source, target)
        return errors, []

    def plan_facts(self, config: ProtectionConfig, source: Server,
                   target: Server) -> dict[str, Any]:
        conn = config.connection
        versions = _versions(source, target, sq.protected_instances(conn.databases))
        if conn.sql_mode not in sq.DB_MODES:
            # Verify Target Data checks these from the target's snapshot, source up or not
            return {"sql_mode": conn.sql_mode, "versions": versions,
                    "verify_databases": protected_databases(source, conn.databases)}
        dbs = []
        for k in conn.databases:
            found = sq.find_db(source, k)
            dbs.append({"instance": sq.split_key(k)[0], "name": sq.split_key(k)[1],
                        "files": sq.target_files(source, config, k),
                        "source_files": [f.path for f in found[1].files] if found else []})
        return {"sql_mode": conn.sql_mode, "databases": dbs, "versions": versions,
                "source_version": self.version_of(source),
                "target_version": self.version_of(target)}

    def plan_parts(self, config: ProtectionConfig, facts: Any) -> PlanParts:
        """The guide's order: post-failover starts the services (the engine before its
        agent), then attaches the databases; pre-failback detaches them before any
        service stops (database-only: the target's SQL Server keeps running, see
        ``must_stop_on_target``); post-restore starts the source's services, then makes
        sure its own databases are attached (a no-op when SQL Server reopened them)."""
        start, stop = item_steps(config, facts)
        app = getattr(facts, "app", {}) or {}
        dbs = [d for d in app.get("databases", []) if d.get("files")]
        attach = [spec("sql-attach", d["instance"], d["name"], *d["files"]) for d in dbs]
        detach = [spec("sql-detach", d["instance"], d["name"]) for d in reversed(dbs)]
        again = [spec("sql-attach", d["instance"], d["name"], *d["source_files"], on="source")
                 for d in dbs if d.get("source_files")]
        # database-only: the target's SQL Server served its own databases before the
        # failover and keeps serving them after failback (F-6.1 "must be stopped on target")
        keep = tuple(s.name for s in config.failover.services
                     if config.connection.sql_mode in sq.DB_MODES and not s.must_stop_on_target)
        return PlanParts(after_start=attach + start, before_stop=detach, after_stop=stop,
                         post_restore=again, keep_running=keep)

    def failback_refusal(self, facts: Any) -> str:
        """F-9.3: failback between SQL Server versions (or 32/64 bit) is refused."""
        app = getattr(facts, "app", {}) or {}
        for v in app.get("versions", []):
            reason = support.failback_refused(
                "SQL Server", v["source"], v["target"], v["source_bits"], v["target_bits"])
            if reason:
                return f"{reason} (instance {v['instance']})"
        return ""


def _versions(source: Server, target: Server, instances: list[str]) -> list[dict[str, Any]]:
    """Each protected instance's version and bits on both servers (failback refusal)."""
    out = []
    for name in instances:
        a, b = source.apps.sql_instance(name), target.apps.sql_instance(name)
        if a is not None and b is not None:
            out.append({"instance": name, "source": a.version, "target": b.version,
                        "source_bits": a.bits, "target_bits": b.bits})
    return out


def _target_path_problems(cfg: ProtectionConfig, source: Server,
                          target: Server) -> list[InvalidInput]:
    """Remapped target folders: database-only modes, selected databases, existing
    drives; and no two files of this pair land on one path of the target."""
    conn = cfg.connection
    key = "connection.target_paths"
    errors: list[InvalidInput] = []
    if conn.target_paths and conn.sql_mode not in sq.DB_MODES:
        return [InvalidInput(key, "a database is mapped to a target path only in the "
                                  "database-only modes (connection.sql_mode=database)")]
    chosen = {k.upper() for k in conn.databases}
    for db, path in conn.target_paths.items():
        if db.upper() not in chosen:
            errors.append(InvalidInput(key, f"{db} is not a selected database"))
        elif target.volumes and path[:1].upper() not in target.volume_letters:
            errors.append(InvalidInput(key, f"{target.name} has no {path[:1].upper()}: volume "
                                            f"for {path}"))
    if conn.sql_mode in sq.DB_MODES:
        files = Counter(p.upper() for k in conn.databases for p in sq.target_files(source, cfg, k))
        clash = sorted(p for p, n in files.items() if n > 1)
        if clash:
            errors.append(InvalidInput(key, f"two databases would use {clash[0]} on "
                                            f"{target.name}: give one its own target path"))
    return errors


def protected_databases(source: Server, keys: Iterable[str]) -> list[dict[str, Any]]:
    """The user databases among ``keys`` and their files on ``source`` (where an
    instance-mode pair's land on the target too): Verify Target Data's list."""
    out = []
    for key in keys:
        inst, name = sq.split_key(key)
        found = sq.find_db(source, key)
        if found and not sq.is_system(name):
            out.append({"instance": inst, "name": name,
                        "files": [f.path for f in found[1].files]})
    return out
