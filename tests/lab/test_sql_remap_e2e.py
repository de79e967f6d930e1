"""SQL database-only mode with a database mapped to another target folder (SPEC
F-6.4), headless on the lab (net 127.0.62): protect SQL01 → SQL02 with Sales
remapped, and the replication engine puts Sales' files in the remapped folder
of SQL02 — byte-identical, nothing at the source paths — and later changes
arrive there too."""

from __future__ import annotations

import os
from pathlib import Path

from tests.lab.conftest import Lab, wait_until

NET = "127.0.62"
REMAP = "E:\\FromSQL01\\Sales"
#: Sales' files on SQL01 (default_estate.toml), relative to its E: volume
FILES = ["SQLData/MSSQLSERVER/Sales.mdf", "SQLData/MSSQLSERVER/Sales_2.ndf",
         "SQLLogs/MSSQLSERVER/Sales_log.ldf"]



def _same(a: Path, b: Path) -> bool:
    return b.is_file() and a.read_bytes() == b.read_bytes()


def test_a_remapped_database_lands_in_its_target_folder(lab: Lab) -> None:
    pair = ("SQL01", "SQL02", "--app", "sql")
    settings = ["connection.sql_mode=database", "connection.databases=MSSQLSERVER/Sales",
                f"connection.target_paths=MSSQLSERVER/Sales={REMAP}"]
    lab.run("--lab", "config", "set", *pair, *settings)
    plan = lab.run("--lab", "config", "plan", *pair).stdout
    assert f"{REMAP}\\Sales.mdf" in plan  # the attach step names the remapped files
    lab.run("--lab", "protect", *pair)
    wait_until(lambda: lab.json("--lab", "status", *pair, "--json")["state"] == "Protected",
          30, "Protected")

    src, tgt = lab.volume("SQL01", "E"), lab.volume("SQL02", "E")
    remapped = tgt / "FromSQL01" / "Sales"
    for rel in FILES:
        assert _same(src / rel, remapped / Path(rel).name), rel
        assert not (tgt / rel).exists(), f"{rel} was written at its source path on SQL02"
    assert sorted(p.name for p in remapped.iterdir()) == sorted(Path(r).name for r in FILES)

    # a change on the source (a page written in place) arrives at the mapped path
    mdf = src / FILES[0]
    with open(mdf, "r+b") as fh:
        fh.seek(4096)
        fh.write(os.urandom(1024))
    wait_until(lambda: _same(mdf, remapped / "Sales.mdf"), 10, "the change at the remapped path")
    assert not (tgt / FILES[0]).exists()
