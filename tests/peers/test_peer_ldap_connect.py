"""Binding to Samba AD: LDAPS and StartTLS with certificate checks, Kerberos, and every failure.

Samba refuses every search of the domain without a login ("Operation unavailable without
authentication", proven below), so a search that finds DC1 proves the bind happened.
Samba runs with ``ldap server require strong auth = allow_sasl_over_tls``: simple and
unsigned SASL binds only inside TLS (ldap3 neither signs nor seals SASL).
"""

from __future__ import annotations

import logging

import pytest

from core.directory.connect import open_directory
from core.errors import AuthFailed, Refused, Unreachable
from core.ports import Credential
from tests.peers.conftest import DC_NAME, DOMAIN, Peers


def bound(d: object) -> bool:
    """The server lets this connection read the domain: it is logged in."""
    found = d.computer("DC1")  # type: ignore[attr-defined]
    return found is not None and found.dns_host_name == DC_NAME


def test_without_a_login_the_domain_cannot_be_read(peers: Peers) -> None:
    from ldap3 import NONE, Connection, Server

    conn = Connection(Server(peers.samba_ip, get_info=NONE), auto_bind=True)  # anonymous
    try:
        assert not conn.search("DC=lab,DC=example,DC=com", "(sAMAccountName=DC1$)")
        assert "without authentication" in conn.result["message"]
    finally:
        conn.unbind()


@pytest.mark.parametrize("mode", ["ldaps", "starttls"])
def test_simple_bind_over_tls_with_the_dc_certificate_checked(peers: Peers, mode: str) -> None:
    d = open_directory(DC_NAME, peers.admin, use_ssl=mode == "ldaps",
                       start_tls=mode == "starttls", ca_file=peers.ca, timeout=5)
    try:
        assert bound(d)
        assert d.where == f"directory server {DC_NAME}"
    finally:
        d.close()


def test_connect_by_domain_name_finds_the_dc(peers: Peers) -> None:
    # the DC locator's SRV record names dc1: the certificate check sees the right name
    d = open_directory(DOMAIN, peers.admin, use_ssl=True, ca_file=peers.ca, timeout=5)
    try:
        assert d.where == f"directory server {DC_NAME}"
        assert bound(d)
    finally:
        d.close()


@pytest.mark.parametrize("mode", ["ldaps", "starttls"])
def test_validation_is_on_by_default(peers: Peers, mode: str) -> None:
    # no CA given: the system trust store does not know Samba's own CA
    with pytest.raises(AuthFailed) as err:
        open_directory(DC_NAME, peers.admin, use_ssl=mode == "ldaps",
                       start_tls=mode == "starttls", timeout=5)
    assert "TLS certificate is not trusted" in str(err.value)
    assert "--ca FILE" in str(err.value) and "CA file field" in str(err.value)
    assert DC_NAME in str(err.value)


def test_a_certificate_for_another_name_is_refused(peers: Peers) -> None:
    with pytest.raises(AuthFailed) as err:
        open_directory(peers.samba_ip, peers.admin, use_ssl=True, ca_file=peers.ca, timeout=5)
    assert "made out to another name" in str(err.value)


def test_validation_off_only_when_asked_and_then_warned(peers: Peers,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="appmgr.protocol.ldap")
    logging.getLogger("appmgr").propagate = True
    d = open_directory(peers.samba_ip, peers.admin, use_ssl=True, validate_cert=False, timeout=5)
    try:
        assert bound(d)
    finally:
        d.close()
    assert any("NOT verified" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("mode", ["ldaps", "starttls"])
def test_gssapi_bind_from_the_kinit_ticket(peers: Peers, ticket: str, mode: str) -> None:
    d = open_directory(DC_NAME, None, auth="gssapi", use_ssl=mode == "ldaps",
                       start_tls=mode == "starttls", ca_file=peers.ca, timeout=5)
    try:
        assert bound(d)
    finally:
        d.close()


def test_bad_password_is_a_clear_auth_error(peers: Peers) -> None:
    bad = Credential(peers.admin.user, "not-the-password")
    with pytest.raises(AuthFailed) as err:
        open_directory(DC_NAME, bad, use_ssl=True, ca_file=peers.ca, timeout=5)
    assert "the password or the user name is not correct (AD code 52e)" in str(err.value)
    assert "not-the-password" not in str(err.value)


def test_no_ticket_is_a_clear_auth_error(peers: Peers, no_ticket: None) -> None:
    with pytest.raises(AuthFailed) as err:
        open_directory(DC_NAME, None, auth="gssapi", use_ssl=True, ca_file=peers.ca, timeout=5)
    assert "no Kerberos ticket" in str(err.value) and "kinit" in str(err.value)


@pytest.mark.parametrize("auth", ["simple", "gssapi"])
def test_plain_ldap_is_refused_as_strong_auth_required(peers: Peers, ticket: str,
                                                      auth: str) -> None:
    cred = peers.admin if auth == "simple" else None
    with pytest.raises(Refused) as err:
        open_directory(DC_NAME, cred, auth=auth, timeout=5)
    assert "requires signing or TLS; use LDAPS or StartTLS" in str(err.value)


def test_server_down_is_unreachable(peers: Peers) -> None:
    # an address of the namespace where no DC runs: the connection is refused at once
    with pytest.raises(Unreachable) as err:
        open_directory("127.0.10.9", peers.admin, use_ssl=True, ca_file=peers.ca, timeout=2)
    assert "refused the connection" in str(err.value)


def test_tls_handshake_on_a_plain_port_is_a_clear_error(peers: Peers) -> None:
    with pytest.raises(Refused) as err:
        open_directory(DC_NAME, peers.admin, use_ssl=True, port=389, ca_file=peers.ca, timeout=3)
    assert "TLS handshake failed" in str(err.value)
