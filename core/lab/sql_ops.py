"""Attaching and detaching databases on a lab SQL Server instance (a mixin of LabHost).

Database-only failover attaches the replicated files of each protected
database on the target (``sql_attach``) and failback detaches them again
(``sql_detach``). Like SQL Server, the lab attaches only from files that are
really there — on the server's own volume, where the replication engine
wrote them — and refuses a second database of the same name from other
files. An attached database is kept in the server's persisted state
(:attr:`HostState.attached`), so ``sql_inventory`` lists it, a later
``lab up`` still has it, and detaching removes it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.lab.estate import LabServer
from core.lab.estate_apps import file_kind
from core.lab.host_state import HostState
from core.lab.ps_failure import PsFailure, bad_param
from core.model.apps import SqlDatabase, SqlFile, SqlInstance


def instance_key(server: str, instance: str) -> str:
    return f"{server.upper()}/{instance.upper()}"


def attached_database(name: str, files: list[str]) -> SqlDatabase:
    """An attached database as SQL Server lists it: logical names after the file names."""
    out = []
    for path in files:
        stem = path.rsplit("\\", 1)[-1].rsplit(".", 1)[0]
        out.append(SqlFile(stem, path, file_kind(path)))
    return SqlDatabase(name, tuple(out))


class SqlOps:
    state: HostState
    #: provided by FixOps / LabHost
    _sql_target: Callable[[dict[str, Any]], tuple[LabServer, SqlInstance]]
    local: Callable[[str], Path | None]

    def attached_to(self, key: str) -> list[SqlDatabase]:
        """The databases attached from files to instance ``key`` (SERVER/INSTANCE)."""
        with self.state.lock:
            return [attached_database(a["name"], a["files"]) for a in self.state.attached
                    if a["instance"] == key]

    def op_sql_attach(self, params: dict[str, Any]) -> dict[str, Any]:
        s, inst = self._sql_target(params)
        name = params.get("database")
        files = params.get("files")
        if not isinstance(name, str) or not name.strip():
            raise bad_param("database", "The argument is null or empty.")
        if not isinstance(files, list) or not files or not all(
                isinstance(f, str) and f for f in files):
            raise PsFailure(f"no files given for database {name}")
        for path in files:
            local = self.local(path)
            if local is None or not local.is_file():
                raise PsFailure(f"Unable to open the physical file {path}")
        out = {"instance": inst.name, "database": name, "files": files}
        old = next((d for d in inst.databases if d.name.lower() == name.lower()), None)
        if old is not None:
            have = {f.path.lower() for f in old.files}
            other = [f.path for f in old.files if f.path.lower() not in {x.lower() for x in files}]
            if other or not have:
                raise PsFailure(f"a database named {name} is already attached from "
                                f"{other[0] if other else 'other files'}")
            return {**out, "attached": False}
        key = instance_key(s.name, inst.name)
        entry = {"instance": key, "name": name, "files": list(files)}
        self.state.change(lambda st: st.attached.append(entry))
        return {**out, "attached": True}

    def detach_attached(self, key: str, name: str) -> bool:
        """Forget a database attached from files; False when none of that name is."""
        with self.state.lock:
            kept = [a for a in self.state.attached
                    if not (a["instance"] == key and a["name"].lower() == name.lower())]
            if len(kept) == len(self.state.attached):
                return False
            self.state.change(lambda st: setattr(st, "attached", kept))
            return True
