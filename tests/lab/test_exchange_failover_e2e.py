"""Issue 10's acceptance for Exchange 2007, headless through the CLI on the lab (net
127.0.80): protect EXCH01 → EXCH02 with default settings (only the monitor's interval and
misses shortened), write data, `lab fail EXCH01`, `failover`: EXCH01's mailboxes and the
public folders of its mailbox store point at EXCH02 in the lab directory (read on a fresh
connection), DNS A / PTR / MX answer for EXCH02, the plan's services run on EXCH02, and
the Exchange failover log says what moved; `lab heal`, `failback`, `restore`: all back,
Protected. EXCH02's own mailboxes never move."""

from __future__ import annotations

import time

import dns.message
import dns.query
import dns.reversename

from core.lab.directory import lab_directory
from core.lab.directory_changes import changes_path
from core.lab.directory_exchange import store_dn
from core.lab.directory_mailboxes import lab_mailboxes
from core.lab.estate import Estate, load_estate
from core.lab.host_state import HostState
from tests.lab.conftest import Lab, wait_until

NET = "127.0.80"
PAIR = ("EXCH01", "EXCH02", "--app", "exchange")
ATTRS = ["homeMDB", "msExchHomeServerName", "homeMTA"]
EDB = "E:\\Exchange\\Data\\First Storage Group\\Mailbox Database.edb"


def _state(lab: Lab, pair: tuple[str, ...] = PAIR) -> str:
    return str(lab.json("--lab", "status", *pair[:2], "--json")["state"])  # type: ignore[index]


def _ask(lab: Lab, name: str, rdtype: str) -> set[str]:
    rt = lab.json("lab", "status", "--json")
    r = dns.query.udp(dns.message.make_query(name, rdtype), rt["dns"]["ip"],  # type: ignore[index]
                      port=rt["dns"]["port"], timeout=2)  # type: ignore[index]
    return {rd.to_text().lower() for rrset in r.answer for rd in rrset}


def _homes(lab: Lab, dns_names: list[str], attrs: list[str],
           estate: Estate | None = None) -> dict[str, dict[str, str]]:
    """The attributes as a fresh connection to the lab directory reads them."""
    directory = lab_directory(estate or load_estate(net=NET),
                              changes=changes_path(lab.home / "lab"))
    try:
        return {dn: directory.read_attributes(dn, attrs) for dn in dns_names}
    finally:
        directory.close()


def _running(lab: Lab, server: str, estate: Estate | None = None) -> set[str]:
    estate = estate or load_estate(net=NET)
    state = HostState.load(estate, estate.server(server), lab.home / "lab")
    return {s.name for s in state.services if s.state == "running"}


def test_exchange_2007_failover_failback_restore(lab: Lab) -> None:
    fail_over_and_back(lab, load_estate(net=NET), "EXCH01", "EXCH02",
                       "First Storage Group", "Mailbox Database", EDB)


