"""The lab's certificates (no lab started): made by `lab up` where missing — a lab
directory from before TLS is migrated — and kept when current."""

from __future__ import annotations

import os
from pathlib import Path

from core.engine import pki, tls
from core.lab import certs
from core.lab.estate import load_estate


def test_provision_migrates_a_lab_without_certificates(tmp_path: Path) -> None:
    estate = load_estate(net="127.0.83")
    fs01 = certs.engine_state_dir(tmp_path, "FS01")
    fs01.mkdir(parents=True)
    (fs01 / "engine.json").write_text('{"format": 1, "sets": {}}')  # a protocol-1 engine
    (tmp_path / "admins.json").write_text('{"users": {"LAB\\\\Administrator": "ab12"}}')
    certs.provision(estate, tmp_path)
    assert not (tmp_path / "admins.json").exists()  # the password hash is gone

    ca = (certs.tls_dir(tmp_path) / certs.CA_CERT).read_text()
    engines = [s for s in estate.servers if s.engine_installed]
    assert engines
    for s in engines:
        ident = tls.read_engine_identity(tls.engine_dir(certs.engine_state_dir(tmp_path, s.name)))
        assert ident.ca_pem == ca and pki.issued_by(ident.cert_pem, ca)
        assert tls.peer_identity(_subject(ident.cert_pem)) == (tls.ROLE_ENGINE, s.name)
        key = tls.engine_dir(certs.engine_state_dir(tmp_path, s.name)) / tls.KEY_FILE
        assert os.stat(key).st_mode & 0o077 == 0  # the engine's own secret: owner only
    console = certs.console_identity(tmp_path)
    assert console.ca_pem == ca
    assert os.stat(certs.tls_dir(tmp_path) / certs.CA_KEY).st_mode & 0o077 == 0
    tls.client_context(console)  # loads (the key through a memfd, not a plain file)

    before = (tls.engine_dir(fs01) / tls.CERT_FILE).read_text()
    certs.provision(estate, tmp_path)  # current: nothing is reissued
    assert (tls.engine_dir(fs01) / tls.CERT_FILE).read_text() == before


def _subject(cert_pem: str) -> dict[str, object]:
    """``getpeercert()``'s form of a certificate's subject."""
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(cert_pem.encode())
    names = {"OU": "organizationalUnitName", "CN": "commonName", "O": "organizationName"}
    return {"subject": tuple(((names.get(a.rfc4514_attribute_name, "?"), str(a.value)),)
                             for a in cert.subject)}
