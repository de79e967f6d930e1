"""Like-named pairs (SPEC F-5.6, F-10) in the lifecycle: the target EVS1_LN is reached
through its standby cluster node, Enable creates the stand-in's four cluster resources
before anything else and Disable deletes them, against the core tests' fake world."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.console import Console
from core.errors import NotFound, Refused
from core.model.pair import Pair
from core.protection.disable import disable
from core.protection.enable import enable
from core.protection.errors import StepsFailed
from core.protection.like_named import RECORD_KEY, routed, saved_node, store_routed
from core.store import PairStore
from tests.core.apps.app_estate import make_world
from tests.core.doubles import FakeHost, FakeWorld

GROUP = "EVS1 Group"
IP_RES, NAME_RES = "EVS1_LN IP Address", "EVS1_LN"
SCRIPTS = ["EVS1_LN post-failover script", "EVS1_LN pre-failback script"]


class FakeCluster:
    """``cluster_resource`` of the standby cluster EXCLUS2, answered on its node's host."""

    def __init__(self, host: FakeHost, group: str = GROUP) -> None:
        self.group = group
        self.resources: dict[str, dict[str, Any]] = {}
        #: resource name -> error raised after creating it (it failed to come online)
        self.fail_online: dict[str, Exception] = {}
        host.ops["cluster_resource"] = self.run

    def run(self, p: dict[str, Any]) -> dict[str, Any]:
        name, action = p["name"], p["action"]
        if action == "delete":
            return {"name": name, "action": action,
                    "changed": self.resources.pop(name, None) is not None}
        assert action == "create"
        if p["group"] != self.group:
            raise NotFound(f"EXNODE3 could not create a cluster resource: the group "
                           f"{p['group']!r} does not exist")
        new = name not in self.resources
        self.resources.setdefault(name, dict(p))
        if name in self.fail_online:
            if new:  # as cluster_resource.ps1: undo only what this run made
                del self.resources[name]
            raise self.fail_online[name]
        return {"name": name, "action": action, "changed": new}


@pytest.fixture
def world(tmp_path: Path) -> FakeWorld:
    return make_world(tmp_path)


@pytest.fixture
def cluster(world: FakeWorld) -> FakeCluster:
    return FakeCluster(world.hosts["EXNODE3"])


@pytest.fixture
def console(world: FakeWorld) -> Console:
    c = Console(world.ctx)
    c.apps.like_named_save("exchange", "EVS1", "EXNODE3", "127.0.10.160")
    return c


def _ops(world: FakeWorld) -> list[tuple[str, str]]:
    return [(c[2]["action"], c[2]["name"]) for c in world.hosts["EXNODE3"].calls
            if c[0] == "run_op" and c[1] == "cluster_resource"]


def test_the_target_is_reached_through_the_saved_node(world: FakeWorld, console: Console) -> None:
    store = PairStore(world.ctx.paths)
    assert saved_node(store, "evs1_ln") == "EXNODE3"
    assert saved_node(store, "EXCH01_LN") is None and saved_node(store, "EXCH02") is None
    ctx = store_routed(world.ctx, store)
    assert ctx.host("EVS1_LN") is world.hosts["EXNODE3"]
    assert ctx.engine("EVS1_LN") is world.engines["EXNODE3"]
    assert ctx.resolve("EVS1_LN") == "127.0.10.63"
    assert ctx.host("EXCH02") is world.hosts["EXCH02"]
    assert routed(world.ctx, lambda n: None).host("EVS1") is world.hosts["EVS1"]