def fail_over_and_back(lab: Lab, estate: Estate, src: str, tgt: str, group: str, store: str,
                       edb_path: str, *sets: str) -> None:
    """The acceptance run for one Exchange pair (``sets``: more ``--set`` values)."""
    pair = (src, tgt, "--app", "exchange")
    ex01, ex02 = estate.server(src), estate.server(tgt)
    mine, theirs = lab_mailboxes(estate, src), lab_mailboxes(estate, tgt)
    assert mine and theirs
    users = [m.dn for m in mine + theirs]
    before = _homes(lab, users, ATTRS, estate)
    home2 = theirs[0]  # what an EXCH02 mailbox points at: where EXCH01's must go
    store1 = store_dn(mine[0].home_mdb.split(",CN=InformationStore,", 1)[1], group, store)
    public = {"msExchHomePublicMDB"}
    pf_before = _homes(lab, [store1], list(public), estate)[store1]["msExchHomePublicMDB"]
    assert f",CN={src}," in pf_before
    fqdn = f"{src.lower()}.lab.example.com"
    a_before, mx_before = _ask(lab, fqdn, "A"), _ask(lab, "lab.example.com", "MX")
    assert a_before and a_before <= set(ex01.ips)

    more = [x for value in sets for x in ("--set", value)]
    lab.run("--lab", "protect", *pair, "--set", "monitoring.interval=1",
            "--set", "monitoring.missed=3", *more)
    wait_until(lambda: _state(lab, pair) == "Protected", 30, "Protected")
    plan = lab.run("--lab", "config", "plan", *pair).stdout
    started = [line.split()[1] for line in plan.splitlines()
               if line.startswith("start-service") and "on=source" not in line]
    assert started and "MSExchangeMailSubmission" not in started

    edb = lab.volume(src, "E").joinpath(*edb_path[3:].split("\\"))
    edb.parent.mkdir(parents=True, exist_ok=True)
    edb.write_bytes(b"mailbox data written while protected" * 100)
    copy = lab.volume(tgt, "E").joinpath(*edb_path[3:].split("\\"))
    wait_until(lambda: copy.is_file() and copy.read_bytes() == edb.read_bytes(), 10, "replication")

    lab.run("lab", "fail", src)
    wait_until(lambda: _state(lab, pair) == "Failure detected", 3 * 1 + 2, "failure detection")
    t0 = time.monotonic()
    out = lab.run("--lab", "failover", *pair).stdout
    failover_s = time.monotonic() - t0
    assert _state(lab, pair) == "Failed over"

    after = _homes(lab, users, ATTRS, estate)
    for m in mine:  # rehomed to the target's store of the same storage group and name
        assert after[m.dn] == {"homeMDB": home2.home_mdb, "msExchHomeServerName":
                               home2.home_server, "homeMTA": home2.home_mta}, m.name
    for m in theirs:
        assert after[m.dn] == before[m.dn]
    pf = _homes(lab, [store1], list(public), estate)[store1]["msExchHomePublicMDB"]
    assert f",CN={tgt}," in pf and f",CN={src}," not in pf
    a_after = _ask(lab, fqdn, "A")
    assert a_after and a_after <= set(ex02.ips), a_after  # each mapped to a target address
    ptrs = {ip: _ask(lab, dns.reversename.from_address(ip).to_text(), "PTR") for ip in a_after}
    assert all(f"{fqdn}." in names for names in ptrs.values()), ptrs
    assert any(tgt.lower() in mx for mx in _ask(lab, "lab.example.com", "MX"))
    assert all(f"{svc} running on {tgt}" in out for svc in started), out
    assert set(started) <= _running(lab, tgt, estate)
    assert "AD replication" in out
    print("\n" + next(line for line in out.splitlines() if "exchange-failover" in line))
    log = lab.run("--lab", "log", "exchange", tgt).stdout
    assert all(f"mailbox {m.name}:" in log for m in mine)
    assert (lab.home / "logs" / "exchange" / f"{src}.log").read_text() \
        .count(f"Exchange failover {src} -> {tgt} done") == 1

    lab.run("lab", "heal", src)
    lab.run("--lab", "failback", *pair)
    assert _homes(lab, users, ATTRS, estate) == before  # every mailbox back on the source
    log = lab.run("--lab", "log", "exchange", src).stdout
    assert all(f"mailbox {m.name}: back on {src}" in log for m in mine), log
    assert not set(started) & _running(lab, tgt, estate)
    lab.run("--lab", "restore", *pair)
    assert _homes(lab, [store1], list(public), estate)[store1]["msExchHomePublicMDB"] == pf_before
    assert _ask(lab, fqdn, "A") == a_before
    assert _ask(lab, "lab.example.com", "MX") == mx_before
    assert set(started) <= _running(lab, src, estate)
    wait_until(lambda: _state(lab, pair) == "Protected", 30, "Protected again")
    print(f"\nfailover of {src} -> {tgt} through the CLI: {failover_s:.2f} s")
