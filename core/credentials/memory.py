"""An in-memory keyring backend: tests (``PYTHON_KEYRING_BACKEND``) and the lab.

Nothing is written anywhere; secrets live as long as the backend object.
Select it by name with
``PYTHON_KEYRING_BACKEND=core.credentials.memory.MemoryKeyring``.
"""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """Passwords in a dict, keyed by (service, username)."""

    #: Low, so keyring's own auto-detection would never prefer it (we never use
    #: auto-detection, but another library in the process might).
    priority = 0.1

    def __init__(self) -> None:
        super().__init__()
        self._data: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            return self._data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            self._data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            if self._data.pop((service, username), None) is None:
                raise PasswordDeleteError("not found")