def test_enable_creates_the_four_resources_first_and_disable_deletes_them(
        world: FakeWorld, console: Console, cluster: FakeCluster) -> None:
    store, ctx = console.store, console.session.routed_ctx()
    cfg = console.configure.load_config(Pair("exchange", "EVS1", "EVS1_LN"))
    said: list[str] = []
    rec = enable(ctx, cfg, store, said.append, validated=True)
    assert _ops(world) == [("create", IP_RES), ("create", NAME_RES),
                           ("create", SCRIPTS[0]), ("create", SCRIPTS[1])]
    ip = cluster.resources[IP_RES]
    assert (ip["type"], ip["group"], ip["online"], ip["private"]) == (
        "IP Address", GROUP, True, {"Address": "127.0.10.160", "SubnetMask": "255.255.255.0",
                                    "Network": "Public"})
    name = cluster.resources[NAME_RES]
    assert (name["type"], name["private"], name["depends"], name["online"]) == (
        "Network Name", {"Name": "EVS1_LN"}, [IP_RES], True)
    script = cluster.resources[SCRIPTS[0]]
    assert script["type"] == "Generic Script" and not script["online"]
    assert script["private"]["ScriptFilepath"].endswith("\\EVS1_LN\\post_failover_LN.vbs")
    # the resources come before the engines: the connection uses the temporary name
    first_engine = world.engines["EXNODE3"].calls[0]
    assert first_engine[0] == "accept" and world.engines["EXNODE3"].accepted
    assert f"create cluster resource {IP_RES} (IP Address, online) in 'EVS1 Group' on " \
           "EXCLUS2: ok" in said and f"{IP_RES}: created" in said
    assert rec.extra[RECORD_KEY] == [IP_RES, NAME_RES, *SCRIPTS]
    assert store.record(Pair("exchange", "EVS1", "EVS1_LN")).extra[RECORD_KEY] == rec.extra[RECORD_KEY]

    said.clear()
    rec = disable(ctx, store, Pair("exchange", "EVS1", "EVS1_LN"), said.append)
    assert rec.state == "Unprotected" and RECORD_KEY not in rec.extra
    assert cluster.resources == {}
    assert _ops(world)[4:] == [("delete", n) for n in [*reversed(SCRIPTS), NAME_RES, IP_RES]]
    assert f"delete cluster resource {IP_RES} on EVS1_LN: deleted" in said


def test_disable_tolerates_resources_already_gone(world: FakeWorld, console: Console,
                                                 cluster: FakeCluster) -> None:
    store, ctx = console.store, console.session.routed_ctx()
    enable(ctx, console.configure.load_config(Pair("exchange", "EVS1", "EVS1_LN")), store, validated=True)
    del cluster.resources[NAME_RES], cluster.resources[SCRIPTS[1]]  # removed by hand
    said: list[str] = []
    assert disable(ctx, store, Pair("exchange", "EVS1", "EVS1_LN"), said.append).state == "Unprotected"
    assert cluster.resources == {}
    assert f"delete cluster resource {NAME_RES} on EVS1_LN: was already gone" in said


def test_a_resource_that_fails_stops_enable_and_everything_is_undone(
        world: FakeWorld, console: Console, cluster: FakeCluster) -> None:
    cluster.fail_online[NAME_RES] = Refused("EXNODE3 could not bring a cluster resource "
                                            "online: the name EVS1_LN is already in use")
    store, ctx = console.store, console.session.routed_ctx()
    with pytest.raises(StepsFailed) as err:
        enable(ctx, console.configure.load_config(Pair("exchange", "EVS1", "EVS1_LN")), store, validated=True)
    e = err.value
    assert NAME_RES in e.step and "already in use" in str(e)
    # before the resources: the source group read, the Generic Script files written
    assert e.done[0] == "read the resources of 'EVS1 Group' from EVS1"
    assert [d for d in e.done if d.startswith("write ")] == [
        f"write C:\\Program Files\\appmgr\\cluster\\EVS1_LN\\{f} on {n}"
        for n in ("EXNODE3", "EXNODE4") for f in ("post_failover_LN.vbs", "pre_failback_LN.vbs")]
    assert e.done[-1] == (f"create cluster resource {IP_RES} (IP Address, online) in "
                          "'EVS1 Group' on EXCLUS2")
    assert NAME_RES in e.left[0] and SCRIPTS[0] in e.left[1]  # left: the failed step on
    assert any("accepts" in step for step in e.left)
    assert "Everything done was undone" in str(e)
    assert cluster.resources == {}  # the half-made name and the IP address are gone
    assert world.engines["EXNODE3"].calls == []  # no engine was touched
    rec = store.record(Pair("exchange", "EVS1", "EVS1_LN"))
    assert rec.state == "Unprotected" and NAME_RES in rec.last_error


def test_a_resource_that_was_already_there_is_used_but_never_deleted(
        world: FakeWorld, console: Console, cluster: FakeCluster) -> None:
    theirs = {"name": SCRIPTS[0], "type": "Generic Script", "note": "made by hand"}
    cluster.resources[SCRIPTS[0]] = theirs
    store, ctx = console.store, console.session.routed_ctx()
    said: list[str] = []
    enable(ctx, console.configure.load_config(Pair("exchange", "EVS1", "EVS1_LN")), store, said.append,
           validated=True)
    assert f"{SCRIPTS[0]}: was already there (used as it is)" in said
    assert SCRIPTS[0] not in store.record(Pair("exchange", "EVS1", "EVS1_LN")).extra[RECORD_KEY]
    disable(ctx, store, Pair("exchange", "EVS1", "EVS1_LN"))
    assert cluster.resources == {SCRIPTS[0]: theirs}  # ours gone, theirs kept


