"""The like-named setup without its dialog (SPEC F-5.6, headless): ``like_named_save`` runs
the dialog's connect, validation and save; the pair EVS1 -> EVS1_LN is then known to every
later session (its node comes from the saved configuration)."""

from __future__ import annotations

import pytest

from core.console import Console
from core.errors import InvalidInput
from core.model.pair import Pair
from tests.core.doubles import FakeWorld

GOOD = {"app": "exchange", "source": "EVS1", "node": "EXNODE3", "ip": "127.0.10.160"}


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"node": "EXCH02"}, "cluster.target_node", "EXCH02 is not a node of a cluster"),
    ({"node": "EXNODE1"}, "cluster.target_node", "EXNODE1 is a node of EXCLUS, EVS1's own "
                                                 "cluster: choose a node of the standby cluster"),
    ({"ip": ""}, "cluster.ip", "enter the IP address to create"),
    ({"ip": "127.0.10.63"}, "cluster.ip", "127.0.10.63 is already used by EXNODE3"),
    ({"ip": "192.0.2.7"}, "cluster.ip", "192.0.2.7 is not on the network of Public"),
    ({"ip": "300.1.1.1"}, "cluster.ip", "300.1.1.1"),
    ({"network": "Team"}, "cluster.network", "EXNODE3 has no network named 'Team'"),
    ({"subnet_mask": "255.0.255.0"}, "cluster.subnet_mask", "is not a subnet mask"),
    ({"storage": []}, "cluster.storage", "E: holds the virtual server's data on both "
                                         "clusters and cannot be left out"),
    ({"storage": ["E", "Q"]}, "cluster.storage", "EXNODE3 has no Q: disk resource"),
    ({"storage": ["EE"]}, "cluster.storage", "'EE' is not a drive letter"),
    ({"source": "EXCH01"}, "cluster.like_named", "EXCH01 is not an Exchange 2003 virtual "
                                                 "server"),
])
def test_bad_setup_is_refused_at_its_field_and_nothing_is_saved(
        world: FakeWorld, change: dict, field: str, words: str) -> None:
    console = Console(world.ctx)
    with pytest.raises(InvalidInput) as err:
        console.apps.like_named_save(**(GOOD | change))
    assert err.value.field == field and words in err.value.message
    assert not list((world.ctx.paths.config / "pairs").glob("*.json"))


def test_good_setup_is_saved_like_the_dialog_saves_it(world: FakeWorld) -> None:
    change = Console(world.ctx).apps.like_named_save(**GOOD)
    cfg = change.config
    assert (cfg.source, cfg.target, cfg.advanced.set_name) == ("EVS1", "EVS1_LN",
                                                               "xdag01_EVS1_EVS1_LN")
    c = cfg.cluster
    assert (c.like_named, c.target_node, c.network, c.ip, c.subnet_mask, c.storage) == (
        True, "EXNODE3", "Public", "127.0.10.160", "255.255.255.0", ["E"])
    assert Console(world.ctx).store.load_config(Pair("exchange", "EVS1", "EVS1_LN")) == cfg


def test_a_later_session_knows_the_pair(world: FakeWorld) -> None:
    Console(world.ctx).apps.like_named_save(**GOOD, network="Public", subnet_mask="/24",
                                       storage=["E", "S"])
    later = Console(world.ctx)  # a new process: no dialog was opened in it
    sel = later.setup.select_pair(Pair("exchange", "EVS1", "EVS1_LN"))
    assert sel.like_named and not any("Set up the like-named" in m for m in sel.messages)
    assert later.session.inventory("EVS1_LN").name == "EXNODE3"
    assert not later.logins.needs_login("EVS1_LN")
    shown = later.configure.config_show(Pair("exchange", "EVS1", "EVS1_LN"))
    assert shown.saved and "cluster.storage=E,S" in shown.assignments
    new = later.configure.config_set(Pair("exchange", "EVS1", "EVS1_LN"), ["cluster.ip=127.0.10.161"])
    assert new.config.cluster.ip == "127.0.10.161"


def test_setting_up_the_same_node_again_keeps_the_other_settings(world: FakeWorld) -> None:
    console = Console(world.ctx)
    console.apps.like_named_save(**GOOD)
    console.configure.config_set(Pair("exchange", "EVS1", "EVS1_LN"), ["monitoring.missed=20"])
    again = console.apps.like_named_save(**GOOD, storage=["E"])  # same node: the edits stay
    assert again.config.monitoring.missed == 20


def test_a_like_named_pair_not_set_up_says_how_to_set_it_up(world: FakeWorld) -> None:
    console = Console(world.ctx)
    with pytest.raises(InvalidInput) as err:
        console.configure.load_config(Pair("exchange", "EVS1", "EVS1_LN"))
    assert err.value.field == "target"
    assert err.value.message.startswith("EVS1_LN is the like-named cluster of EVS1 and is not "
                                        "set up yet")
    assert "appmgr config like-named EVS1 --node NODE --ip IP" in err.value.message
