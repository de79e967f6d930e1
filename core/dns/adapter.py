"""The ``Dns`` port over dnspython: queries, RFC 2136 updates with TSIG, the update probe.

Queries go over UDP and fall back to TCP when the answer is truncated.
Updates always go over TCP: an UPDATE is not idempotent, so it must never be
re-sent because a UDP answer was truncated or lost, and TCP has no size limit
for a zone change with many records.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdataset
import dns.rdatatype
import dns.update

from core.dns.dnspython_key import dnspython_key
from core.dns.names import fqdn
from core.dns.outcomes import query_error, transport_error, update_error
from core.dns.tsig_key import TsigKey
from core.errors import AppmgrError, InvalidInput, NotFound, ProtocolError, Refused
from core.ports import RRSet, ZoneChange

#: Label prefix of the names :meth:`DnspythonDns.probe_update` uses.
PROBE_LABEL = "_appmgr-probe-"


def _rdataset(rdtype: str, ttl: int, values: tuple[str, ...]) -> dns.rdataset.Rdataset:
    """Values in presentation form; names in them are absolute even without a trailing dot."""
    return dns.rdataset.from_text_list("IN", rdtype, ttl, list(values), origin=dns.name.root,
                                      relativize=False)


class DnspythonDns:
    """One DNS server (``server:port``), optionally a TSIG key for updates."""

    def __init__(self, server: str, port: int = 53, key: TsigKey | None = None,
                 timeout: float = 3.0, token: Callable[[], str] | None = None) -> None:
        self.server = server
        self.port = port
        self.key = key
        self.timeout = timeout
        self._token = token or (lambda: secrets.token_hex(8))
        self._zones: dict[str, str] = {}
        self._dnskey = dnspython_key(key) if key is not None else None

    def __repr__(self) -> str:
        return f"DnspythonDns({self.label!r}, key={self.key.name if self.key else None!r})"

    @property
    def label(self) -> str:
        """How messages name the server: its address, with the port when not 53."""
        return self.server if self.port == 53 else f"{self.server}:{self.port}"

    @property
    def signed(self) -> bool:
        """Whether updates are signed (a refusal then means "may not", not "must sign")."""
        return self.key is not None

    @property
    def signer(self) -> str:
        """Who signs, for messages (never the secret)."""
        return "the key" if self.key else "nobody"

    # --- queries -----------------------------------------------------------------
    def _query(self, name: str, rdtype: str) -> dns.message.Message:
        try:
            q = dns.message.make_query(fqdn(name), rdtype)
        except dns.rdatatype.UnknownRdatatype as exc:
            raise InvalidInput("record type", f"{rdtype!r} is not a DNS record type") from exc
        q.flags &= ~dns.flags.RD  # ask the server itself, not its resolver
        try:
            resp, _tcp = dns.query.udp_with_fallback(q, self.server, self.timeout, self.port)
        except Exception as exc:
            raise self._transport(exc) from None
        err = query_error(resp.rcode(), self.label, name)
        if err is not None:
            raise err
        return resp

    def lookup(self, name: str, rdtype: str) -> RRSet | None:
        """The rrset of (``name``, ``rdtype``) as the server holds it; None when there is none."""
        rdtype = rdtype.upper()
        resp = self._query(name, rdtype)
        want = dns.rdatatype.from_text(rdtype)
        owner = dns.name.from_text(fqdn(name))
        for _ in range(8):  # follow CNAMEs inside the answer
            rrset = resp.get_rrset(resp.answer, owner, dns.rdataclass.IN, want)
            if rrset is not None:
                values = tuple(sorted(rd.to_text() for rd in rrset))
                return RRSet(owner.to_text().lower(), rdtype, rrset.ttl, values)
            cname = resp.get_rrset(resp.answer, owner, dns.rdataclass.IN, dns.rdatatype.CNAME)
            if cname is None:
                return None
            owner = cname[0].target
        return None

    def zone_of(self, name: str) -> str:
        """The zone holding ``name``: the SOA owner the server names, walking up the labels.

        Remembered per name for the life of this client (a failover asks for the
        same names' zones several times; zone cuts do not move during one).
        """
        key = fqdn(name)
        if key not in self._zones:
            self._zones[key] = self._find_zone(key)
        return self._zones[key]

    def _find_zone(self, name: str) -> str:
        current = dns.name.from_text(name)
        while current != dns.name.root:
            try:
                resp = self._query(current.to_text(), "SOA")
            except Refused:
                resp = None
            if resp is not None:
                for rrset in resp.answer + resp.authority:
                    if rrset.rdtype == dns.rdatatype.SOA and current.is_subdomain(rrset.name):
                        return rrset.name.to_text().lower()
            current = current.parent()
        raise NotFound(f"the DNS server {self.label} serves no zone holding {name}")

    # --- updates -----------------------------------------------------------------
    def _update(self, zone: str) -> dns.update.UpdateMessage:
        if self._dnskey is None:
            return dns.update.UpdateMessage(fqdn(zone, "zone"))
        return dns.update.UpdateMessage(fqdn(zone, "zone"), keyring=self._dnskey)

    def _send(self, msg: dns.update.UpdateMessage, zone: str, what: str,
              tolerate: tuple[int, ...] = ()) -> int:
        """Send one UPDATE over TCP; return its rcode when OK or in ``tolerate``, else raise."""
        try:
            resp = self._exchange(msg)
        except AppmgrError:
            raise
        except Exception as exc:
            raise self._transport(exc) from None
        rcode = resp.rcode()
        if rcode in tolerate:
            return rcode
        err = update_error(rcode, self.label, fqdn(zone).rstrip("."), self.signed, what,
                           self.signer)
        if err is not None:
            raise err
        return rcode

    def _exchange(self, msg: dns.update.UpdateMessage) -> dns.message.Message:
        """One UPDATE and its answer over TCP (the answer's TSIG verified by dnspython)."""
        return dns.query.tcp(msg, self.server, self.timeout, self.port)

    def apply(self, change: ZoneChange) -> None:
        """Send ``change`` as ONE UPDATE message: all of it applies or none.

        Prerequisites: each ``expect`` rrset must hold exactly its values
        (RFC 2136 value-dependent), or must not exist when its values are
        empty. Then each ``replace`` rrset is deleted and its values added
        with its TTL, and each ``delete`` (name, type) is removed.
        """
        msg = self._update(change.zone)
        try:
            for rr in change.expect:
                if rr.values:
                    msg.present(fqdn(rr.name), _rdataset(rr.rdtype, 0, rr.values))
                else:
                    msg.absent(fqdn(rr.name), rr.rdtype)
            for rr in change.replace:
                msg.delete(fqdn(rr.name), rr.rdtype)
                if rr.values:
                    msg.add(fqdn(rr.name), _rdataset(rr.rdtype, rr.ttl, rr.values))
            for name, rdtype in change.delete:
                msg.delete(fqdn(name), rdtype)
        except dns.exception.DNSException as exc:
            raise InvalidInput("record", f"a record of the change to {change.zone} is not "
                               f"valid ({type(exc).__name__})") from None
        self._send(msg, change.zone, "the update")

    def probe_update(self, zone: str) -> None:
        """Prove that the key may update ``zone`` without changing any record.

        The probe is one UPDATE with a prerequisite "name not in use" for a
        random name ``_appmgr-probe-<hex>.<zone>`` and one operation: delete
        the A rrset at that name. Why it changes nothing: the prerequisite
        guarantees the name owns no record when the update runs (the server
        applies an update atomically), so the delete has nothing to remove;
        the zone's contents stay the same and servers bump the SOA serial only
        when the contents change (BIND: an empty diff makes no new version;
        the lab server alike). Why it proves the right: the server must
        verify the signature (BADKEY/BADSIG) and the key's right to update
        the zone (REFUSED) before it runs the update — BIND checks
        ``allow-update`` first and an ``update-policy`` rule for the probe
        name after the (passing) prerequisite. A policy that grants only some
        names would refuse the probe even where failover of those names
        works: the probe errs on the side of "may not". Should the random
        name exist (YXDOMAIN), nothing was proved; another name is tried.
        """
        for _ in range(3):
            probe = f"{PROBE_LABEL}{self._token()}.{fqdn(zone, 'zone')}"
            msg = self._update(zone)
            msg.absent(probe)
            msg.delete(probe, "A")
            if self._send(msg, zone, "the test update", (dns.rcode.YXDOMAIN,)) == dns.rcode.NOERROR:
                return
        raise ProtocolError(f"the DNS server {self.label} reports every probe name in zone "
                            f"{zone} as in use; the update rights could not be tested")

    def _transport(self, exc: BaseException) -> AppmgrError:
        return transport_error(exc, self.label, self.timeout, self.key.name if self.key else None)
