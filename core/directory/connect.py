"""Opening a real directory server with ldap3 (simple, NTLM or Kerberos bind).

Against AD: simple binds need LDAPS (636) or StartTLS unless the domain
allows plain binds; ldap3 2.9.1 neither signs nor seals SASL, so GSSAPI needs
a server that does not insist on signing. NTLM uses Microsoft's "Sicily"
bind (AD yes, Samba no) and needs pycryptodome for MD4 on OpenSSL 3.
GSSAPI uses the Kerberos ticket cache of the admin host (``kinit``); its
password, if any, is not used.
"""

from __future__ import annotations

import contextlib
import logging
import math
import ssl

from ldap3 import KERBEROS, NONE, NTLM, SASL, SIMPLE, Connection, Server, Tls

from core.credentials.usernames import parse_user
from core.directory.ldap_directory import LdapDirectory
from core.directory.ldap_errors import check, ldap_errors
from core.errors import AuthFailed, InvalidInput
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
    auth: str = "simple",
    timeout: float = 5.0,
    page_size: int = 500,
    default_domain: str = "",
) -> LdapDirectory:
    """Connect and bind to ``server``; the returned directory owns the connection.

    ``timeout`` bounds the TCP connect and every wait for an answer (the
    latter in whole seconds, rounded up: ldap3 sets SO_RCVTIMEO from an int).
    Raises Unreachable (no answer in time), AuthFailed (bad
    credentials, untrusted certificate), Refused (the server wants signing or
    TLS) or InvalidInput (bad arguments).
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

    tls = None
    if use_ssl or start_tls:
        if not validate_cert:
            log.warning("TLS certificate of %s is NOT verified (validate_cert=False)", server)
        tls = Tls(validate=ssl.CERT_REQUIRED if validate_cert else ssl.CERT_NONE)
    where = f"directory server {server}"
    srv = Server(
        server, port=port or (636 if use_ssl else 389), use_ssl=use_ssl, tls=tls,
        get_info=NONE, connect_timeout=timeout,
    )
    kwargs: dict[str, object] = {
        "read_only": True,
        # ldap3 packs SO_RCVTIMEO from whole seconds: a float breaks it.
        "receive_timeout": max(1, math.ceil(timeout)),
        "raise_exceptions": False,
        "auto_referrals": False,
    }
    if auth == "simple":
        assert credential is not None
        kwargs.update(user=credential.user, password=credential.password, authentication=SIMPLE)
    elif auth == "ntlm":
        assert credential is not None
        domain, user = parse_user(credential.user, default_domain)
        # ldap3's NTLM wants DOMAIN\user; a UPN's DNS suffix is accepted by AD there.
        kwargs.update(user=f"{domain}\\{user}", password=credential.password, authentication=NTLM)
    else:
        host = srv.host
        kwargs.update(authentication=SASL, sasl_mechanism=KERBEROS, sasl_credentials=(host,))
    conn = Connection(srv, **kwargs)  # type: ignore[arg-type]
    try:
        with ldap_errors(where):
            conn.open()
            if start_tls and not conn.start_tls():
                check(conn.result, where)
            if not conn.bind():
                check(conn.result, where)
                raise AuthFailed(f"{where} rejected the login")
    except BaseException:
        _close_quietly(conn)
        raise
    log.info("bound to %s as %s (%s%s)", server, credential.user if credential else "(ticket)", auth,
             ", ldaps" if use_ssl else ", starttls" if start_tls else "")
    return LdapDirectory(conn, page_size=page_size)


def _close_quietly(conn: Connection) -> None:
    # Best effort on a connection that already failed.
    with contextlib.suppress(Exception):
        conn.unbind()
