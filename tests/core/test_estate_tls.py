"""The estate's CA and the console's certificate in the SecretStore (keyring)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.credentials.estate_tls import console_identity, issue_engine
from core.credentials.memory import MemoryKeyring
from core.credentials.store import INDEX_NAME, KeyringStore
from core.engine import pki, tls


def test_made_once_kept_in_the_keyring_and_kept_by_clear(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    store = KeyringStore(backend, tmp_path / INDEX_NAME)
    first = console_identity(store, "lab.example.com")
    assert first.key_pem not in (tmp_path / INDEX_NAME).read_text()
    assert not [p for p in tmp_path.rglob("*") if "PRIVATE KEY" in p.read_text()]
    again = KeyringStore(backend, tmp_path / INDEX_NAME)  # a new console process
    assert console_identity(again, "lab.example.com") == first
    assert again.clear() == 0  # "clear cached credentials" keeps the estate's keys
    assert console_identity(KeyringStore(backend, tmp_path / INDEX_NAME),
                            "lab.example.com") == first
    assert console_identity(again, "other.example.com").ca_pem != first.ca_pem


def test_an_engine_request_is_signed_as_an_engine(tmp_path: Path) -> None:
    store = KeyringStore(MemoryKeyring(), tmp_path / INDEX_NAME)
    request = pki.make_request("FS01", ips=("10.0.0.5",), dns=("fs01.lab.example.com",))
    signed = issue_engine(store, "lab.example.com", request.cert_pem)
    assert signed.key_pem == "" and pki.issued_by(signed.cert_pem, signed.ca_pem)
    engine = tls.Identity(signed.ca_pem, signed.cert_pem, request.key_pem)
    tls.server_context(engine)  # the engine's key matches its certificate
    assert signed.ca_pem == console_identity(store, "lab.example.com").ca_pem


def test_an_engine_made_on_its_host_is_installed(tmp_path: Path) -> None:
    """The manual path for a real server: request on the engine's host, sign on the
    console, install on the host; the engine's key never left its directory."""
    from core.engine import certificate

    store = KeyringStore(MemoryKeyring(), tmp_path / INDEX_NAME)
    state = tmp_path / "engine"
    csr = certificate.request(state, "FS01", ["10.0.0.5"], [])
    signed = issue_engine(store, "lab.example.com", csr)
    stranger = pki.issue(pki.new_ca("x"), tls.ROLE_ENGINE, "FS01")
    with pytest.raises(ValueError, match="does not fit this engine's key"):
        certificate.install(state, stranger.cert_pem + signed.ca_pem)
    certificate.install(state, signed.cert_pem + signed.ca_pem)
    ident = tls.read_engine_identity(tls.engine_dir(state))
    assert ident.cert_pem == signed.cert_pem and ident.ca_pem == signed.ca_pem
    assert (tls.engine_dir(state) / tls.KEY_FILE).stat().st_mode & 0o077 == 0


def test_appmgr_engine_cert_signs_a_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from core.engine import certificate
    from tui.cli import main as cli

    monkeypatch.setenv("APPMGR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "core.credentials.memory.MemoryKeyring")
    (tmp_path / "home" / "config").mkdir(parents=True)
    (tmp_path / "home" / "config" / "domain.txt").write_text("example.test\n")
    req = tmp_path / "req.pem"
    req.write_text(certificate.request(tmp_path / "engine", "FS01", [], []))
    assert cli.main(["engine-cert", str(req), "--out", str(tmp_path / "signed.pem")]) == 0
    certificate.install(tmp_path / "engine", (tmp_path / "signed.pem").read_text())
    assert "PRIVATE KEY" not in (tmp_path / "signed.pem").read_text()
    assert cli.main(["engine-cert", str(tmp_path / "signed.pem")]) == 1
    assert "not a certificate request" in capsys.readouterr().err
