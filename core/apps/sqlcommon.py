"""SQL Server knowledge shared by SQL, SharePoint and BlackBerry (all three
protect databases of a SQL instance).

Databases are named ``INSTANCE/name`` in configurations (``MSSQLSERVER/sales``,
``INST1/hr``): an instance name never holds ``/``. In instance mode the
instance's system databases except tempdb are required (SPEC F-6.4); the
database-only modes protect user databases only.
"""

from __future__ import annotations

from core.apps.base import TreeItem
from core.apps.common import covers, parent_folder, volumes_branch
from core.errors import InvalidInput
from core.model.apps import SqlDatabase, SqlInstance
from core.model.config import ProtectionConfig
from core.model.rules import Rule
from core.model.server import Server

SYSTEM_DBS = ("master", "model", "msdb", "tempdb")
REQUIRED_DBS = ("master", "model", "msdb")
MODES = ("instance", "database", "many-to-one")
DB_MODES = ("database", "many-to-one")
_ORDER = ("2000", "2005", "2008", "2008 R2", "2012", "2014", "2016", "2017", "2019", "2022")


def db_key(instance: str, name: str) -> str:
    return f"{instance.upper()}/{name}"


def split_key(key: str) -> tuple[str, str]:
    inst, _, name = key.partition("/")
    return inst.upper(), name


def is_system(name: str) -> bool:
    return name.lower() in SYSTEM_DBS


def version_rank(version: str) -> int:
    """Order of SQL Server versions (unknown ones sort last but equal to each other)."""
    v = version.strip().upper().replace("SQL SERVER", "").strip()
    return _ORDER.index(v) if v in (o.upper() for o in _ORDER) else len(_ORDER)


def parse_sql_server(text: str) -> tuple[str, str]:
    """``SP01\\OFFICESERVERS`` -> (``SP01``, ``OFFICESERVERS``); a bare name is the default instance."""
    host, _, inst = text.strip().partition("\\")
    return host.split(".", 1)[0].upper(), (inst or "MSSQLSERVER").upper()


def find_db(source: Server, key: str) -> tuple[SqlInstance, SqlDatabase] | None:
    inst_name, name = split_key(key)
    inst = source.apps.sql_instance(inst_name)
    if inst is None:
        return None
    db = next((d for d in inst.databases if d.name.lower() == name.lower()), None)
    return (inst, db) if db else None


def all_keys(inst: SqlInstance, mode: str = "instance") -> list[str]:
    return [db_key(inst.name, d.name) for d in inst.databases
            if mode == "instance" or not (d.system or is_system(d.name))]


def normalise(keys: list[str], mode: str) -> list[str]:
    """Instance mode: the required system databases of every protected instance are
    added; database-only modes: system databases are dropped."""
    out: list[str] = []
    for key in keys:
        inst, name = split_key(key)
        if mode in DB_MODES and is_system(name):
            continue
        out.append(db_key(inst, name))
        if mode == "instance":
            out += [db_key(inst, n) for n in REQUIRED_DBS]
    seen: dict[str, str] = {}
    for k in out:
        seen.setdefault(k.upper(), k)
    return list(seen.values())


def protected_instances(keys: list[str]) -> list[str]:
    return list(dict.fromkeys(split_key(k)[0] for k in keys))


def instance_label(inst: SqlInstance) -> str:
    kind = "default instance" if inst.default else "named instance"
    edition = f" {inst.edition}" if inst.edition and inst.edition != "Standard" else ""
    return f"{inst.name} ({kind}, SQL Server {inst.version}{edition})"


def sql_tree(source: Server, instances: list[SqlInstance], cfg: ProtectionConfig | None,
             defaults: list[str], title: str) -> TreeItem:
    """Instances and their databases, then the Volumes branch."""
    mode = cfg.connection.sql_mode if cfg else "instance"
    chosen = {k.upper() for k in (cfg.connection.databases if cfg else defaults)}
    remap = {k.upper(): v for k, v in (cfg.connection.target_paths if cfg else {}).items()}
    nodes = []
    for inst in instances:
        dbs = []
        for db in inst.databases:
            system = db.system or is_system(db.name)
            if mode in DB_MODES and system:
                continue
            key = db_key(inst.name, db.name)
            folder = parent_folder(db.files[0].path) if db.files else ""
            label = f"{db.name} ({folder})" if folder else db.name
            if key.upper() in remap:
                label += f" → {remap[key.upper()]}"
            if db.state != "online":
                label += f" — {db.state}"
            locked = mode == "instance" and db.name.lower() in REQUIRED_DBS
            dbs.append(TreeItem(f"db:{key}", label, "database", folder,
                                key.upper() in chosen, (), locked))
        nodes.append(TreeItem(f"instance:{inst.name.upper()}", instance_label(inst), "instance",
                              inst.program_path, any(d.selected for d in dbs), tuple(dbs)))
    extra = list(cfg.connection.volume_paths) if cfg else []
    return TreeItem("root", title, "root", "", False,
                    (*nodes, volumes_branch(source, extra)))


