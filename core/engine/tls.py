"""TLS with mutual authentication: console ↔ engine and engine ↔ engine.

Both ends trust exactly one certificate authority, the estate's (no system
CAs), and both present a certificate it issued. The role in the certificate
(organisational unit, see :mod:`core.engine.pki`) says what the peer may do:
``console`` opens the management API, ``engine`` opens data channels. The
client verifies the engine's certificate in the handshake, before anything of
appmgr's protocol — let alone anything derived from a secret — is sent.

An engine keeps its own key in ``<state>/tls/engine.key`` (readable by the
engine's account only): that is the server's own secret, like an SSH host
key. The console's key lives in its SecretStore and is handed to OpenSSL
without a plain file (a memfd on Linux; elsewhere a temporary file holding the
key encrypted with a one-time password).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import ssl
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import atomic

ROLE_ENGINE = "engine"
ROLE_CONSOLE = "console"
TLS_DIR = "tls"
CA_FILE, CERT_FILE, KEY_FILE = "ca.crt", "engine.crt", "engine.key"


class TlsMissing(Exception):
    """This side has no usable certificate (the message says where and what to do)."""


@dataclass(frozen=True)
class Identity:
    """The estate CA's certificate, and this side's certificate and key (PEM)."""

    ca_pem: str
    cert_pem: str
    key_pem: str = field(repr=False)


# --- the engine's files -----------------------------------------------------------
def engine_dir(state_dir: Path) -> Path:
    return state_dir / TLS_DIR


def read_engine_identity(directory: Path) -> Identity:
    """The engine's identity from its TLS directory; TlsMissing saying what lacks."""
    try:
        return Identity(*(
            (directory / n).read_text("ascii") for n in (CA_FILE, CERT_FILE, KEY_FILE)
        ))
    except (OSError, UnicodeDecodeError) as exc:
        why = (exc.strerror if isinstance(exc, OSError) else None) or exc
        raise TlsMissing(
            f"this engine has no TLS certificate in {directory} ({why}); "
            "since protocol version 2 every engine needs one issued by its estate's CA: "
            "appmgr installs it (lab: `appmgr lab up`; a server: see the README, "
            "'Engine security')"
        ) from exc


def write_engine_identity(directory: Path, ident: Identity) -> None:
    """Install an engine's identity; the key readable by the engine's account only."""
    directory.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(directory, 0o700)
    atomic.write_text(directory / KEY_FILE, ident.key_pem, mode=0o600)
    atomic.write_text(directory / CERT_FILE, ident.cert_pem, mode=0o644)
    atomic.write_text(directory / CA_FILE, ident.ca_pem, mode=0o644)


# --- contexts ---------------------------------------------------------------------
def server_context(ident: Identity) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.num_tickets = 0  # no session resumption: every connection shows its certificate
    return _common(ctx, ident)


def client_context(ident: Identity) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # Pinned to the estate CA alone; names are not checked (engines are reached by
    # IP, routes change at failover) — the role in the certificate is.
    ctx.check_hostname = False
    return _common(ctx, ident)


def _common(ctx: ssl.SSLContext, ident: Identity) -> ssl.SSLContext:
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=ident.ca_pem)
    _load_chain(ctx, ident)
    return ctx


def _load_chain(ctx: ssl.SSLContext, ident: Identity) -> None:
    """OpenSSL reads keys from files only: give it one that is no plain file on disk."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("appmgr-tls", getattr(os, "MFD_CLOEXEC", 0))
        try:
            os.write(fd, (ident.cert_pem + "\n" + ident.key_pem).encode("ascii"))
            ctx.load_cert_chain(f"/proc/self/fd/{fd}")
        finally:
            os.close(fd)
        return
    from core.engine.pki import encrypted_key  # only where there is no memfd

    password = secrets.token_bytes(32)
    fd, path = tempfile.mkstemp(prefix="appmgr-tls-")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(ident.cert_pem + "\n" + encrypted_key(ident.key_pem, password))
        ctx.load_cert_chain(path, password=password)
    finally:
        os.unlink(path)


# --- the peer ---------------------------------------------------------------------
def peer_identity(peercert: dict[str, Any] | None) -> tuple[str, str]:
    """``(role, name)`` of a verified peer certificate (``getpeercert()``)."""
    fields: dict[str, str] = {}
    for rdn in (peercert or {}).get("subject", ()):
        for key, value in rdn:
            fields[key] = value
    return fields.get("organizationalUnitName", ""), fields.get("commonName", "")


PLAIN_TEXT = ("WRONG_VERSION_NUMBER", "HTTP_REQUEST", "RECORD_LAYER_FAILURE",
              "PACKET_LENGTH_TOO_LONG", "UNSUPPORTED_PROTOCOL", "UNEXPECTED_RECORD")
THEY_REFUSED = ("CERTIFICATE_REQUIRED", "BAD_CERTIFICATE", "UNKNOWN_CA",
                "CERTIFICATE_UNKNOWN", "DECRYPT_ERROR", "ACCESS_DENIED")


def why_client_failed(exc: BaseException, where: str, version: int) -> str:
    """A sentence for a failed TLS handshake, from the side that connected."""
    reason = str(getattr(exc, "reason", "") or exc).upper()
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (f"{where} presented a certificate that this estate's CA did not issue "
                f"({exc.verify_message}); nothing was sent to it")
    if any(r in reason for r in PLAIN_TEXT):
        return (f"{where} answered in plain text, not TLS: an appmgr engine older than "
                f"protocol version {version} (upgrade it) or not an appmgr engine")
    if any(r in reason for r in THEY_REFUSED):
        return f"{where} refused our certificate (it trusts another estate's CA)"
    return f"TLS with {where} failed: {exc}"


def why_server_refused(exc: BaseException) -> str:
    """A sentence for the engine's log about a peer whose handshake failed."""
    if isinstance(exc, TimeoutError):
        return "it started no TLS handshake in time (a plain-text peer, or an old engine)"
    reason = str(getattr(exc, "reason", "") or exc).upper()
    if any(r in reason for r in PLAIN_TEXT):
        return "it does not speak TLS (a plain-text peer, or an engine older than protocol 2)"
    if "PEER_DID_NOT_RETURN_A_CERTIFICATE" in reason or "CERTIFICATE_REQUIRED" in reason:
        return "it presented no certificate"
    if "CERTIFICATE_VERIFY_FAILED" in reason or isinstance(exc, ssl.SSLCertVerificationError):
        return "its certificate was not issued by this estate's CA"
    return f"TLS handshake failed: {exc}"
