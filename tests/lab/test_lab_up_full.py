"""`lab up` of the whole default estate through the CLI: every server, its addresses, DNS,
cluster virtual servers served by their node, a virtual server failed on its own, and
`lab down` leaving no process behind."""

from __future__ import annotations

import socket
from pathlib import Path

import dns.message
import dns.query
import dns.reversename

from core.hosts.winrm_host import WinrmHost
from core.lab.directory import lab_directory
from core.lab.estate import load_estate
from core.ports import Credential
from tests.lab.conftest import Lab, start_lab

NET = "127.0.44"


def _answers(rt: dict, name: str, rdtype: str) -> set[str]:
    q = dns.message.make_query(name, rdtype)
    r = dns.query.udp(q, rt["dns"]["ip"], port=rt["dns"]["port"], timeout=2)
    return {rd.to_text() for rrset in r.answer for rd in rrset}


def _listens(ip: str, port: int) -> bool:
    try:
        with socket.create_connection((ip, port), 0.5):
            return True
    except OSError:
        return False


def _processes(pid: int) -> list[int]:
    """The supervisor and every process below it."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            tasks = list(Path(f"/proc/{p}/task").iterdir())
        except FileNotFoundError:
            continue
        for task in tasks:
            try:  # a thread may end while we look
                todo += [int(k) for k in (task / "children").read_text().split()]
            except FileNotFoundError:
                continue
    return out


def test_the_whole_estate_comes_up_and_goes_down(tmp_path: Path) -> None:
    estate = load_estate(net=NET)
    lab: Lab = start_lab(tmp_path, NET)
    every: list[int] = []
    try:
        rt = lab.json("lab", "status", "--json")
        assert isinstance(rt, dict)
        every = _processes(rt["pid"])
        servers = rt["servers"]
        assert set(servers) == {s.name for s in estate.servers}
        assert all(s["up"] for s in servers.values())
        assert servers["EXCH01"]["ips"] == [f"{NET}.41", f"{NET}.141"]
        assert (servers["EVS1"]["owner"], servers["EVS1"]["cluster"]) == ("EXNODE1", "EXCLUS")
        assert servers["DC01"]["engine_port"] is None and servers["EVS1"]["engine_port"] == 6320

        # only servers with the engine installed run one; a virtual server's is on its IP
        engines = [p for p in _processes(rt["pid"]) if p != rt["pid"]]
        assert len(engines) == sum(s.engine_installed for s in estate.servers)
        assert _listens(f"{NET}.85", 6320) and not _listens(f"{NET}.1", 6320)

        assert _answers(rt, "lab.example.com", "MX") == {"10 exch01.lab.example.com."}
        assert _answers(rt, "exch01.lab.example.com", "A") == {f"{NET}.41", f"{NET}.141"}
        assert _answers(rt, dns.reversename.from_address(f"{NET}.85").to_text(), "PTR") == \
            {"evs1.lab.example.com."}

        cred = Credential(estate.admin_user, estate.admin_password)
        evs = WinrmHost(f"{NET}.85", cred, transport="basic", name="EVS1", timeout=5,
                        directory=lambda: lab_directory(estate)).inventory()
        assert evs.name == "EVS1" and evs.apps.exchange is not None

        lab.run("lab", "fail", "EVS1")  # its group goes offline; the node stays up
        servers = lab.json("lab", "status", "--json")["servers"]
        assert (servers["EVS1"]["up"], servers["EXNODE1"]["up"]) == (False, True)
        assert not _listens(f"{NET}.85", 5985) and not _listens(f"{NET}.85", 6320)
        assert _listens(f"{NET}.81", 5985)
        lab.run("lab", "heal", "EVS1")
        assert _listens(f"{NET}.85", 5985) and _listens(f"{NET}.85", 6320)
        every = _processes(rt["pid"])  # EVS1's engine is a new process now
    finally:
        lab.run("lab", "down", check=False)
    # an exited process may linger as a zombie until init reaps it: not a survivor
    survivors = [p for p in every if Path(f"/proc/{p}").exists()
                 and Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
    assert survivors == [], f"processes {survivors} survived lab down"
