"""The database-only failover operations on a lab SQL Server, in process (no sockets):
``sql_attach`` needs the files at the paths it names and lists the database in the next
``sql_inventory`` (persisted across a restart of the lab), is safe to run twice, and
refuses a second database of that name; ``sql_detach`` forgets it again and, asked with
``if_present``, lets a database that is not there be."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.hosts.inventory_apps import sql_from_json
from core.lab.estate import Estate, load_estate, windows_to_local
from core.lab.host_ops import LabHost
from core.lab.host_state import HostState
from core.lab.ps_failure import PsFailure

FILES = ["E:\\FromSQL01\\Sales\\Sales.mdf", "E:\\FromSQL01\\Sales\\Sales_log.ldf"]


def _host(estate: Estate, root: Path, name: str = "SQL02") -> LabHost:
    s = estate.server(name)
    return LabHost(estate, s, root, s.ip, HostState.load(estate, s, root))


def _dbs(h: LabHost, instance: str = "MSSQLSERVER") -> dict[str, list[str]]:
    insts = {i.name: i for i in sql_from_json(h.run("sql_inventory", {"server": h.server.name}))}
    return {d.name: [f.path for f in d.files] for d in insts[instance].databases
            if not d.system}


@pytest.fixture
def estate() -> Estate:
    return load_estate(net="127.0.93")


def _write(root: Path, server: str, files: list[str]) -> None:
    for f in files:
        local = windows_to_local(root, server, f)
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_bytes(b"page")


def test_attach_needs_the_files_then_lists_and_persists(estate: Estate, tmp_path: Path) -> None:
    h = _host(estate, tmp_path)
    params = {"instance": "MSSQLSERVER", "database": "Sales", "files": FILES}
    with pytest.raises(PsFailure, match="Unable to open the physical file"):
        h.run("sql_attach", params)  # not replicated yet
    assert "Sales" not in _dbs(h)
    _write(tmp_path, "SQL02", FILES)
    assert h.run("sql_attach", params) == {**params, "attached": True}
    assert _dbs(h)["Sales"] == FILES and "Archive" in _dbs(h)
    again = _host(estate, tmp_path)  # a restarted lab reads its state back
    assert again.run("sql_attach", params) == {**params, "attached": False}  # safe twice
    assert _dbs(again)["Sales"] == FILES


def test_attach_refuses_a_name_in_use_and_unknown_instances(estate: Estate,
                                                            tmp_path: Path) -> None:
    h = _host(estate, tmp_path)
    files = ["E:\\Other\\Archive.mdf", "E:\\Other\\Archive_log.ldf"]
    _write(tmp_path, "SQL02", files)
    with pytest.raises(PsFailure, match="Archive is already attached from E:"):
        h.run("sql_attach", {"instance": "MSSQLSERVER", "database": "Archive", "files": files})
    with pytest.raises(PsFailure, match="not accessible"):
        h.run("sql_attach", {"instance": "NOPE", "database": "x", "files": files})
    with pytest.raises(PsFailure, match="no files"):
        h.run("sql_attach", {"instance": "INST1", "database": "x", "files": []})
    with pytest.raises(PsFailure, match="Unable to open"):  # another server's volume
        h.run("sql_attach", {"instance": "INST1", "database": "x", "files": ["Z:\\x.mdf"]})


def test_detach_forgets_an_attached_database(estate: Estate, tmp_path: Path) -> None:
    h = _host(estate, tmp_path)
    _write(tmp_path, "SQL02", FILES)
    h.run("sql_attach", {"instance": "MSSQLSERVER", "database": "Sales", "files": FILES})
    out = h.run("sql_detach", {"instance": "MSSQLSERVER", "database": "sales",
                               "if_present": True})
    assert out == {"instance": "MSSQLSERVER", "database": "Sales", "detached": True}
    assert "Sales" not in _dbs(_host(estate, tmp_path))
    assert all(windows_to_local(tmp_path, "SQL02", f).is_file() for f in FILES)  # files stay
    gone = h.run("sql_detach", {"instance": "MSSQLSERVER", "database": "Sales",
                                "if_present": True})
    assert gone["detached"] is False
    with pytest.raises(PsFailure, match="does not exist"):  # Fix detach: still an error
        h.run("sql_detach", {"instance": "MSSQLSERVER", "database": "Sales"})
    assert "Archive" in _dbs(h)  # SQL02's own database was never touched
