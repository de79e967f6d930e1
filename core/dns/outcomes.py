"""Turn DNS answers and dnspython exceptions into appmgr's typed errors.

Each error is one sentence an administrator can act on (ARCHITECTURE rule 4);
key secrets never appear (dnspython's key ``repr`` holds the secret, so no
exception text from a key object is ever copied into ours).
"""

from __future__ import annotations

import socket

import dns.exception
import dns.message
import dns.rcode
import dns.tsig

from core.errors import AppmgrError, AuthFailed, ProtocolError, Refused, Unreachable

R = dns.rcode.Rcode
_PREREQ = (R.NXRRSET, R.YXRRSET, R.NXDOMAIN, R.YXDOMAIN)


def transport_error(exc: BaseException, server: str, timeout: float, key: str | None) -> AppmgrError:
    """The typed error for an exception raised while talking to ``server``."""
    signer = f"key {key!r}" if key else "no key"
    if isinstance(exc, dns.exception.Timeout | socket.timeout | TimeoutError):
        return Unreachable(f"the DNS server {server} did not answer within {timeout:g} s")
    if isinstance(exc, dns.tsig.PeerBadKey):
        return AuthFailed(f"the DNS server {server} does not know the TSIG {signer} (BADKEY)")
    if isinstance(exc, dns.tsig.PeerBadSignature):
        return AuthFailed(f"the DNS server {server} rejected the signature made with {signer}: "
                          "the key's secret or algorithm is wrong (BADSIG)")
    if isinstance(exc, dns.tsig.PeerBadTime):
        return AuthFailed(f"the DNS server {server} rejected the signature's time: the clocks "
                          "of this host and the server differ too much (BADTIME)")
    if isinstance(exc, dns.tsig.PeerError):
        return AuthFailed(f"the DNS server {server} rejected the TSIG signature ({signer})")
    if isinstance(exc, dns.tsig.BadSignature | dns.tsig.BadKey | dns.tsig.BadAlgorithm
                  | dns.message.UnknownTSIGKey):
        return AuthFailed(f"the answer of the DNS server {server} is not signed with {signer}; "
                          "it may not be the server you meant")
    if isinstance(exc, dns.exception.FormError) and "TSIG" in str(exc):
        return AuthFailed(f"the DNS server {server} did not sign its answer with {signer}")
    if isinstance(exc, ConnectionRefusedError):
        return Unreachable(f"the DNS server {server} refused the connection (nothing listens there)")
    if isinstance(exc, OSError):
        return Unreachable(f"cannot reach the DNS server {server}: {exc.strerror or exc}")
    return ProtocolError(f"the DNS server {server} sent an answer that cannot be read "
                         f"({type(exc).__name__})")


def update_error(rcode: int, server: str, zone: str, signed: bool,
                 what: str = "the update", signer: str = "the key") -> AppmgrError | None:
    """The typed error for the rcode of an UPDATE answer (None for NOERROR).

    ``signer`` names who signed for a refusal ("the key", "the Kerberos identity …").
    """
    if rcode == R.NOERROR:
        return None
    name = dns.rcode.to_text(R(rcode))
    if rcode == R.REFUSED:
        why = (f"{signer} may not update this zone" if signed
               else "unsigned updates are not allowed; a TSIG key is needed, or GSS-TSIG "
                    "(Kerberos) for a secure-only Active Directory zone")
        return Refused(f"the DNS server {server} refused {what} of zone {zone} ({why})")
    if rcode in _PREREQ:
        return Refused(f"the DNS server {server} did not apply {what} of zone {zone}: the records "
                       f"changed since they were read (prerequisite failed: {name}); read them "
                       "again and retry")
    if rcode == R.NOTAUTH:
        return Refused(f"the DNS server {server} is not authoritative for zone {zone} (NOTAUTH); "
                       "send the update to the zone's primary server")
    if rcode == R.NOTIMP:
        return Refused(f"the DNS server {server} does not accept dynamic updates (NOTIMP)")
    if rcode == R.SERVFAIL:
        return Refused(f"the DNS server {server} failed to apply {what} of zone {zone} (SERVFAIL)")
    return ProtocolError(f"the DNS server {server} answered {name} to {what} of zone {zone}")


def query_error(rcode: int, server: str, name: str) -> AppmgrError | None:
    """The typed error for a query's rcode; None when the answer can be read (incl. NXDOMAIN)."""
    if rcode in (R.NOERROR, R.NXDOMAIN):
        return None
    if rcode == R.REFUSED:
        return Refused(f"the DNS server {server} refused to answer for {name} "
                       "(it serves no zone holding that name)")
    if rcode == R.SERVFAIL:
        return Refused(f"the DNS server {server} could not answer for {name} (SERVFAIL)")
    return ProtocolError(f"the DNS server {server} answered {dns.rcode.to_text(R(rcode))} "
                         f"for {name}")
