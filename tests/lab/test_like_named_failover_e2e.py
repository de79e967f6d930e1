"""Like-named cluster failover in the lab (issue 10 item 4), through the CLI.

EVS1 (on EXCLUS) protected by the standby cluster EXCLUS2 (node EXNODE3), with
default settings but a short monitor: Enable reads EVS1 Group's resources
from the source cluster (type, settings, dependencies) into the pair's record
and writes the Generic Script files the stand-in's script resources run on
both standby nodes. ``lab fail EVS1`` and ``failover``: EVS1's resources are
re-created in "EVS1 Group" on EXCLUS2 in the source's order and are online in
the lab's cluster state. ``lab heal`` and ``failback`` take them offline and
delete them again.
"""

from __future__ import annotations

import json

from core.lab.estate import load_estate
from tests.lab.conftest import Lab

NET = "127.0.80"
PAIR = ("EVS1", "EVS1_LN", "--app", "exchange")
SOURCE = ["Exchange System Attendant - EVS1", "Exchange Information Store Instance - EVS1",
          "Exchange Message Transfer Agent Instance - EVS1", "SMTP Virtual Server Instance - EVS1"]


def _cluster(lab: Lab) -> list[dict]:
    path = lab.home / "lab" / "clusters" / "EXCLUS2.json"
    return json.loads(path.read_text())["resources"] if path.exists() else []


def _state(lab: Lab) -> str:
    return lab.json("--lab", "status", *PAIR, "--json")["state"]  # type: ignore[index]


def test_like_named_failover_recreates_the_source_resources_and_failback_removes_them(
        lab: Lab) -> None:
    lab.run("--lab", "config", "like-named", "EVS1", "--node", "EXNODE3", "--ip", f"{NET}.160")
    lab.run("--lab", "protect", *PAIR, "--set", "monitoring.interval=1",
            "--set", "monitoring.missed=3")
    lab.wait_state("Protected", *PAIR, timeout=30)
    rec = json.loads((lab.home / "state" / "pairs" / "exchange_EVS1_EVS1_LN.json").read_text())
    saved = rec["extra"]["source_resources"]
    assert saved["format"] == 1 and saved["group"] == "EVS1 Group"
    res = {r["type"]: r for r in saved["resources"]}
    assert [r["name"] for r in saved["resources"]][-4:] == SOURCE  # after address and name
    assert res["IP Address"]["private"]["Address"] == load_estate(net=NET).server("EVS1").ip
    assert res["Network Name"]["private"] == {"Name": "EVS1"}
    assert res["Microsoft Exchange System Attendant"]["depends"] == \
        [res["Network Name"]["name"]]
    estate = load_estate(net=NET)
    for node in ("EXNODE3", "EXNODE4"):  # the Generic Script files, on every standby node
        c = lab.volume(node, "C") / "Program Files" / "appmgr" / "cluster" / "EVS1_LN"
        assert {p.name for p in c.iterdir()} == {"post_failover_LN.vbs", "pre_failback_LN.vbs"}
        assert "Function Online()" in (c / "post_failover_LN.vbs").read_text()
    assert estate.server("EVS1").group == "EVS1 Group"

    lab.run("lab", "fail", "EVS1")
    lab.wait_state("Failure detected", *PAIR, timeout=30)
    out = lab.run("--lab", "failover", *PAIR, timeout=180).stdout
    assert "create-resource" in out, out
    have = {r["name"]: r for r in _cluster(lab)}
    for name in SOURCE:
        assert name in have and have[name]["online"], (name, have.get(name))
        assert have[name]["group"] == "EVS1 Group"
    assert [r["name"] for r in _cluster(lab) if r["name"] in SOURCE] == SOURCE  # in order
    assert _state(lab) == "Failed over"

    lab.run("lab", "heal", "EVS1")
    lab.run("--lab", "failback", *PAIR, timeout=180)
    assert not {r["name"] for r in _cluster(lab)} & set(SOURCE)
