"""The server login (SPEC F-5.4): only a password the server accepted is cached (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.console import Console
from core.errors import AuthFailed, Unreachable
from core.ports import Credential
from tests.core.doubles import ADMIN, FakeHost, FakeWorld, make_world

GOOD = "Pa55-word"


@pytest.fixture
def world(tmp_path: Path) -> FakeWorld:
    """FS01 accepts ADMIN/GOOD and LAB\\stranger/GOOD (not in its admin group); FS02 is
    down; nothing is cached for either yet."""
    world = make_world(tmp_path)
    accounts = {ADMIN: GOOD, "LAB\\stranger": GOOD}
    world.tried = []  # type: ignore[attr-defined]
    for name in ("FS01", "FS02"):
        world.secrets.delete("server", name)
    world.hosts["FS02"].error = Unreachable("FS02 did not answer on WinRM port 5985 within 1 s")

    def host_as(name: str, cred: Credential) -> FakeHost:
        world.tried.append((name, cred.user))  # type: ignore[attr-defined]
        host = world.ctx.host(name)
        assert isinstance(host, FakeHost)
        if host.error is None and accounts.get(cred.user) != cred.password:
            raise AuthFailed(f"{name} refused the password or the account {cred.user}")
        return host

    world.ctx.host_as = host_as
    return world


@pytest.fixture
def console(world: FakeWorld) -> Console:
    return Console(world.ctx)


def test_an_accepted_password_is_cached(world: FakeWorld, console: Console) -> None:
    assert console.logins.needs_login("FS01")
    inv = console.logins.login("FS01", ADMIN, GOOD)
    assert inv.name == "FS01"
    assert world.secrets.get("server", "FS01") == Credential(ADMIN, GOOD)
    assert world.tried == [("FS01", ADMIN)]  # type: ignore[attr-defined]
    assert not console.logins.needs_login("FS01")


def test_a_password_for_an_unreachable_server_is_not_cached(world: FakeWorld,
                                                            console: Console) -> None:
    with pytest.raises(Unreachable):
        console.logins.login("FS02", ADMIN, "typed for a server that is down")
    assert world.secrets.get("server", "FS02") is None
    assert console.logins.needs_login("FS02")  # the next choice asks again


def test_a_rejected_password_leaves_the_old_one(world: FakeWorld, console: Console) -> None:
    with pytest.raises(AuthFailed, match="refused the password or the account"):
        console.logins.login("FS01", ADMIN, "wrong")
    assert world.secrets.get("server", "FS01") is None
    console.logins.login("FS01", ADMIN, GOOD)
    with pytest.raises(AuthFailed):
        console.logins.login("FS01", ADMIN, "wrong again")
    assert world.secrets.get("server", "FS01") == Credential(ADMIN, GOOD)


def test_an_account_outside_the_admin_group_is_not_cached(world: FakeWorld,
                                                         console: Console) -> None:
    with pytest.raises(AuthFailed, match="not in the engine's admin group on FS01"):
        console.logins.login("FS01", "LAB\\stranger", GOOD)
    assert world.secrets.get("server", "FS01") is None


def test_without_host_as_the_cache_is_put_back_whatever_fails(world: FakeWorld) -> None:
    world.ctx.host_as = None
    console = Console(world.ctx)
    world.secrets.put("server", "FS02", Credential(ADMIN, "old"))
    with pytest.raises(Unreachable):
        console.logins.login("FS02", ADMIN, "new")
    assert world.secrets.get("server", "FS02") == Credential(ADMIN, "old")
    with pytest.raises(Unreachable):
        console.logins.login("FS03-UNKNOWN", ADMIN, "new")
    assert world.secrets.get("server", "FS03-UNKNOWN") is None
