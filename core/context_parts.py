"""Pieces both wirings (lab and real estate) build their Context from."""

from __future__ import annotations

import threading
from pathlib import Path

from core.atomic import read_json, write_json
from core.errors import AuthFailed
from core.ports import Credential, SecretStore


def cached_credential(secrets: SecretStore, kind: str, name: str) -> Credential:
    """The cached credential or AuthFailed saying to log in (the login dialog's cue)."""
    cred = secrets.get(kind, name)
    if cred is None:
        how = (f" (the console asks when you choose it; headless: appmgr login {name.upper()}"
               " --user DOMAIN\\user)" if kind == "server" else "")
        raise AuthFailed(f"no credentials are cached for {name}: log in to it first{how}")
    return cred


def split_address(address: str, default_port: int = 53) -> tuple[str, int]:
    """``"10.0.0.1"`` or ``"10.0.0.1:5353"`` → (ip, port)."""
    ip, _, port = address.partition(":")
    return ip, int(port) if port else default_port


class AddressBook:
    """Servers' own addresses, remembered the first time DNS gives them.

    After a DNS failover the source's name answers with the target's IP, yet
    the console must still reach the source itself (to fail back, restore,
    read its engine): so an address, once learned, is kept on disk and wins
    over DNS until it is forgotten (a new login re-learns it).
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._book: dict[str, str] = dict(read_json(path, {}) or {})

    def get(self, name: str) -> str | None:
        with self._lock:
            return self._book.get(name.lower())

    def remember(self, name: str, ip: str) -> None:
        with self._lock:
            if self._book.get(name.lower()) == ip:
                return
            self._book[name.lower()] = ip
            write_json(self._path, self._book)

    def forget(self, name: str) -> None:
        with self._lock:
            if self._book.pop(name.lower(), None) is not None:
                write_json(self._path, self._book)
