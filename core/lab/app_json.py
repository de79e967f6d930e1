"""What the application inventory scripts print on Windows, written from the estate.

The inverse of :mod:`core.hosts.inventory_apps`: a lab server answers
``exchange_inventory``, ``sql_inventory``, ``sharepoint_inventory``,
``bes_inventory`` and ``cluster_info`` with these documents, so the console
parses a lab server exactly as it parses a real one.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from core.directory.entries import dns_to_dn
from core.hosts import app_versions as v
from core.lab.cluster_state import LabResource
from core.lab.estate import Estate, LabServer
from core.model.apps import BlackBerryServer, ExchangeInventory, SharePointFarm, SqlInstance

#: Heartbeat loss detection of the lab clusters (SameSubnetDelay 1000 ms x threshold 5).
DETECT_MS = 5000
_SYSTEM_IDS = {"master": 1, "tempdb": 2, "model": 3, "msdb": 4}


def exchange_server_dn(estate: Estate, name: str, ex: ExchangeInventory) -> str:
    """The DN of the ``msExchExchangeServer`` object of ``name`` (also built into the directory)."""
    return (f"CN={name},CN=Servers,CN={ex.admin_group},CN=Administrative Groups,"
            f"CN={estate.exchange_org},CN=Microsoft Exchange,CN=Services,CN=Configuration,"
            f"{dns_to_dn(estate.domain)}")


#: what exchange_inventory.ps1 reads on the host; the rest is the directory's (over LDAP)
EXCHANGE_LOCAL = ("mta_path", "program_path", "service_account")


def smtp_bindings(ex: ExchangeInventory) -> list[str]:
    """2003 SMTP virtual servers bind "ip:port:host"; 2007 receive connectors "ip:port"."""
    old = ex.version in ("2000", "2003")
    return [f"{ip}:25:" if old else f"{ip}:25" for ip in ex.smtp_vs_ips] or \
        ([":25:"] if old else ["0.0.0.0:25"])


def exchange_json(estate: Estate, s: LabServer, engine_installed: bool) -> dict[str, Any]:
    ex = s.apps.exchange
    if ex is None:
        return {"exchange": None}
    bindings = smtp_bindings(ex)
    return {"exchange": {
        "name": s.name, "dn": exchange_server_dn(estate, s.name, ex),
        "serial": v.exchange_serial(ex.version), "roles": v.exchange_role_bits(ex.roles),
        "storage_groups": [
            {"name": g.name, "prefix": g.log_prefix, "log_path": g.log_path,
             "system_path": g.system_path,
             "stores": [{"name": st.name, "public": st.kind == "public", "edb": st.edb_path,
                         "stm": st.stm_path} for st in g.stores]}
            for g in ex.storage_groups],
        "bindings": bindings, "queue_path": ex.queue_path, "mta_path": ex.mta_path,
        "program_path": ex.program_path,
        "service_account": ex.service_account if engine_installed else "",
    }}


def sql_instance_json(inst: SqlInstance, index: int) -> dict[str, Any]:
    databases, files = [], []
    next_id = 5
    for db in inst.databases:
        if db.system:
            db_id = _SYSTEM_IDS.get(db.name, 4)
        else:
            db_id, next_id = next_id, next_id + 1
        databases.append({"name": db.name, "id": db_id, "state": db.state.upper()})
        files += [{"db": db_id, "name": f.logical, "path": f.path,
                   "type": "LOG" if f.kind == "log" else "ROWS"} for f in db.files]
    return {
        "name": inst.name, "id": v.sql_instance_id(inst.version, inst.name, index),
        "version": v.sql_build(inst.version, inst.service_pack),
        "level": inst.service_pack or "RTM",
        "edition": v.sql_edition_text(inst.edition, inst.bits),
        "path": inst.program_path, "cluster": inst.virtual_server,
        "protocols": {p: p in inst.protocols for p in ("tcp", "np", "sm")},
        "databases": databases, "files": files, "sysadmins": list(inst.sysadmins), "error": "",
    }


def sql_json(instances: tuple[SqlInstance, ...]) -> dict[str, Any]:
    return {"instances": [sql_instance_json(i, n) for n, i in enumerate(instances, 1)]}


def sharepoint_json(farm: SharePointFarm | None) -> dict[str, Any]:
    if farm is None:
        return {"sharepoint": None}
    build, moss = v.sharepoint_build(farm.version)
    back_end = farm.sql_server.split("\\", 1)[0]
    return {"sharepoint": {
        "version": build, "moss": moss,
        "dsn": f"Data Source={farm.sql_server};Initial Catalog={farm.config_db};"
               "Integrated Security=True;Enlist=False",
        "databases": list(farm.databases), "admin_port": farm.admin_port,
        "servers": [{"name": fe, "role": "WebFrontEnd"} for fe in farm.front_ends]
        + [{"name": back_end, "role": "Invalid"}],
    }}


def bes_json(bes: BlackBerryServer | None, host: str) -> dict[str, Any]:
    if bes is None:
        return {"blackberry": None}
    return {"blackberry": {"version": f"{bes.version}.15", "db_server": bes.sql_server,
                           "db_name": bes.database, "host": host}}


def cluster_json(estate: Estate, s: LabServer, created: Sequence[LabResource] = (),
                 offline: Collection[str] = ()) -> dict[str, Any]:
    """The cluster of node ``s`` with every group (the cluster's own one and the disk-only
    ones included) and, in their groups, the resources ``created`` at run time."""
    c = estate.cluster_of(s)
    if c is None:
        return {"cluster": None}
    detect = min(DETECT_MS, c.node_failover_seconds * 1000)
    pending = c.node_failover_seconds * 1000 - detect
    groups: list[dict[str, Any]] = []
    for vs in estate.servers:
        if not (vs.virtual and vs.cluster == c.name):
            continue
        res = [{"name": n, "type": t, "pending_ms": pending,
                "ip": vs.ip if t == "IP Address" else "",
                "network_name": vs.name if t == "Network Name" else "",
                "online": n.lower() not in offline}
               for n, t in vs.resources]
        groups.append({"name": vs.group, "owner": vs.owner, "drives": list(vs.volumes),
                       "resources": res})
    for g in c.groups:
        groups.append({"name": g.name, "owner": g.owner, "drives": list(g.drives),
                       "resources": [{"name": f"Disk {d}:", "type": "Physical Disk",
                                      "pending_ms": pending, "ip": "", "network_name": "",
                                      "online": True} for d in g.drives]})
    for r in created:
        group = next((g for g in groups if g["name"] == r.group), None)
        if group is not None:
            group["resources"].append({"name": r.name, "type": r.type, "pending_ms": pending,
                                       "ip": r.ip, "network_name": r.network_name,
                                       "online": r.online})
    return {"cluster": {"name": c.name, "nodes": list(c.nodes), "detect_ms": detect,
                        "groups": groups}}
