"""Verify Target Data (issue 13 item 2, SPEC F-11) headless on the lab's real engines and
files (net 127.0.110): protect SQL01 → SQL02 database-only; ``appmgr verify`` → every
database usable (exit 0) while the pair stays Protected and the mirror goes on; the lab
fault ``lab corrupt-page`` on SQL02's copy of Sales.mdf → not usable, naming Sales and
the page (exit 1); the snapshot taken for each check is gone afterwards."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from core.lab import db_pages
from tests.lab.conftest import Lab, wait_until

NET = "127.0.110"
PAIR = ("SQL01", "SQL02", "--app", "sql")
SALES = "E:\\SQLData\\MSSQLSERVER\\Sales.mdf"
DATABASES = {"MSSQLSERVER\\Sales", "MSSQLSERVER\\HR", "INST1\\Inventory", "INST1\\Reports"}


def _local(lab: Lab, server: str, win_path: str) -> Path:
    letter, rest = win_path.split(":\\", 1)
    return lab.volume(server, letter).joinpath(*rest.split("\\"))


def _state(lab: Lab) -> str:
    return str(lab.json("--lab", "status", *PAIR[:2], "--json")["state"])  # type: ignore[index]


def _verify(lab: Lab) -> tuple[int, dict]:
    proc = lab.run("--lab", "verify", *PAIR, "--json", check=False)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_verify_clean_then_a_corrupted_page(lab: Lab) -> None:
    lab.run("--lab", "config", "set", *PAIR, "connection.sql_mode=database")
    lab.run("--lab", "protect", *PAIR, "--set", "monitoring.interval=1",
            "--set", "monitoring.missed=3")
    wait_until(lambda: _state(lab) == "Protected", 30, "Protected")
    src, tgt = _local(lab, "SQL01", SALES), _local(lab, "SQL02", SALES)
    wait_until(lambda: tgt.is_file() and tgt.read_bytes() == src.read_bytes(), 10,
               "Sales.mdf on SQL02")

    # the pair's state, read over and over while the check runs
    seen: list[str] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.append(_state(lab))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        code, report = _verify(lab)
    finally:
        done.set()
        watcher.join()
    assert code == 0 and report["usable"] is True, report
    assert {f"{i['instance']}\\{i['name']}" for i in report["items"]} == DATABASES
    for item in report["items"]:
        assert item["usable"] and item["errors"] == [] and item["pages"] > 0, item
        assert item["copy"] == f"{item['name']}_appmgr_verify"
    assert seen and set(seen) == {"Protected"}, seen  # the mirror was never broken
    # the check's snapshot is deleted; the mirror still carries changes
    listed = lab.json("--lab", "snapshot", "list", *PAIR, "--json")
    assert report["snapshot"] not in {s["id"] for s in listed}  # type: ignore[union-attr]
    src.write_bytes(db_pages.make_file("Sales.mdf, version 2", pages=6))
    wait_until(lambda: tgt.read_bytes() == src.read_bytes(), 10, "the change on SQL02")

    # a snapshot taken before the fault keeps the good pages (the fault writes a new inode)
    kept = lab.json("--lab", "snapshot", "take", *PAIR, "--json")

    # the lab fault: a bad page in the target's copy only
    out = lab.run("lab", "corrupt-page", "SQL02", SALES, "--page", "3").stdout
    assert "page 3 corrupted" in out
    assert db_pages.check(src)[1] == [] and [b.number for b in db_pages.check(tgt)[1]] == [3]
    code, report = _verify(lab)
    assert code == 1 and report["usable"] is False
    bad = [i for i in report["items"] if not i["usable"]]
    assert [(i["instance"], i["name"]) for i in bad] == [("MSSQLSERVER", "Sales")]
    assert any("Sales.mdf: page 3" in e for e in bad[0]["errors"]), bad
    text = lab.run("--lab", "verify", *PAIR, check=False)
    assert text.returncode == 1
    assert "NOT USABLE  MSSQLSERVER\\Sales" in text.stdout and "page 3" in text.stdout
    assert "usable      MSSQLSERVER\\HR" in text.stdout
    assert _state(lab) == "Protected"

    # --snapshot checks that one and keeps it: taken before the fault, it is usable
    proc = lab.run("--lab", "verify", "SQL01", "SQL02", "--snapshot", kept["id"],  # type: ignore[index]
                   "--app", "sql", "--json", check=False)
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["snapshot"] == kept["id"]  # type: ignore[index]
    assert report["kept_snapshot"] is True
    assert kept["id"] in {s["id"] for s in lab.json("--lab", "snapshot", "list", *PAIR,  # type: ignore[index]
                                                      "--json")}  # type: ignore[union-attr]


def test_verify_refuses_a_file_server_pair(lab: Lab) -> None:
    proc = lab.run("--lab", "verify", "FS01", "FS02", "--app", "fileprint", check=False)
    assert proc.returncode == 2 and "SQL Server and Exchange" in proc.stderr
