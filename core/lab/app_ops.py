"""The application inventory operations of a lab server (a mixin of :class:`LabHost`).

Like the scripts on Windows, an operation asked about an application the
server does not run answers ``{"<key>": null}`` (or no instances), and the
``server`` parameter may name the machine itself or a cluster virtual server
whose group is online on it; any other name finds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.lab import app_json, cluster_state
from core.lab.cluster_state import LabResource
from core.lab.estate import Estate, LabServer
from core.lab.ps_failure import bad_param
from core.model.apps import SqlInstance


class AppOps:
    estate: Estate
    server: LabServer
    lab_root: Path
    #: provided by FixOps: the server's SQL instances and service accounts as they are now
    sql_instances: Callable[[LabServer], tuple[SqlInstance, ...]]
    service_account: Callable[[str, str], str]
    #: provided by ClusterOps: the resources created on this node's cluster
    created_resources: Callable[[], list[LabResource]]

    def _named(self, params: dict[str, Any]) -> LabServer | None:
        name = params.get("server")
        if not isinstance(name, str) or not name.strip():
            raise bad_param("server", "The argument is null or empty.")
        short = name.strip().split(".", 1)[0].upper()
        if short == self.server.name:
            return self.server
        return next((vs for vs in self.estate.owned(self.server.name) if vs.name == short), None)

    def op_exchange_inventory(self, params: dict[str, Any]) -> dict[str, Any]:
        s = self._named(params)
        if s is None:
            return {"exchange": None}
        doc = app_json.exchange_json(self.estate, s, self.server.engine_installed)
        ex = doc["exchange"]
        if not ex:
            return doc
        if ex["service_account"]:
            ex["service_account"] = self.service_account("AppMgrEngine", ex["service_account"])
        # the host's half only: the console reads the rest from the directory (LDAP)
        return {"exchange": {k: ex[k] for k in app_json.EXCHANGE_LOCAL}}

    def op_sql_inventory(self, params: dict[str, Any]) -> dict[str, Any]:
        s = self._named(params)
        return app_json.sql_json(self.sql_instances(s) if s is not None else ())

    def op_sharepoint_inventory(self, params: dict[str, Any]) -> dict[str, Any]:
        return app_json.sharepoint_json(self.server.apps.sharepoint)

    def op_bes_inventory(self, params: dict[str, Any]) -> dict[str, Any]:
        return app_json.bes_json(self.server.apps.blackberry, self.server.name)

    def op_cluster_info(self, params: dict[str, Any]) -> dict[str, Any]:
        c = self.estate.cluster_of(self.server)
        offline = cluster_state.estate_offline(self.lab_root, c.name,
                                               self.estate.offline_resources(c)) if c else set()
        return app_json.cluster_json(self.estate, self.server, self.created_resources(), offline)
