"""Discovery against Samba AD: rootDSE, paged searches, SQL and Exchange servers, clusters.

The directory holds what ``servers/seed.py`` put there (2,000 numbered computers and
the special ones) plus two Exchange server objects (``servers/exch_schema.py``).
Expected sets come from the seed; each is also checked against ``ldapsearch``'s answer.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.apps.registry import get_app
from core.directory.connect import open_directory
from core.directory.ldap_directory import SQL_FILTER, LdapDirectory
from tests.peers.conftest import DC_NAME, Peers
from tests.peers.servers import seed

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
    nodes = seed.cluster_nodes()
    assert names - nodes == seed.expected_sql(peers.count)
    assert len(found) == len(names)  # each once
    assert pages == len(sizes) > 1 and max(sizes) <= 50 and sum(sizes) == len(found)
    # what OpenLDAP's client gets for the same filter
    assert names == _names(peers.ldapsearch(DOMAIN_DN, SQL_FILTER, "sAMAccountName"))


def test_exchange_discovery_reads_the_configuration_nc(directory: LdapDirectory,
                                                       peers: Peers) -> None:
    found = directory.exchange_servers()
    assert sorted(c.name for c in found) == ["EX01", "EX02"]
    assert {c.dns_host_name for c in found} == {"ex01.lab.example.com", "ex02.lab.example.com"}
    assert all(c.operating_system.startswith("Windows Server") for c in found)  # joined
    raw = peers.ldapsearch(CONFIG_DN, "(objectClass=msExchExchangeServer)", "cn")
    assert sorted(a["cn"][0] for a in raw.values()) == ["EX01", "EX02"]


def test_sql_application_lists_virtual_servers_and_hides_nodes(directory: LdapDirectory,
                                                               peers: Peers) -> None:
    app = get_app("sql")
    listed = app.discover(directory)
    names = [c.name for c in listed]
    assert set(names) == seed.expected_sql(peers.count)
    assert "SQLVS1" in names and "SQLNODE1" not in names
    assert next(c for c in listed if c.name == "SQLVS1").is_cluster_virtual
    assert names == sorted(names)


def test_exchange_application_lists_the_two_servers(directory: LdapDirectory) -> None:
    app = get_app("exchange")
    assert [c.name for c in app.discover(directory)] == ["EX01", "EX02"]


def test_server_discovery_hides_cluster_nodes(directory: LdapDirectory, peers: Peers) -> None:
    listed = {c.name for c in get_app("fileprint").discover(directory)}
    assert "SQLVS1" in listed  # a virtual server (no OS on its object) is listed
    assert not listed & seed.cluster_nodes()
    # the nodes are there: the directory answers for them, discovery hides them
    raw = peers.ldapsearch(DOMAIN_DN, "(servicePrincipalName=MSServerClusterMgmtAPI/*)",
                           "sAMAccountName")
    assert _names(raw) == seed.cluster_nodes()
    assert listed == seed.expected_servers(peers.count) - seed.cluster_nodes()
