"""Verify Target Data on a lab server (a mixin of LabHost): ``sql_verify``, ``exchange_verify``.

Where Windows copies a database out of the target's snapshot, attaches the
copy under another name and runs DBCC CHECKDB (core/hosts/scripts/sql_verify.ps1),
the lab reads the same files in the snapshot the target's engine took and checks
every page's checksum (core.lab.db_pages): a corrupted page makes the database
not usable, and the answer names the file and the page. Nothing is attached for
good and the replicated files are only read, as on Windows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.lab import db_pages
from core.lab.estate import LabServer
from core.lab.ps_failure import PsFailure, bad_param
from core.model.apps import SqlInstance


def _files(params: dict[str, Any], what: str) -> list[str]:
    files = params.get("files")
    if not isinstance(files, list) or not files or not all(
            isinstance(f, str) and len(f) > 3 and f[1:3] == ":\\" for f in files):
        raise PsFailure(f"no files given for {what}")
    return list(files)


class VerifyOps:
    lab_root: Path
    server: LabServer
    #: provided by FixOps
    _sql_target: Callable[[dict[str, Any]], tuple[LabServer, SqlInstance]]

    def _snapshot_tree(self, params: dict[str, Any]) -> Path:
        raw = params.get("snapshot")
        if not isinstance(raw, str) or not raw:
            raise bad_param("snapshot", "The argument is null or empty.")
        tree = Path(raw).resolve()
        # the target's engine keeps its snapshots under the lab's directory; nothing else
        if not tree.is_relative_to(self.lab_root.resolve()) or not tree.is_dir():
            raise PsFailure(f"Cannot find path '{raw}' because it does not exist.",
                            "ObjectNotFound", "ItemNotFoundException", target=raw)
        return tree

    @staticmethod
    def _in_snapshot(tree: Path, win: str) -> Path:
        return tree.joinpath(win[0].upper(), *[p for p in win[3:].split("\\") if p])

    def _check_files(self, tree: Path, files: list[str]) -> tuple[int, list[str]]:
        """(pages read, one sentence per problem) of the snapshot's copies of ``files``."""
        pages, errors = 0, []
        for win in files:
            local = self._in_snapshot(tree, win)
            if not local.is_file():
                errors.append(f"{win} is not in the snapshot (not replicated yet?)")
                continue
            n, bad = db_pages.check(local)
            pages += n
            errors += [f"{win}: page {b.number}: {b.reason}" for b in bad]
        return pages, errors

    def op_sql_verify(self, params: dict[str, Any]) -> dict[str, Any]:
        _, inst = self._sql_target(params)
        name = params.get("database")
        if not isinstance(name, str) or not name.strip():
            raise bad_param("database", "The argument is null or empty.")
        tree = self._snapshot_tree(params)
        pages, errors = self._check_files(tree, _files(params, f"database {name}"))
        if errors:  # what DBCC CHECKDB says of a page whose checksum fails (error 824/8939)
            errors = [f"Msg 824: SQL Server detected a logical consistency-based I/O error: "
                      f"incorrect checksum in {e}" if "checksum" in e else e for e in errors]
        return {"instance": inst.name, "database": name, "copy": f"{name}_appmgr_verify",
                "usable": not errors, "errors": errors, "pages": pages}

    def op_exchange_verify(self, params: dict[str, Any]) -> dict[str, Any]:
        store = params.get("store")
        if not isinstance(store, str) or not store.strip():
            raise bad_param("store", "The argument is null or empty.")
        logs, prefix = params.get("logs"), params.get("prefix")
        if not isinstance(logs, str) or logs[1:3] != ":\\":
            raise bad_param("logs", "The argument is null or empty.")
        if not isinstance(prefix, str) or not prefix:
            raise bad_param("prefix", "The argument is null or empty.")
        tree = self._snapshot_tree(params)
        # Windows replays the storage group's logs into a copy first (eseutil /r): without
        # its checkpoint in the snapshot there is nothing to replay from
        chk = self._in_snapshot(tree, f"{logs.rstrip(chr(92))}\\{prefix}.chk")
        errors = [] if chk.is_file() else [
            f"the logs of {store} ({prefix}.chk) are not in the snapshot"]
        pages, bad = self._check_files(tree, _files(params, f"store {store}"))
        errors += bad
        return {"store": store, "usable": not errors, "errors": errors, "pages": pages}
