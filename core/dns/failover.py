"""DNS failover and failback of one server's records (SPEC F-9.4, the guide's DFO utility).

Speaks only to the :class:`~core.ports.Dns` port. A failover:

- forward zone: the source name's A rrset gets the mapped target IPs (IPs
  that are not mapped stay); MX records whose exchange is the source name
  point at the target name instead (looked up at the zone apex and at the
  source name, or at ``mx_names``);
- reverse zones: each target IP's PTR gains the source name; each source
  IP's PTR loses the source name (other names stay);
- every rewritten rrset gets ``ttl`` when given.

Each zone is one :class:`~core.ports.ZoneChange` whose prerequisites are the
values just read, so a record changed by someone else in between makes the
server refuse that zone's update instead of overwriting it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.dns.failover_state import FailoverState, SavedRRSet
from core.dns.names import format_mx, fqdn, ipv4, parse_mx, ptr_name, same_name
from core.errors import InvalidInput, NotFound
from core.ports import Dns, RRSet, ZoneChange


@dataclass
class _Edit:
    zone: str
    before: RRSet  # values () when the rrset did not exist
    after: RRSet  # values () to delete it


@dataclass(frozen=True)
class FailoverPlan:
    """The zone changes of a failover or failback, and what they replace."""

    changes: tuple[ZoneChange, ...]
    originals: tuple[SavedRRSet, ...]
    notes: tuple[str, ...] = ()


class _Planner:
    """Collects edits keyed by (name, type) so a record touched twice is read once."""

    def __init__(self, dns: Dns) -> None:
        self.dns = dns
        self.edits: dict[tuple[str, str], _Edit] = {}
        self.notes: list[str] = []

    def current(self, zone: str, name: str, rdtype: str) -> RRSet:
        key = (name, rdtype)
        if key in self.edits:
            return self.edits[key].after
        found = self.dns.lookup(name, rdtype)
        return found if found is not None else RRSet(name, rdtype, 0, ())

    def set(self, zone: str, name: str, rdtype: str, values: Sequence[str], ttl: int) -> None:
        before = self.edits[(name, rdtype)].before if (name, rdtype) in self.edits else \
            self.current(zone, name, rdtype)
        after = RRSet(name, rdtype, ttl if values else 0, tuple(dict.fromkeys(values)))
        self.edits[(name, rdtype)] = _Edit(zone, before, after)

    def plan(self) -> FailoverPlan:
        changes: dict[str, ZoneChange] = {}
        originals: list[SavedRRSet] = []
        for e in self.edits.values():
            if _same(e.before, e.after):
                continue
            originals.append(SavedRRSet(e.zone, e.before))
            old = changes.get(e.zone, ZoneChange(e.zone))
            changes[e.zone] = ZoneChange(
                e.zone,
                expect=old.expect + (e.before,),
                replace=old.replace + ((e.after,) if e.after.values else ()),
                delete=old.delete + (() if e.after.values else ((e.after.name, e.after.rdtype),)),
            )
        return FailoverPlan(tuple(changes.values()), tuple(originals), tuple(self.notes))


def _same(a: RRSet, b: RRSet) -> bool:
    if {v.lower() for v in a.values} != {v.lower() for v in b.values}:
        return False
    return not a.values or a.ttl == b.ttl


def _check_map(ip_map: Mapping[str, str], ttl: int | None,
               shared_target: bool = False) -> dict[str, str]:
    pairs = {ipv4(s, "source IP"): ipv4(t, "target IP") for s, t in ip_map.items()}
    if not pairs:
        raise InvalidInput("IP map", "map at least one source IP to a target IP")
    same = [s for s, t in pairs.items() if s == t]
    if same:
        raise InvalidInput("IP map", f"{same[0]} is mapped to itself; map it to a target IP")
    if not shared_target and len(set(pairs.values())) != len(pairs):
        raise InvalidInput("IP map", "each monitored source IP needs its own target IP")
    if ttl is not None and not 0 <= ttl <= 2**31 - 1:
        raise InvalidInput("TTL", f"{ttl} is not a TTL (0 to 2147483647 seconds)")
    return pairs


def build_failover(dns: Dns, source_fqdn: str, target_fqdn: str, ip_map: Mapping[str, str],
                   ttl: int | None = None, mx_names: Sequence[str] | None = None,
                   shared_target: bool = False) -> FailoverPlan:
    """Read the current records and plan the failover of ``source_fqdn`` to ``target_fqdn``.

    ``shared_target`` lets several source IPs map to one target IP (``appmgr dfo
    --target-ip IP`` for a source with two addresses); the console maps one to one.
    """
    src, tgt = fqdn(source_fqdn, "source name"), fqdn(target_fqdn, "target name")
    pairs = _check_map(ip_map, ttl, shared_target)
    p = _Planner(dns)
    fzone = dns.zone_of(src)
    a = dns.lookup(src, "A")
    if a is None:
        raise NotFound(f"{src} has no A record on the DNS server; there is nothing to fail over")
    if not set(pairs) & set(a.values):
        p.notes.append(f"none of the source IPs {', '.join(pairs)} is in the A record of {src} "
                       f"({', '.join(a.values)})")
    p.set(fzone, src, "A", [pairs.get(v, v) for v in a.values], a.ttl if ttl is None else ttl)
    for owner in dict.fromkeys(fqdn(n, "MX name") for n in (mx_names or (fzone, src))):
        mx = p.current(fzone, owner, "MX")
        if not any(same_name(parse_mx(v)[1], src) for v in mx.values):
            continue
        values = [format_mx(pref, tgt if same_name(ex, src) else ex)
                  for pref, ex in map(parse_mx, mx.values)]
        p.set(dns.zone_of(owner), owner, "MX", values, mx.ttl if ttl is None else ttl)
    for s_ip, t_ip in pairs.items():
        _reverse(p, src, t_ip, add=True, ttl=ttl, default_ttl=a.ttl)
        _reverse(p, src, s_ip, add=False, ttl=ttl, default_ttl=a.ttl)
    return p.plan()


def _reverse(p: _Planner, src: str, ip: str, add: bool, ttl: int | None, default_ttl: int) -> None:
    """Add ``src`` to (or remove it from) the PTR rrset of ``ip``."""
    owner = ptr_name(ip)
    try:
        zone = p.dns.zone_of(owner)
    except NotFound:
        p.notes.append(f"no reverse zone holds {owner}; its PTR record is left alone")
        return
    cur = p.current(zone, owner, "PTR")
    others = [v for v in cur.values if not same_name(v, src)]
    if add and len(others) == len(cur.values):
        values = [*cur.values, src]
    elif not add and len(others) != len(cur.values):
        values = others
    else:
        return
    keep_ttl = cur.ttl if cur.values else default_ttl
    p.set(zone, owner, "PTR", values, keep_ttl if ttl is None else ttl)


def plan_failover(dns: Dns, source_fqdn: str, target_fqdn: str, ip_map: Mapping[str, str],
                  ttl: int | None = None, mx_names: Sequence[str] | None = None) -> list[ZoneChange]:
    """The zone changes (one per zone, forward zone first) of a DNS failover."""
    return list(build_failover(dns, source_fqdn, target_fqdn, ip_map, ttl, mx_names).changes)


def build_failback(dns: Dns, state: FailoverState) -> FailoverPlan:
    """Plan putting back every rrset saved at failover time (as it is now -> as it was)."""
    p = _Planner(dns)
    for saved in state.originals:
        rr = saved.rrset
        p.set(saved.zone, rr.name, rr.rdtype, rr.values, rr.ttl)
    return p.plan()


def plan_failback(dns: Dns, state: FailoverState) -> list[ZoneChange]:
    """The zone changes restoring the records saved in ``state`` (rrsets already right are skipped)."""
    return list(build_failback(dns, state).changes)
