"""Like-named clusters end to end, headless, on one lab (net 127.0.63): EVS1 on EXCLUS is
protected by the standby cluster EXCLUS2 through its node EXNODE3 (SPEC F-5.6, F-10).

`config like-named` refuses bad input at its field (exit 2, nothing saved) and saves good
input; the pair EVS1 -> EVS1_LN then validates clean (only the warnings every lab cluster
pair has: the lab's 1200 s TTL and EXCLUS's 90 s node failover); `protect` reaches
Protected and the standby cluster shows the stand-in's four resources in "EVS1 Group"
(read through the console's own inventory, from the other node); `unprotect` removes them.
"""

from __future__ import annotations

import json
import time

from core.hosts.winrm_host import WinrmHost
from core.lab.estate import load_estate
from core.model.apps import ClusterGroup
from core.ports import Credential
from tests.lab.conftest import Lab

NET = "127.0.63"
PAIR = ("EVS1", "EVS1_LN", "--app", "exchange")
CREATED = ["EVS1_LN IP Address", "EVS1_LN", "EVS1_LN post-failover script",
           "EVS1_LN pre-failback script"]



def evs_group(lab: Lab) -> ClusterGroup:
    """EXCLUS2's "EVS1 Group" as the console inventories it, read from the passive node."""
    estate = load_estate(net=lab.net)
    node = WinrmHost(estate.server("EXNODE4").ip, Credential(estate.admin_user,
                                                             estate.admin_password),
                     transport="basic", timeout=10, name="EXNODE4")
    cluster = node.inventory().apps.cluster
    assert cluster is not None and cluster.name == "EXCLUS2"
    return next(g for g in cluster.groups if g.name == "EVS1 Group")


def saved(lab: Lab) -> list[str]:
    return sorted(p.name for p in (lab.home / "config").rglob("*EVS1_LN*"))


def test_like_named_setup_validate_protect_unprotect(lab: Lab) -> None:
    setup = ("--lab", "config", "like-named", "EVS1", "--node", "EXNODE3")
    for bad, words in [
        (("--ip", "10.9.9.9"), "cluster.ip: 10.9.9.9 is not on the network of Local Area "
                               f"Connection ({NET}.0/24)"),
        (("--ip", f"{NET}.83"), f"cluster.ip: {NET}.83 is already used by EXNODE3"),
        (("--ip", f"{NET}.160", "--storage", "E"), "cluster.storage: F: holds the virtual "
                                                   "server's data on both clusters"),
        (("--ip", f"{NET}.160", "--network", "Team"), "cluster.network: EXNODE3 has no "
                                                      "network named 'Team'"),
    ]:
        proc = lab.run(*setup, *bad, check=False)
        assert proc.returncode == 2 and words in proc.stderr, proc.stderr
    proc = lab.run("--lab", "config", "like-named", "EVS1", "--node", "EXNODE1", "--ip",
                   f"{NET}.160", check=False)
    assert proc.returncode == 2 and "EXNODE1 is a node of EXCLUS, EVS1's own cluster" in \
        proc.stderr
    assert saved(lab) == []

    out = lab.run(*setup, "--ip", f"{NET}.160").stdout
    assert out.startswith("saved: EVS1 -> EVS1_LN (exchange), like-named on node EXNODE3: "
                          f"{NET}.160/255.255.255.0 on 'Local Area Connection', storage E,F")
    assert saved(lab) == ["exchange_EVS1_EVS1_LN.json"]
    shown = lab.json("--lab", "config", "show", *PAIR, "--json")
    assert shown["cluster"]["target_node"] == "EXNODE3" and shown["cluster"]["like_named"]

    doc = json.loads(lab.run("--lab", "validate", *PAIR, "--json").stdout)
    findings = {r["id"]: r["status"] for r in doc["results"] if r["status"] != "passed"}
    assert doc["ok"] and findings == {"dns.ttl": "warning", "cluster.node_failover": "warning",
                                      "cluster.like_named_failover": "warning"}
    passed = {r["id"] for r in doc["results"] if r["status"] == "passed"}
    assert {"cluster.like_named", "exchange.sg_paths", "exchange.admin_group",
            "app.version"} <= passed

    assert [r.name for r in evs_group(lab).resources] == ["Disk E:", "Disk F:"]
    lab.run("--lab", "protect", *PAIR)
    deadline, state = time.monotonic() + 20, ""
    while time.monotonic() < deadline:
        state = lab.json("--lab", "status", *PAIR, "--json")["state"]
        if state == "Protected":
            break
        time.sleep(0.2)
    assert state == "Protected"
    group = evs_group(lab)
    res = {r.name: r for r in group.resources}
    assert [r.name for r in group.resources][2:] == CREATED
    assert (res["EVS1_LN IP Address"].ip, res["EVS1_LN IP Address"].online) == (f"{NET}.160",
                                                                              True)
    assert (res["EVS1_LN"].network_name, res["EVS1_LN"].online) == ("EVS1_LN", True)
    assert [res[n].type for n in CREATED[2:]] == ["Generic Script"] * 2
    # the mirror really landed on the standby node's disks
    assert (lab.volume("EXNODE3", "E") / "Exchsrvr" / "mdbdata" / "priv1.edb").exists()

    lab.run("--lab", "unprotect", *PAIR)
    assert lab.json("--lab", "status", *PAIR, "--json")["state"] == "Unprotected"
    assert [r.name for r in evs_group(lab).resources] == ["Disk E:", "Disk F:"]
