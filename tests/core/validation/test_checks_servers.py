"""Server checks: credentials, admin group, OS, drive letters (pass and fail each)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from core.errors import AuthFailed, Unreachable
from core.model.server import Share
from core.ports import Credential
from core.validation import Status
from core.validation.checks.servers import same_account
from tests.core.doubles import FakeWorld, make_server
from tests.core.validation.vhelp import config_for, run_check


def _replace(world: FakeWorld, name: str, **changes: Any) -> None:
    host = world.hosts[name]
    host.server = dataclasses.replace(host.server, **changes)
    world.servers[name] = host.server


# --- servers.credentials ----------------------------------------------------------------
def test_credentials_pass_when_both_inventories_succeed(world: FakeWorld) -> None:
    res = run_check(world, config_for(world), "servers.credentials")
    assert (res.status, res.reason) == (Status.PASSED, "logged in to FS01 and FS02")


@pytest.mark.parametrize(("err", "reason"), [
    (AuthFailed("401 from 127.0.10.12"), "the cached credentials for FS02 were rejected"),
    (Unreachable("FS02 did not answer on 127.0.10.12:5985"),
     "FS02 did not answer on 127.0.10.12:5985"),
    (Unreachable("connection refused"), "FS02: connection refused"),
])
def test_credentials_fail_with_a_reason_naming_the_server(world: FakeWorld, err: Exception,
                                                          reason: str) -> None:
    world.hosts["FS02"].error = err
    res = run_check(world, config_for(world), "servers.credentials")
    assert (res.status, res.reason, res.fixable) == (Status.ERROR, reason, False)


# --- servers.admin_group ------------------------------------------------------------------
def test_admin_group_passes_for_a_member(world: FakeWorld) -> None:
    world.secrets.put("server", "FS02", Credential("administrator@lab.example.com", "pw"))
    assert run_check(world, config_for(world), "servers.admin_group").status is Status.PASSED


def test_admin_group_fails_for_a_non_member(world: FakeWorld) -> None:
    world.secrets.put("server", "FS02", Credential("LAB\\bob", "pw"))
    res = run_check(world, config_for(world), "servers.admin_group")
    assert res.status is Status.ERROR
    assert res.reason == "LAB\\bob is not in the engine admin group on FS02"


def test_admin_group_warns_when_it_cannot_tell(world: FakeWorld) -> None:
    world.secrets.delete("server", "FS01")
    _replace(world, "FS02", admin_group_members=())
    res = run_check(world, config_for(world), "servers.admin_group")
    assert res.status is Status.WARNING
    assert "no cached account for FS01" in res.reason and "FS02 did not list" in res.reason


@pytest.mark.parametrize(("a", "b", "same"), [
    ("LAB\\Administrator", "administrator@lab.example.com", True),
    ("LAB\\Administrator", "Administrator", True),
    ("LAB\\Administrator", "OTHER\\Administrator", False),
    ("LAB\\bob", "LAB\\alice", False),
])
def test_same_account(a: str, b: str, same: bool) -> None:
    assert same_account(a, b) is same


# --- servers.os -----------------------------------------------------------------------------
def test_os_passes_when_supported_and_identical(world: FakeWorld) -> None:
    res = run_check(world, config_for(world), "servers.os")
    assert (res.status, res.reason) == (Status.PASSED, "both run Windows Server 2008")


@pytest.mark.parametrize(("os_name", "words"), [
    ("Windows Server 2012 R2 Standard", "FS01 runs Windows Server 2008 Enterprise but FS02 runs "
                                        "Windows Server 2012 R2 Standard"),
    ("Windows 2000 Server", "FS02 runs Windows 2000 Server, which File Server protection does "
                            "not support"),
    ("", "FS02 runs an unknown OS"),
])
def test_os_fails_when_unsupported_or_different(world: FakeWorld, os_name: str, words: str) -> None:
    _replace(world, "FS02", os_name=os_name)
    res = run_check(world, config_for(world), "servers.os")
    assert res.status is Status.ERROR and words in res.reason


# --- servers.drives -------------------------------------------------------------------------
def test_drives_pass_when_the_target_has_every_letter(world: FakeWorld) -> None:
    res = run_check(world, config_for(world), "servers.drives")
    assert (res.status, res.reason) == (Status.PASSED, "FS02 has E:")


def test_drives_fail_on_fs03_without_e(world: FakeWorld) -> None:
    res = run_check(world, config_for(world, "FS01", "FS03"), "servers.drives")
    assert res.status is Status.ERROR and not res.fixable
    assert res.reason == ("E: used by share Data is missing on FS03 (also used by share Users)")


def test_drives_cover_volume_paths_and_overridden_rules(world: FakeWorld) -> None:
    world.servers["FS05"] = make_server("FS05", 15, volumes=("C", "E", "F"),
                                        shares=(Share("Data", "E:\\Data"),))
    world.hosts["FS05"] = type(world.hosts["FS01"])(world.servers["FS05"])
    cfg = config_for(world, "FS05", "FS02", "connection.volume_paths=F:\\Apps")
    res = run_check(world, cfg, "servers.drives")
    assert res.reason == "F: used by F:\\Apps is missing on FS02"
    cfg = config_for(world, "FS05", "FS02", "advanced.override_rules=on",
                     "advanced.rules=include:E:\\Data;exclude:F:\\Tmp")
    assert run_check(world, cfg, "servers.drives").status is Status.PASSED
    # a rule that lands on another target path needs that path's drive, not the source's
    cfg = config_for(world, "FS05", "FS02", "advanced.override_rules=on",
                     "advanced.rules=include:F:\\Apps>E:\\FromFS05\\Apps;"
                     "include:E:\\Data>Q:\\Data")
    assert run_check(world, cfg, "servers.drives").reason == (
        "Q: used by share Data is missing on FS02")
