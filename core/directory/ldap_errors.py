"""ldap3 failures as the typed errors of :mod:`core.errors` (rule 4).

Two shapes reach us: exceptions (socket problems, or result codes when a
connection raises) and result dictionaries (``conn.result``) when it does
not. Both end up in :func:`from_result_code` / :func:`from_exception`.
Messages name the server, never the password.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ldap3.core import exceptions as lx

from core.errors import (
    AppmgrError,
    AuthFailed,
    InvalidInput,
    NotFound,
    ProtocolError,
    Refused,
    Unreachable,
)
from core.kerberos import kerberos_error as _kerberos_error

log = logging.getLogger("appmgr.protocol.ldap")

SUCCESS = 0
# RFC 4511 result codes we explain in words.
OPERATIONS_ERROR = 1
TIME_LIMIT = 3
SIZE_LIMIT = 4
AUTH_METHOD_NOT_SUPPORTED = 7
STRONGER_AUTH_REQUIRED = 8
ADMIN_LIMIT = 11
CONFIDENTIALITY_REQUIRED = 13
NO_SUCH_OBJECT = 32
INAPPROPRIATE_AUTH = 48
INVALID_CREDENTIALS = 49
INSUFFICIENT_ACCESS = 50
BUSY = 51
UNAVAILABLE = 52
UNWILLING = 53


def from_result_code(code: int, where: str, message: str = "") -> AppmgrError:
    """The typed error for an LDAP result code returned by ``where``."""
    detail = f" ({message.strip()})" if message and message.strip() else ""
    if code == INVALID_CREDENTIALS:
        return AuthFailed(f"{where} rejected the login: {ad_reason(message)}")
    if code == INAPPROPRIATE_AUTH:
        return AuthFailed(f"{where} does not accept this kind of login (anonymous or empty password)")
    if code in (STRONGER_AUTH_REQUIRED, CONFIDENTIALITY_REQUIRED):
        return Refused(f"{where}: the server requires signing or TLS; use LDAPS or StartTLS")
    if code == AUTH_METHOD_NOT_SUPPORTED:
        return Refused(f"{where} does not support this authentication method")
    if code == INSUFFICIENT_ACCESS:
        return Refused(f"{where}: the account may not read this part of the directory")
    if code == OPERATIONS_ERROR and "bind" in message.lower():
        # AD answers an unauthenticated search with operationsError 000004DC.
        return AuthFailed(f"{where} requires a login before searching")
    if code == NO_SUCH_OBJECT:
        return NotFound(f"{where}: the search base does not exist{detail}")
    if code in (BUSY, UNAVAILABLE):
        return Unreachable(f"{where} is busy or unavailable; try again")
    if code == TIME_LIMIT:
        return Unreachable(f"{where} did not finish the search in time")
    if code in (SIZE_LIMIT, ADMIN_LIMIT):
        return ProtocolError(f"{where} stopped the search at its size limit (paging not honoured)")
    if code == UNWILLING:
        return Refused(f"{where} is unwilling to perform the request{detail}")
    return ProtocolError(f"{where} answered with LDAP error {code}{detail}")


#: AD's reason for a failed bind: "data <hex>" in the diagnostic message (MS-ADTS / winerror)
AD_BIND_REASONS = {
    "525": "the user does not exist (AD code 525)",
    "52e": "the password or the user name is not correct (AD code 52e)",
    "530": "the account may not log in at this time of day (AD code 530)",
    "531": "the account may not log in from this computer (AD code 531)",
    "532": "the account's password has expired: change it, then log in again (AD code 532)",
    "533": "the account is disabled (AD code 533)",
    "568": "the account is in too many groups to log in (AD code 568)",
    "701": "the account has expired (AD code 701)",
    "773": "the account must change its password before it can log in (AD code 773)",
    "775": "the account is locked out after too many wrong passwords (AD code 775)",
}
_AD_DATA = re.compile(r"\bdata\s+([0-9a-fA-F]{3,8})\b")


def ad_reason(message: str) -> str:
    """Why AD (or Samba) refused a bind, from the ``data NNN`` sub-code of its message."""
    m = _AD_DATA.search(message or "")
    code = m.group(1).lower().lstrip("0") if m else ""
    return AD_BIND_REASONS.get(code, "the password or the user name is not correct, or "
                                     "the account may not log in")


def from_exception(exc: BaseException, where: str) -> AppmgrError:
    """The typed error for an ldap3 exception raised while talking to ``where``."""
    if isinstance(exc, AppmgrError):
        return exc
    text = str(exc)
    if isinstance(exc, lx.LDAPOperationResult):
        return from_result_code(int(exc.result or 0), where, getattr(exc, "message", "") or "")
    tls = _tls_error(text, where)
    if tls is not None:
        return tls
    if _is_gssapi(exc):
        return kerberos_error(exc, where)
    if isinstance(exc, lx.LDAPStartTLSError):
        return Refused(f"{where} could not start TLS on the LDAP connection")
    if isinstance(exc, lx.LDAPResponseTimeoutError):
        return Unreachable(f"{where} did not answer in time")
    if isinstance(exc, lx.LDAPSocketOpenError):
        if "refused" in text.lower():
            return Unreachable(f"{where} refused the connection: no directory service listens "
                               "on that port (wrong port, or the DC's service is down)")
        if "timed out" in text.lower():
            return Unreachable(f"cannot connect to {where}: no answer to the connection "
                               "within the timeout (host down, or a firewall drops it)")
        return Unreachable(f"cannot connect to {where} on the LDAP port ({text})")
    if isinstance(exc, lx.LDAPSocketReceiveError):
        return Unreachable(f"{where} stopped answering (timeout or connection lost)")
    if isinstance(exc, lx.LDAPCommunicationError | lx.LDAPMaximumRetriesError):
        return Unreachable(f"the connection to {where} failed")
    if isinstance(exc, lx.LDAPPackageUnavailableError):
        return InvalidInput("authentication", f"this method needs a Python package that is not installed ({text})")
    if isinstance(exc, lx.LDAPSASLMechanismNotSupportedError | lx.LDAPUnknownAuthenticationMethodError):
        return Refused(f"{where} does not support this authentication method")
    if isinstance(exc, lx.LDAPUserNameIsMandatoryError | lx.LDAPPasswordIsMandatoryError):
        return InvalidInput("password", "enter a user name and a password")
    if isinstance(exc, lx.LDAPBindError):
        return AuthFailed(f"{where} rejected the login")
    if isinstance(exc, lx.LDAPInvalidDnError | lx.LDAPInvalidFilterError):
        return InvalidInput("directory", f"not a valid directory name or filter ({text})")
    if isinstance(exc, TimeoutError | ConnectionError | OSError):
        return Unreachable(f"cannot reach {where}")
    return ProtocolError(f"{where}: unexpected LDAP failure ({type(exc).__name__})")


def _tls_error(text: str, where: str) -> AppmgrError | None:
    """LDAPS and StartTLS failures carry OpenSSL's words in the exception text."""
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return AuthFailed(f"{where}: its TLS certificate is not trusted by this host: give the "
                          "domain's CA certificate (PEM) with appmgr domain login --ca FILE, "
                          "or in the CA file field of the domain login dialog")
    if "doesn't match any name" in text:
        return AuthFailed(f"{where}: its TLS certificate is made out to another name; connect "
                          "by the name the certificate carries (the DC's host name)")
    if any(w in text for w in ("ssl wrapping error", "wrap socket error", "SSL:")):
        # e.g. LDAPS to the plain port: Samba resets the connection at the ClientHello
        return Refused(f"{where}: the TLS handshake failed (is this the LDAPS port?)")
    return None


