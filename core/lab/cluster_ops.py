"""``cluster_resource`` against a lab cluster node (a mixin of :class:`LabHost`).

What ``scripts/cluster_resource.ps1`` does with cluster.exe on Windows:
create a resource in a group (idempotent: the same name and type again
changes nothing), delete it (already gone is fine), bring it online or
offline. The created resources live in the
cluster's shared list (:mod:`core.lab.cluster_state`), so every node's
``cluster_info`` shows them, and an online IP address resource shows on the
NIC of the node that owns its group.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from pathlib import Path
from typing import Any

from core.lab import cluster_state
from core.lab.cluster_state import LabResource
from core.lab.estate import Estate, LabCluster, LabServer
from core.lab.ps_failure import PsFailure, bad_param

NIC = "Local Area Connection"  # the only network of a lab node (see op_inventory)
#: private properties each type cannot do without
REQUIRED = {"IP Address": ("Address", "SubnetMask", "Network"), "Network Name": ("Name",),
            "Generic Script": ("ScriptFilepath",)}


def _text(params: dict[str, Any], key: str) -> str:
    value = params.get(key)
    if not isinstance(value, str) or not value.strip():
        raise bad_param(key, "The argument is null or empty.")
    return value.strip()


def answers_on(ip: str, port: int = 5985) -> bool:
    """Whether a lab endpoint listens on ``ip`` (its WinRM port cannot be bound)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((ip, port))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


def _missing(what: str) -> PsFailure:
    return PsFailure(f"{what} does not exist.", "ObjectNotFound", "ItemNotFoundException")


def _refused(text: str) -> PsFailure:
    return PsFailure(text, "ResourceUnavailable", "InvalidOperationException")


def group_owners(estate: Estate, c: LabCluster) -> dict[str, str]:
    """Every group of cluster ``c`` -> the node that has it online."""
    owners = {vs.group: vs.owner for vs in estate.servers if vs.virtual and vs.cluster == c.name}
    return owners | {g.name: g.owner for g in c.groups}


