"""One complete :class:`Server` from the host inventory and the application operations.

The host inventory (``inventory``) says what Windows runs; its services tell
which application operations are worth a round trip (a file server costs one).
A cluster network name (an Exchange virtual server, a SQL cluster instance)
answers WinRM on the node that owns it: asked for by that name, the result is
the virtual server as the console selects it — its name, its IP, its disks —
with the node's services and the cluster around it (SPEC F-10).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from core.hosts.inventory_apps import (
    blackberry_from_json,
    cluster_from_json,
    exchange_from_json,
    sharepoint_from_json,
    sql_from_json,
)
from core.model.apps import AppInventory, VirtualServer
from core.model.server import Nic, Server, Service

#: Roles a host inventory may carry that a virtual server never has.
_HOST_ONLY_ROLES = {"dc", "gc", "dns", "fileprint", "cluster-node"}


def app_ops(services: Iterable[Service], name: str) -> list[tuple[str, dict[str, Any]]]:
    """The application operations (and their parameters) the services call for."""
    names = {s.name.lower() for s in services}
    ops: list[tuple[str, dict[str, Any]]] = []
    if "clussvc" in names:
        ops.append(("cluster_info", {}))
    if "msexchangeis" in names:
        ops.append(("exchange_inventory", {"server": name}))
    if "mssqlserver" in names or any(n.startswith("mssql$") for n in names):
        ops.append(("sql_inventory", {"server": name}))
    if any(n.startswith("sptimerv") for n in names):
        ops.append(("sharepoint_inventory", {}))
    if "blackberry controller" in names:
        ops.append(("bes_inventory", {}))
    return ops


def exchange_doc(local: Any, directory_part: dict[str, Any] | None) -> dict[str, Any]:
    """``exchange_inventory`` as one document: the host's half (registry paths, the engine's
    account) and the directory's (:meth:`Directory.exchange_config`, read over LDAP).
    None unless both have the server."""
    ex = local.get("exchange") if isinstance(local, dict) else None
    if not isinstance(ex, dict) or directory_part is None:
        return {"exchange": None}
    return {"exchange": {**directory_part, **ex}}


def with_apps(base: Server, name: str, docs: dict[str, Any]) -> Server:
    """``base`` with ``Server.apps`` filled from the operations' output ``docs`` (op -> JSON).

    ``name`` is the name the console asked for; when it is a network name of the
    cluster the host belongs to, the result describes that virtual server.
    """
    clustered = cluster_from_json(docs["cluster_info"]) if "cluster_info" in docs else None
    apps = AppInventory(
        exchange=exchange_from_json(docs["exchange_inventory"])
        if "exchange_inventory" in docs else None,
        sql=sql_from_json(docs["sql_inventory"]) if "sql_inventory" in docs else (),
        sharepoint=sharepoint_from_json(docs["sharepoint_inventory"])
        if "sharepoint_inventory" in docs else None,
        blackberry=blackberry_from_json(docs["bes_inventory"]) if "bes_inventory" in docs else None,
        cluster=clustered[0] if clustered else None,
    )
    roles = [r for r in base.roles]
    roles += [r for r, present in (("exchange", apps.exchange), ("sql", apps.sql),
                                   ("sharepoint", apps.sharepoint),
                                   ("blackberry", apps.blackberry)) if present]
    if clustered is None:
        return replace(base, roles=tuple(roles), apps=apps)
    vs = clustered[1].get(name.upper())
    if vs is None or vs.name == base.name:
        return replace(base, roles=(*roles, "cluster-node"), apps=apps)
    return virtual_view(base, vs, roles, apps)


def virtual_view(base: Server, vs: VirtualServer, roles: list[str], apps: AppInventory) -> Server:
    """The virtual server ``vs`` as a server: its name, IP and disks on the owning node."""
    prefix = next((n.subnet_prefix for n in base.nics if vs.ip in n.ips), 24)
    fqdn = f"{vs.name.lower()}.{base.domain}" if base.domain else vs.name.lower()
    return replace(
        base, name=vs.name, fqdn=fqdn, ips=(vs.ip,) if vs.ip else (),
        nics=(Nic(vs.group or vs.name, (vs.ip,) if vs.ip else (), prefix),),
        volumes=tuple(v for v in base.volumes if v.letter in vs.drives),
        shares=tuple(s for s in base.shares if s.path[:1].upper() in vs.drives),
        roles=(*(r for r in roles if r not in _HOST_ONLY_ROLES), "cluster-virtual"),
        apps=apps,
    )
