"""``cluster_resource`` on lab cluster nodes (no endpoint, no engine): what cluster.exe does
on Windows, shared by every node of the cluster and shown by ``cluster_info``."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from core.lab.estate import Estate, load_estate
from core.lab.host_ops import LabHost
from core.lab.host_state import HostState
from core.lab.ps_failure import PsFailure
from core.lab.seed import prepare

NET = "127.0.63"
IP: dict[str, Any] = {"action": "create", "name": "EVS1_LN IP Address", "group": "EVS1 Group",
      "type": "IP Address", "online": True,
      "private": {"Address": f"{NET}.160", "SubnetMask": "255.255.255.0",
                  "Network": "Local Area Connection"}}
NAME = {"action": "create", "name": "EVS1_LN", "group": "EVS1 Group", "type": "Network Name",
        "private": {"Name": "EVS1_LN"}, "depends": ["EVS1_LN IP Address"], "online": True}
SCRIPT = {"action": "create", "name": "EVS1_LN post-failover script", "group": "EVS1 Group",
          "type": "Generic Script", "depends": ["EVS1_LN"],
          "private": {"ScriptFilepath": "C:\\Program Files\\appmgr\\cluster\\post.vbs"}}


@pytest.fixture
def estate() -> Estate:
    return load_estate(net=NET)


def node(estate: Estate, root: Path, name: str) -> LabHost:
    s = estate.server(name)
    return LabHost(estate, s, root, s.ip, HostState.load(estate, s, root))


@pytest.fixture
def hosts(estate: Estate, tmp_path: Path) -> dict[str, LabHost]:
    prepare(estate, tmp_path)
    return {n: node(estate, tmp_path, n) for n in ("EXNODE3", "EXNODE4", "EXNODE1", "FS01")}


def _group(h: LabHost, name: str = "EVS1 Group") -> dict[str, Any]:
    groups = h.run("cluster_info", {})["cluster"]["groups"]
    return next(g for g in groups if g["name"] == name)


def test_created_resources_belong_to_the_cluster(hosts: dict[str, LabHost]) -> None:
    n3, n4 = hosts["EXNODE3"], hosts["EXNODE4"]
    assert [r["name"] for r in _group(n4)["resources"]] == ["Disk E:", "Disk F:"]
    assert n3.run("cluster_resource", IP) == {"name": IP["name"], "action": "create",
                                               "changed": True}
    assert n4.run("cluster_resource", NAME)["changed"] is True  # from the other node
    assert n3.run("cluster_resource", SCRIPT)["changed"] is True
    res = {r["name"]: r for r in _group(n4)["resources"]}
    assert (res["EVS1_LN IP Address"]["ip"], res["EVS1_LN IP Address"]["online"]) == (
        f"{NET}.160", True)
    assert (res["EVS1_LN"]["network_name"], res["EVS1_LN"]["online"]) == ("EVS1_LN", True)
    assert res["EVS1_LN post-failover script"]["online"] is False
    # the address is on the NIC of the node that owns the group, not on the other's
    assert f"{NET}.160" in n3.run("inventory", {})["nics"][0]["ips"]
    assert f"{NET}.160" not in n4.run("inventory", {})["nics"][0]["ips"]
    # EXCLUS, another cluster, knows nothing of them
    assert all(r["name"] != "EVS1_LN" for g in hosts["EXNODE1"].run("cluster_info", {})
               ["cluster"]["groups"] for r in g["resources"])
    # the same create again changes nothing
    assert n3.run("cluster_resource", IP)["changed"] is False


def test_delete_is_idempotent_and_keeps_dependencies_whole(hosts: dict[str, LabHost]) -> None:
    n3 = hosts["EXNODE3"]
    for params in (IP, NAME):
        n3.run("cluster_resource", params)
    with pytest.raises(PsFailure, match="EVS1_LN depends on it"):
        n3.run("cluster_resource", {"action": "delete", "name": "EVS1_LN IP Address"})
    for name in ("EVS1_LN", "EVS1_LN IP Address"):
        assert n3.run("cluster_resource", {"action": "delete", "name": name})["changed"] is True
        assert n3.run("cluster_resource", {"action": "delete", "name": name})["changed"] is False
    assert [r["name"] for r in _group(n3)["resources"]] == ["Disk E:", "Disk F:"]
    with pytest.raises(PsFailure, match="does not delete it"):
        n3.run("cluster_resource", {"action": "delete", "name": "Disk E:"})


@pytest.mark.parametrize(("params", "words", "category"), [
    (IP | {"group": "Other Group"}, "The cluster group 'Other Group' does not exist",
     "ObjectNotFound"),
    (NAME, "The cluster resource 'EVS1_LN IP Address' does not exist", "ObjectNotFound"),
    (IP | {"private": {"Address": f"{NET}.160"}}, "needs SubnetMask, Network", "InvalidData"),
    (IP | {"private": IP["private"] | {"Network": "Team"}}, "cluster network 'Team'",
     "ObjectNotFound"),
    (IP | {"private": IP["private"] | {"Address": f"{NET}.83"}}, "already in use on the "
                                                                 "network", "ResourceUnavailable"),
    (IP | {"name": "Disk E:"}, "'Disk E:' is already in use", "ResourceUnavailable"),
    (IP | {"action": "frob"}, "Actions are create, delete, online and offline", "InvalidData"),
])
def test_what_cluster_exe_refuses(hosts: dict[str, LabHost], params: dict[str, Any],
                                  words: str, category: str) -> None:
    # EXNODE3 is up: its WinRM port listens on its address (an address is in use while
    # its server answers on it; a failed server's is free)
    with socket.create_server((f"{NET}.83", 5985)), \
            pytest.raises(PsFailure, match=words) as err:
        hosts["EXNODE3"].run("cluster_resource", params)
    assert err.value.record["category"] == category


def test_online_needs_dependencies_and_the_script_file(hosts: dict[str, LabHost],
                                                       estate: Estate, tmp_path: Path) -> None:
    n3 = hosts["EXNODE3"]
    n3.run("cluster_resource", IP | {"online": False})
    with pytest.raises(PsFailure, match="dependency EVS1_LN IP Address is not online"):
        n3.run("cluster_resource", NAME)
    # the create made it, the online failed: undone, as cluster_resource.ps1 does
    assert [r["name"] for r in _group(n3)["resources"]] == ["Disk E:", "Disk F:",
                                                            "EVS1_LN IP Address"]
    n3.run("cluster_resource", {"action": "online", "name": "EVS1_LN IP Address"})
    n3.run("cluster_resource", NAME)
    n3.run("cluster_resource", SCRIPT)
    with pytest.raises(PsFailure, match="post.vbs does not exist"):
        n3.run("cluster_resource", {"action": "online", "name": SCRIPT["name"]})
    n3.run("cluster_resource", {"action": "offline", "name": "EVS1_LN IP Address"})
    res = {r["name"]: r["online"] for r in _group(n3)["resources"]}
    assert not res["EVS1_LN IP Address"] and not res["EVS1_LN"]  # dependents go offline first
    with pytest.raises(PsFailure, match="not a cluster node"):
        hosts["FS01"].run("cluster_resource", IP)
