"""LdapDirectory over a hand-built mock DIT: paging, attributes, referrals, rootDSE, errors.

``SpyConnection`` is a test double (a subclass, not a patch): it records the
search requests the adapter sends, can answer the rootDSE, and can add a
referral to a response, as AD does for searches from the domain base.
"""

from __future__ import annotations

from typing import Any

import pytest
from ldap3 import MOCK_SYNC, OFFLINE_AD_2012_R2, Connection, Server

from core.directory.ldap_directory import LdapDirectory
from core.errors import InvalidInput, NotFound, ProtocolError
from core.ports import RootDse

BASE = "DC=big,DC=example,DC=com"
ROOT_DSE = {
    "defaultNamingContext": [b"DC=big,DC=example,DC=com"],
    "configurationNamingContext": [b"CN=Configuration,DC=example,DC=com"],
    "rootDomainNamingContext": [b"DC=example,DC=com"],
}


class SpyConnection(Connection):
    def __init__(self, *args: Any, referral: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.searches: list[dict[str, Any]] = []
        self.referral = referral

    def search(self, search_base: str, search_filter: str, *args: Any, **kwargs: Any) -> bool:
        self.searches.append({"base": search_base, "filter": search_filter, **kwargs})
        if search_base == "":  # the mock cannot serve the rootDSE; a real DC would
            self.response = [{"type": "searchResEntry", "dn": "", "raw_attributes": ROOT_DSE}]
            self.result = {"result": 0}
            return True
        ok = super().search(search_base, search_filter, *args, **kwargs)
        if self.referral and self.response is not None:
            self.response.append({"type": "searchResRef", "uri": ["ldap://DomainDnsZones.big.example.com/"]})
        return ok


def _mock(n_servers: int, *, referral: bool = False) -> SpyConnection:
    server = Server("dc1.big.example.com", get_info=OFFLINE_AD_2012_R2)
    conn = SpyConnection(server, client_strategy=MOCK_SYNC, referral=referral)
    conn.bind()
    add = conn.strategy.add_entry
    add(BASE, {"objectClass": ["top", "domain", "domainDNS"]})
    add(f"CN=Computers,{BASE}", {"objectClass": ["top", "container"]})
    person = ["top", "person", "organizationalPerson", "user", "computer"]
    for i in range(n_servers):
        name = f"SRV{i:04d}"
        assert add(f"CN={name},CN=Computers,{BASE}", {
            "objectClass": person, "sAMAccountName": f"{name}$",
            "dNSHostName": f"{name.lower()}.big.example.com",
            "operatingSystem": "Windows Server 2019 Datacenter",
            "operatingSystemVersion": "10.0 (17763)",
            "servicePrincipalName": [f"HOST/{name}"],
            "description": "not asked for",
        })
    add(f"CN=PC1,CN=Computers,{BASE}", {"objectClass": person, "sAMAccountName": "PC1$",
                                         "operatingSystem": "Windows 10 Enterprise"})
    add(f"CN=NODE1,CN=Computers,{BASE}", {"objectClass": person, "sAMAccountName": "NODE1$",
                                           "operatingSystem": "Windows Server 2019 Datacenter",
                                           "servicePrincipalName": ["MSServerClusterMgmtAPI/NODE1"]})
    return conn


@pytest.fixture(scope="module")
def big() -> SpyConnection:
    return _mock(1200)


def test_reads_more_than_ads_page_limit_in_pages(big: SpyConnection) -> None:
    big.searches.clear()
    d = LdapDirectory(big, page_size=500)
    servers = d.servers()
    assert len(servers) == 1201  # 1,200 + the cluster node; the workstation is filtered out
    assert d.last_pages == 3
    searches = [s for s in big.searches if s["base"] == BASE]
    assert [s["paged_size"] for s in searches] == [500, 500, 500]
    # The first page has no cookie, each next one carries the previous page's cookie.
    assert searches[0]["paged_cookie"] is None
    assert all(s["paged_cookie"] for s in searches[1:])


def test_asks_only_for_needed_attributes(big: SpyConnection) -> None:
    big.searches.clear()
    d = LdapDirectory(big, base_dn=BASE)
    d.computer("SRV0001")
    (search,) = big.searches
    assert set(search["attributes"]) == {
        "sAMAccountName", "dNSHostName", "operatingSystem", "operatingSystemVersion",
        "servicePrincipalName", "userAccountControl", "distinguishedName"}
    assert search["filter"] == "(&(objectClass=computer)(sAMAccountName=SRV0001$))"


def test_root_dse_is_read_from_the_server_once(big: SpyConnection) -> None:
    big.searches.clear()
    d = LdapDirectory(big)
    assert d.root_dse() == RootDse("DC=big,DC=example,DC=com", "CN=Configuration,DC=example,DC=com",
                                   "DC=example,DC=com", "example.com")
    d.computer("SRV0002")
    assert [s["base"] for s in big.searches] == ["", BASE]


def test_referrals_are_dropped() -> None:
    conn = _mock(3, referral=True)
    d = LdapDirectory(conn, base_dn=BASE)
    names = sorted(c.name for c in d.servers())
    assert names == ["NODE1", "SRV0000", "SRV0001", "SRV0002"]
    assert d.computer("SRV0000") is not None


def test_cluster_node_flagged(big: SpyConnection) -> None:
    node = LdapDirectory(big, base_dn=BASE).computer("node1")
    assert node is not None and node.is_cluster_node


def test_missing_base_is_not_found() -> None:
    d = LdapDirectory(_mock(1), base_dn="DC=nowhere,DC=example")
    with pytest.raises(NotFound):
        d.servers()


def test_server_without_naming_context_is_not_ad() -> None:
    class NoDse(SpyConnection):
        def search(self, search_base: str, search_filter: str, *a: Any, **kw: Any) -> bool:
            if search_base == "":
                self.response, self.result = [], {"result": 0}
                return True
            return super().search(search_base, search_filter, *a, **kw)

    conn = NoDse(Server("x", get_info=OFFLINE_AD_2012_R2), client_strategy=MOCK_SYNC)
    conn.bind()
    with pytest.raises(ProtocolError):
        LdapDirectory(conn).root_dse()


def test_page_size_must_be_positive(big: SpyConnection) -> None:
    with pytest.raises(InvalidInput):
        LdapDirectory(big, page_size=0)

