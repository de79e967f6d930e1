"""Exchange rehome against the lab's in-process directory: moves, put back, resume, the
kept changes, and what the AD replication wait does (bounded, never a failure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import NotFound, Unreachable
from core.lab.directory import lab_directory
from core.lab.directory_changes import changes_path
from core.lab.directory_mailboxes import lab_mailboxes
from core.lab.estate import load_estate
from core.ports import Directory, ExchangeHome, ExchangeStoreRef
from core.protection import exchange_rehome as xr

ATTRS = ["homeMDB", "msExchHomeServerName", "homeMTA"]


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def monotonic(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.t += s


def _run(tmp_path: Path, estate, lines: list[str]) -> xr.Rehome:
    d = lab_directory(estate, read_only=False, changes=changes_path(tmp_path))
    return xr.Rehome(d, "EXCH01", "EXCH02", xr.state_path(tmp_path, "EXCH01", "EXCH02"),
                     lines.append)


def _read(tmp_path: Path, estate, dns: list[str]) -> dict[str, dict[str, str]]:
    d = lab_directory(estate, changes=changes_path(tmp_path))  # a fresh connection
    try:
        return {dn: d.read_attributes(dn, ATTRS) for dn in dns}
    finally:
        d.close()


def test_failover_moves_only_the_sources_mailboxes_and_failback_puts_them_back(
        tmp_path: Path) -> None:
    estate = load_estate(net="127.0.81")
    mine, theirs = lab_mailboxes(estate, "EXCH01"), lab_mailboxes(estate, "EXCH02")
    dns = [m.dn for m in mine + theirs]
    before = _read(tmp_path, estate, dns)
    lines: list[str] = []
    run = _run(tmp_path, estate, lines)
    users, stores, changed = xr.fail_over(run, ["First Storage Group", "Second Storage Group"])
    assert (users, stores) == (len(mine), 1) and len(changed) == len(mine) + 1
    after = _read(tmp_path, estate, dns)
    for m in mine:
        assert after[m.dn] == {"homeMDB": theirs[0].home_mdb,
                               "msExchHomeServerName": theirs[0].home_server,
                               "homeMTA": theirs[0].home_mta}
    assert all(after[m.dn] == before[m.dn] for m in theirs)
    assert any(f"mailbox {mine[0].name}:" in line for line in lines)

    # resumed after a crash: nothing is left on EXCH01, nothing moves twice
    assert xr.fail_over(_run(tmp_path, estate, lines), [])[:2] == (0, 0)
    back, kept, _ = xr.put_back(_run(tmp_path, estate, lines), "mailbox")
    assert (back, kept) == (len(mine), 0)
    assert _read(tmp_path, estate, dns) == before
    # the public folder homes wait for post-restore
    assert [m["kind"] for m in run.load()] == ["public"]
    assert xr.put_back(_run(tmp_path, estate, lines), "public")[0] == 1
    assert run.load() == []


def test_a_store_the_target_lacks_stops_before_anything_moves(tmp_path: Path) -> None:
    estate = load_estate(net="127.0.81")
    run = _run(tmp_path, estate, [])
    run.source, run.target = "EXCH01", "EVS1"  # EVS1 has no "Second Storage Group"
    with pytest.raises(NotFound, match="EVS1 has no public store for Second Storage Group"):
        xr.fail_over(run, [])
    assert run.load() == []


def test_replication_wait_says_what_it_did(tmp_path: Path) -> None:
    estate = load_estate(net="127.0.81")
    d = lab_directory(estate)
    changed = {lab_mailboxes(estate, "EXCH01")[0].dn: {"homeMDB": "CN=elsewhere"}}
    clock = Clock()
    assert "off, not waited" in xr.wait_replication(d, None, changed, False, 60, clock)
    assert "nothing changed" in xr.wait_replication(d, None, {}, True, 60, clock)
    # the lab domain has DC01 and DC02: DC02 never shows a value nobody wrote
    said = xr.wait_replication(d, lambda dc: lab_directory(estate), changed, True, 5, clock)
    assert "dc02.lab.example.com did not have every change after" in said
    assert clock.t == pytest.approx(5, abs=xr.POLL_SECONDS)  # bounded by the max wait
    real = {m.dn: {"homeMDB": m.home_mdb} for m in lab_mailboxes(estate, "EXCH01")}
    said = xr.wait_replication(d, lambda dc: lab_directory(estate), real, True, 5, Clock())
    assert "dc02.lab.example.com has them after 0.0 s" in said


def test_an_unreachable_dc_is_named_and_the_wait_goes_on() -> None:
    estate = load_estate(net="127.0.81")
    d = lab_directory(estate)
    changed = {lab_mailboxes(estate, "EXCH01")[0].dn: {"homeMDB": "CN=elsewhere"}}

    def refuse(dc: str) -> Directory:
        raise Unreachable(f"{dc} refused the connection")

    said = xr.wait_replication(d, refuse, changed, True, 5, Clock())
    assert "dc02.lab.example.com unreachable (dc02.lab.example.com refused the connection)" in said


def test_stores_named_after_their_server_map_to_the_targets() -> None:
    def home(server: str, *stores: tuple[str, str, str]) -> ExchangeHome:
        return ExchangeHome(server, f"CN={server}", f"/cn={server}", f"CN=MTA,CN={server}",
                               tuple(ExchangeStoreRef(f"CN={n},CN={g},CN={server}", g, n, k)
                                     for g, n, k in stores))

    src = home("EX03A", ("First Storage Group", "Mailbox Store (EX03A)", "mailbox"),
               ("First Storage Group", "Public Folder Store (EX03A)", "public"))
    tgt = home("EX03B", ("First Storage Group", "Mailbox Store (EX03B)", "mailbox"),
               ("First Storage Group", "Public Folder Store (EX03B)", "public"))
    assert sorted(xr.store_map(src, tgt, []).values()) == [
        "CN=Mailbox Store (EX03B),CN=First Storage Group,CN=EX03B",
        "CN=Public Folder Store (EX03B),CN=First Storage Group,CN=EX03B"]
