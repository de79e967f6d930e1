"""Enable / Disable Protection and the monitoring toggle, against port doubles."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.errors import Refused, StateError
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.model.rules import Rule
from core.model.state import PairState
from core.protection.disable import disable, set_monitoring
from core.protection.enable import enable, mark_validated
from core.protection.errors import StepsFailed
from core.protection.pair import scripts_dir
from core.store import PairStore
from tests.present import present

from .doubles import IP1, IP2, World

NAME = "fileprint_FS01_FS02"
RULES = (Rule("E:\\Shares\\Data"), Rule("E:\\Shares\\Users"))


def _engine_calls(world: World) -> list[tuple[str, str, tuple]]:
    return [c for c in world.calls if c[1] not in ("inventory", "info")]


def test_enable_calls_in_order_with_the_token(world: World, store: PairStore, cfg: ProtectionConfig,
                                              tokens: Callable[[], str]) -> None:
    said: list[str] = []
    rec = enable(world.ctx, cfg, store, said.append, validated=True, token_factory=tokens)
    assert _engine_calls(world) == [
        ("FS02", "accept", (NAME, "tok-1")),
        ("FS01", "create_set", (NAME, RULES)),
        ("FS01", "connect", (NAME, IP2, 6320, "tok-1", "checksum", 0, True, False)),
        ("FS02", "create_monitor", (NAME, (IP1,), 6320, "heartbeat", 1.0, 3, "all")),
    ]
    assert rec.state == PairState.MIRRORING.value and rec.token == "tok-1" and rec.monitoring
    assert rec.facts["set_name"] == NAME and rec.source_ips == [IP1]
    saved = store.record(Pair("fileprint", "FS01", "FS02"))
    assert saved.state == "Mirroring" and saved.facts == rec.facts
    assert store.load_config(Pair("fileprint", "FS01", "FS02")) == cfg
    scripts = sorted(p.name for p in scripts_dir(world.ctx, Pair("fileprint", "FS01", "FS02")).iterdir())
    assert scripts == ["post-failback.script", "post-failover.script", "post-restore.script",
                       "pre-failback.script"]
    assert any("write the failover scripts: ok" in s for s in said)


def test_enable_needs_a_clean_validation(world: World, store: PairStore, cfg: ProtectionConfig) -> None:
    with pytest.raises(StateError, match="clean validation"):
        enable(world.ctx, cfg, store, validated=False)
    with pytest.raises(StateError):
        enable(world.ctx, cfg, store)
    assert world.calls == []


def test_enable_twice_is_refused(world: World, store: PairStore, cfg: ProtectionConfig) -> None:
    enable(world.ctx, cfg, store, validated=True)
    with pytest.raises(StateError, match="already enabled"):
        enable(world.ctx, cfg, store, validated=True)


def test_failing_connect_undoes_the_set_and_records_the_error(
        world: World, store: PairStore, cfg: ProtectionConfig, tokens: Callable[[], str]) -> None:
    mark_validated(store, Pair("fileprint", "FS01", "FS02"), ok=True)
    world.src.fail["connect"] = Refused("the target refused the connection")
    with pytest.raises(StepsFailed) as err:
        enable(world.ctx, cfg, store, validated=True, token_factory=tokens)
    e = err.value
    assert "connect FS01" in e.step and "refused the connection" in str(e)
    assert len(e.done) == 3 and e.left[0].startswith("connect") and "monitor" in e.left[1]
    assert "Everything done was undone" in str(e)
    assert world.src.sets == {} and world.tgt.accepts == {}  # set deleted, acceptance withdrawn
    assert [c[1] for c in _engine_calls(world)][-2:] == ["delete_set", "delete_set"]
    assert not scripts_dir(world.ctx, Pair("fileprint", "FS01", "FS02")).exists()
    rec = store.record(Pair("fileprint", "FS01", "FS02"))
    assert rec.state == "Validated" and "refused the connection" in rec.last_error
    assert store.load_config(Pair("fileprint", "FS01", "FS02")) is None


def test_an_undo_that_fails_leaves_error_state(world: World, store: PairStore,
                                               cfg: ProtectionConfig) -> None:
    world.tgt.fail["create_monitor"] = Refused("ICMP monitoring needs a raw socket")
    world.src.fail["disconnect"] = Refused("busy")
    with pytest.raises(StepsFailed, match="Could not undo: connect"):
        enable(world.ctx, cfg, store, validated=True)
    assert store.record(Pair("fileprint", "FS01", "FS02")).state == "Error"


def test_advanced_mode_skips_steps(world: World, store: PairStore, cfg: ProtectionConfig) -> None:
    cfg.advanced.create_monitor = False
    cfg.advanced.create_scripts = False
    rec = enable(world.ctx, cfg, store, validated=True)
    assert [c[1] for c in _engine_calls(world)] == ["accept", "create_set", "connect"]
    assert not rec.monitoring
    assert not scripts_dir(world.ctx, Pair("fileprint", "FS01", "FS02")).exists()


def test_disable_undoes_everything_and_ignores_what_is_gone(world: World, store: PairStore,
                                                            cfg: ProtectionConfig) -> None:
    enable(world.ctx, cfg, store, validated=True)
    world.tgt.monitors.clear()  # already gone: fine
    world.calls.clear()
    rec = disable(world.ctx, store, Pair("fileprint", "FS01", "FS02"))
    assert [(c[0], c[1]) for c in world.calls] == [
        ("FS02", "delete_monitor"), ("FS01", "disconnect"), ("FS01", "delete_set"), ("FS02", "delete_set")]
    assert world.src.sets == {} and world.src.connections == {} and world.tgt.accepts == {}
    assert rec.state == "Unprotected" and rec.token == "" and not rec.monitoring
    assert not scripts_dir(world.ctx, Pair("fileprint", "FS01", "FS02")).exists()
    with pytest.raises(StateError, match="Protection is not enabled"):
        disable(world.ctx, store, Pair("fileprint", "FS01", "FS02"))


def test_disable_with_a_silent_source_stops_and_can_be_finished(world: World, store: PairStore,
                                                                cfg: ProtectionConfig) -> None:
    enable(world.ctx, cfg, store, validated=True)
    world.src.reachable = False
    with pytest.raises(StepsFailed) as err:
        disable(world.ctx, store, Pair("fileprint", "FS01", "FS02"))
    assert err.value.exit_code == 3 and err.value.done == ["delete the failover monitor on FS02"]
    assert store.record(Pair("fileprint", "FS01", "FS02")).state == "Error"
    world.src.reachable = True
    assert disable(world.ctx, store, Pair("fileprint", "FS01", "FS02")).state == "Unprotected"


def test_monitoring_toggle(world: World, store: PairStore, cfg: ProtectionConfig) -> None:
    enable(world.ctx, cfg, store, validated=True)
    rec = set_monitoring(world.ctx, store, Pair("fileprint", "FS01", "FS02"), False)
    assert not rec.monitoring and NAME not in world.tgt.monitors
    with pytest.raises(StateError, match="already off"):
        set_monitoring(world.ctx, store, Pair("fileprint", "FS01", "FS02"), False)
    rec = set_monitoring(world.ctx, store, Pair("fileprint", "FS01", "FS02"), True)
    assert rec.monitoring and world.tgt.monitors[NAME].threshold == 3


def test_mark_validated(store: PairStore) -> None:
    assert mark_validated(store, Pair("fileprint", "FS01", "FS02"), True).state == "Validated"
    assert mark_validated(store, Pair("fileprint", "FS01", "FS02"), False).state == "Unprotected"


def test_plan_text_shows_the_written_script_or_generates_one(
        world: World, store: PairStore, cfg: ProtectionConfig) -> None:
    from core.protection.pair import plan_text

    fresh = plan_text(world.ctx, store, cfg, "post-failover")  # not enabled: from inventories
    assert "publish-share Data" in fresh
    cfg.advanced.plan_edits["post-failover"] = fresh + "wait 3\n"
    enable(world.ctx, cfg, store, validated=True)
    world.calls.clear()
    assert plan_text(world.ctx, store, cfg, "post-failover").endswith("wait 3\n")
    assert world.calls == []  # read from the written script, no inventory


def test_enable_passes_application_monitoring_when_on(world: World, store: PairStore,
                                                      cfg: ProtectionConfig) -> None:
    from core.model.config import ServiceItem

    cfg.failover.services = [ServiceItem("LanmanServer")]
    app = cfg.monitoring.application
    app.enabled, app.interval, app.error_threshold = True, 10, 4
    enable(world.ctx, cfg, store, validated=True)
    assert world.tgt.applications[NAME] == {
        "method": "builtin", "interval": 10.0, "error_threshold": 4, "computer": "FS01",
        "services": ["LanmanServer"]}
    del world.tgt.applications[NAME]  # the monitoring toggle recreates it with the check
    set_monitoring(world.ctx, store, Pair("fileprint", "FS01", "FS02"), False)
    set_monitoring(world.ctx, store, Pair("fileprint", "FS01", "FS02"), True)
    assert present(world.tgt.applications[NAME])["services"] == ["LanmanServer"]


def test_script_check_names_the_script_and_clusters_get_none(cfg: ProtectionConfig) -> None:
    from core.protection.app_monitoring import app_check

    app = cfg.monitoring.application
    app.enabled, app.method, app.script_path = True, "script", "C:\\checks\\app.ps1"
    assert app_check(cfg) == {"method": "script", "interval": 60.0, "error_threshold": 3,
                              "script": "C:\\checks\\app.ps1"}
    cfg.failover.resources = True
    assert app_check(cfg) is None


def test_enable_without_application_monitoring_passes_none(world: World, store: PairStore,
                                                           cfg: ProtectionConfig) -> None:
    enable(world.ctx, cfg, store, validated=True)
    assert world.tgt.applications[NAME] is None
