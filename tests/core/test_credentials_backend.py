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
    assert secret_service_available(1, check=lambda: bool(1 / 0)) is False


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

    # nothing given: a message naming the ways to give it, not "wrong"
    for cb in (lambda new: None, lambda new: "  ", None):
        with pytest.raises(InvalidInput) as missing:
            KeyringStore(_fast(AppmgrCryptFileKeyring(path, cb))).get("domain", "lab.example.com")
        assert missing.value.field == "passphrase"
        assert "--passphrase-fd" in str(missing.value) and "APPMGR_PASSPHRASE_FILE" in str(missing.value)


class WatchedLock:
    """A lock that tells how many threads wait for it (a test waits for that state)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cond = threading.Condition()
        self.waiting = 0

    def __enter__(self) -> None:
        with self._cond:
            self.waiting += 1
            self._cond.notify_all()
        self._lock.acquire()
        with self._cond:
            self.waiting -= 1

    def __exit__(self, *_exc: object) -> None:
        self._lock.release()

    def wait_for_waiters(self, n: int) -> None:
        with self._cond:
            assert self._cond.wait_for(lambda: self.waiting >= n, timeout=10)


class Dialog:
    """An interactive source: answers in turn; records the error it was shown each time."""

    attempts = None  # until cancelled

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.shown: list[str] = []

    def __call__(self, new: bool, error: str = "") -> str | None:
        self.shown.append(error)
        return self.answers.pop(0)


def test_an_interactive_source_is_asked_again_after_a_wrong_passphrase(tmp_path: Path) -> None:
    path = tmp_path / CRYPTFILE_NAME
    KeyringStore(_fast(AppmgrCryptFileKeyring(path, lambda new: "right"))).put(
        "server", "FS01", Credential("LAB\\a", "b"))
    dialog = Dialog("wrong", "also wrong", "right")
    store = KeyringStore(_fast(AppmgrCryptFileKeyring(path, dialog)))
    assert store.get("server", "FS01") == Credential("LAB\\a", "b")
    assert dialog.shown[0] == ""
    assert dialog.shown[1:] == ["Wrong passphrase for the credential file: type it again."] * 2

    limited = Dialog("wrong", "wrong", "right")
    limited.attempts = 2  # type: ignore[assignment]
    with pytest.raises(AuthFailed, match="wrong passphrase"):
        KeyringStore(_fast(AppmgrCryptFileKeyring(path, limited))).get("server", "FS01")
    assert limited.answers == ["right"]


def test_one_cancel_answers_every_request_waiting_behind_it(tmp_path: Path) -> None:
    """Five workers blocked on one dialog: Escape answers them all (no five dialogs)."""
    path = tmp_path / CRYPTFILE_NAME
    asked = threading.Event()
    release = threading.Event()
    calls: list[bool] = []

    def cancelled(new: bool) -> None:
        calls.append(new)
        asked.set()
        release.wait(10)
        return None

    kr = _fast(AppmgrCryptFileKeyring(path, cancelled))
    # a lock double that counts its waiters, where the keyring holds a threading.Lock
    kr._unlock_lock = lock = WatchedLock()  # type: ignore[assignment]
    store = KeyringStore(kr)
    errors: list[BaseException] = []

    def read() -> None:
        try:
            store.get("server", "FS01")
        except InvalidInput as exc:
            errors.append(exc)

    first = threading.Thread(target=read)
    first.start()
    assert asked.wait(10)
    waiting = [threading.Thread(target=read) for _ in range(4)]
    for t in waiting:
        t.start()
    lock.wait_for_waiters(4)
    release.set()
    for t in (first, *waiting):
        t.join(10)
    assert len(errors) == 5 and len(calls) == 1
    assert all("no passphrase was given" in str(e) for e in errors)
    # a later request (after the cancel) asks again
    calls.clear()
    read()
    assert calls == [True]  # still a new file: nothing was created
