"""open_directory against real sockets: nothing listening, a silent server, and a
tiny fake LDAP server answering the bind with a chosen result code."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from ldap3.core import exceptions as lx
from ldap3.protocol.rfc4511 import (
    LDAPDN,
    BindResponse,
    LDAPMessage,
    LDAPString,
    MessageID,
    ProtocolOp,
    ResultCode,
)
from pyasn1.codec.ber import decoder, encoder

from core.directory.connect import open_directory
from core.directory.ldap_errors import from_exception, from_result_code
from core.errors import AuthFailed, InvalidInput, NotFound, ProtocolError, Refused, Unreachable
from core.ports import Credential

CRED = Credential("LAB\\Administrator", "S3cret-value")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def fake_ldap(result_code: int | None) -> Iterator[int]:
    """A one-connection LDAP server: answers the bind with ``result_code``, or never (None)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(5)
    done = threading.Event()

    def serve() -> None:
        try:
            conn, _ = srv.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(5)
            data = conn.recv(65536)
            if result_code is not None and data:
                req, _ = decoder.decode(data, asn1Spec=LDAPMessage())
                resp = BindResponse()
                resp["resultCode"] = ResultCode(result_code)
                resp["matchedDN"] = LDAPDN("")
                resp["diagnosticMessage"] = LDAPString("fake")
                op = ProtocolOp()
                op["bindResponse"] = resp
                msg = LDAPMessage()
                msg["messageID"] = MessageID(int(req["messageID"]))
                msg["protocolOp"] = op
                conn.sendall(encoder.encode(msg))
            done.wait(5)

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        yield srv.getsockname()[1]
    finally:
        done.set()
        srv.close()
        t.join(5)


def test_nothing_listening_is_unreachable() -> None:
    with pytest.raises(Unreachable) as err:
        open_directory("127.0.0.1", CRED, port=_free_port(), timeout=1)
    assert "127.0.0.1" in str(err.value)


def test_silent_server_times_out_as_unreachable() -> None:
    with fake_ldap(None) as port, pytest.raises(Unreachable):
        open_directory("127.0.0.1", CRED, port=port, timeout=0.3)


@pytest.mark.parametrize(("code", "error", "words"), [
    (49, AuthFailed, "password or the user name"),
    (8, Refused, "requires signing or TLS"),
    (13, Refused, "requires signing or TLS"),
    (48, AuthFailed, "does not accept"),
    (52, Unreachable, "unavailable"),
])
def test_bind_result_codes_become_typed_errors(code: int, error: type, words: str) -> None:
    with fake_ldap(code) as port, pytest.raises(error) as err:
        open_directory("127.0.0.1", CRED, port=port, timeout=2)
    assert words in str(err.value)
    assert CRED.password not in str(err.value)


def test_successful_bind_returns_a_directory() -> None:
    with fake_ldap(0) as port:
        d = open_directory("127.0.0.1", CRED, port=port, timeout=2)
        assert d.where == "directory server 127.0.0.1"
        d.close()


def test_ntlm_bind_rejected_is_auth_failed() -> None:
    with fake_ldap(49) as port, pytest.raises(AuthFailed):
        open_directory("127.0.0.1", Credential("admin@lab.example.com", "x"), port=port,
                       auth="ntlm", timeout=2)


def test_gssapi_without_the_package_says_so() -> None:
    try:
        import gssapi  # noqa: F401
    except ImportError:
        with fake_ldap(0) as port, pytest.raises(InvalidInput) as err:
            open_directory("127.0.0.1", None, port=port, auth="gssapi", timeout=2)
        assert err.value.field == "authentication"
    else:
        pytest.skip("gssapi is installed: the missing-package message cannot be shown")


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"server": " "}, "directory server"),
    ({"auth": "digest"}, "authentication"),
    ({"use_ssl": True, "start_tls": True}, "TLS"),
    ({"port": 70000}, "port"),
    ({"credential": Credential("LAB\\x", "")}, "password"),
    ({"credential": None}, "password"),
])
def test_bad_arguments_are_invalid_input(kwargs: dict, field: str) -> None:
    args = {"server": "127.0.0.1", "credential": CRED, **kwargs}
    with pytest.raises(InvalidInput) as err:
        open_directory(args.pop("server"), args.pop("credential"), **args)
    assert err.value.field == field


def test_unverified_tls_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="appmgr.protocol.ldap")
    logging.getLogger("appmgr").propagate = True
    with pytest.raises(Unreachable):
        open_directory("127.0.0.1", CRED, port=_free_port(), use_ssl=True, validate_cert=False, timeout=1)
    assert any("NOT verified" in r.getMessage() for r in caplog.records)


def test_exception_mapping() -> None:
    assert isinstance(from_exception(lx.LDAPSocketOpenError("x"), "dc"), Unreachable)
    assert isinstance(from_exception(lx.LDAPSocketReceiveError("x"), "dc"), Unreachable)
    assert isinstance(from_exception(lx.LDAPSocketOpenError("[SSL: CERTIFICATE_VERIFY_FAILED]"), "dc"),
                      AuthFailed)
    assert isinstance(from_exception(lx.LDAPStartTLSError("x"), "dc"), Refused)
    assert isinstance(from_exception(lx.LDAPPackageUnavailableError("gssapi"), "dc"), InvalidInput)
    assert isinstance(from_exception(lx.LDAPInvalidCredentialsResult(result=49), "dc"), AuthFailed)
    assert isinstance(from_exception(lx.LDAPStrongerAuthRequiredResult(result=8), "dc"), Refused)
    assert isinstance(from_exception(TimeoutError(), "dc"), Unreachable)
    assert isinstance(from_exception(RuntimeError("?"), "dc"), ProtocolError)


def test_result_code_mapping() -> None:
    assert isinstance(from_result_code(32, "dc"), NotFound)
    assert isinstance(from_result_code(50, "dc"), Refused)
    assert isinstance(from_result_code(4, "dc"), ProtocolError)
    # AD's answer to a search before any bind
    err = from_result_code(1, "dc", "000004DC: LdapErr: DSID-0C090A5C, comment: In order to perform "
                                    "this operation a successful bind must be completed on the connection.")
    assert isinstance(err, AuthFailed)
    assert isinstance(from_result_code(80, "dc", "boom"), ProtocolError)
