"""The lab DNS server's zones: built from the estate, copied, persisted.

A :class:`Zone` maps owner names to their rdatasets (dnspython objects, so
the server answers and compares records exactly as the wire does). Updates
work on a :meth:`Zone.copy` that replaces the original only when complete.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdataset
import dns.rdatatype

from core.atomic import read_json, write_json
from core.lab.estate import Estate

Name = dns.name.Name
_FILE_VERSION = 1


@dataclass
class Zone:
    origin: Name
    nodes: dict[Name, dict[int, dns.rdataset.Rdataset]] = field(default_factory=dict)

    def copy(self) -> Zone:
        return Zone(self.origin, {n: {t: rds.copy() for t, rds in node.items()}
                                  for n, node in self.nodes.items()})

    def get(self, name: Name, rdtype: int) -> dns.rdataset.Rdataset | None:
        return self.nodes.get(name, {}).get(rdtype)

    def node(self, name: Name) -> dict[int, dns.rdataset.Rdataset]:
        return self.nodes.get(name, {})

    def has_descendant(self, name: Name) -> bool:
        """True when a name below ``name`` owns records (``name`` is an empty non-terminal)."""
        return any(n != name and n.is_subdomain(name) for n in self.nodes)

    def put(self, name: Name, rds: dns.rdataset.Rdataset) -> None:
        if len(rds) == 0:
            self.remove(name, rds.rdtype)
        else:
            self.nodes.setdefault(name, {})[rds.rdtype] = rds

    def remove(self, name: Name, rdtype: int) -> None:
        node = self.nodes.get(name)
        if node is not None:
            node.pop(rdtype, None)
            if not node:
                del self.nodes[name]

    @property
    def soa(self) -> dns.rdataset.Rdataset:
        rds = self.get(self.origin, dns.rdatatype.SOA)
        assert rds is not None, "every lab zone has an SOA"
        return rds

    @property
    def serial(self) -> int:
        return int(self.soa[0].serial)

    def bump_serial(self) -> None:
        """Increment the SOA serial (RFC 1982 arithmetic; 0 is skipped)."""
        old = self.soa
        new_serial = (self.serial + 1) % 2**32 or 1
        rds = dns.rdataset.Rdataset(old.rdclass, old.rdtype)
        rds.add(old[0].replace(serial=new_serial), old.ttl)
        self.put(self.origin, rds)

    def same_records(self, other: Zone) -> bool:
        return self.nodes == other.nodes and all(
            self.nodes[n][t].ttl == other.nodes[n][t].ttl for n in self.nodes for t in self.nodes[n]
        )

    def to_json(self) -> list[dict[str, object]]:
        return [
            {"name": n.to_text(), "type": dns.rdatatype.to_text(dns.rdatatype.RdataType(t)), "ttl": rds.ttl,
             "values": sorted(r.to_text() for r in rds)}
            for n, node in sorted(self.nodes.items()) for t, rds in sorted(node.items())
        ]

    @classmethod
    def from_json(cls, origin: str, records: list[dict[str, object]]) -> Zone:
        zone = cls(dns.name.from_text(origin))
        for rec in records:
            values = rec["values"]
            assert isinstance(values, list)
            zone.put(dns.name.from_text(str(rec["name"])),
                     rdataset(str(rec["type"]), int(str(rec["ttl"])), [str(v) for v in values]))
        return zone


def rdataset(rdtype: str, ttl: int, values: list[str]) -> dns.rdataset.Rdataset:
    rds = dns.rdataset.Rdataset(dns.rdataclass.IN, dns.rdatatype.from_text(rdtype))
    for v in values:
        rds.add(dns.rdata.from_text(dns.rdataclass.IN, rds.rdtype, v), ttl)
    return rds


def find_zone(zones: dict[Name, Zone], name: Name) -> Zone | None:
    """The most specific zone holding ``name`` (None when it is outside all of them)."""
    best: Zone | None = None
    for origin, zone in zones.items():
        if name.is_subdomain(origin) and (best is None or len(origin) > len(best.origin)):
            best = zone
    return best


def empty_zone(estate: Estate, origin: Name) -> Zone:
    """A zone with only its SOA and NS (the estate's DNS server) records."""
    domain = estate.domain.rstrip(".") + "."
    ns = estate.server(estate.dns_server).fqdn(estate.domain).rstrip(".") + "."
    soa = f"{ns} hostmaster.{domain} 1 900 600 86400 {min(estate.ttl, 300)}"
    zone = Zone(origin)
    zone.put(origin, rdataset("SOA", estate.ttl, [soa]))
    zone.put(origin, rdataset("NS", estate.ttl, [ns]))
    return zone


def build_zones(estate: Estate) -> dict[Name, Zone]:
    """The forward and reverse zones of ``estate``: SOA, NS -> the DNS server, MX -> the
    estate's mail server, an A record per server holding every address of it (a second
    address, e.g. an SMTP virtual server's, registers like Windows does: under the
    server's name) and a PTR per address. Cluster virtual servers and cluster names are
    servers of the estate, so they get theirs too."""
    domain = estate.domain.rstrip(".") + "."
    zones: dict[Name, Zone] = {}
    for origin in (domain, estate.reverse_zone.rstrip(".") + "."):
        zone = empty_zone(estate, dns.name.from_text(origin))
        zones[zone.origin] = zone
    fwd, rev = zones[dns.name.from_text(domain)], zones[dns.name.from_text(estate.reverse_zone + ".")]
    for s in estate.servers:
        host = dns.name.from_text(s.fqdn(estate.domain).rstrip(".") + ".")
        fwd.put(host, rdataset("A", estate.ttl, list(s.ips)))
        for ip in s.ips:
            rev.put(dns.name.from_text(ip.split(".")[-1], rev.origin),
                    rdataset("PTR", estate.ttl, [host.to_text()]))
    if estate.mx:
        mail = estate.server(estate.mx).fqdn(estate.domain).rstrip(".") + "."
        fwd.put(fwd.origin, rdataset("MX", estate.ttl, [f"10 {mail}"]))
    return zones


def estate_fingerprint(estate: Estate) -> str:
    """Changes when the estate's zones would change (domain, net, servers, key, ttl)."""
    parts = [estate.domain, estate.net, estate.dns_server, str(estate.ttl), estate.mx]
    parts += [f"{s.name}={','.join(s.ips)}" for s in estate.servers]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


def save_zones(path: Path, zones: dict[Name, Zone], estate: Estate) -> None:
    """Write every zone to ``path`` atomically (a crash leaves the old or the new file)."""
    write_json(path, {
        "version": _FILE_VERSION,
        "estate": estate_fingerprint(estate),
        "zones": {o.to_text(): z.to_json() for o, z in zones.items()},
    })


def load_zones(path: Path, estate: Estate) -> dict[Name, Zone] | None:
    """Zones saved for this same estate, or None (no file, another estate, unreadable)."""
    try:
        data = read_json(path)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != _FILE_VERSION:
        return None
    if data.get("estate") != estate_fingerprint(estate):
        return None
    try:
        zones = {dns.name.from_text(o): Zone.from_json(o, recs) for o, recs in data["zones"].items()}
    except Exception:  # a damaged file must not keep the lab from starting
        return None
    if any(z.get(z.origin, dns.rdatatype.SOA) is None for z in zones.values()):
        return None
    return zones
