"""The operations the health check's fixes run, against a lab server (a mixin of LabHost).

Each answers what its script in ``core/hosts/scripts`` prints on Windows and
changes the server's simulated state (:class:`core.lab.host_state.HostState`,
persisted), so the next inventory shows the repair: a detached database is
gone from ``sql_inventory``, enabled protocols show, the engine service's
account reads LocalSystem, a port opens. Zones are created in the lab DNS
server through ``on_zone`` (only the DNS server's own host has it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from core.lab.estate import Estate, LabServer
from core.lab.host_state import HostState
from core.lab.ps_failure import PsFailure, bad_param
from core.model.apps import SqlDatabase, SqlInstance

#: zone name -> True when created (False: it existed); the lab DNS server does it
ZoneHook = Callable[[str], bool]
PROTOCOLS = ("tcp", "np", "sm")


def _text(params: dict[str, Any], key: str) -> str:
    value = params.get(key)
    if not isinstance(value, str) or not value.strip():
        raise bad_param(key, "The argument is null or empty.")
    return value.strip()


def _instance_key(server: str, instance: str) -> str:
    return f"{server.upper()}/{instance.upper()}"


class FixOps:
    estate: Estate
    server: LabServer
    state: HostState
    on_zone: ZoneHook | None
    #: provided by LabHost: whether a service is the engine's, and whether the engine runs
    _is_engine: Callable[[str], bool]
    engine_running: Callable[[], bool]
    #: provided by SqlOps: databases attached from files, and forgetting one
    attached_to: Callable[[str], list[SqlDatabase]]
    detach_attached: Callable[[str, str], bool]

    # --- the views the inventory operations answer with --------------------------
    def sql_instances(self, s: LabServer) -> tuple[SqlInstance, ...]:
        """``s``'s instances as SQL Server lists them now: detached databases gone,
        changed protocols applied."""
        out = []
        for inst in s.apps.sql:
            key = _instance_key(s.name, inst.name)
            dbs = tuple(d for d in inst.databases
                        if f"{key}/{d.name}".lower() not in self.state.detached)
            dbs += tuple(self.attached_to(key))  # database-only failover (SqlOps)
            protocols = tuple(self.state.protocols.get(key, inst.protocols))
            out.append(replace(inst, databases=dbs, protocols=protocols))
        return tuple(out)

    def service_account(self, name: str, default: str) -> str:
        return self.state.accounts.get(name.lower(), default)

    # --- operations ---------------------------------------------------------------
    def _sql_target(self, params: dict[str, Any]) -> tuple[LabServer, SqlInstance]:
        name = params.get("server") or self.server.name
        short = str(name).split(".", 1)[0].upper()
        owned = {vs.name: vs for vs in self.estate.owned(self.server.name)}
        s = self.server if short == self.server.name else owned.get(short)
        inst_name = _text(params, "instance").upper()
        inst = next((i for i in self.sql_instances(s) if i.name == inst_name), None) if s else None
        if s is None or inst is None:
            raise PsFailure(f'Exception calling "Open" with "0" argument(s): "A network-related '
                            f"or instance-specific error occurred while establishing a connection "
                            f"to SQL Server. The server was not found or was not accessible "
                            f"({short}\\{inst_name}).\"", "NotSpecified", "SqlException")
        return s, inst

    def op_sql_detach(self, params: dict[str, Any]) -> dict[str, Any]:
        s, inst = self._sql_target(params)
        name = _text(params, "database")
        db = next((d for d in inst.databases if d.name.lower() == name.lower()), None)
        if db is not None and self.detach_attached(_instance_key(s.name, inst.name), db.name):
            return {"instance": inst.name, "database": db.name, "detached": True}
        if db is None and params.get("if_present") is True:
            return {"instance": inst.name, "database": name, "detached": False}
        if db is None or db.system:
            why = "is a system database" if db is not None else "does not exist"
            raise PsFailure(f'Exception calling "ExecuteNonQuery" with "0" argument(s): '
                            f"\"Cannot detach the database '{name}' because it {why}.\"",
                            "NotSpecified", "SqlException")
        key = f"{_instance_key(s.name, inst.name)}/{db.name}".lower()
        self.state.change(lambda st: st.detached.append(key))
        return {"instance": inst.name, "database": db.name, "detached": True}

    def op_sql_protocols(self, params: dict[str, Any]) -> dict[str, Any]:
        s, inst = self._sql_target(params)
        lists = {k: params.get(k) or [] for k in ("enable", "disable")}
        if any(not isinstance(v, list) or not set(v) <= set(PROTOCOLS) for v in lists.values()):
            raise bad_param("enable", f"Protocols are some of {', '.join(PROTOCOLS)}.")
        on = [p for p in PROTOCOLS if (p in inst.protocols or p in lists["enable"])
              and p not in lists["disable"]]
        key = _instance_key(s.name, inst.name)
        self.state.change(lambda st: st.protocols.__setitem__(key, on))
        restart = bool(params.get("restart"))
        if restart and self.state.service(inst.service) is not None:
            self.state.set_service_state(inst.service, "running")
        return {"instance": inst.name, "enabled": on, "restarted": restart}

    def op_service_account(self, params: dict[str, Any]) -> dict[str, Any]:
        name, account = _text(params, "name"), _text(params, "account")
        if account != "LocalSystem":
            raise PsFailure(f"appmgr sets only LocalSystem, not {account}")
        svc = self.state.service(name)
        if svc is None:
            raise PsFailure(f"Cannot find any service with service name '{name}'.",
                            "ObjectNotFound", "RuntimeException")
        self.state.change(lambda st: st.accounts.__setitem__(svc.name.lower(), "LocalSystem"))
        running = self.engine_running() if self._is_engine(svc.name) else svc.state == "running"
        return {"name": svc.name, "account": "LocalSystem", "restarted": running}

    def op_admin_group_add(self, params: dict[str, Any]) -> dict[str, Any]:
        user = _text(params, "user")
        if "@" in user and "\\" not in user:
            name, _, domain = user.partition("@")
            user = f"{domain.split('.')[0].upper()}\\{name}"
        have = {a.lower() for a in self.state.admins}
        added = user.lower() not in have
        if added:
            self.state.change(lambda st: st.admins.append(user))
        return {"user": user, "added": added}

    def op_firewall_port(self, params: dict[str, Any]) -> dict[str, Any]:
        port = params.get("port")
        if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
            raise bad_param("port", "The argument is not a TCP port.")
        want = params.get("open")
        if want is True and port in self.state.closed_ports:
            self.state.change(lambda st: st.closed_ports.remove(port))
        elif want is False and port not in self.state.closed_ports:
            self.state.change(lambda st: st.closed_ports.append(port))
        return {"port": port, "open": port not in self.state.closed_ports, "firewall": True}

    def op_dns_zone_add(self, params: dict[str, Any]) -> dict[str, Any]:
        zone = _text(params, "zone").rstrip(".").lower()
        if self.on_zone is None:
            raise PsFailure(f"dnscmd /ZoneAdd: Command failed:  RPC_S_SERVER_UNAVAILABLE  1722 "
                            f"({self.server.name} runs no DNS server)")
        created = self.on_zone(zone)
        return {"zone": zone, "created": created, "secure": bool(params.get("secure"))}