def instance_rules(source: Server, keys: list[str]) -> list[Rule]:
    """Instance mode: each protected instance's program and data files except
    ``Binn``, every selected database's files, deselected databases excluded."""
    chosen = {k.upper() for k in keys}
    rules: list[Rule] = []
    insts = [i for i in (source.apps.sql_instance(n) for n in protected_instances(keys)) if i]
    for inst in insts:
        if inst.program_path:
            rules.append(Rule(inst.program_path))
            rules.append(Rule(inst.program_path.rstrip("\\") + "\\Binn", include=False))
    for inst in insts:
        for db in inst.databases:
            if db_key(inst.name, db.name).upper() in chosen:
                rules += [Rule(f.path, True, False) for f in db.files if not covers(rules, f.path)]
    for inst in insts:
        for db in inst.databases:
            if db_key(inst.name, db.name).upper() not in chosen:
                rules += [Rule(f.path, False, False) for f in db.files if covers(rules, f.path)]
    return rules


def database_rules(source: Server, keys: list[str],
                   target_paths: dict[str, str] | None = None) -> list[Rule]:
    """Database-only modes: the .mdf, .ldf and .ndf files of the selected databases,
    each landing in its database's remapped target folder when it has one."""
    rules: list[Rule] = []
    for key in keys:
        found = find_db(source, key)
        if found and not is_system(found[1].name):
            folder = _remap(target_paths or {}, key)
            rules += [Rule(f.path, True, False, _in_folder(folder, f.path) if folder else "")
                      for f in found[1].files]
    return rules


def _remap(target_paths: dict[str, str], key: str) -> str:
    return {k.upper(): v for k, v in target_paths.items()}.get(key.upper(), "")


def _in_folder(folder: str, path: str) -> str:
    return folder.rstrip("\\") + "\\" + path.rstrip("\\").rpartition("\\")[2]


def target_files(source: Server, cfg: ProtectionConfig, key: str) -> list[str]:
    """Where a database's files are on the target: its remapped folder, else the same path."""
    found = find_db(source, key)
    if not found:
        return []
    folder = _remap(cfg.connection.target_paths, key)
    return [_in_folder(folder, f.path) if folder else f.path for f in found[1].files]


def instance_services(inst: SqlInstance, running_target: bool = False) -> list[tuple[str, bool]]:
    """The engine and agent of an instance (+ SQL Browser for a named instance of
    2005 or later). ``running_target``: the target's SQL Server keeps running
    (database-only modes), so nothing must be stopped on it."""
    stop = not running_target
    out: list[tuple[str, bool]] = []
    if not inst.default and version_rank(inst.version) >= version_rank("2005"):
        out.append(("SQLBrowser", False))
    out += [(inst.service, stop), (inst.agent_service, stop)]
    return out


def is_engine_service(name: str) -> bool:
    """MSSQLSERVER or MSSQL$NAME: never removable from the services list (F-6.1)."""
    upper = name.upper()
    return upper == "MSSQLSERVER" or upper.startswith("MSSQL$")


def instance_of_service(service: str) -> str:
    """The SQL instance a service belongs to ("" for SQL Browser or any other service)."""
    upper = service.upper()
    if upper in ("MSSQLSERVER", "SQLSERVERAGENT"):
        return "MSSQLSERVER"
    head, _, name = upper.partition("$")
    return name if name and head in ("MSSQL", "SQLAGENT") else ""


def mode_services(cfg: ProtectionConfig) -> None:
    """After a protection mode change: the target's SQL services stop in instance
    mode and keep running in the database-only modes (in place)."""
    stop = cfg.connection.sql_mode == "instance"
    for svc in cfg.failover.services:
        upper = svc.name.upper()
        if not svc.user_added and (is_engine_service(upper) or upper == "SQLSERVERAGENT"
                                   or upper.startswith("SQLAGENT$")):
            svc.must_stop_on_target = stop


def database_problems(cfg: ProtectionConfig, source: Server,
                      allowed: list[str] | None = None) -> list[InvalidInput]:
    """Every selected database exists (in an ``allowed`` instance), the mode's rules hold."""
    key = "connection.databases"
    conn = cfg.connection
    errors: list[InvalidInput] = []
    allowed_up = {a.upper() for a in allowed} if allowed is not None else None
    for k in conn.databases:
        inst, name = split_key(k)
        if allowed_up is not None and inst not in allowed_up:
            errors.append(InvalidInput(key, f"{k}: this pair protects only the databases of "
                                            f"{', '.join(sorted(allowed_up))}"))
        elif source.apps.sql_instance(inst) is None:
            errors.append(InvalidInput(key, f"{source.name} has no SQL Server instance {inst}"))
        elif find_db(source, k) is None and not is_system(name):
            errors.append(InvalidInput(key, f"instance {inst} on {source.name} has no database "
                                            f"{name!r}"))
        elif conn.sql_mode in DB_MODES and is_system(name):
            errors.append(InvalidInput(key, f"{name} is a system database: the database-only "
                                            "modes protect user databases"))
    chosen = {k.upper() for k in conn.databases}
    if conn.sql_mode == "instance":
        for inst in protected_instances(conn.databases):
            have = source.apps.sql_instance(inst)
            names = {d.name.lower() for d in have.databases} if have else set()
            missing = [n for n in REQUIRED_DBS
                       if n in names and db_key(inst, n).upper() not in chosen]
            if missing:
                errors.append(InvalidInput(key, f"{', '.join(missing)} of {inst} must be "
                                                "protected with the instance (only tempdb may "
                                                "be left out)"))
    return errors