def test_a_failed_enable_keeps_a_resource_that_was_already_there(
        world: FakeWorld, console: Console, cluster: FakeCluster) -> None:
    theirs = {"name": NAME_RES, "type": "Network Name"}
    cluster.resources[NAME_RES] = theirs
    cluster.fail_online[NAME_RES] = Refused("EXNODE3 could not bring EVS1_LN online")
    with pytest.raises(StepsFailed, match="Everything done was undone"):
        enable(console.session.routed_ctx(), console.configure.load_config(Pair("exchange", "EVS1", "EVS1_LN")),
               console.store, validated=True)
    assert cluster.resources == {NAME_RES: theirs}  # our IP address undone, theirs kept


def test_a_missing_group_on_the_standby_cluster_is_said(world: FakeWorld, console: Console) -> None:
    FakeCluster(world.hosts["EXNODE3"], group="Other Group")
    with pytest.raises(StepsFailed, match="the group 'EVS1 Group' does not exist"):
        enable(console.session.routed_ctx(), console.configure.load_config(Pair("exchange", "EVS1", "EVS1_LN")),
               console.store, validated=True)


def test_pairs_that_are_not_like_named_create_no_resource(world: FakeWorld) -> None:
    console = Console(world.ctx)
    cfg = console.configure.load_config(Pair("exchange", "EXCH01", "EXCH02"))
    enable(console.session.routed_ctx(), cfg, console.store, validated=True)
    assert not [c for h in world.hosts.values() for c in h.calls if c[0] == "run_op"
                and c[1] == "cluster_resource"]
    assert RECORD_KEY not in console.store.record(Pair("exchange", "EXCH01", "EXCH02")).extra


def test_failover_re_creates_a_source_resource_with_the_settings_read_at_enable() -> None:
    from types import SimpleNamespace

    from core.errors import StateError
    from core.model.config import ServiceItem
    from core.protection.like_named import SOURCE_KEY
    from core.protection.script import Step
    from core.protection.step_table import STEPS

    sent: list[tuple[str, dict[str, Any]]] = []
    host = SimpleNamespace(run_op=lambda op, p: sent.append((op, p)) or {"changed": True})
    sa = {"name": "Exchange System Attendant", "type": "Microsoft Exchange System Attendant",
          "private": {"Flags": "1"}, "depends": ["EVS1 Network Name", "Disk E:"]}
    disk = {"name": "Disk E:", "type": "Physical Disk", "private": {}, "depends": []}
    rec = SimpleNamespace(source="EVS1", extra={SOURCE_KEY: {
        "format": 1, "group": GROUP, "resources": [disk, sa]}})
    cfg = SimpleNamespace(source="EVS1", target="EVS1_LN",
                          cluster=SimpleNamespace(like_named=True),
                          failover=SimpleNamespace(services=[ServiceItem("Disk E:"),
                                                             ServiceItem(sa["name"])]))
    env = SimpleNamespace(cfg=cfg, rec=rec, host=lambda side: host, name=lambda side: "EVS1_LN")
    said = STEPS["create-resource"](env, Step("create-resource", (sa["name"],)))
    assert sent == [("cluster_resource", {
        "action": "create", "name": sa["name"], "group": GROUP, "type": sa["type"],
        "private": {"Flags": "1"}, "depends": ["Disk E:"], "online": False, "wait": 120})]
    assert "created in 'EVS1 Group'" in said and "not re-created: EVS1 Network Name" in said
    # the target group's own disk is neither re-created nor taken offline
    sent.clear()
    assert "own disk" in STEPS["create-resource"](env, Step("create-resource", ("Disk E:",)))
    assert "own disk" in STEPS["resource-offline"](env, Step("resource-offline", ("Disk E:",)))
    assert sent == []
    # settings never read (a pair protected by an older appmgr): said, nothing asked for
    rec.extra = {}
    with pytest.raises(StateError, match="were not read at Enable Protection"):
        STEPS["create-resource"](env, Step("create-resource", (sa["name"],)))
    rec.extra = {SOURCE_KEY: {"format": 2, "group": GROUP, "resources": []}}
    with pytest.raises(StateError, match="newer appmgr"):
        STEPS["create-resource"](env, Step("create-resource", (sa["name"],)))


def test_the_generic_script_files_fit_one_host_operation() -> None:
    from core.apps.likenamed import script_files
    from core.hosts.ops import MAX_SCRIPT_CHARS, render_script, utf16_units

    files = script_files("EVS1")
    assert [p.rsplit("\\", 1)[1] for p, _ in files] == ["post_failover_LN.vbs",
                                                        "pre_failback_LN.vbs"]
    for path, text in files:
        assert "Function Online()" in text and "Function IsAlive()" in text
        assert utf16_units(render_script("file_write", {"path": path, "text": text})) < \
            MAX_SCRIPT_CHARS
