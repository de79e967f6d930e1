"""The credential cache (F-12) on the in-memory keyring backend."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from core.credentials.memory import MemoryKeyring
from core.credentials.store import INDEX_NAME, SERVICE_PREFIX, KeyringStore, open_store
from core.errors import InvalidInput
from core.lab.estate import load_estate
from core.lab.secrets import lab_store
from core.ports import Credential
from tests.present import present

SECRET = "Very-S3cret-Pw"


@pytest.fixture
def backend() -> MemoryKeyring:
    return MemoryKeyring()


def test_put_get_is_case_insensitive_per_kind(tmp_path: Path, backend: MemoryKeyring) -> None:
    store = KeyringStore(backend, tmp_path / INDEX_NAME)
    store.put("server", "FS01", Credential("LAB\\alice", SECRET))
    assert store.get("server", "fs01") == Credential("LAB\\alice", SECRET)
    assert store.get("server", "FS01.") == Credential("LAB\\alice", SECRET)
    assert store.get("wmi", "FS01") is None
    assert store.get("server", "FS02") is None
    # Stored in the backend under our service name, lower-cased key.
    assert json.loads(present(backend.get_password(SERVICE_PREFIX + "server", "fs01")))["user"] == "LAB\\alice"


def test_replace_forget_and_reload_from_backend(tmp_path: Path, backend: MemoryKeyring) -> None:
    store = KeyringStore(backend, tmp_path / INDEX_NAME)
    store.put("domain", "lab.example.com", Credential("LAB\\a", "one"))
    store.put("domain", "LAB.example.com", Credential("LAB\\b", "two"))
    # A second store on the same backend (a new process) reads what the first wrote.
    other = KeyringStore(backend, tmp_path / INDEX_NAME)
    assert other.get("domain", "lab.example.com") == Credential("LAB\\b", "two")
    other.forget("domain", "lab.example.com")
    assert other.get("domain", "lab.example.com") is None
    assert other.entries() == []
    other.forget("domain", "lab.example.com")  # forgetting twice is fine


def test_clear_removes_everything_stored_across_processes(tmp_path: Path, backend: MemoryKeyring) -> None:
    first = KeyringStore(backend, tmp_path / INDEX_NAME)
    for kind in ("server", "domain", "dns", "wmi"):
        first.put(kind, "X1", Credential("u", SECRET))
    backend.set_password("someone-else", "k", "not ours")
    second = KeyringStore(backend, tmp_path / INDEX_NAME)
    assert second.clear() == 4
    for kind in ("server", "domain", "dns", "wmi"):
        assert backend.get_password(SERVICE_PREFIX + kind, "x1") is None
    assert backend.get_password("someone-else", "k") == "not ours"
    assert second.clear() == 0
    assert KeyringStore(backend, tmp_path / INDEX_NAME).entries() == []


def test_index_and_log_hold_no_secrets(tmp_path: Path, backend: MemoryKeyring,
                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("appmgr").propagate = True
    index = tmp_path / INDEX_NAME
    store = KeyringStore(backend, index)
    store.put("server", "FS01", Credential("LAB\\alice", SECRET))
    store.get("server", "FS01")
    store.clear()
    assert SECRET not in index.read_text()
    assert index.stat().st_mode & 0o077 == 0
    assert caplog.records and all(SECRET not in r.getMessage() for r in caplog.records)
    assert SECRET not in repr(Credential("u", SECRET))


@pytest.mark.parametrize(("kind", "key"), [("password", "FS01"), ("server", "  "), ("server", ".")])
def test_bad_kind_or_key(backend: MemoryKeyring, kind: str, key: str) -> None:
    with pytest.raises(InvalidInput):
        KeyringStore(backend).put(kind, key, Credential("u", "p"))


def test_empty_user_is_refused(backend: MemoryKeyring) -> None:
    with pytest.raises(InvalidInput):
        KeyringStore(backend).put("server", "FS01", Credential(" ", "p"))


def test_foreign_format_entry_reads_as_missing(backend: MemoryKeyring) -> None:
    backend.set_password(SERVICE_PREFIX + "server", "fs09", "plain old string")
    assert KeyringStore(backend).get("server", "FS09") is None


def test_open_store_honours_env_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "core.credentials.memory.MemoryKeyring")
    store = open_store(tmp_path)
    store.put("dns", "lab.example.com", Credential("LAB\\dnsadmin", SECRET))
    assert present(store.get("dns", "LAB.EXAMPLE.COM")).password == SECRET
    assert "MemoryKeyring" in store.description
    assert (tmp_path / INDEX_NAME).exists()


def test_lab_store_is_prefilled_and_never_asks() -> None:
    est = load_estate()
    store = lab_store(est)
    admin = Credential(est.admin_user, est.admin_password)
    assert store.get("server", "fs01") == admin
    assert store.get("server", "fs02.lab.example.com") == admin
    assert store.get("server", "127.0.10.13") == admin
    assert store.get("wmi", "FS03") == admin
    assert store.get("domain", "LAB") == admin
    assert store.get("domain", "lab.example.com") == admin
    dns = store.get("dns", "lab.example.com")
    assert dns == Credential(est.dns_admin_user, est.dns_admin_password)
    assert store.get("dns", "10.0.127.in-addr.arpa") == dns
    assert store.clear() > 0 and store.get("server", "fs01") is None
