"""Opening a real directory server with ldap3 (simple, NTLM or Kerberos bind).

Against AD: simple binds need LDAPS (636) or StartTLS unless the domain
allows plain binds; ldap3 2.9.1 neither signs nor seals SASL, so GSSAPI needs
TLS too (Samba: ``ldap server require strong auth = allow_sasl_over_tls``; AD
accepts SASL inside TLS) or a server that does not insist on signing. NTLM
uses Microsoft's "Sicily" bind (AD yes, Samba no) and needs pycryptodome for
MD4 on OpenSSL 3. GSSAPI uses the Kerberos ticket cache of the admin host
(``kinit``, ``KRB5CCNAME``); its password, if any, is not used.

TLS certificates are validated by default, against the system's trust store
or ``ca_file`` (e.g. the domain's CA); ``validate_cert=False`` turns that off
and says so in the log. A domain name is resolved to its controllers' host
names first (:mod:`core.directory.locator`), so the certificate check sees
the name the certificate carries.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import socket
import ssl
import time
import warnings

from ldap3 import KERBEROS, NONE, NTLM, SASL, SIMPLE, Connection, Server, Tls
from ldap3.core import exceptions as lx

from core.directory.ldap_directory import LdapDirectory
from core.directory.ldap_errors import check, ldap_errors
from core.directory.locator import domain_controllers
from core.directory.partitions import DEFAULT_PARALLEL
from core.dns.lookup import resolve_host
from core.domains import check_ca_file
from core.errors import AuthFailed, InvalidInput, Refused, Unreachable
from core.ports import Credential

log = logging.getLogger("appmgr.protocol.ldap")

AUTH_METHODS = ("simple", "ntlm", "gssapi")


def open_directory(
    server: str,
    credential: Credential | None,
    *,
    port: int | None = None,
    use_ssl: bool = False,
    start_tls: bool = False,
    validate_cert: bool = True,
    ca_file: str | None = None,
    auth: str = "simple",
    timeout: float = 5.0,
    page_size: int = 1000,
    default_domain: str = "",
    read_only: bool = True,
    locate: bool = True,
    parallel: int = DEFAULT_PARALLEL,
) -> LdapDirectory:
    """Connect and bind to ``server``; the returned directory owns the connection.

    ``server`` is a DC's host name or address, or a domain name (its
    controllers are tried in DC-locator order when ``locate``). ``timeout``
    bounds the whole opening — DC lookup, name resolution, connect, TLS and
    bind — and then every wait for an answer (in whole seconds, rounded up:
    ldap3 sets SO_RCVTIMEO from an int). ``read_only`` False allows writes (SPN
    moves). ``parallel`` connections (opened when a big discovery search needs
    them) share the server's work. Raises Unreachable (name not resolved,
    connection refused, no answer in time), AuthFailed (bad credentials, no
    Kerberos ticket, untrusted certificate), Refused (the server wants signing
    or TLS) or InvalidInput (bad arguments, a CA file that is not one).
    """
    server = server.strip()
    if not server:
        raise InvalidInput("directory server", "enter a domain controller name or address")
    if auth not in AUTH_METHODS:
        raise InvalidInput("authentication", f"must be one of {', '.join(AUTH_METHODS)}")
    if use_ssl and start_tls:
        raise InvalidInput("TLS", "choose LDAPS or StartTLS, not both")
    if port is not None and not 1 <= port <= 65535:
        raise InvalidInput("port", "must be a whole number from 1 to 65535")
    if auth != "gssapi" and (credential is None or not credential.password):
        raise InvalidInput("password", "enter a user name and a password")

    deadline = time.monotonic() + timeout
    tls: dict[str, object] | None = None
    if use_ssl or start_tls:
        if not validate_cert:
            log.warning("TLS certificate of %s is NOT verified (validate_cert=False): "
                        "anyone on the path can pose as the server", server)
        ca = check_ca_file(ca_file) if ca_file and validate_cert else None
        tls = {"validate": ssl.CERT_REQUIRED if validate_cert else ssl.CERT_NONE,
               "ca_certs_file": ca or None}
        _tls(tls, time.monotonic() + timeout)  # ldap3's own check of the settings, once
    located = domain_controllers(server, _left(deadline), shown_timeout=timeout) if locate else []
    hosts = located or [server]
    last: Unreachable | None = None
    for host in hosts:
        args = (host, credential, port, use_ssl, start_tls, tls, auth, timeout, default_domain,
                read_only)
        try:
            conn = _bind(*args, budget=_left(deadline))
        except Unreachable as exc:
            last = exc
            if time.monotonic() >= deadline:
                break
            continue
        log.info("bound to %s as %s (%s%s)", host, credential.user if credential else "(ticket)",
                 auth, ", ldaps" if use_ssl else ", starttls" if start_tls else "")
        return LdapDirectory(conn, page_size=page_size, parallel=parallel,
                             opener=functools.partial(_bind, *args))
    assert last is not None
    if locate and not located and str(last).endswith("DNS knows no such name"):
        # neither a host nor a domain with DC records: most likely mistyped
        raise Unreachable(f"{last}, nor a domain with domain controllers "
                          f"(_ldap._tcp.dc._msdcs.{server})")
    raise last


def _left(deadline: float) -> float:
    return max(0.05, deadline - time.monotonic())


class _ResolvedServer(Server):
    """An ldap3 Server whose addresses were resolved beforehand (with a time limit):
    ldap3's own lookup has none. The host name stays the server's name, for the
    certificate check, the Kerberos service name and the messages."""

    def __init__(self, host: str, addresses: list, **kwargs: object) -> None:
        super().__init__(host, **kwargs)
        self._appmgr_addresses = [[*a, None, None] for a in addresses]

    @property
    def address_info(self) -> list:
        return self._appmgr_addresses


class _BoundedTls(Tls):
    """ldap3's Tls whose handshake ends at the opening's deadline: ldap3 would give
    it a whole receive timeout, after a connect that may have used most of the budget."""

    def __init__(self, deadline: float, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._deadline = deadline

    def wrap_socket(self, connection: Connection, do_handshake: bool = False) -> None:
        connection.socket.settimeout(_left(self._deadline))
        super().wrap_socket(connection, do_handshake)


def _tls(args: dict[str, object], deadline: float) -> _BoundedTls:
    try:
        return _BoundedTls(deadline, **args)
    except lx.LDAPSSLConfigurationError as exc:  # the CA file was checked: ldap3's words else
        raise InvalidInput("ca", f"the CA file cannot be used ({exc})") from None


def _bind(host: str, credential: Credential | None, port: int | None, use_ssl: bool,
          start_tls: bool, tls: dict[str, object] | None, auth: str, timeout: float,
          default_domain: str, read_only: bool, *, budget: float | None = None) -> Connection:
    """One bound connection, opened within ``budget`` seconds (default ``timeout``)."""
    where = f"directory server {host}"
    port = port or (636 if use_ssl else 389)
    deadline = time.monotonic() + (timeout if budget is None else budget)
    addresses = resolve_host(host, port, _left(deadline), shown_timeout=timeout,
                             what=f"the domain controller {host}")
    srv = _ResolvedServer(host, addresses, port=port, use_ssl=use_ssl, get_info=NONE,
                          tls=_tls(tls, deadline) if tls is not None else None,
                          connect_timeout=_left(deadline))
    kwargs: dict[str, object] = {
        "read_only": read_only,
        # ldap3 packs SO_RCVTIMEO from whole seconds: a float breaks it.
        "receive_timeout": max(1, math.ceil(timeout)),
        "raise_exceptions": False,
        "auto_referrals": False,
        # no schema is read (get_info=NONE): skip ldap3's per-value formatting, the
        # adapter reads raw_attributes only (a fifth of the client's time per entry)
        "check_names": False,
    }
    if auth == "simple":
        assert credential is not None
        kwargs.update(user=credential.user, password=credential.password, authentication=SIMPLE)
    elif auth == "ntlm":
        assert credential is not None
        from core.credentials.usernames import parse_user  # NTLM only

        domain, user = parse_user(credential.user, default_domain)
        # ldap3's NTLM wants DOMAIN\user; a UPN's DNS suffix is accepted by AD there.
        kwargs.update(user=f"{domain}\\{user}", password=credential.password, authentication=NTLM)
    else:
        # The service ticket is for ldap/<the host name we connect to>.
        kwargs.update(authentication=SASL, sasl_mechanism=KERBEROS, sasl_credentials=(srv.host,))
    conn = Connection(srv, **kwargs)
    # A server that accepts the connection and then says nothing (a stopped DC) would hold
    # the TLS handshake, StartTLS and the bind for a receive timeout each: each of them
    # waits only for what is left of the budget (the handshakes: _BoundedTls).
    recv_timeout = kwargs["receive_timeout"]
    try:
        with ldap_errors(where):
            conn.open()
            _no_delay(conn)
            if start_tls:
                conn.socket.settimeout(_left(deadline))
                if not conn.start_tls():
                    check(conn.result, where)
            conn.socket.settimeout(_left(deadline))
            with warnings.catch_warnings():
                # ldap3 parses the server certificate for Kerberos channel bindings; a
                # self-signed DC certificate with a negative serial makes cryptography warn.
                warnings.simplefilter("ignore")
                bound = conn.bind()
            if not bound:
                check(conn.result, where)
                raise AuthFailed(f"{where} rejected the login")
            conn.socket.settimeout(recv_timeout)  # later searches: per answer
    except BaseException as exc:
        _close_quietly(conn)
        if time.monotonic() >= deadline - 0.02 and isinstance(exc, Unreachable | Refused):
            # what timed out was the budget, whatever ldap3 called it (a TLS error, …)
            raise _no_answer(where, port, timeout) from None
        raise
    return conn


def _no_answer(where: str, port: int, timeout: float) -> Unreachable:
    return Unreachable(f"{where} accepted the connection on port {port} but did not answer "
                       f"within {timeout:g} s (is the DC stopped or overloaded?)")


def _no_delay(conn: Connection) -> None:
    """Send each request at once (TCP_NODELAY): ldap3 leaves Nagle on, and a bind after
    the TLS handshake then waits for the server's delayed ACK (~40 ms on Linux)."""
    sock = getattr(conn, "socket", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _close_quietly(conn: Connection) -> None:
    # Best effort on a connection that already failed.
    with contextlib.suppress(Exception):
        conn.unbind()
