"""``cluster_export`` and ``file_write`` on a lab node (a mixin of :class:`LabHost`).

``cluster_export`` answers what its script prints: a group's resources with
their type, private properties and dependencies. The estate lists a virtual
server's resources by name and type in online order; their settings are the
ones Windows would hold (the IP address resource: the virtual server's
address; the network name: its name) and each depends on the one before it
of the kind it needs (the name on the address, the application resources on
the name), as a cluster administrator sets them up. Resources created at run
time are reported as created. ``file_write`` writes a file on the node's
volumes (the Generic Script files of like-named clusters).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.lab import cluster_state
from core.lab.cluster_state import LabResource
from core.lab.estate import Estate, LabCluster, LabServer
from core.lab.ps_failure import PsFailure, bad_param

NIC = "Local Area Connection"


class ClusterExportOps:
    estate: Estate
    server: LabServer
    lab_root: Path

    # the lab host's own parts these operations call
    _cluster: Callable[[], LabCluster]
    created_resources: Callable[[], list[LabResource]]
    local: Callable[[str], Path | None]

    def op_cluster_export(self, params: dict[str, Any]) -> dict[str, Any]:
        group = params.get("group")
        if not isinstance(group, str) or not group:
            raise bad_param("group", "The argument is null or empty.")
        c = self._cluster()
        vs = next((s for s in self.estate.servers
                   if s.virtual and s.cluster == c.name and s.group == group), None)
        known = vs is not None or any(g.name == group for g in c.groups)
        if not known:
            raise PsFailure(f"The cluster group '{group}' does not exist.",
                            "ObjectNotFound", "ItemNotFoundException")
        out: list[dict[str, Any]] = []
        offline = cluster_state.estate_offline(self.lab_root, c.name,
                                               self.estate.offline_resources(c))
        if vs is not None:
            ip_res = name_res = ""
            for n, t in vs.resources:
                private: dict[str, str] = {}
                depends: list[str] = []
                if t == "IP Address":
                    private = {"Address": vs.ip, "SubnetMask": "255.255.255.0", "Network": NIC}
                    ip_res = n
                elif t == "Network Name":
                    private, depends, name_res = {"Name": vs.name}, [ip_res] if ip_res else [], n
                elif t != "Physical Disk":
                    depends = [name_res] if name_res else []
                out.append({"name": n, "type": t, "private": private, "depends": depends,
                            "online": n.lower() not in offline})
        out += [{"name": r.name, "type": r.type, "private": dict(r.private),
                 "depends": list(r.depends), "online": r.online}
                for r in self.created_resources() if r.group == group]
        return {"group": group, "resources": out}

    def op_file_write(self, params: dict[str, Any]) -> dict[str, Any]:
        path, text = params.get("path"), params.get("text")
        if not isinstance(path, str) or not path:
            raise bad_param("path", "The argument is null or empty.")
        if not isinstance(text, str):
            raise bad_param("text", "The argument is not a string.")
        local = self.local(path)
        if local is None:
            raise PsFailure(f"Could not find a part of the path '{path}'.",
                            exception="DirectoryNotFoundException")
        local.parent.mkdir(parents=True, exist_ok=True)
        old = local.read_text("utf-8") if local.is_file() else None
        if old != text:
            local.write_text(text, "utf-8")
        return {"path": path, "written": old != text}
