"""GSS-TSIG (RFC 3645): DNS updates signed with Kerberos, as AD-integrated zones require.

A ticket-granting ticket must be in the host's Kerberos cache (``kinit``;
``KRB5CCNAME`` and ``KRB5_CONFIG`` as for any Kerberos client). The service
ticket is for ``DNS/<the DNS server's host name>``, so the server is named,
not just addressed: :func:`primary_name` reads it from the zone's SOA.

Two things Samba AD's DNS (4.17) does its own way are worked around here
(both found with the shared recipes; ``nsupdate -g`` sees the same):

1. the TSIG key name must share no suffix with the zone or its records:
   Samba mis-reads a *compressed* TSIG owner name and answers BADSIG. The
   key is named ``<random>.gss-tsig.invalid.``;
2. Samba's TSIG on its answer to an UPDATE does not verify, so the answer
   is read without checking its signature and only its rcode is used; every
   rrset the update changed is then queried again, and a change the server
   does not show is an error. That re-query is the proof, not the answer.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable

import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TKEY
import dns.tsig
import dns.update

from core.dns.adapter import DnspythonDns
from core.dns.names import fqdn
from core.errors import AppmgrError, AuthFailed, NotFound, ProtocolError
from core.kerberos import kerberos_error
from core.ports import ZoneChange

#: Lifetime asked for the negotiated key (the server may shorten it).
KEY_LIFETIME = 3600
_TKEY_GSSAPI_MODE = 3


def primary_name(dns_: DnspythonDns, zone: str) -> str:
    """The zone's primary server name (SOA MNAME) as ``dns_`` serves it, without the dot."""
    soa = dns_.lookup(fqdn(zone, "zone"), "SOA")
    if soa is None or not soa.values:
        raise NotFound(f"the DNS server {dns_.label} serves no zone {zone}")
    return soa.values[0].split()[0].rstrip(".").lower()


