"""Discovery against Samba AD: rootDSE, paged searches, SQL and Exchange servers, clusters.

The directory holds what ``servers/seed.py`` put there (2,000 numbered computers and
the special ones, SQL service accounts among them) plus the Exchange server objects of
``servers/exch_schema.py`` (2003 to 2016 and an Edge server).
Expected sets come from the seed; each is also checked against ``ldapsearch``'s answer.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.apps.registry import get_app
from core.directory.connect import open_directory
from core.directory.ldap_directory import SQL_FILTER, LdapDirectory
from tests.peers.conftest import DC_NAME, Peers
from tests.peers.servers import exch_schema, seed

DOMAIN_DN = "DC=lab,DC=example,DC=com"
CONFIG_DN = f"CN=Configuration,{DOMAIN_DN}"


@pytest.fixture(scope="module")
def directory(peers: Peers) -> Iterator[LdapDirectory]:
    d = open_directory(DC_NAME, peers.admin, use_ssl=True, ca_file=peers.ca, timeout=10,
                       page_size=500)
    yield d
    d.close()


def _names(entries: dict[str, dict[str, list[str]]]) -> set[str]:
    return {a["samaccountname"][0].rstrip("$").upper() for a in entries.values()}


def test_root_dse_names_the_contexts_and_the_forest_root(directory: LdapDirectory,
                                                         peers: Peers) -> None:
    dse = directory.root_dse()
    raw = peers.ldapsearch("", "(objectClass=*)", "defaultNamingContext",
                           "configurationNamingContext", "rootDomainNamingContext",
                           scope="base", paged=False)[""]
    assert dse.default_nc == raw["defaultnamingcontext"][0] == DOMAIN_DN
    assert dse.config_nc == raw["configurationnamingcontext"][0] == CONFIG_DN
    assert dse.root_domain_nc == raw["rootdomainnamingcontext"][0] == DOMAIN_DN
    assert dse.forest_root == "lab.example.com"


def test_server_search_reads_every_page(directory: LdapDirectory, peers: Peers) -> None:
    found = directory.servers()
    names = {c.name for c in found}
    assert names >= seed.expected_servers(peers.count)
    assert len(names) > 1000  # beyond AD's page limit
    # more than one page was asked for and the server honoured the size of each
    assert directory.last_pages > 1
    assert all(n <= 500 for n in directory.last_page_sizes)
    assert sum(directory.last_page_sizes) == len(found)


@pytest.mark.parametrize("parallel", [1, 2, 3])
def test_sql_discovery_finds_exactly_the_sql_servers_in_pages(peers: Peers, parallel: int) -> None:
    # parallel > 1: partitions by uSNCreated on more connections; each object exactly once
    d = open_directory(DC_NAME, peers.admin, use_ssl=True, ca_file=peers.ca, timeout=10,
                       page_size=50, parallel=parallel)
    try:
        found = d.sql_servers()
        sizes, pages = d.last_page_sizes, d.last_pages
    finally:
        d.close()
    names = {c.name for c in found}
    # every host an SPN names (cluster nodes and disabled computers too: discovery hides them)
    assert names == seed.sql_hosts(peers.count)
    assert len(found) == len(names)  # each once
    # the pages hold the objects carrying the SPNs (service accounts among them)
    assert pages == len(sizes) > 1 and max(sizes) <= 50
    assert sum(sizes) == seed.sql_holders(peers.count)
    # what OpenLDAP's client gets for the same filter: the same objects, accounts included
    raw = _names(peers.ldapsearch(DOMAIN_DN, SQL_FILTER, "sAMAccountName"))
    assert len(raw) == seed.sql_holders(peers.count) and {"SVC-SQL", "GMSA-SQL"} <= raw
    assert names == (raw - {"SVC-SQL", "GMSA-SQL"}) | {"SQLSVC1", "SQLNODNS", "SQLGMSA1"}


def test_exchange_discovery_reads_the_configuration_nc(directory: LdapDirectory,
                                                       peers: Peers) -> None:
    found = {c.name: c for c in directory.exchange_servers()}
    assert sorted(found) == sorted(exch_schema.SERVERS)
    assert {n: c.dns_host_name for n, c in found.items()} == {
        n: fqdn for n, (_, _, fqdn) in exch_schema.SERVERS.items()}
    domain_members = [c for n, c in found.items() if n != "EDGE01"]
    assert all(c.operating_system.startswith("Windows Server") for c in domain_members)  # joined
    assert found["EDGE01"].role == "edge" and not found["EDGE01"].operating_system
    raw = peers.ldapsearch(CONFIG_DN, "(objectClass=msExchExchangeServer)", "cn")
    assert sorted(a["cn"][0] for a in raw.values()) == sorted(exch_schema.SERVERS)


def test_sql_application_lists_virtual_servers_and_hides_nodes(directory: LdapDirectory,
                                                               peers: Peers) -> None:
    app = get_app("sql")
    listed = app.discover(directory)
    names = [c.name for c in listed]
    assert set(names) == seed.expected_sql(peers.count)
    assert "SQLVS1" in names and "SQLNODE1" not in names
    assert next(c for c in listed if c.name == "SQLVS1").is_cluster_virtual
    assert names == sorted(names)


def test_exchange_application_gives_versions_and_support(directory: LdapDirectory) -> None:
    listed = get_app("exchange").discover(directory)
    assert [c.name for c in listed] == sorted(exch_schema.EXPECTED)
    assert {c.name: (c.app_version, c.supported, c.role) for c in listed} == exch_schema.EXPECTED
    notes = {c.name: c.note for c in listed}
    assert "Exchange 2010 is not supported" in notes["EX10"]
    assert "Edge Transport" in notes["EDGE01"] and "no computer object" in notes["EDGE01"]


def test_server_discovery_hides_cluster_nodes(directory: LdapDirectory, peers: Peers) -> None:
    listed = {c.name for c in get_app("fileprint").discover(directory)}
    assert "SQLVS1" in listed  # a virtual server (no OS on its object) is listed
    assert not listed & seed.cluster_nodes()
    # the nodes are there: the directory answers for them, discovery hides them
    raw = peers.ldapsearch(DOMAIN_DN, "(servicePrincipalName=MSServerClusterMgmtAPI/*)",
                           "sAMAccountName")
    assert _names(raw) == seed.cluster_nodes()
    assert listed == seed.expected_servers(peers.count) - seed.cluster_nodes()
