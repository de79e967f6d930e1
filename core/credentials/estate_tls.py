"""The estate's keys in the console's SecretStore: its CA and the console's certificate.

Kind ``tls``: ``ca:<estate>`` holds the CA's certificate and key,
``console:<estate>`` the console's. Each entry's password is a small JSON
object ``{"cert", "key"}`` (PEM) — the store keeps it in the keyring, never in
a file. Both are made on first use (a new estate). Engines' certificates are
issued from here too (:func:`issue_engine`); their keys go to the engine's
own host and are not kept here.
"""

from __future__ import annotations

import json

from core.engine import pki, tls
from core.ports import Credential, SecretStore


def _get(secrets: SecretStore, key: str) -> pki.Issued | None:
    cred = secrets.get("tls", key)
    if cred is None:
        return None
    try:
        d = json.loads(cred.password)
        return pki.Issued(str(d["cert"]), str(d["key"]))
    except (ValueError, KeyError, TypeError):
        return None


def _put(secrets: SecretStore, key: str, label: str, issued: pki.Issued) -> None:
    blob = json.dumps({"cert": issued.cert_pem, "key": issued.key_pem})
    secrets.put("tls", key, Credential(label, blob))


def estate_ca(secrets: SecretStore, estate: str) -> pki.Issued:
    ca = _get(secrets, f"ca:{estate}")
    if ca is None:
        ca = pki.new_ca(estate)
        _put(secrets, f"ca:{estate}", f"appmgr CA {estate}", ca)
    return ca


def console_identity(secrets: SecretStore, estate: str) -> tls.Identity:
    """The console's TLS identity for ``estate`` (a domain); made on first use."""
    ca = estate_ca(secrets, estate)
    mine = _get(secrets, f"console:{estate}")
    if mine is None or not pki.issued_by(mine.cert_pem, ca.cert_pem):
        mine = pki.issue(ca, tls.ROLE_CONSOLE, f"appmgr console {estate}")
        _put(secrets, f"console:{estate}", f"appmgr console {estate}", mine)
    return tls.Identity(ca.cert_pem, mine.cert_pem, mine.key_pem)


def issue_engine(secrets: SecretStore, estate: str, csr_pem: str) -> tls.Identity:
    """Sign an engine's certificate request (its key never leaves its host): the
    certificate and the CA's, to install in the engine's TLS directory (no key)."""
    ca = estate_ca(secrets, estate)
    return tls.Identity(ca.cert_pem, pki.sign_request(ca, csr_pem), "")
