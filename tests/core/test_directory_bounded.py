"""Issue 14: every directory opening ends within its timeout, saying why.

A server that accepts TCP and never answers (what a SIGSTOPped DC looks like),
a port where nothing listens, a name the resolver never answers for, a CA file
that is not one, and AD's bind sub-codes.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from core.directory import connect
from core.directory.connect import open_directory
from core.directory.ldap_errors import from_result_code
from core.dns import lookup
from core.errors import AuthFailed, InvalidInput, Unreachable
from core.ports import Credential

CRED = Credential("LAB\\Administrator", "S3cret-value")


@contextmanager
def silent_server() -> Iterator[int]:
    """Accepts connections (the kernel does) and never reads or answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    try:
        yield srv.getsockname()[1]
    finally:
        srv.close()


@pytest.mark.parametrize("mode", ["plain", "ldaps", "starttls"])
def test_a_silent_server_is_given_up_at_the_timeout(mode: str) -> None:
    with silent_server() as port:
        t0 = time.monotonic()
        with pytest.raises(Unreachable) as err:
            open_directory("127.0.0.1", CRED, port=port, use_ssl=mode == "ldaps",
                           start_tls=mode == "starttls", timeout=1.5)
        elapsed = time.monotonic() - t0
    assert elapsed < 1.5 + 0.5, elapsed
    assert f"accepted the connection on port {port} but did not answer within 1.5 s" \
        in str(err.value)


def test_nothing_listening_is_connection_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(Unreachable) as err:
        open_directory("127.0.0.1", CRED, port=port, timeout=2)
    assert "refused the connection" in str(err.value)


def test_name_resolution_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def hanging(*_a: object, **_k: object) -> list:
        release.wait(30)  # a resolver whose DNS server never answers
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(lookup.socket, "getaddrinfo", hanging)
    monkeypatch.setattr(connect, "domain_controllers", lambda *a, **k: [])
    t0 = time.monotonic()
    try:
        with pytest.raises(Unreachable) as err:
            open_directory("dc1.lab.example.com", CRED, use_ssl=True, timeout=1)
    finally:
        release.set()
    assert time.monotonic() - t0 < 1.5
    assert str(err.value) == ("cannot resolve the domain controller dc1.lab.example.com: "
                              "the DNS server did not answer within 1 s")


def test_a_name_dns_does_not_know(monkeypatch: pytest.MonkeyPatch) -> None:
    def nxdomain(*_a: object, **_k: object) -> list:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(lookup.socket, "getaddrinfo", nxdomain)
    with pytest.raises(Unreachable) as err:
        lookup.resolve_host("nosuch.lab.example.com", 636, 1)
    assert str(err.value) == "cannot resolve nosuch.lab.example.com: DNS knows no such name"


@pytest.mark.parametrize(("content", "words"), [
    (None, "does not exist or is not a file"),
    ("not a certificate\n", "holds no PEM certificate"),
])
def test_a_bad_ca_file_is_a_message_not_a_traceback(tmp_path: Path, content: str | None,
                                                    words: str) -> None:
    ca = tmp_path / "ca.pem"
    if content is not None:
        ca.write_text(content)
    with pytest.raises(InvalidInput) as err:
        open_directory("127.0.0.1", CRED, use_ssl=True, ca_file=str(ca), timeout=1)
    assert err.value.field == "ca" and words in err.value.message


@pytest.mark.parametrize(("data", "words"), [
    ("52e", "password or the user name is not correct"),
    ("533", "account is disabled"),
    ("701", "account has expired"),
    ("532", "password has expired"),
    ("775", "locked out"),
    ("773", "must change its password"),
])
def test_ad_bind_sub_codes_are_decoded(data: str, words: str) -> None:
    msg = f"80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data {data}, v4563"
    err = from_result_code(49, "directory server dc1", msg)
    assert isinstance(err, AuthFailed)
    assert words in str(err) and f"AD code {data}" in str(err)


def test_a_domain_without_dc_records_or_address_says_both(monkeypatch: pytest.MonkeyPatch) -> None:
    def nxdomain(*_a: object, **_k: object) -> list:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(lookup.socket, "getaddrinfo", nxdomain)
    monkeypatch.setattr(connect, "domain_controllers", lambda *a, **k: [])
    with pytest.raises(Unreachable) as err:
        open_directory("corp.exmaple.com", CRED, use_ssl=True, timeout=1)
    assert str(err.value) == (
        "cannot resolve the domain controller corp.exmaple.com: DNS knows no such name, nor "
        "a domain with domain controllers (_ldap._tcp.dc._msdcs.corp.exmaple.com)")
