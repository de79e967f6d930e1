"""Engine checks: installed and running (with Fix), port, version (pass and fail each)."""

from __future__ import annotations

import dataclasses

import pytest

import core
from core.errors import Unreachable
from core.model.server import EngineInfo
from core.settings import Settings
from core.validation import Status
from tests.core.doubles import ENGINE_SERVICE, FakeWorld
from tests.core.validation.vhelp import config_for, run_check


def _engine(world: FakeWorld, name: str, engine: EngineInfo) -> None:
    host = world.hosts[name]
    host.server = dataclasses.replace(host.server, engine=engine)


# --- engine.running -------------------------------------------------------------------------
def test_running_passes_on_both(world: FakeWorld) -> None:
    res = run_check(world, config_for(world), "engine.running")
    assert (res.status, res.reason) == (Status.PASSED, "running on FS01 and FS02")


@pytest.mark.parametrize(("engine", "reason", "fixable"), [
    (EngineInfo(False, False), "the engine is not installed on FS02", False),
    (EngineInfo(True, False, "0.1.0", 6320), "the engine is installed but not running on FS02",
     True),
])
def test_running_fails(world: FakeWorld, engine: EngineInfo, reason: str, fixable: bool) -> None:
    _engine(world, "FS02", engine)
    res = run_check(world, config_for(world), "engine.running")
    assert (res.status, res.reason, res.fixable) == (Status.ERROR, reason, fixable)


def test_running_fails_when_the_engine_does_not_answer(world: FakeWorld) -> None:
    world.engines["FS01"].error = Unreachable("connection refused on 127.0.10.11:6320")
    res = run_check(world, config_for(world), "engine.running")
    assert res.status is Status.ERROR and not res.fixable
    assert res.reason == ("the engine on FS01 does not answer: connection refused on "
                          "127.0.10.11:6320")


def test_running_fix_starts_only_stopped_engines(world: FakeWorld) -> None:
    from core.validation import fix

    world.hosts["FS01"].set_service(ENGINE_SERVICE, False)
    world.hosts["FS01"].calls.clear()
    out = fix(world.ctx, config_for(world), "engine.running")
    assert world.hosts["FS01"].calls.count(("set_service", ENGINE_SERVICE, True)) == 1
    assert not any(c[0] == "set_service" for c in world.hosts["FS02"].calls)
    assert out.result.status is Status.PASSED


# --- engine.port ----------------------------------------------------------------------------
def test_port_passes_when_equal_to_options(world: FakeWorld) -> None:
    res = run_check(world, config_for(world), "engine.port")
    assert (res.status, res.reason) == (Status.PASSED, "both engines listen on 6320")


def test_port_fails_when_an_engine_listens_elsewhere(world: FakeWorld) -> None:
    world.engines["FS02"].port = 6321
    res = run_check(world, config_for(world), "engine.port")
    assert res.status is Status.ERROR
    assert res.reason == "the engine on FS02 listens on 6321, the Options say 6320"


def test_port_follows_the_options_setting(world: FakeWorld) -> None:
    world.ctx.settings = Settings(service_port=7000)
    res = run_check(world, config_for(world), "engine.port")
    assert res.status is Status.ERROR and "the Options say 7000" in res.reason


def test_port_uses_the_inventory_when_the_engine_is_silent(world: FakeWorld) -> None:
    world.engines["FS02"].error = Unreachable("down")
    _engine(world, "FS02", EngineInfo(True, False, "0.1.0", 6999))
    assert "listens on 6999" in run_check(world, config_for(world), "engine.port").reason
    _engine(world, "FS02", EngineInfo(False, False))
    res = run_check(world, config_for(world), "engine.port")
    assert res.status is Status.WARNING and "FS02" in res.reason


# --- engine.version -------------------------------------------------------------------------
def test_version_passes_when_both_match_the_console(world: FakeWorld) -> None:
    res = run_check(world, config_for(world), "engine.version")
    assert (res.status, res.reason) == (Status.PASSED, f"both engines are {core.__version__}")


def test_version_fails_when_the_engines_differ(world: FakeWorld) -> None:
    world.engines["FS02"].version = "9.3.0"
    res = run_check(world, config_for(world), "engine.version")
    assert res.status is Status.ERROR and "FS02 9.3.0" in res.reason


def test_version_warns_when_the_console_differs(world: FakeWorld) -> None:
    world.engines["FS01"].version = world.engines["FS02"].version = "9.3.1"
    res = run_check(world, config_for(world), "engine.version")
    assert res.status is Status.WARNING and f"the console is {core.__version__}" in res.reason
