"""The lab estate's certificate authority and its engines' certificates.

A real estate keeps its CA key and the console's key in the console's
keyring (:mod:`core.credentials.estate_tls`). The lab plays the servers *and*
the estate, and its secrets are shown to the user anyway (like the lab
administrator's password), so the lab keeps its CA and the lab console's
certificate as files under ``<lab>/tls`` (owner-only), where every console
process of ``appmgr --lab`` finds them. Each lab engine gets its key and
certificate in its own state directory, ``servers/<NAME>/engine/tls`` — the
place a real engine keeps them. ``lab up`` issues what is missing or was not
issued by the lab's CA, so a lab directory from before TLS is migrated.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from core import atomic
from core.engine import pki, tls
from core.lab.estate import Estate, LabServer

CA_CERT, CA_KEY = "ca.crt", "ca.key"
CONSOLE_CERT, CONSOLE_KEY = "console.crt", "console.key"


def tls_dir(lab_root: Path) -> Path:
    return lab_root / "tls"


def engine_state_dir(lab_root: Path, server: str) -> Path:
    return lab_root / "servers" / server / "engine"


def _read(directory: Path, cert: str, key: str) -> pki.Issued | None:
    try:
        return pki.Issued((directory / cert).read_text("ascii"),
                          (directory / key).read_text("ascii"))
    except (OSError, UnicodeDecodeError):
        return None


def _write(directory: Path, cert: str, key: str, issued: pki.Issued) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(directory, 0o700)
    atomic.write_text(directory / key, issued.key_pem, mode=0o600)
    atomic.write_text(directory / cert, issued.cert_pem, mode=0o644)


def lab_ca(estate: Estate, lab_root: Path) -> pki.Issued:
    d = tls_dir(lab_root)
    ca = _read(d, CA_CERT, CA_KEY)
    if ca is None:
        ca = pki.new_ca(f"lab {estate.domain}")
        _write(d, CA_CERT, CA_KEY, ca)
    return ca


def provision(estate: Estate, lab_root: Path) -> None:
    """The lab CA, the console's certificate and every engine's, each made when missing
    or not issued by the lab CA."""
    ca = lab_ca(estate, lab_root)
    # protocol 1's admins file held a password's unsalted SHA-256: nothing reads it now
    (lab_root / "admins.json").unlink(missing_ok=True)
    d = tls_dir(lab_root)
    console = _read(d, CONSOLE_CERT, CONSOLE_KEY)
    if console is None or not pki.issued_by(console.cert_pem, ca.cert_pem):
        _write(d, CONSOLE_CERT, CONSOLE_KEY,
               pki.issue(ca, tls.ROLE_CONSOLE, f"appmgr console (lab {estate.domain})"))
    for s in estate.servers:
        if s.engine_installed:
            provision_engine(ca, lab_root, s, estate.domain)


def provision_engine(ca: pki.Issued, lab_root: Path, s: LabServer, domain: str) -> None:
    directory = tls.engine_dir(engine_state_dir(lab_root, s.name))
    try:
        have = tls.read_engine_identity(directory)
    except tls.TlsMissing:
        have = None
    if have and have.ca_pem == ca.cert_pem and pki.issued_by(have.cert_pem, ca.cert_pem):
        return
    issued = pki.issue(ca, tls.ROLE_ENGINE, s.name, ips=s.ips,
                       dns=(s.name, f"{s.name}.{domain}".lower()))
    tls.write_engine_identity(directory, tls.Identity(ca.cert_pem, issued.cert_pem,
                                                      issued.key_pem))


def console_identity(lab_root: Path) -> tls.Identity:
    """The lab console's identity (``lab up`` made it); TlsMissing when it is not there."""
    d = tls_dir(lab_root)
    try:
        return tls.Identity((d / CA_CERT).read_text("ascii"), (d / CONSOLE_CERT).read_text("ascii"),
                            (d / CONSOLE_KEY).read_text("ascii"))
    except OSError as exc:
        raise tls.TlsMissing(f"the lab has no console certificate in {d} (start the lab "
                             "with `appmgr lab up` to make one)") from exc
