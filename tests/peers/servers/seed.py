"""What the peer tests put into Samba AD, and what discovery must find there.

The seeded computers (``CN=Computers`` of lab.example.com):

- ``SEED0001``… plain servers; every 10th also runs SQL Server (``MSSQLSvc/`` SPNs)
  and every 7th (not a SQL one) is a workstation (Windows 10): listed by no server search;
- ``SQLNODE1``/``SQLNODE2``: nodes of a Windows failover cluster (``MSServerClusterMgmtAPI/``
  SPN), SQLNODE1 with a local SQL instance: hidden from discovery;
- ``SQLVS1``: the cluster's virtual server (``MSClusterVirtualServer/`` + ``MSSQLSvc/``): listed;
- ``EX01``/``EX02``: the computers of the two Exchange servers (their Exchange objects are
  made by ``exch_schema.py`` after the start, the schema needs a running DC);
- ``APP01``/``APP02``: the pair whose ``HOST/`` SPNs the SPN-move tests swap.

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


@dataclass(frozen=True)
class Seeded:
    name: str
    os: tuple[str, str] = SERVER_OS
    spns: tuple[str, ...] = ()

    @property
    def fqdn(self) -> str:
        return f"{self.name.lower()}.{DOMAIN}"

    @property
    def dn(self) -> str:
        return f"CN={self.name},{COMPUTERS_DN}"


def _host(name: str) -> tuple[str, ...]:
    return (f"HOST/{name}", f"HOST/{name.lower()}.{DOMAIN}")


def _sql(name: str) -> tuple[str, ...]:
    fq = f"{name.lower()}.{DOMAIN}"
    return (f"MSSQLSvc/{fq}:1433", f"MSSQLSvc/{fq}")


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
)


def everything(count: int) -> list[Seeded]:
    return [*SPECIAL, *bulk(count)]


def expected_sql(count: int) -> set[str]:
    """Names SQL discovery must list: MSSQLSvc SPN, not a cluster node."""
    return {s.name for s in everything(count)
            if any(p.startswith("MSSQLSvc/") for p in s.spns)
            and not any(p.startswith("MSServerClusterMgmtAPI/") for p in s.spns)}


def expected_servers(count: int) -> set[str]:
    """Names a server search lists (server OS or cluster virtual server), nodes included."""
    return {s.name for s in everything(count) if "Server" in s.os[0]
            or any(p.startswith("MSClusterVirtualServer/") for p in s.spns)}


def cluster_nodes() -> set[str]:
    return {s.name for s in SPECIAL if any(p.startswith("MSServerClusterMgmtAPI/") for p in s.spns)}


def ldif(entries: list[Seeded]) -> str:
    out = []
    for s in entries:
        lines = [f"dn: {s.dn}", "objectClass: computer", f"cn: {s.name}",
                 f"sAMAccountName: {s.name}$", f"dNSHostName: {s.fqdn}",
                 f"userAccountControl: {_WORKSTATION_TRUST}"]
        if s.os[0]:  # a cluster virtual server's computer object has no OS
            lines += [f"operatingSystem: {s.os[0]}", f"operatingSystemVersion: {s.os[1]}"]
        lines += [f"servicePrincipalName: {p}" for p in s.spns]
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def write_chunks(entries: list[Seeded], out: Path, chunk: int) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, i in enumerate(range(0, len(entries), chunk)):
        p = out / f"seed-{n:03d}.ldif"
        p.write_text(ldif(entries[i:i + chunk]))
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
