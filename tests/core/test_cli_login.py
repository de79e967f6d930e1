"""`appmgr login` headless with the encrypted credential file (issues 11, 14): the password
from --password-stdin, the passphrase from --passphrase-fd or APPMGR_PASSPHRASE_FILE."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest

from core.credentials.backend import CRYPTFILE_NAME, AppmgrCryptFileKeyring
from core.credentials.store import KeyringStore
from core.errors import AuthFailed
from core.ports import Credential
from tests.core.doubles import ADMIN, FakeWorld, make_world
from tui.cli import main as cli

GOOD = "Pa55-word"
PASSPHRASE = "correct horse battery"


def fast_keyring(path: Path, passphrase: Any) -> AppmgrCryptFileKeyring:
    kr = AppmgrCryptFileKeyring(path, passphrase)
    kr.time_cost, kr.memory_cost, kr.parallelism = 1, 8, 1  # cheap Argon2, tests only
    return kr


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeWorld:
    """Real mode over the fake estate, with the real encrypted-file keyring built on the
    passphrase callback the command passes to real_context."""
    monkeypatch.setenv("APPMGR_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("APPMGR_PASSPHRASE_FILE", raising=False)
    world = make_world(tmp_path)

    def host_as(name: str, cred: Credential) -> Any:
        if cred != Credential(ADMIN, GOOD):
            raise AuthFailed(f"{name} refused the password or the account {cred.user}")
        return world.ctx.host(name)

    def fake_context(paths: Any, settings: Any, domain: str, **kw: Any) -> Any:
        world.ctx.secrets = KeyringStore(fast_keyring(tmp_path / CRYPTFILE_NAME,
                                                      kw["passphrase"]), tmp_path / "idx.json")
        world.ctx.host_as = host_as
        return world.ctx

    monkeypatch.setattr("core.wiring.real_context", fake_context)
    return world


def cached(tmp_path: Path) -> Credential | None:
    return KeyringStore(fast_keyring(tmp_path / CRYPTFILE_NAME,
                                     lambda new: PASSPHRASE)).get("server", "FS01")


def login(monkeypatch: pytest.MonkeyPatch, stdin: str, *flags: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main([*flags, "login", "FS01", "--user", ADMIN, "--password-stdin"])


def test_login_with_passphrase_fd_and_password_stdin(world: FakeWorld, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    r, w = os.pipe()
    os.write(w, f"{PASSPHRASE}\n".encode())
    os.close(w)
    try:
        assert login(monkeypatch, f"{GOOD}\n", "--passphrase-fd", str(r)) == 0
    finally:
        os.close(r)
    assert "credentials cached" in capsys.readouterr().out
    assert cached(tmp_path) == Credential(ADMIN, GOOD)
    assert GOOD not in (tmp_path / CRYPTFILE_NAME).read_text()


def test_login_with_the_passphrase_file(world: FakeWorld, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    pf = tmp_path / "pp"
    pf.write_text(PASSPHRASE + "\n")
    pf.chmod(0o600)
    monkeypatch.setenv("APPMGR_PASSPHRASE_FILE", str(pf))
    assert login(monkeypatch, f"{GOOD}\n") == 0
    assert cached(tmp_path) == Credential(ADMIN, GOOD)


def test_missing_secrets_say_how_to_give_them(world: FakeWorld, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert login(monkeypatch, f"{GOOD}\n") == 2  # no terminal, no fd, no file
    err = capsys.readouterr().err
    assert "--passphrase-fd N" in err and "APPMGR_PASSPHRASE_FILE" in err
    assert login(monkeypatch, "") == 2  # EOF where the password should be
    assert "no password on standard input" in capsys.readouterr().err
    pf = tmp_path / "pp"
    pf.write_text(PASSPHRASE)
    pf.chmod(0o644)
    monkeypatch.setenv("APPMGR_PASSPHRASE_FILE", str(pf))
    assert login(monkeypatch, f"{GOOD}\n") == 2
    assert f"chmod 600 {pf}" in capsys.readouterr().err
    assert not (tmp_path / CRYPTFILE_NAME).exists()


def test_a_rejected_password_is_not_cached(world: FakeWorld, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    pf = tmp_path / "pp"
    pf.write_text(PASSPHRASE)
    pf.chmod(0o600)
    monkeypatch.setenv("APPMGR_PASSPHRASE_FILE", str(pf))
    assert login(monkeypatch, "wrong\n") == 3
    assert "refused the password or the account" in capsys.readouterr().err
    assert not (tmp_path / CRYPTFILE_NAME).exists() or cached(tmp_path) is None
