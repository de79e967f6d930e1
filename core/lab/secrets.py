"""The lab's credential cache: pre-filled, in memory, never asks a passphrase.

The lab's accounts are shown to the user (they are not anyone's secret), so
in lab mode every login dialog can be answered from here and the console
never blocks on a keyring or passphrase prompt. A plain dict is enough (and
keeps keyring's import cost off every headless lab command). It lives in the
lab (it was core/credentials/lab.py) so that production code never depends on
core.lab: only the lab's wiring (core.lab.context) picks it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from core.credentials.keys import normalise_key
from core.errors import InvalidInput
from core.ports import Credential

if TYPE_CHECKING:  # only a type here: keeps the estate parser off this import
    from core.lab.estate import Estate


class LabSecrets:
    """A SecretStore in memory (implements core.ports.SecretStore)."""

    description = "lab accounts (in memory)"

    def __init__(self) -> None:
        self._data: dict[tuple[str, str], Credential] = {}
        self._lock = threading.Lock()

    def get(self, kind: str, key: str) -> Credential | None:
        with self._lock:
            return self._data.get(normalise_key(kind, key))

    def put(self, kind: str, key: str, cred: Credential) -> None:
        if not cred.user.strip():
            raise InvalidInput("user", "enter a user name")
        with self._lock:
            self._data[normalise_key(kind, key)] = cred

    def delete(self, kind: str, key: str) -> None:
        with self._lock:
            self._data.pop(normalise_key(kind, key), None)

    def forget(self, kind: str, key: str) -> None:
        self.delete(kind, key)

    def clear(self) -> int:
        with self._lock:
            n = len(self._data)
            self._data.clear()
            return n

    def entries(self) -> list[tuple[str, str]]:
        with self._lock:
            return sorted(self._data)


def lab_store(estate: Estate) -> LabSecrets:
    """A store holding the lab admin for every server, domain and WMI key, and
    the DNS admin for the lab's zone and DNS server."""
    store = LabSecrets()
    admin = Credential(estate.admin_user, estate.admin_password)
    dns = Credential(estate.dns_admin_user, estate.dns_admin_password)
    for key in (estate.domain, estate.netbios):
        store.put("domain", key, admin)
    dns_server = estate.server(estate.dns_server)
    for key in (estate.domain, estate.reverse_zone, dns_server.name, dns_server.ip):
        store.put("dns", key, dns)
    for s in estate.servers:
        for key in (s.name, s.fqdn(estate.domain), s.ip):
            store.put("server", key, admin)
            store.put("wmi", key, admin)
    return store
