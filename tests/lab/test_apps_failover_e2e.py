"""Issue 10's acceptance for BlackBerry, SharePoint and the file server, headless, as a
user types it (net 127.0.95): protect with default settings (only the monitoring interval
and missed count shortened), `lab fail SRC`, `failover`, then the lab's own state shows
the effects (services running on the target, DNS, the source's name and host SPNs on
the target); `lab heal`, `failback`, `restore` bring everything back and Protected."""

from __future__ import annotations

import dns.message
import dns.query
import pytest

from core.lab.directory import lab_directory
from core.lab.directory_changes import changes_path
from core.lab.estate import load_estate
from core.lab.host_state import HostState
from core.lab.name_ops import alternate_names
from tests.lab.conftest import Lab

NET = "127.0.95"
CASES = [  # app, source, target, services that run on the target after failover, name+SPNs
    ("blackberry", "BES01", "BES02",
     ["MSSQL$BLACKBERRY", "BlackBerry Router", "BlackBerry Dispatcher",
      "BlackBerry Controller", "BlackBerry Policy Service",
      "BlackBerry MDS Connection Service"], False),
    ("sharepoint", "SQL05A", "SQL05B", ["MSSQLSERVER", "SQLSERVERAGENT"], True),
    ("fileprint", "FS01", "FS02", [], True),
]


def _a(lab: Lab, name: str) -> set[str]:
    rt = lab.json("lab", "status", "--json")
    r = dns.query.udp(dns.message.make_query(name, "A"), rt["dns"]["ip"],
                      port=rt["dns"]["port"], timeout=2)
    return {rd.to_text() for rrset in r.answer for rd in rrset}


def _running(lab: Lab, server: str) -> set[str]:
    """The services running on a lab server, as its (persisted) Windows state has them."""
    estate = load_estate(net=NET)
    state = HostState.load(estate, estate.server(server), lab.home / "lab")
    return {s.name for s in state.services if s.state == "running"}


def _host_spns(lab: Lab, computer: str) -> set[str]:
    """The computer's HOST SPNs as a fresh connection to the lab directory reads them."""
    directory = lab_directory(load_estate(net=NET), changes=changes_path(lab.home / "lab"))
    try:
        found = directory.computer(computer)
    finally:
        directory.close()
    assert found is not None
    return {s.upper() for s in found.spns if s.upper().startswith("HOST/")}


@pytest.mark.parametrize(("app", "src", "tgt", "services", "identity"), CASES)
def test_failover_failback_restore_moves_everything_and_back(
        lab: Lab, app: str, src: str, tgt: str, services: list[str], identity: bool) -> None:
    fqdn = f"{src.lower()}.lab.example.com"
    estate = load_estate(net=NET)
    src_ip, tgt_ip = estate.server(src).ip, estate.server(tgt).ip
    src_spns = {f"HOST/{src}", f"HOST/{fqdn}".upper()}

    lab.run("--lab", "protect", src, tgt, "--app", app,
            "--set", "monitoring.interval=1", "--set", "monitoring.missed=3")
    lab.wait_state("Protected", src, tgt, "--app", app, timeout=30)
    lab.run("lab", "fail", src)
    lab.wait_state("Failure detected", src, tgt, "--app", app, timeout=3 * 1 + 2)

    out = lab.run("--lab", "failover", src, tgt, "--app", app).stdout
    assert _a(lab, fqdn) == {tgt_ip}
    # the lab's servers start with their services running: the plan's own word that it
    # started each one, and the state after, together show the step ran
    assert all(f"{svc} running on {tgt}" in out for svc in services), out
    assert set(services) <= _running(lab, tgt)
    if identity:
        assert src in alternate_names(lab.home / "lab", tgt)
        assert src_spns <= _host_spns(lab, tgt)
        assert not src_spns & _host_spns(lab, src)

    lab.run("lab", "heal", src)
    lab.run("--lab", "failback", src, tgt, "--app", app)
    assert not set(services) & _running(lab, tgt)
    lab.run("--lab", "restore", src, tgt, "--app", app)
    assert _a(lab, fqdn) == {src_ip}
    assert set(services) <= _running(lab, src)
    if identity:
        assert src not in alternate_names(lab.home / "lab", tgt)
        assert src_spns <= _host_spns(lab, src)
        assert not src_spns & _host_spns(lab, tgt)
    lab.wait_state("Protected", src, tgt, "--app", app, timeout=30)
