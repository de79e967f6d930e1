"""Authoritative answers to standard queries from the lab zones.

Names outside every zone are REFUSED (the lab is not a resolver); inside a
zone the answer carries the AA flag, negative answers (NXDOMAIN, NOERROR
with no data) carry the zone's SOA in the authority section (RFC 2308), and
CNAMEs are followed within the lab zones.
"""

from __future__ import annotations

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdataset
import dns.rdatatype
import dns.rrset

from core.lab.dns_zones import Zone, find_zone

T = dns.rdatatype.RdataType
_MAX_CHAIN = 8


def _rrset(name: dns.name.Name, rds: dns.rdataset.Rdataset) -> dns.rrset.RRset:
    return dns.rrset.from_rdata_list(name, rds.ttl, list(rds))


def _negative(resp: dns.message.Message, zone: Zone) -> None:
    soa = zone.soa
    ttl = min(soa.ttl, int(soa[0].minimum))
    resp.authority.append(dns.rrset.from_rdata_list(zone.origin, ttl, list(soa)))


def answer_query(zones: dict[dns.name.Name, Zone], query: dns.message.Message,
                 resp: dns.message.Message) -> None:
    """Fill ``resp`` (made by ``make_response(query)``) with the answer."""
    if len(query.question) != 1:
        resp.set_rcode(dns.rcode.FORMERR)
        return
    q = query.question[0]
    if q.rdclass not in (dns.rdataclass.IN, dns.rdataclass.ANY):
        resp.set_rcode(dns.rcode.REFUSED)
        return
    if q.rdtype in (T.AXFR, T.IXFR):
        resp.set_rcode(dns.rcode.NOTIMP)  # zone transfers are not part of the lab
        return
    zone = find_zone(zones, q.name)
    if zone is None:
        resp.set_rcode(dns.rcode.REFUSED)
        return
    resp.flags |= dns.flags.AA
    name = q.name
    for _ in range(_MAX_CHAIN):
        node = zone.node(name)
        if not node:
            if not zone.has_descendant(name):
                resp.set_rcode(dns.rcode.NXDOMAIN)
            _negative(resp, zone)
            break
        if q.rdtype == T.ANY:
            resp.answer.extend(_rrset(name, rds) for rds in node.values())
            break
        rds = node.get(q.rdtype)
        if rds is not None:
            resp.answer.append(_rrset(name, rds))
            break
        cname = node.get(T.CNAME)
        if cname is None:
            _negative(resp, zone)
            break
        resp.answer.append(_rrset(name, cname))
        name = cname[0].target
        next_zone = find_zone(zones, name)
        if next_zone is None:
            break  # the client resolves the rest elsewhere
        zone = next_zone
    _add_glue(zones, resp)


def _add_glue(zones: dict[dns.name.Name, Zone], resp: dns.message.Message) -> None:
    """Addresses of the hosts named by NS and MX answers, when the lab holds them."""
    targets: list[dns.name.Name] = []
    for rrset in resp.answer:
        if rrset.rdtype == T.NS:
            targets += [rd.target for rd in rrset]
        elif rrset.rdtype == T.MX:
            targets += [rd.exchange for rd in rrset]
    for target in dict.fromkeys(targets):
        zone = find_zone(zones, target)
        rds = zone.get(target, T.A) if zone else None
        if rds is not None:
            resp.additional.append(_rrset(target, rds))