class GssTsigDns(DnspythonDns):
    """The Dns port with updates signed by GSS-TSIG (Kerberos) instead of a shared key.

    ``server_name`` is the DNS server's host name (``dc1.lab.example.com``).
    The security context is negotiated (TKEY) on the first update and reused.
    """

    def __init__(self, server: str, port: int = 53, *, server_name: str, timeout: float = 3.0,
                 token: Callable[[], str] | None = None,
                 key_label: Callable[[], str] | None = None) -> None:
        super().__init__(server, port, key=None, timeout=timeout, token=token)
        self.server_name = server_name.strip().rstrip(".").lower()
        self._key_label = key_label or (lambda: uuid.uuid4().hex)
        self._keyring: dns.tsig.GSSTSigAdapter | None = None
        self._keyname: dns.name.Name | None = None

    def __repr__(self) -> str:
        return f"GssTsigDns({self.label!r}, server_name={self.server_name!r})"

    @property
    def signed(self) -> bool:
        return True

    @property
    def signer(self) -> str:
        return "the Kerberos identity of this host's ticket"

    # --- negotiation ------------------------------------------------------------------
    def _tkey_query(self, token: bytes) -> dns.message.QueryMessage:
        assert self._keyname is not None
        now = int(time.time())
        tkey = dns.rdtypes.ANY.TKEY.TKEY(
            dns.rdataclass.ANY, dns.rdatatype.TKEY, dns.tsig.GSS_TSIG, now, now + KEY_LIFETIME,
            _TKEY_GSSAPI_MODE, dns.rcode.NOERROR, token, b"")
        q = dns.message.make_query(self._keyname, dns.rdatatype.TKEY, dns.rdataclass.ANY)
        q.keyring = self._keyring
        q.find_rrset(dns.message.ADDITIONAL, self._keyname, dns.rdataclass.ANY,
                     dns.rdatatype.TKEY, create=True).add(tkey)
        return q

    def _negotiate(self) -> None:
        """Run the TKEY exchange (RFC 3645) until the GSS context is complete."""
        try:
            import gssapi
        except ImportError:
            raise AuthFailed("GSS-TSIG needs the Python package 'gssapi' (pip extra "
                             "'appmgr[gssapi]')") from None
        where = f"the DNS server {self.label} ({self.server_name})"
        try:
            spn = gssapi.Name(f"DNS@{self.server_name}", gssapi.NameType.hostbased_service)
            ctx = gssapi.SecurityContext(name=spn, usage="initiate")
            self._keyname = dns.name.from_text(f"{self._key_label()}.gss-tsig.invalid.")
            self._keyring = dns.tsig.GSSTSigAdapter(
                # dnspython's GSS-TSIG key holds the security context as its secret
                {self._keyname: dns.tsig.Key(self._keyname, ctx,  # type: ignore[arg-type]
                                             dns.tsig.GSS_TSIG)})
            token = ctx.step()
            for _ in range(8):  # Kerberos needs one round trip; bound it anyway
                resp = dns.query.tcp(self._tkey_query(token), self.server, self.timeout, self.port)
                tkey = _tkey_answer(resp)
                if tkey is None or resp.rcode() != dns.rcode.NOERROR or tkey.error:
                    code = tkey.error if tkey is not None and tkey.error else resp.rcode()
                    raise AuthFailed(f"{where} refused the Kerberos key exchange "
                                     f"({dns.rcode.to_text(code)})")
                if ctx.complete:
                    return
                token = ctx.step(tkey.key)
                if ctx.complete:
                    return
            raise ProtocolError(f"{where}: the Kerberos key exchange did not finish")
        except AppmgrError:
            self._keyring = None
            raise
        except gssapi.exceptions.GSSError as exc:
            self._keyring = None
            raise _kerberos_error(exc, where, self.server_name) from None
        except Exception as exc:
            self._keyring = None
            raise self._transport(exc) from None

    # --- updates ----------------------------------------------------------------------
    def _update(self, zone: str) -> dns.update.UpdateMessage:
        if self._keyring is None:
            self._negotiate()
        return dns.update.UpdateMessage(fqdn(zone, "zone"), keyring=self._keyring,
                                        keyname=self._keyname, keyalgorithm=dns.tsig.GSS_TSIG)

    def _exchange(self, msg: dns.update.UpdateMessage) -> dns.message.Message:
        # Workaround 2: Samba's answer TSIG does not verify; read it unverified.
        wire = msg.to_wire()
        deadline = time.time() + self.timeout
        with socket.create_connection((self.server, self.port), timeout=self.timeout) as s:
            dns.query.send_tcp(s, wire, deadline)
            # keyring=False: dnspython reads the TSIG without verifying (its stub says a dict)
            resp, _ = dns.query.receive_tcp(s, deadline, keyring=False)  # type: ignore[arg-type]
        return resp

    def apply(self, change: ZoneChange) -> None:
        """Send ``change`` (one UPDATE) and prove by querying that the server made it."""
        super().apply(change)
        for rr in change.replace:
            now = self.lookup(rr.name, rr.rdtype)
            got = {v.lower() for v in now.values} if now else set()
            if got != {v.lower() for v in rr.values} or (now is not None and now.ttl != rr.ttl):
                raise ProtocolError(f"the DNS server {self.label} accepted the update of zone "
                                    f"{change.zone} but {rr.rdtype} {rr.name} is not as sent")
        for name, rdtype in change.delete:
            if self.lookup(name, rdtype) is not None:
                raise ProtocolError(f"the DNS server {self.label} accepted the update of zone "
                                    f"{change.zone} but {rdtype} {name} is still there")


def _tkey_answer(resp: dns.message.Message) -> dns.rdtypes.ANY.TKEY.TKEY | None:
    for rrset in resp.answer:
        if rrset.rdtype == dns.rdatatype.TKEY and len(rrset):
            return rrset[0]
    return None


def _kerberos_error(exc: BaseException, where: str, server_name: str) -> AppmgrError:
    return kerberos_error(exc, where, f"the Kerberos realm knows no service DNS/{server_name}; "
                                      "name the DNS server by its host name")