def _is_gssapi(exc: BaseException) -> bool:
    # python-gssapi's errors, without importing gssapi (an optional extra)
    return type(exc).__module__.split(".")[0] == "gssapi"


def kerberos_error(exc: BaseException, where: str) -> AppmgrError:
    """A Kerberos failure of an LDAP bind as a sentence."""
    return _kerberos_error(exc, where, "the Kerberos realm does not know this server's "
                                       "service name; connect by the DC's host name")


def check(result: Mapping[str, Any] | None, where: str) -> None:
    """Raise the typed error when an operation's ``conn.result`` is not success."""
    if not result:
        return
    code = int(result.get("result", SUCCESS) or SUCCESS)
    if code != SUCCESS:
        raise from_result_code(code, where, str(result.get("message") or ""))


@contextmanager
def ldap_errors(where: str) -> Iterator[None]:
    """Translate any ldap3 / socket exception raised inside into a typed error."""
    try:
        yield
    except AppmgrError:
        raise
    except (lx.LDAPException, OSError) as exc:
        # The library's own words stay in the debug log; the user gets a sentence.
        log.debug("%s: %s: %s", where, type(exc).__name__, exc)
        raise from_exception(exc, where) from None
    except Exception as exc:
        if not _is_gssapi(exc):
            raise
        log.debug("%s: %s: %s", where, type(exc).__name__, exc)
        raise kerberos_error(exc, where) from None