class ClusterOps:
    estate: Estate
    server: LabServer
    lab_root: Path
    local: Any  # provided by LabHost: Windows path -> real path on this server

    def _cluster(self) -> LabCluster:
        c = self.estate.cluster_of(self.server)
        if c is None or self.server.virtual:
            raise PsFailure(f"cluster.exe: The cluster service is not running on "
                            f"{self.server.name} (it is not a cluster node).", "NotInstalled",
                            "CommandNotFoundException")
        return c

    def created_resources(self) -> list[LabResource]:
        """The resources created on this node's cluster ([] off a cluster)."""
        c = self.estate.cluster_of(self.server)
        return cluster_state.resources(self.lab_root, c.name) if c and not self.server.virtual \
            else []

    def created_ips(self) -> list[str]:
        """Addresses of online IP address resources in the groups this node owns."""
        c = self.estate.cluster_of(self.server)
        if c is None or self.server.virtual:
            return []
        owners = group_owners(self.estate, c)
        return [r.ip for r in self.created_resources()
                if r.ip and r.online and owners.get(r.group) == self.server.name]

    def _estate_names(self, c: LabCluster) -> set[str]:
        names = {r[0].lower() for vs in self.estate.servers if vs.virtual and vs.cluster == c.name
                 for r in vs.resources}
        return names | {f"disk {d}:".lower() for g in c.groups for d in g.drives}

    def op_cluster_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        c = self._cluster()
        action = _text(params, "action").lower()
        name = _text(params, "name")
        if action == "create":
            changed = self._create(c, name, params)
            if params.get("online") is True:
                try:
                    self._set_online(c, name, True)
                except Exception:
                    if changed:  # as the script does: undo only what this run made
                        self._delete(c, name)
                    raise
        elif action == "delete":
            changed = self._delete(c, name)
        elif action in ("online", "offline"):
            changed = self._set_online(c, name, action == "online")
        else:
            raise bad_param("action", "Actions are create, delete, online and offline.")
        return {"name": name, "action": action, "changed": changed}

    # --- actions ---------------------------------------------------------------------
    def _create(self, c: LabCluster, name: str, params: dict[str, Any]) -> bool:
        rtype, group = _text(params, "type"), _text(params, "group")
        private = params.get("private") or {}
        depends = params.get("depends") or []
        if not isinstance(private, dict) or not all(isinstance(v, str | int) for v in
                                                    private.values()):
            raise bad_param("private", "Private properties are names with text values.")
        if not isinstance(depends, list) or not all(isinstance(d, str) for d in depends):
            raise bad_param("depends", "Dependencies are resource names.")
        private = {str(k): str(v) for k, v in private.items()}
        lacking = [k for k in REQUIRED.get(rtype, ()) if not private.get(k)]
        if lacking:
            raise bad_param("private", f"A {rtype} resource needs {', '.join(lacking)}.")
        if group not in group_owners(self.estate, c):
            raise _missing(f"The cluster group '{group}'")
        if name.lower() in self._estate_names(c):
            raise _refused(f"The cluster resource name '{name}' is already in use.")
        self._check_private(rtype, private)

        def edit(found: list[LabResource]) -> bool:
            have = {r.name.lower(): r for r in found}
            old = have.get(name.lower())
            if old is not None:
                if old.type != rtype:
                    raise _refused(f"The cluster resource name '{name}' is already in use "
                                   f"({old.type}).")
                return False
            for d in depends:
                if d.lower() not in have:
                    raise _missing(f"The cluster resource '{d}'")
            found.append(LabResource(name, rtype, group, private, list(depends)))
            return True

        return cluster_state.change(self.lab_root, c.name, edit)

    def _check_private(self, rtype: str, private: dict[str, str]) -> None:
        if rtype != "IP Address":
            return
        try:
            ipaddress.IPv4Address(private["Address"])
            ipaddress.IPv4Network(f"0.0.0.0/{private['SubnetMask']}")
        except ValueError as exc:
            raise bad_param("private", f"Address and SubnetMask must be IPv4: {exc}") from None
        if private["Network"] != NIC:
            raise _missing(f"The cluster network '{private['Network']}'")

    def _delete(self, c: LabCluster, name: str) -> bool:
        if name.lower() in self._estate_names(c):
            raise _refused(f"The resource '{name}' belongs to the estate's cluster "
                           "configuration; appmgr lab does not delete it.")

        def edit(found: list[LabResource]) -> bool:
            users = [r.name for r in found if name.lower() in (d.lower() for d in r.depends)]
            if users:
                raise _refused(f"The resource '{name}' cannot be deleted: "
                               f"{', '.join(users)} depends on it.")
            kept = [r for r in found if r.name.lower() != name.lower()]
            gone = len(kept) != len(found)
            found[:] = kept
            return gone

        return cluster_state.change(self.lab_root, c.name, edit)

    def _set_online(self, c: LabCluster, name: str, online: bool) -> bool:
        if name.lower() in self._estate_names(c):  # the estate's own: online unless taken off
            return cluster_state.set_estate_online(self.lab_root, c.name, name, online,
                                                   self.estate.offline_resources(c))
        # an address or name is in use while its server answers on it (a failed server's
        # are free: like-named failover brings the source's own ones up on this cluster)
        live = {ip for s in self.estate.servers for ip in s.ips if answers_on(ip)}
        taken = live
        names = {s.name.lower() for s in self.estate.servers if set(s.ips) & live}

        def edit(found: list[LabResource]) -> bool:
            have = {r.name.lower(): r for r in found}
            res = have.get(name.lower())
            if res is None:
                raise _missing(f"The cluster resource '{name}'")
            if res.online == online:
                return False
            if online:
                self._may_come_online(res, have, taken, names)
            else:  # what depends on it goes offline first
                for r in found:
                    if name.lower() in (d.lower() for d in r.depends):
                        r.online = False
            res.online = online
            return True

        return cluster_state.change(self.lab_root, c.name, edit)

    def _may_come_online(self, res: LabResource, have: dict[str, LabResource],
                         taken: set[str], names: set[str]) -> None:
        why = ""
        offline = [d for d in res.depends if not (have.get(d.lower()) and have[d.lower()].online)]
        in_use = {r.ip for r in have.values() if r.online and r.ip}
        if offline:
            why = f"its dependency {offline[0]} is not online"
        elif res.ip and (res.ip in taken or res.ip in in_use):
            why = f"the address {res.ip} is already in use on the network"
        elif res.network_name and res.network_name.lower() in names:
            why = f"the name {res.network_name} is already in use on the network"
        elif res.type == "Generic Script":
            local = self.local(res.private["ScriptFilepath"])
            if local is None or not local.is_file():
                why = f"the script {res.private['ScriptFilepath']} does not exist"
        if why:
            raise _refused(f"The cluster resource '{res.name}' failed to come online: {why}.")
