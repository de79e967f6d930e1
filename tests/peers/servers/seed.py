"""What the peer tests put into Samba AD, and what discovery must find there.

The seeded computers (``CN=Computers`` of lab.example.com):

- ``SEED0001``… plain servers; every 10th also runs SQL Server (``MSSQLSvc/`` SPNs)
  and every 7th (not a SQL one) is a workstation (Windows 10): listed by no server search;
- ``SQLNODE1``/``SQLNODE2``: nodes of a Windows failover cluster (``MSServerClusterMgmtAPI/``
  SPN), SQLNODE1 with a local SQL instance: hidden from discovery;
- ``SQLVS1``: the cluster's virtual server (``MSClusterVirtualServer/`` + ``MSSQLSvc/``): listed;
- ``EX01``/``EX02``: the computers of the two Exchange servers (their Exchange objects are
  made by ``exch_schema.py`` after the start, the schema needs a running DC);
- ``APP01``/``APP02``: the pair whose ``HOST/`` SPNs the SPN-move tests swap;
- SQL as AD holds it beyond the computer's own SPNs (issue 14): ``SQLSVC1`` and
  ``SQLNODNS`` (no dNSHostName) whose ``MSSQLSvc/`` SPNs are on the user ``svc-sql``,
  ``SQLGMSA1`` whose SPNs are on the gMSA ``gmsa-sql$`` (class
  ``msDS-GroupManagedServiceAccount``, added offline: Samba 4.17 has no
  ``samba-tool service-account`` and needs no KDS root key for an ldbadd), ``SQLMULTI``
  with three named instances, ``SQLOFF1`` a disabled computer (userAccountControl 4098)
  with SQL SPNs;
- ``EX03``/``EX07``/``EX10``/``EX13``: computers of Exchange 2003/2007/2010/2013 servers
  (``EDGE01``, an Edge server, has an Exchange object but no computer: no domain member).

``python -m tests.peers.servers.seed --count N --chunk 2000 --out DIR`` writes the LDIF files
for offline ``ldbadd`` (one file per chunk: ldbadd slows down with a big transaction).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DOMAIN = "lab.example.com"
DOMAIN_DN = "DC=lab,DC=example,DC=com"
COMPUTERS_DN = f"CN=Computers,{DOMAIN_DN}"
SERVER_OS = ("Windows Server 2019 Datacenter", "10.0 (17763)")
CLIENT_OS = ("Windows 10 Enterprise", "10.0 (19045)")
_WORKSTATION_TRUST = 4096


_DISABLED = _WORKSTATION_TRUST | 2  # ACCOUNTDISABLE
_NORMAL_USER = 66048  # NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD


@dataclass(frozen=True)
class Seeded:
    name: str
    os: tuple[str, str] = SERVER_OS
    spns: tuple[str, ...] = ()
    disabled: bool = False
    has_dns_name: bool = True

    @property
    def fqdn(self) -> str:
        return f"{self.name.lower()}.{DOMAIN}"

    @property
    def dn(self) -> str:
        return f"CN={self.name},{COMPUTERS_DN}"


def _host(name: str) -> tuple[str, ...]:
    return (f"HOST/{name}", f"HOST/{name.lower()}.{DOMAIN}")


def _sql(name: str, *instances: str) -> tuple[str, ...]:
    """The SPNs of a default instance (no ``instances``) or of named ones (port each)."""
    fq = f"{name.lower()}.{DOMAIN}"
    if not instances:
        return (f"MSSQLSvc/{fq}:1433", f"MSSQLSvc/{fq}")
    return tuple(p for i, inst in enumerate(instances)
                 for p in (f"MSSQLSvc/{fq}:{inst}", f"MSSQLSvc/{fq}:{49801 + i}"))


@dataclass(frozen=True)
class ServiceAccount:
    """A user or gMSA that SQL Server runs as: its ``MSSQLSvc/`` SPNs name other hosts."""

    name: str  # sAMAccountName ("svc-sql", "gmsa-sql$")
    gmsa: bool
    spns: tuple[str, ...]

    @property
    def dn(self) -> str:
        cn = self.name.rstrip("$")
        where = "CN=Managed Service Accounts" if self.gmsa else "CN=Users"
        return f"CN={cn},{where},{DOMAIN_DN}"

    def ldif_lines(self) -> list[str]:
        cn = self.name.rstrip("$")
        if self.gmsa:
            lines = [f"dn: {self.dn}", "objectClass: msDS-GroupManagedServiceAccount",
                     f"cn: {cn}", f"sAMAccountName: {self.name}",
                     f"dNSHostName: {cn}.{DOMAIN}", f"userAccountControl: {_WORKSTATION_TRUST}",
                     "msDS-ManagedPasswordInterval: 30"]
        else:
            lines = [f"dn: {self.dn}", "objectClass: user", f"cn: {cn}",
                     f"sAMAccountName: {self.name}", f"userAccountControl: {_NORMAL_USER}"]
        return lines + [f"servicePrincipalName: {p}" for p in self.spns]


def bulk(count: int, start: int = 1) -> Iterator[Seeded]:
    """``count`` numbered computers from ``start`` (the 2,000 of the tests, 20,000 of the bench)."""
    for i in range(start, start + count):
        name = f"SEED{i:05d}"
        if i % 10 == 0:
            yield Seeded(name, SERVER_OS, _host(name) + _sql(name))
        elif i % 7 == 0:
            yield Seeded(name, CLIENT_OS, _host(name))
        else:
            yield Seeded(name, SERVER_OS, _host(name))


SPECIAL: tuple[Seeded, ...] = (
    Seeded("SQLNODE1", spns=_host("SQLNODE1") + _sql("SQLNODE1")
           + ("MSServerClusterMgmtAPI/SQLNODE1", "MSServerClusterMgmtAPI/sqlnode1.lab.example.com")),
    Seeded("SQLNODE2", spns=_host("SQLNODE2")
           + ("MSServerClusterMgmtAPI/SQLNODE2", "MSServerClusterMgmtAPI/sqlnode2.lab.example.com")),
    Seeded("SQLVS1", os=("", ""), spns=("MSClusterVirtualServer/SQLVS1",
                           "MSClusterVirtualServer/sqlvs1.lab.example.com") + _sql("SQLVS1")),
    Seeded("EX01", spns=_host("EX01") + ("exchangeMDB/ex01.lab.example.com",)),
    Seeded("EX02", spns=_host("EX02") + ("exchangeMDB/ex02.lab.example.com",)),
    Seeded("APP01", spns=_host("APP01") + ("WSMAN/app01.lab.example.com",)),
    Seeded("APP02", spns=_host("APP02") + ("WSMAN/app02.lab.example.com",)),
    Seeded("SQLSVC1", spns=_host("SQLSVC1")),
    Seeded("SQLNODNS", spns=("HOST/SQLNODNS",), has_dns_name=False),
    Seeded("SQLGMSA1", spns=_host("SQLGMSA1")),
    Seeded("SQLMULTI", spns=_host("SQLMULTI") + _sql("SQLMULTI", "SALES", "HR", "FINANCE")),
    Seeded("SQLOFF1", spns=_host("SQLOFF1") + _sql("SQLOFF1"), disabled=True),
    Seeded("EX03", os=("Windows Server 2003", "5.2 (3790)"), spns=_host("EX03")),
    Seeded("EX07", os=("Windows Server 2008 Enterprise", "6.0 (6002)"), spns=_host("EX07")),
    Seeded("EX10", os=("Windows Server 2008 R2 Enterprise", "6.1 (7601)"), spns=_host("EX10")),
    Seeded("EX13", os=("Windows Server 2012 R2 Standard", "6.3 (9600)"), spns=_host("EX13")),
)

SERVICE_ACCOUNTS: tuple[ServiceAccount, ...] = (
    ServiceAccount("svc-sql", False, _sql("SQLSVC1") + ("MSSQLSvc/sqlnodns.lab.example.com:1433",)),
    ServiceAccount("gmsa-sql$", True, _sql("SQLGMSA1", "REPORTS")),
)

#: instances discovery must show per SQL host (a bare ``MSSQLSvc/host`` is the default)
SQL_INSTANCES = {"SQLSVC1": ["MSSQLSERVER"], "SQLNODNS": [], "SQLGMSA1": ["REPORTS"],
                 "SQLMULTI": ["FINANCE", "HR", "SALES"], "SQLOFF1": ["MSSQLSERVER"],
                 "SQLVS1": ["MSSQLSERVER"]}
SQL_ACCOUNTS = {"SQLSVC1": ["svc-sql"], "SQLNODNS": ["svc-sql"], "SQLGMSA1": ["gmsa-sql$"],
                "SQLMULTI": ["SQLMULTI$"], "SQLOFF1": ["SQLOFF1$"]}


def everything(count: int) -> list[Seeded]:
    return [*SPECIAL, *bulk(count)]


def _spn_host_names(spns: tuple[str, ...]) -> set[str]:
    return {p.split("/", 1)[1].split(":", 1)[0].split(".", 1)[0].upper()
            for p in spns if p.startswith("MSSQLSvc/")}


def sql_hosts(count: int) -> set[str]:
    """Every host an ``MSSQLSvc/`` SPN names, whoever holds it (nodes, disabled included)."""
    own = {s.name for s in everything(count) if _spn_host_names(s.spns)}
    return own | {h for a in SERVICE_ACCOUNTS for h in _spn_host_names(a.spns)}


def sql_holders(count: int) -> int:
    """How many objects carry ``MSSQLSvc/`` SPNs (what an LDAP search for them returns)."""
    return (sum(1 for s in everything(count) if _spn_host_names(s.spns))
            + sum(1 for a in SERVICE_ACCOUNTS if _spn_host_names(a.spns)))


def disabled() -> set[str]:
    return {s.name for s in SPECIAL if s.disabled}


def expected_sql(count: int, include_disabled: bool = False) -> set[str]:
    """Names SQL discovery must list: every SPN's host, not a cluster node, not a
    disabled computer unless asked for; never a service account."""
    hidden = cluster_nodes() | (set() if include_disabled else disabled())
    return sql_hosts(count) - hidden


def expected_servers(count: int) -> set[str]:
    """Names a server search lists (server OS or cluster virtual server), nodes included,
    disabled computers not."""
    return {s.name for s in everything(count) if not s.disabled and ("Server" in s.os[0]
            or any(p.startswith("MSClusterVirtualServer/") for p in s.spns))}


def cluster_nodes() -> set[str]:
    return {s.name for s in SPECIAL if any(p.startswith("MSServerClusterMgmtAPI/") for p in s.spns)}


def ldif(entries: list[Seeded]) -> str:
    out = []
    for s in entries:
        lines = [f"dn: {s.dn}", "objectClass: computer", f"cn: {s.name}",
                 f"sAMAccountName: {s.name}$"]
        if s.has_dns_name:
            lines.append(f"dNSHostName: {s.fqdn}")
        lines.append(f"userAccountControl: {_DISABLED if s.disabled else _WORKSTATION_TRUST}")
        if s.os[0]:  # a cluster virtual server's computer object has no OS
            lines += [f"operatingSystem: {s.os[0]}", f"operatingSystemVersion: {s.os[1]}"]
        lines += [f"servicePrincipalName: {p}" for p in s.spns]
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def write_chunks(entries: list[Seeded], out: Path, chunk: int) -> list[Path]:
    """The computers in chunks; the first chunk also holds the service accounts."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    accounts = "\n".join("\n".join(a.ldif_lines()) + "\n" for a in SERVICE_ACCOUNTS)
    for n, i in enumerate(range(0, len(entries), chunk)):
        p = out / f"seed-{n:03d}.ldif"
        p.write_text(ldif(entries[i:i + chunk]) + ("\n" + accounts if n == 0 else ""))
        paths.append(p)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--chunk", type=int, default=2000)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    for p in write_chunks(everything(a.count), a.out, a.chunk):
        print(p)


if __name__ == "__main__":
    main()
