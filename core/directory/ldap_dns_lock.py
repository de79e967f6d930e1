"""Lock a record of an AD-integrated DNS zone against its owner's re-registration.

After a DNS failover the source's A record names the target's address. A source
that comes back would register its own address again (Windows' DHCP client and
Netlogon do so at start and every day), sending clients back to a server that is
no longer the live one. Where the zone is stored in the directory, the record is
a ``dnsNode`` object and the DNS server applies a secure update with the client's
own rights on it, so one deny ACE for the source's computer account stops it
(the guide's DFO utility "locks" the record the same way). Failback removes that
ACE, so the source can register again.

Where the zone is not in the directory (BIND, or a zone file), nothing here can
lock the record: :func:`lock_record` says so and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from ldap3 import BASE, MODIFY_REPLACE, SUBTREE, Connection
from ldap3.protocol.microsoft import security_descriptor_control
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import escape_rdn

from core.directory import security_descriptor as sd
from core.directory.ldap_errors import NO_SUCH_OBJECT, check, ldap_errors
from core.directory.ldap_exchange import refuse_read_only
from core.errors import NotFound, Refused
from core.ports import DnsLock, RootDse

DACL_ONLY = 0x04  # SD_FLAGS: DACL_SECURITY_INFORMATION
SD = "nTSecurityDescriptor"


def partitions(root: RootDse) -> list[str]:
    """Where AD keeps zones: the domain's and the forest's DNS partitions, then the
    domain partition's ``CN=System`` (Windows 2000-style zones)."""
    return [f"CN=MicrosoftDNS,DC=DomainDnsZones,{root.default_nc}",
            f"CN=MicrosoftDNS,DC=ForestDnsZones,{root.root_domain_nc or root.default_nc}",
            f"CN=MicrosoftDNS,CN=System,{root.default_nc}"]


def _candidates(fqdn: str, root: RootDse) -> Iterator[str]:
    """The dnsNode DNs ``fqdn`` may have: each split into (node, zone), longest zone first."""
    labels = fqdn.rstrip(".").lower().split(".")
    for i in range(1, len(labels)):
        node, zone = ".".join(labels[:i]), ".".join(labels[i:])
        for part in partitions(root):
            yield f"DC={escape_rdn(node)},DC={escape_rdn(zone)},{part}"


def _exists(conn: Connection, dn: str, where: str, time_limit: int) -> bool:
    # asked without the SD_FLAGS control first: servers that keep no zones (and ldap3's
    # mock, which fails on a control it does not know) answer this plainly
    with ldap_errors(where):
        ok = conn.search(dn, "(objectClass=dnsNode)", BASE, attributes=["objectClass"],
                         time_limit=time_limit)
    if not ok:
        if (conn.result or {}).get("result") == NO_SUCH_OBJECT:
            return False
        check(conn.result, where)
    return any(e.get("type") == "searchResEntry" for e in conn.response or ())


def _read_sd(conn: Connection, dn: str, where: str, time_limit: int) -> bytes:
    with ldap_errors(where):
        ok = conn.search(dn, "(objectClass=dnsNode)", BASE, attributes=[SD],
                         controls=security_descriptor_control(sdflags=DACL_ONLY),
                         time_limit=time_limit)
    if not ok:
        check(conn.result, where)
    for entry in conn.response or ():
        if entry.get("type") == "searchResEntry":
            got = entry["raw_attributes"].get(SD) or []
            if got:
                return bytes(got[0])
    raise Refused(f"{where} does not let this account read the security of {dn}")


def _find(conn: Connection, fqdn: str, root: RootDse, where: str,
          time_limit: int) -> tuple[str, bytes] | None:
    for dn in _candidates(fqdn, root):
        if _exists(conn, dn, where, time_limit):
            return dn, _read_sd(conn, dn, where, time_limit)
    return None


def account_sid(conn: Connection, base: str, account: str, where: str, time_limit: int) -> bytes:
    """The ``objectSid`` of the account named ``account`` (``FS01$`` for a computer)."""
    with ldap_errors(where):
        conn.search(base, f"(sAMAccountName={escape_filter_chars(account)})", SUBTREE,
                    attributes=["objectSid"],
                    time_limit=time_limit)
    for entry in conn.response or ():
        if entry.get("type") == "searchResEntry":
            sid = entry["raw_attributes"].get("objectSid") or []
            if sid:
                return bytes(sid[0])
    raise NotFound(f"{where} has no account {account} to lock the record against")


def _write(conn: Connection, dn: str, value: bytes, where: str) -> None:
    refuse_read_only(conn, where)
    with ldap_errors(where):
        ok = conn.modify(dn, {SD: [(MODIFY_REPLACE, [value])]},
                         controls=security_descriptor_control(sdflags=DACL_ONLY))
    if not ok:
        check(conn.result, where)


def _not_stored(fqdn: str, where: str, lock: bool) -> DnsLock:
    then = "it cannot be locked there" if lock else "there is no lock to lift"
    return DnsLock(fqdn, "", False, f"{fqdn} is not a record of a zone stored in {where} "
                   f"(not AD-integrated): {then}")


def lock_record(conn: Connection, root: RootDse, fqdn: str, account: str, where: str,
                time_limit: int) -> DnsLock:
    """Deny ``account`` (a sAMAccountName: ``FS01$``) the right to change ``fqdn``'s record."""
    found = _find(conn, fqdn, root, where, time_limit)
    if found is None:
        return _not_stored(fqdn, where, True)
    dn, current = found
    sid = account_sid(conn, root.default_nc, account, where, time_limit)
    if not sd.is_locked(current, sid):
        _write(conn, dn, sd.locked(current, sid), where)
    return DnsLock(fqdn, dn, True, f"{fqdn} locked: {account} "
                   f"({sd.sid_to_str(sid)}) can no longer re-register it")


def unlock_record(conn: Connection, root: RootDse, fqdn: str, account: str, where: str,
                  time_limit: int) -> DnsLock:
    """Remove the lock of :func:`lock_record` (every other ACE stays)."""
    found = _find(conn, fqdn, root, where, time_limit)
    if found is None:
        return _not_stored(fqdn, where, False)
    dn, current = found
    sid = account_sid(conn, root.default_nc, account, where, time_limit)
    if sd.is_locked(current, sid):
        _write(conn, dn, sd.unlocked(current, sid), where)
    return DnsLock(fqdn, dn, False, f"{fqdn} unlocked: {account} may register it again")


def is_locked(conn: Connection, root: RootDse, fqdn: str, account: str, where: str,
              time_limit: int) -> bool:
    """Whether ``fqdn``'s record holds the lock for ``account`` (re-read from the server)."""
    found = _find(conn, fqdn, root, where, time_limit)
    if found is None:
        return False
    sid = account_sid(conn, root.default_nc, account, where, time_limit)
    return sd.is_locked(found[1], sid)
