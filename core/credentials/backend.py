"""Choosing the keyring backend explicitly (SPEC F-12, recipes: keyring).

keyring's own auto-detection is never used: with ``keyrings.alt`` installed
it silently picks a plain-text file. The order here:

1. ``PYTHON_KEYRING_BACKEND`` when set (tests name the in-memory backend);
   plain-text and chaining backends are refused even when named;
2. the desktop's Secret Service, when it answers within a time limit
   (probed in a thread: a D-Bus call can hang on a half-configured host);
3. ``keyrings.cryptfile``, an Argon2 + AES-GCM encrypted file under the
   config directory, whose passphrase comes from a callback (the TUI asks
   in a dialog). The key is set before any read or write, and the
   ``getpass`` fallbacks are overridden, so the terminal is never taken over.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from keyring.backend import KeyringBackend
from keyrings.cryptfile.cryptfile import CryptFileKeyring

from core.errors import AppmgrError, AuthFailed, InvalidInput

log = logging.getLogger("appmgr.credentials")

ENV_VAR = "PYTHON_KEYRING_BACKEND"
CRYPTFILE_NAME = "credentials.cfg"

#: Called with ``new=True`` when the encrypted file does not exist yet (the
#: dialog should ask twice); returns the passphrase, or None when cancelled. It may
#: raise an AppmgrError of its own that says how to give the passphrase.
#:
#: An interactive source (the console's dialog, a terminal) has an ``attempts``
#: attribute (an int, or None for "until cancelled"): after a wrong passphrase it is
#: called again as ``callback(new, error)`` with the sentence to show. Without the
#: attribute (a file, a file descriptor) a wrong passphrase ends the unlock at once.
PassphraseCallback = Callable[..., str | None]

#: Said when a source gives nothing and says nothing itself (a bare callback).
NO_PASSPHRASE = ("the credential file stays locked: no passphrase was given (the console "
                 "asks in a dialog; headless commands read it from the terminal, "
                 "--passphrase-fd N or APPMGR_PASSPHRASE_FILE)")
WRONG_PASSPHRASE = "wrong passphrase for the credential file"


@dataclass(frozen=True)
class BackendChoice:
    backend: KeyringBackend
    kind: str  # "env" | "secret-service" | "cryptfile"
    description: str  # for the Options dialog and the log (never a secret)


class AppmgrCryptFileKeyring(CryptFileKeyring):
    """CryptFileKeyring whose passphrase comes from a callback, never getpass."""

    def __init__(self, path: Path, passphrase: PassphraseCallback | None) -> None:
        super().__init__()
        self.file_path = str(path)
        self._passphrase = passphrase
        self._unlock_lock = threading.Lock()
        # Each refusal (cancel, wrong passphrase) answers every request that was
        # already waiting for the lock: five workers queued behind one dialog get
        # one dialog, not five in a row after the user pressed Escape.
        self._refusals = 0
        self._last_refusal: AppmgrError | None = None

    def ensure_unlocked(self) -> None:
        """Ask for the passphrase once per process and check it against the file."""
        seen = self._refusals
        with self._unlock_lock:
            if self._keyring_key is not None:
                return
            if self._refusals != seen and self._last_refusal is not None:
                raise self._last_refusal
            try:
                self._ask_and_unlock()
            except AppmgrError as exc:
                self._refusals += 1
                self._last_refusal = exc
                raise

    def _ask_and_unlock(self) -> None:
        ask = self._passphrase
        if ask is None:
            raise InvalidInput("passphrase", NO_PASSPHRASE)
        new = not Path(self.file_path).exists() or not self._check_file()
        attempts = getattr(ask, "attempts", 1)
        tried = 0
        error = ""
        while True:
            secret = ask(new, error) if error else ask(new)
            if not secret or not secret.strip():
                raise InvalidInput("passphrase", NO_PASSPHRASE)
            Path(self.file_path).parent.mkdir(parents=True, exist_ok=True)
            try:
                # The setter checks the passphrase against the file's reference
                # value (or creates the file with it).
                self.keyring_key = secret
                return
            except ValueError:
                self._keyring_key = None
            tried += 1
            if attempts is not None and tried >= attempts:
                raise AuthFailed(WRONG_PASSPHRASE)
            error = f"{WRONG_PASSPHRASE[:1].upper()}{WRONG_PASSPHRASE[1:]}: type it again."

    def _unlock(self) -> None:
        if self._keyring_key is None:
            raise AuthFailed("the credential file is locked")
        super()._unlock()

    def _get_new_password(self) -> str:
        raise AuthFailed("the credential file is locked")


def _secret_service_answers() -> bool:
    from keyring.backends import SecretService

    SecretService.Keyring.priority  # noqa: B018 - raises when the daemon is unusable
    return True


def secret_service_available(timeout: float = 1.0,
                             check: Callable[[], bool] = _secret_service_answers) -> bool:
    """True when ``check`` (a Secret Service probe) says yes within ``timeout`` seconds."""
    answer: list[bool] = []

    def probe() -> None:
        try:
            answer.append(bool(check()))
        except Exception:  # any failure means "not usable here"
            answer.append(False)

    # A daemon thread: a hung D-Bus call is abandoned, never waited for.
    t = threading.Thread(target=probe, name="appmgr-secret-service-probe", daemon=True)
    t.start()
    t.join(timeout)
    return bool(answer and answer[0])


def load_named_backend(name: str) -> KeyringBackend:
    """The backend class named by ``PYTHON_KEYRING_BACKEND``; refuses plain text."""
    import keyring.core

    try:
        backend = keyring.core.load_keyring(name)
    except Exception as exc:
        raise InvalidInput(ENV_VAR, f"cannot load keyring backend {name!r} ({type(exc).__name__})") from None
    cls = type(backend)
    if "plaintext" in cls.__name__.lower() or cls.__name__ == "ChainerBackend":
        raise InvalidInput(ENV_VAR, f"{name} would keep passwords in plain text; choose another backend")
    return backend


def choose_backend(
    config_dir: Path,
    passphrase: PassphraseCallback | None,
    *,
    env: Mapping[str, str] | None = None,
    probe: Callable[[], bool] | None = None,
) -> BackendChoice:
    """Pick the backend as described in the module docstring."""
    env = os.environ if env is None else env
    name = env.get(ENV_VAR, "").strip()
    if name:
        backend = load_named_backend(name)
        return BackendChoice(backend, "env", f"{type(backend).__name__} (from {ENV_VAR})")
    if (probe or secret_service_available)():
        from keyring.backends import SecretService

        return BackendChoice(SecretService.Keyring(), "secret-service", "desktop Secret Service")
    path = config_dir / CRYPTFILE_NAME
    log.info("no Secret Service: using the encrypted credential file %s", path)
    return BackendChoice(AppmgrCryptFileKeyring(path, passphrase), "cryptfile", f"encrypted file {path}")
