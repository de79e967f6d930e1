"""RFC 2136 dynamic UPDATE processing for the lab DNS server.

The message must be parsed with ``one_rr_per_rrset=True`` so that the update
section is applied record by record in wire order, as RFC 2136 §3.4.2 says.
All of an update applies or none: the work happens on a copy of the zone
that the caller swaps in only after it has been persisted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdataset
import dns.rdatatype
import dns.rrset

from core.lab.dns_zones import Zone

R = dns.rcode.Rcode
T = dns.rdatatype.RdataType
_ANY, _NONE = dns.rdataclass.ANY, dns.rdataclass.NONE
_XFR_TYPES = (T.AXFR, T.IXFR, T.MAILA, T.MAILB)


@dataclass(frozen=True)
class UpdateOutcome:
    rcode: int
    zone: Zone | None = None  # the updated copy; None when nothing is to be swapped in
    reason: str = ""


def process_update(
    zones: dict[dns.name.Name, Zone],
    msg: dns.message.Message,
    allowed: Callable[[dns.name.Name], bool],
) -> UpdateOutcome:
    """Check and apply one UPDATE; ``allowed(origin)`` says if the sender may update that zone."""
    if len(msg.question) != 1:
        return UpdateOutcome(R.FORMERR, reason="the zone section must hold exactly one zone")
    zsec = msg.question[0]
    if zsec.rdtype != T.SOA or zsec.rdclass != dns.rdataclass.IN:
        return UpdateOutcome(R.FORMERR, reason="the zone section must be class IN type SOA")
    zone = zones.get(zsec.name)
    if zone is None:
        return UpdateOutcome(R.NOTAUTH, reason=f"not authoritative for zone {zsec.name}")
    if not allowed(zone.origin):
        return UpdateOutcome(R.REFUSED, reason=f"sender may not update zone {zone.origin}")
    prereqs, updates = msg.answer, msg.authority  # RFC 2136 names for these sections
    for check in (_check_prereqs(zone, prereqs), _prescan(zone, updates)):
        if check is not None:
            return check
    new = zone.copy()
    soa_replaced = False
    for rr in updates:
        soa_replaced |= _apply(new, rr)
    if new.same_records(zone):
        return UpdateOutcome(R.NOERROR, reason="no change")
    if not soa_replaced:
        new.bump_serial()
    return UpdateOutcome(R.NOERROR, new, reason="applied")


def _check_prereqs(zone: Zone, prereqs: list[dns.rrset.RRset]) -> UpdateOutcome | None:
    """RFC 2136 §3.2.5; the value-dependent rrsets are compared as whole sets."""
    wanted: dict[tuple[dns.name.Name, dns.rdatatype.RdataType], dns.rdataset.Rdataset] = {}
    for rr in prereqs:
        name, rdtype = rr.name, rr.rdtype
        if not name.is_subdomain(zone.origin):
            return UpdateOutcome(R.NOTZONE, reason=f"{name} is outside zone {zone.origin}")
        if rr.ttl != 0:
            return UpdateOutcome(R.FORMERR, reason="prerequisite TTL must be 0")
        if rr.deleting == _ANY:  # rrset exists (value independent) / name is in use
            if len(rr):
                return UpdateOutcome(R.FORMERR, reason="class ANY prerequisite with data")
            if rdtype == T.ANY:
                if not zone.node(name):
                    return UpdateOutcome(R.NXDOMAIN, reason=f"{name} is not in use")
            elif zone.get(name, rdtype) is None:
                return UpdateOutcome(R.NXRRSET, reason=f"{name} has no {dns.rdatatype.to_text(rdtype)} rrset")
        elif rr.deleting == _NONE:  # rrset does not exist / name is not in use
            if rdtype == T.ANY:
                if zone.node(name):
                    return UpdateOutcome(R.YXDOMAIN, reason=f"{name} is in use")
            elif zone.get(name, rdtype) is not None:
                return UpdateOutcome(R.YXRRSET, reason=f"{name} has a {dns.rdatatype.to_text(rdtype)} rrset")
        elif rr.rdclass == dns.rdataclass.IN and not dns.rdatatype.is_metatype(rdtype):
            rds = wanted.setdefault((name, rdtype), dns.rdataset.Rdataset(rr.rdclass, rdtype))
            for rd in rr:
                rds.add(rd)
        else:
            return UpdateOutcome(R.FORMERR, reason="bad prerequisite class or type")
    for (name, rdtype), rds in wanted.items():
        if zone.get(name, rdtype) != rds:
            return UpdateOutcome(R.NXRRSET, reason=f"{name} {dns.rdatatype.to_text(rdtype)} differs")
    return None


def _prescan(zone: Zone, updates: list[dns.rrset.RRset]) -> UpdateOutcome | None:
    """RFC 2136 §3.4.1.3: reject the whole update before touching anything."""
    for rr in updates:
        if not rr.name.is_subdomain(zone.origin):
            return UpdateOutcome(R.NOTZONE, reason=f"{rr.name} is outside zone {zone.origin}")
        meta = dns.rdatatype.is_metatype(rr.rdtype)
        if rr.deleting is None:
            bad = meta or rr.rdclass != dns.rdataclass.IN
        elif rr.deleting == _ANY:
            bad = rr.ttl != 0 or len(rr) > 0 or rr.rdtype in _XFR_TYPES
        else:  # class NONE: delete one RR
            bad = rr.ttl != 0 or meta
        if bad:
            return UpdateOutcome(R.FORMERR, reason=f"malformed update record for {rr.name}")
    return None


def _serial_newer(new: int, old: int) -> bool:
    return 0 < (new - old) % 2**32 < 2**31


def _apply(zone: Zone, rr: dns.rrset.RRset) -> bool:
    """Apply one update record (RFC 2136 §3.4.2); True when it replaced the SOA."""
    name, rdtype, apex = rr.name, rr.rdtype, rr.name == zone.origin
    node = zone.node(name)
    if rr.deleting is None:  # add to an rrset
        for rd in rr:
            if rdtype == T.SOA:
                if apex and _serial_newer(int(rd.serial), zone.serial):
                    zone.put(name, dns.rdataset.from_rdata(rr.ttl, rd))
                    return True
                continue
            # a CNAME cannot share its name with other data (either side is ignored)
            if rdtype == T.CNAME and any(t != T.CNAME for t in node):
                continue
            if rdtype != T.CNAME and T.CNAME in node:
                continue
            old = zone.get(name, rdtype)
            if old is None or rdtype == T.CNAME:
                rds = dns.rdataset.Rdataset(rr.rdclass, rdtype)
            else:
                rds = old.copy()
            rds.discard(rd)  # a duplicate replaces the old record (its TTL may differ)
            rds.add(rd)
            rds.ttl = rr.ttl  # one TTL per rrset: the latest added record sets it
            zone.put(name, rds)
    elif rr.deleting == _ANY:
        types = list(node) if rdtype == T.ANY else [rdtype]
        for t in types:
            if not (apex and t in (T.SOA, T.NS)):
                zone.remove(name, t)
    else:  # class NONE: delete these records from the rrset
        old = zone.get(name, rdtype)
        if rdtype == T.SOA or old is None:
            return False
        rds = old.copy()
        for rd in rr:
            rds.discard(rd)
        if not (apex and rdtype == T.NS and len(rds) == 0):
            zone.put(name, rds)
    return False
