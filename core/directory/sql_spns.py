"""SQL Server hosts from ``MSSQLSvc/`` SPNs, whatever account carries them (no ldap3).

SQL Server registers ``MSSQLSvc/<host>:<port>`` (TCP), ``MSSQLSvc/<host>:<INSTANCE>``
(a named instance) and ``MSSQLSvc/<host>`` (the default instance) on the account its
service runs as: the computer itself (LocalSystem, NetworkService), a domain user
(``svc-sql``, the usual practice) or a (group) managed service account, which AD
makes a subclass of computer. So the SPN's host names the server, never the
account: the account is only shown. Each host is joined to its computer object by
dNSHostName, else by name (a host label ``sql01`` -> ``SQL01$``), and the SPN's
FQDN stands in when the computer has no dNSHostName.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from core.directory.entries import computer_from_attrs, decode_values
from core.ports import DirectoryComputer

DEFAULT_INSTANCE = "MSSQLSERVER"
#: object classes of accounts that run services but are not servers themselves
SERVICE_ACCOUNT_CLASSES = frozenset({"msds-groupmanagedserviceaccount",
                                     "msds-managedserviceaccount"})
#: what the SQL search reads of each account carrying an ``MSSQLSvc/`` SPN
HOLDER_ATTRIBUTES = ("sAMAccountName", "objectClass", "dNSHostName", "operatingSystem",
                     "operatingSystemVersion", "servicePrincipalName", "userAccountControl")
NO_COMPUTER_NOTE = "no computer object in the domain (host named only by an MSSQLSvc SPN)"


@dataclass(frozen=True)
class SqlSpn:
    host: str  # lower case: an FQDN or a single label
    instance: str = ""  # upper case; DEFAULT_INSTANCE for a bare host
    port: int | None = None


def parse_sql_spn(spn: str) -> SqlSpn | None:
    """``MSSQLSvc/sql01.lab.example.com:1433`` -> host and port; ``…:INST1`` -> the named
    instance; ``MSSQLSvc/sql01`` -> the default instance. None for other services."""
    service, _, rest = spn.partition("/")
    if service.strip().lower() != "mssqlsvc":
        return None
    host, _, tail = rest.split("/", 1)[0].partition(":")
    host, tail = host.strip().rstrip(".").lower(), tail.strip()
    if not host:
        return None
    if tail.isdigit():
        return SqlSpn(host, port=int(tail))
    return SqlSpn(host, instance=tail.upper() if tail else DEFAULT_INSTANCE)


@dataclass(frozen=True)
class Holder:
    """An account with ``MSSQLSvc/`` SPNs: who it is and, if a computer, the computer."""

    account: str  # sAMAccountName as AD has it (``SQL01$``, ``svc-sql``)
    spns: tuple[SqlSpn, ...]
    computer: DirectoryComputer | None  # None for users and managed service accounts


def object_classes(attrs: Mapping[str, Sequence[bytes | str]]) -> set[str]:
    low = {k.lower(): v for k, v in attrs.items()}
    return {c.lower() for c in decode_values(low.get("objectclass"))}


def is_server_object(attrs: Mapping[str, Sequence[bytes | str]]) -> bool:
    """A computer account that is a machine (not a gMSA/MSA, which are computer subclasses)."""
    classes = object_classes(attrs)
    return "computer" in classes and not classes & SERVICE_ACCOUNT_CLASSES


def holder_from_attrs(dn: str, attrs: Mapping[str, Sequence[bytes | str]]) -> Holder:
    low = {k.lower(): decode_values(v) for k, v in attrs.items()}
    sam = (low.get("samaccountname") or [""])[0]
    spns = tuple(p for p in (parse_sql_spn(s) for s in low.get("serviceprincipalname") or ())
                 if p is not None)
    computer = computer_from_attrs(dn, attrs) if is_server_object(attrs) else None
    return Holder(sam or dn.split(",", 1)[0].partition("=")[2], spns, computer)


class ComputerIndex:
    """Computer objects by DNS name and by name, for joining SPN hosts."""

    def __init__(self, computers: Iterable[DirectoryComputer] = ()) -> None:
        self._by_dns: dict[str, DirectoryComputer] = {}
        self._by_name: dict[str, DirectoryComputer] = {}
        for c in computers:
            self.add(c)

    def add(self, c: DirectoryComputer) -> None:
        if c.dns_host_name:
            self._by_dns.setdefault(c.dns_host_name.lower(), c)
        self._by_name.setdefault(c.name.upper(), c)

    def find(self, host: str) -> DirectoryComputer | None:
        """By dNSHostName for an FQDN, else by name (the host's first label)."""
        found = self._by_dns.get(host.lower()) if "." in host else None
        if found is None:
            candidate = self._by_name.get(host.split(".", 1)[0].upper())
            # a computer whose dNSHostName names another domain is another machine
            if candidate is not None and not ("." in host and candidate.dns_host_name):
                found = candidate
        return found


def hosts_of(holders: Iterable[Holder]) -> list[str]:
    """Every SPN host, once, in the order first seen."""
    return list(dict.fromkeys(s.host for h in holders for s in h.spns))


def sql_hosts(holders: Sequence[Holder], index: ComputerIndex) -> list[DirectoryComputer]:
    """One entry per SQL host: its computer object (or the SPN's name when it has
    none) with the instances, ports and accounts of its SPNs; never an account."""
    groups: dict[str, list[tuple[SqlSpn, str]]] = {}
    computers: dict[str, DirectoryComputer | None] = {}
    fqdns: dict[str, str] = {}
    for h in holders:
        for spn in h.spns:
            computer = index.find(spn.host)
            key = computer.dn if computer else spn.host.split(".", 1)[0].upper()
            groups.setdefault(key, []).append((spn, h.account))
            computers.setdefault(key, computer)
            if "." in spn.host:
                fqdns.setdefault(key, spn.host)
    out = []
    for key, items in groups.items():
        instances = sorted({s.instance for s, _ in items if s.instance},
                           key=lambda i: (i != DEFAULT_INSTANCE, i))
        ports = tuple(sorted({s.port for s, _ in items if s.port is not None}))
        accounts = tuple(dict.fromkeys(a for _, a in items))
        computer = computers[key]
        if computer is None:
            computer = DirectoryComputer(name=key, dn="", dns_host_name=fqdns.get(key, ""),
                                         note=NO_COMPUTER_NOTE)
        elif not computer.dns_host_name and key in fqdns:
            computer = replace(computer, dns_host_name=fqdns[key])
        out.append(replace(computer, sql_instances=tuple(instances), sql_ports=ports,
                           sql_accounts=accounts))
    return out
