"""Kerberos (GSSAPI) failures as sentences, for every adapter that logs in with a ticket.

Recognised by type name and text so python-gssapi (an optional extra) need not
be imported here.
"""

from __future__ import annotations

from core.errors import AppmgrError, AuthFailed, Unreachable


def kerberos_error(exc: BaseException, where: str, unknown_service: str) -> AppmgrError:
    """No ticket, expired, unknown service (``unknown_service`` says what to do), no KDC, skew."""
    text = str(exc)
    name = type(exc).__name__
    if name == "MissingCredentialsError" or "No Kerberos credentials" in text:
        return AuthFailed(f"{where}: there is no Kerberos ticket on this host; run kinit "
                          "(or point KRB5CCNAME at a ticket cache) and try again")
    if name == "ExpiredCredentialsError" or "expired" in text.lower():
        return AuthFailed(f"{where}: the Kerberos ticket has expired; run kinit again")
    if "not found in Kerberos database" in text:
        return AuthFailed(f"{where}: {unknown_service}")
    if "Cannot contact any KDC" in text or "Cannot find KDC" in text:
        return Unreachable(f"{where}: no Kerberos KDC of the realm answers")
    if "Clock skew" in text:
        return AuthFailed(f"{where}: the clocks of this host and the KDC differ too much")
    return AuthFailed(f"{where}: the Kerberos login failed ({name})")
