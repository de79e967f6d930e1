"""The credential cache: :class:`core.ports.SecretStore` on a keyring backend.

Each entry is one keyring item: service ``appmgr:<kind>``, user name the
lower-cased key (a server, domain or DNS-zone name), secret a small JSON
object holding the user name and password. An index of ``(kind, key)``
pairs — no user names, no secrets — lets ``clear()`` remove everything
appmgr stored, since keyring backends cannot be enumerated portably.
Nothing here logs a password; ``Credential``'s repr hides it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, KeyringLocked, PasswordDeleteError

from core.atomic import read_json, write_json
from core.credentials.backend import PassphraseCallback, choose_backend
from core.credentials.keys import KEPT_ON_CLEAR, KINDS, normalise_key
from core.errors import AppmgrError, AuthFailed, InvalidInput, Refused
from core.ports import Credential

log = logging.getLogger("appmgr.credentials")

T = TypeVar("T")

SERVICE_PREFIX = "appmgr:"
INDEX_NAME = "credentials-index.json"




class KeyringStore:
    """SecretStore over one keyring backend; thread-safe."""

    def __init__(self, backend: KeyringBackend, index_path: Path | None = None, *,
                 description: str = "") -> None:
        self._backend = backend
        self._index_path = index_path
        self.description = description or type(backend).__name__
        self._lock = threading.RLock()
        self._cache: dict[tuple[str, str], Credential] = {}
        loaded = read_json(index_path, []) if index_path else []
        self._index: set[tuple[str, str]] = {
            (str(k), str(v)) for k, v in (loaded if isinstance(loaded, list) else []) if k in KINDS
        }

    # --- SecretStore ------------------------------------------------------
    def get(self, kind: str, key: str) -> Credential | None:
        """The cached credential or None (never raises for a missing entry)."""
        kk = normalise_key(kind, key)
        with self._lock:
            if kk in self._cache:
                return self._cache[kk]
        self._unlock()
        with self._lock:
            raw = self._call("read", lambda: self._backend.get_password(SERVICE_PREFIX + kk[0], kk[1]))
            if raw is None:
                return None
            cred = _decode(raw)
            if cred is not None:
                self._cache[kk] = cred
            return cred

    def put(self, kind: str, key: str, cred: Credential) -> None:
        """Store (or replace) the credential for ``(kind, key)``."""
        kk = normalise_key(kind, key)
        if not cred.user.strip():
            raise InvalidInput("user", "enter a user name")
        blob = json.dumps({"user": cred.user, "password": cred.password})
        self._unlock()
        with self._lock:
            self._call("write", lambda: self._backend.set_password(SERVICE_PREFIX + kk[0], kk[1], blob))
            self._cache[kk] = cred
            if kk not in self._index:
                self._index.add(kk)
                self._save_index()
        log.info("cached %s credentials for %s (user %s)", kk[0], kk[1], cred.user)

    def delete(self, kind: str, key: str) -> None:
        """Remove one entry; nothing happens when it is absent."""
        kk = normalise_key(kind, key)
        self._unlock()
        with self._lock:
            self._cache.pop(kk, None)
            self._delete_item(kk)
            if kk in self._index:
                self._index.discard(kk)
                self._save_index()

    def forget(self, kind: str, key: str) -> None:
        """Drop a credential the peer rejected (AuthFailed), so the dialog asks again."""
        self.delete(kind, key)
        log.info("forgot %s credentials for %s", kind, key.lower())

    def clear(self) -> int:
        """Remove every cached login appmgr stored (Options → Clear cached credentials);
        the estate's keys (kind ``tls``) stay."""
        self._unlock()
        with self._lock:
            keys = sorted(k for k in self._index if k[0] not in KEPT_ON_CLEAR)
            for kk in keys:
                self._delete_item(kk)
                self._cache.pop(kk, None)
            self._index.difference_update(keys)
            self._save_index()
        log.info("cleared %d cached credential(s)", len(keys))
        return len(keys)

    def entries(self) -> list[tuple[str, str]]:
        """``(kind, key)`` of every stored entry (no secrets)."""
        with self._lock:
            return sorted(self._index)

    # --- internals --------------------------------------------------------
    def _delete_item(self, kk: tuple[str, str]) -> None:
        def run() -> None:
            # Already gone is fine: the goal is reached.
            with contextlib.suppress(PasswordDeleteError):
                self._backend.delete_password(SERVICE_PREFIX + kk[0], kk[1])

        self._call("delete", run)

    def _save_index(self) -> None:
        if self._index_path is not None:
            write_json(self._index_path, sorted(list(k) for k in self._index), mode=0o600)

    def _unlock(self) -> None:
        """Unlock the backend (ask its passphrase) before taking this store's lock, so
        requests queued behind one passphrase dialog wait in the backend, which answers
        them all when the dialog is cancelled."""
        self._call("unlock", lambda: None)

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        ensure = getattr(self._backend, "ensure_unlocked", None)
        try:
            if ensure is not None:
                ensure()
            return fn()
        except AppmgrError:
            raise
        except KeyringLocked:
            raise AuthFailed("the keyring is locked; unlock it and try again") from None
        except KeyringError as exc:
            raise Refused(f"the keyring refused to {what} a credential ({type(exc).__name__})") from None
        except ValueError:
            # cryptfile: an entry that does not decrypt with this passphrase.
            raise AuthFailed("a cached credential cannot be decrypted with this passphrase") from None


def _decode(raw: str) -> Credential | None:
    try:
        obj = json.loads(raw)
        return Credential(str(obj["user"]), str(obj["password"]))
    except (ValueError, KeyError, TypeError):
        log.warning("ignoring a cached credential in an unknown format")
        return None


def open_store(config_dir: Path, passphrase: PassphraseCallback | None = None) -> KeyringStore:
    """The user's credential cache: backend chosen explicitly, index under ``config_dir``."""
    choice = choose_backend(config_dir, passphrase)
    log.info("credential cache: %s", choice.description)
    return KeyringStore(choice.backend, config_dir / INDEX_NAME, description=choice.description)
