"""The lab's SQL cluster pair (issue 10 item 4), through the CLI as a user types it.

SQLVS1 on SQLCLUS → SQLVS2 on the standby cluster SQLCLUS2, instance mode,
default settings but a short monitor. SQLVS2's SQL Server resources are
offline while it stands by; ``lab fail SQLVS1`` and ``failover`` bring them
online on SQLCLUS2 (the lab's cluster state, read through the console's own
inventory) and DNS answers SQLVS2's address for SQLVS1; ``lab heal``,
``failback`` (offline again, DNS back) and ``restore`` end Protected.
"""

from __future__ import annotations

import dns.message
import dns.query

from core.hosts.winrm_host import WinrmHost
from core.lab.estate import load_estate
from core.ports import Credential
from tests.lab.conftest import Lab

NET = "127.0.81"
PAIR = ("SQLVS1", "SQLVS2", "--app", "sql")
SQL = ("SQL Server", "SQL Server Agent")


def _online(lab: Lab) -> dict[str, bool]:
    """SQLVS2's group as the console's inventory reads it from the standby node."""
    estate = load_estate(net=lab.net)
    node = WinrmHost(estate.server("SQLNODE4").ip, Credential(estate.admin_user,
                                                              estate.admin_password),
                     transport="basic", timeout=10, name="SQLNODE4")
    cluster = node.inventory().apps.cluster
    assert cluster is not None and cluster.name == "SQLCLUS2"
    group = next(g for g in cluster.groups if g.name == "SQL Server (MSSQLSERVER)")
    return {r.name: r.online for r in group.resources if r.name in SQL}


def _a(lab: Lab) -> set[str]:
    rt = lab.json("lab", "status", "--json")
    r = dns.query.udp(dns.message.make_query("sqlvs1.lab.example.com", "A"), rt["dns"]["ip"],
                      port=rt["dns"]["port"], timeout=2)
    return {rd.to_text() for rrset in r.answer for rd in rrset}


def test_the_sql_cluster_pair_fails_over_and_back(lab: Lab) -> None:
    doc = lab.json("--lab", "validate", *PAIR, "--json")
    assert doc["ok"], [r for r in doc["results"] if r["status"] == "error"]  # type: ignore[index]
    lab.run("--lab", "protect", *PAIR, "--set", "monitoring.interval=1",
            "--set", "monitoring.missed=3")
    lab.wait_state("Protected", *PAIR, timeout=30)
    assert _online(lab) == {n: False for n in SQL}  # standing by

    lab.run("lab", "fail", "SQLVS1")
    lab.wait_state("Failure detected", *PAIR, timeout=30)
    out = lab.run("--lab", "failover", *PAIR, timeout=180).stdout
    assert 'resource-online "SQL Server"' in out, out
    assert _online(lab) == {n: True for n in SQL}
    assert _a(lab) == {f"{NET}.99"}

    lab.run("lab", "heal", "SQLVS1")
    lab.run("--lab", "failback", *PAIR, timeout=180)
    assert _online(lab) == {n: False for n in SQL}
    assert _a(lab) == {f"{NET}.95"}
    lab.run("--lab", "restore", *PAIR, timeout=180)
    lab.wait_state("Protected", *PAIR, timeout=60)
