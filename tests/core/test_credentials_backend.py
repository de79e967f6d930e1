"""Explicit keyring backend choice: env, Secret Service probe, encrypted file."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from core.credentials.backend import (
    CRYPTFILE_NAME,
    AppmgrCryptFileKeyring,
    choose_backend,
    secret_service_available,
)
from core.credentials.memory import MemoryKeyring
from core.credentials.store import KeyringStore
from core.errors import AuthFailed, InvalidInput
from core.ports import Credential

MEMORY = "core.credentials.memory.MemoryKeyring"


def _fast(kr: AppmgrCryptFileKeyring) -> AppmgrCryptFileKeyring:
    # Cheap Argon2 parameters for tests only (the defaults cost ~0.3 s per operation).
    kr.time_cost, kr.memory_cost, kr.parallelism = 1, 8, 1
    return kr


@pytest.fixture(autouse=True)
def no_getpass(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_a: object, **_k: object) -> str:
        raise AssertionError("getpass must never be called")

    monkeypatch.setattr("getpass.getpass", boom)


def test_env_backend_wins(tmp_path: Path) -> None:
    choice = choose_backend(tmp_path, None, env={"PYTHON_KEYRING_BACKEND": MEMORY},
                            probe=lambda: pytest.fail("no probe when the env names a backend"))
    assert choice.kind == "env" and isinstance(choice.backend, MemoryKeyring)


@pytest.mark.parametrize("name", ["keyrings.cryptfile.file.PlaintextKeyring", "keyring.backends.chainer.ChainerBackend"])
def test_plain_text_backends_are_refused_even_when_named(tmp_path: Path, name: str) -> None:
    with pytest.raises(InvalidInput) as err:
        choose_backend(tmp_path, None, env={"PYTHON_KEYRING_BACKEND": name})
    assert err.value.field == "PYTHON_KEYRING_BACKEND"


def test_unknown_backend_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        choose_backend(tmp_path, None, env={"PYTHON_KEYRING_BACKEND": "no.such.Backend"})


def test_secret_service_when_it_answers(tmp_path: Path) -> None:
    choice = choose_backend(tmp_path, None, env={}, probe=lambda: True)
    assert choice.kind == "secret-service"


def test_encrypted_file_when_no_secret_service(tmp_path: Path) -> None:
    choice = choose_backend(tmp_path, lambda new: "pw", env={}, probe=lambda: False)
    assert choice.kind == "cryptfile"
    assert isinstance(choice.backend, AppmgrCryptFileKeyring)
    assert Path(choice.backend.file_path) == tmp_path / CRYPTFILE_NAME


def test_probe_time_limit_abandons_a_hung_secret_service() -> None:
    release = threading.Event()
    assert secret_service_available(0.05, check=lambda: release.wait(10)) is False
    release.set()
    assert secret_service_available(1, check=lambda: True) is True
    assert secret_service_available(1, check=lambda: 1 / 0) is False


def test_cryptfile_store_round_trip_asks_passphrase_once(tmp_path: Path) -> None:
    asked: list[bool] = []

    def passphrase(new: bool) -> str:
        asked.append(new)
        return "correct horse"

    path = tmp_path / CRYPTFILE_NAME
    store = KeyringStore(_fast(AppmgrCryptFileKeyring(path, passphrase)), tmp_path / "idx.json")
    store.put("server", "FS01", Credential("LAB\\alice", "Pa55-word"))
    store.put("server", "FS02", Credential("LAB\\bob", "other"))
    assert asked == [True]  # a new file: the dialog asks twice to confirm
    assert "Pa55-word" not in path.read_text()
    assert path.stat().st_mode & 0o077 == 0

    asked.clear()
    reopened = KeyringStore(_fast(AppmgrCryptFileKeyring(path, passphrase)), tmp_path / "idx.json")
    assert reopened.get("server", "fs01") == Credential("LAB\\alice", "Pa55-word")
    assert asked == [False]
    assert reopened.clear() == 2


def test_wrong_or_cancelled_passphrase_is_auth_failed(tmp_path: Path) -> None:
    path = tmp_path / CRYPTFILE_NAME
    KeyringStore(_fast(AppmgrCryptFileKeyring(path, lambda new: "right"))).put(
        "domain", "lab.example.com", Credential("LAB\\a", "b"))

    answers = iter(["wrong", "right"])
    kr = _fast(AppmgrCryptFileKeyring(path, lambda new: next(answers)))
    store = KeyringStore(kr)
    with pytest.raises(AuthFailed) as err:
        store.get("domain", "lab.example.com")
    assert "wrong passphrase" in str(err.value)
    # The next attempt asks again and succeeds.
    assert store.get("domain", "lab.example.com") == Credential("LAB\\a", "b")

    for cb in (lambda new: None, lambda new: "  "):
        with pytest.raises(AuthFailed):
            KeyringStore(_fast(AppmgrCryptFileKeyring(path, cb))).get("domain", "lab.example.com")
    with pytest.raises(AuthFailed):
        KeyringStore(_fast(AppmgrCryptFileKeyring(path, None))).get("domain", "lab.example.com")
