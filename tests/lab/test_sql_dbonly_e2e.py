"""Issue 10's acceptance for SQL database-only, headless through the CLI on the lab
(net 127.0.92): protect SQL01 → SQL02 database-only with default settings (only the
monitor's interval and misses shortened), write data, `lab fail SQL01`, `failover`:
every protected database is attached on SQL02 from its replicated files (the lab's
persisted state says so, and the files are there), DNS answers SQL02; `lab heal`,
`failback`: the databases are detached again while SQL02's own SQL Server keeps
running; `restore`: the data is back on SQL01, DNS too, Protected. Then the same pair in
instance mode runs its services in the guide's order (engine before agent, reverse at
failback), and a database mapped to another folder is attached from there."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import dns.message
import dns.query

from tests.lab.conftest import Lab, wait_until

NET = "127.0.92"
PAIR = ("SQL01", "SQL02", "--app", "sql")
#: the non-system databases of SQL01 (default_estate.toml) and where their files live
DATABASES = {
    ("MSSQLSERVER", "Sales"): ["E:\\SQLData\\MSSQLSERVER\\Sales.mdf",
                               "E:\\SQLData\\MSSQLSERVER\\Sales_2.ndf",
                               "E:\\SQLLogs\\MSSQLSERVER\\Sales_log.ldf"],
    ("MSSQLSERVER", "HR"): ["E:\\SQLData\\MSSQLSERVER\\HR.mdf",
                            "E:\\SQLLogs\\MSSQLSERVER\\HR_log.ldf"],
    ("INST1", "Inventory"): ["E:\\SQLData\\INST1\\Inventory.mdf",
                             "E:\\SQLData\\INST1\\Inventory_2.ndf",
                             "E:\\SQLLogs\\INST1\\Inventory_log.ldf"],
    ("INST1", "Reports"): ["E:\\SQLData\\INST1\\Reports.mdf",
                           "E:\\SQLLogs\\INST1\\Reports_log.ldf"],
}


def _state(lab: Lab) -> str:
    return str(lab.json("--lab", "status", *PAIR[:2], "--json")["state"])  # type: ignore[index]


def _host_state(lab: Lab, server: str) -> dict[str, Any]:
    return json.loads((lab.home / "lab" / "servers" / server / "host_state.json").read_text())


def _attached(lab: Lab, server: str) -> dict[tuple[str, str], list[str]]:
    doc = _host_state(lab, server) if (lab.home / "lab" / "servers" / server
                                       / "host_state.json").exists() else {}
    return {(a["instance"].split("/")[1], a["name"]): a["files"] for a in doc.get("attached", [])}


def _service(lab: Lab, server: str, name: str) -> str:
    path = lab.home / "lab" / "servers" / server / "host_state.json"
    if not path.exists():  # never changed: as the estate describes it (running)
        return "running"
    return next(s["state"] for s in _host_state(lab, server)["services"] if s["name"] == name)


def _local(lab: Lab, server: str, win_path: str) -> Path:
    letter, rest = win_path.split(":\\", 1)
    return lab.volume(server, letter).joinpath(*rest.split("\\"))


def _a(lab: Lab, name: str) -> set[str]:
    rt = lab.json("lab", "status", "--json")
    r = dns.query.udp(dns.message.make_query(name, "A"), rt["dns"]["ip"],  # type: ignore[index]
                      port=rt["dns"]["port"], timeout=2)  # type: ignore[index]
    return {rd.to_text() for rrset in r.answer for rd in rrset}


def test_database_only_failover_failback_restore(lab: Lab) -> None:
    sql01, sql02 = f"{lab.net}.51", f"{lab.net}.52"
    lab.run("--lab", "config", "set", *PAIR, "connection.sql_mode=database")
    plan = lab.run("--lab", "config", "plan", *PAIR).stdout
    assert "stop-service MSSQLSERVER" not in plan  # SQL02 keeps serving its own databases
    lab.run("--lab", "protect", *PAIR, "--set", "monitoring.interval=1",
            "--set", "monitoring.missed=3")
    wait_until(lambda: _state(lab) == "Protected", 30, "Protected")

    # data written on the source arrives on the target
    sales = _local(lab, "SQL01", DATABASES[("MSSQLSERVER", "Sales")][0])
    with open(sales, "r+b") as fh:
        fh.seek(8192)
        fh.write(os.urandom(4096))
    changed = sales.read_bytes()
    target_sales = _local(lab, "SQL02", DATABASES[("MSSQLSERVER", "Sales")][0])
    wait_until(lambda: target_sales.is_file() and target_sales.read_bytes() == changed, 10,
          "replication of Sales.mdf")

    lab.run("lab", "fail", "SQL01")
    wait_until(lambda: _state(lab) == "Failure detected", 3 * 1 + 2, "failure detection")
    lab.run("--lab", "failover", *PAIR)
    assert _state(lab) == "Failed over"

    # every database attached on SQL02, from files that are really at those paths
    assert _attached(lab, "SQL02") == DATABASES
    for files in DATABASES.values():
        assert all(_local(lab, "SQL02", f).is_file() for f in files)
    assert _a(lab, "sql01.lab.example.com") == {sql02}
    assert _service(lab, "SQL02", "MSSQLSERVER") == "running"

    # the databases now live on SQL02: a change there must come back
    with open(target_sales, "r+b") as fh:
        fh.seek(8192)
        fh.write(os.urandom(4096))
    on_target = target_sales.read_bytes()

    lab.run("lab", "heal", "SQL01")
    lab.run("--lab", "failback", *PAIR)
    assert _attached(lab, "SQL02") == {}  # detached: gone from SQL02's instances
    for name in ("MSSQLSERVER", "SQLSERVERAGENT", "MSSQL$INST1"):
        assert _service(lab, "SQL02", name) == "running", name  # SQL02 keeps serving
    assert _state(lab) == "Failed back (restore next)"

    lab.run("--lab", "restore", *PAIR)
    assert sales.read_bytes() == on_target
    assert _attached(lab, "SQL01") == {}  # SQL01 had them all along: nothing re-attached
    assert _a(lab, "sql01.lab.example.com") == {sql01}
    wait_until(lambda: _state(lab) == "Protected", 30, "Protected again")
    log = (lab.home / "logs" / "failover" / "SQL01.log").read_text()
    assert "Sales was already attached to SQL01" in log


def _log_order(log: str, verb: str) -> list[str]:
    """The services ``verb`` finished, in the order the plan ran them (ok lines only)."""
    return [line.split(f"] {verb} ", 1)[1].split(":", 1)[0].split()[0]
            for line in log.splitlines() if f"] {verb} " in line and ": ok: " in line]


def test_instance_mode_runs_the_services_in_the_guides_order(lab: Lab) -> None:
    """After the database-only run above: the same pair in instance mode starts each
    engine before its agent on SQL02 and stops them the other way round at failback,
    and SQL02 ends with its SQL Server stopped (the instance is SQL01's again)."""
    lab.run("--lab", "unprotect", *PAIR)
    lab.run("--lab", "config", "set", *PAIR, "connection.sql_mode=instance")
    lab.run("--lab", "protect", *PAIR, "--set", "monitoring.interval=1",
            "--set", "monitoring.missed=3")
    wait_until(lambda: _state(lab) == "Protected", 30, "Protected")
    log_path = lab.home / "logs" / "failover" / "SQL01.log"
    before = len(log_path.read_text().splitlines())

    lab.run("lab", "fail", "SQL01")
    wait_until(lambda: _state(lab) == "Failure detected", 3 * 1 + 2, "failure detection")
    lab.run("--lab", "failover", *PAIR)
    for name in ("MSSQLSERVER", "SQLSERVERAGENT", "MSSQL$INST1", "SQLAgent$INST1"):
        assert _service(lab, "SQL02", name) == "running", name
    lab.run("lab", "heal", "SQL01")
    lab.run("--lab", "failback", *PAIR)
    lab.run("--lab", "restore", *PAIR)
    wait_until(lambda: _state(lab) == "Protected", 30, "Protected again")

    log = "\n".join(log_path.read_text().splitlines()[before:])
    starts = _log_order(log.split("pre-failback")[0], "start-service")
    stops = _log_order(log, "stop-service")
    for engine, agent in (("MSSQLSERVER", "SQLSERVERAGENT"), ("MSSQL$INST1", "SQLAgent$INST1")):
        assert starts.index(engine) < starts.index(agent)
        assert stops.index(agent) < stops.index(engine)
        assert _service(lab, "SQL02", engine) == "stopped"  # instance mode: SQL02 stands by
    assert stops == list(reversed(starts))
    assert "sql-attach" not in log and "sql-detach" not in log


def test_a_remapped_database_is_attached_at_its_target_path(lab: Lab) -> None:
    """Database-only with Sales mapped to another folder of SQL02 (`include:PATH>TARGET`):
    failover attaches it from there, failback detaches it, restore maps its files back."""
    remap = "E:\\FromSQL01\\Sales"
    lab.run("--lab", "unprotect", *PAIR)
    lab.run("--lab", "config", "set", *PAIR, "connection.sql_mode=database",
            "connection.databases=MSSQLSERVER/Sales",
            f"connection.target_paths=MSSQLSERVER/Sales={remap}")
    lab.run("--lab", "protect", *PAIR, "--set", "monitoring.interval=1",
            "--set", "monitoring.missed=3")
    wait_until(lambda: _state(lab) == "Protected", 30, "Protected")
    names = [p.rsplit("\\", 1)[1] for p in DATABASES[("MSSQLSERVER", "Sales")]]
    files = [f"{remap}\\{n}" for n in names]
    wait_until(lambda: all(_local(lab, "SQL02", f).is_file() for f in files), 10,
          "Sales replicated to its target path")

    lab.run("lab", "fail", "SQL01")
    wait_until(lambda: _state(lab) == "Failure detected", 3 * 1 + 2, "failure detection")
    lab.run("--lab", "failover", *PAIR)
    assert _attached(lab, "SQL02") == {("MSSQLSERVER", "Sales"): files}

    lab.run("lab", "heal", "SQL01")
    lab.run("--lab", "failback", *PAIR)
    assert _attached(lab, "SQL02") == {}
    lab.run("--lab", "restore", *PAIR)
    wait_until(lambda: _state(lab) == "Protected", 30, "Protected again")
