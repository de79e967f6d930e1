"""Pure parsing of directory entries: names, OS versions, DNs, the cluster convention."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.directory.entries import (
    ad_os_version,
    cluster_role,
    computer_from_attrs,
    dn_to_dns,
    dns_to_dn,
    dotted_os_version,
    root_dse_from,
)

DN = "CN=FS01,CN=Computers,DC=lab,DC=example,DC=com"


def test_computer_from_raw_attributes() -> None:
    c = computer_from_attrs(DN, {
        "sAMAccountName": [b"fs01$"],
        "dNSHostName": [b"FS01.lab.example.com"],
        "operatingSystem": [b"Windows Server 2008 Enterprise"],
        "operatingSystemVersion": [b"6.0 (6002)"],
        "servicePrincipalName": [b"HOST/FS01", b"HOST/fs01.lab.example.com"],
    })
    assert c.name == "FS01"
    assert c.dns_host_name == "fs01.lab.example.com"
    assert c.os_version == "6.0.6002"
    assert c.dn == DN
    assert c.spns == ("HOST/FS01", "HOST/fs01.lab.example.com")
    assert not c.is_cluster_node and not c.is_cluster_virtual


def test_attribute_names_are_case_insensitive_and_text_values_accepted() -> None:
    c = computer_from_attrs(DN, {"SAMACCOUNTNAME": ["sql01$"], "distinguishedname": ["CN=X,DC=a,DC=b"]})
    assert c.name == "SQL01" and c.dn == "CN=X,DC=a,DC=b"


def test_name_falls_back_on_dns_name_then_rdn() -> None:
    assert computer_from_attrs(DN, {"dNSHostName": [b"web7.lab.example.com"]}).name == "WEB7"
    assert computer_from_attrs(DN, {}).name == "FS01"


def test_cluster_convention() -> None:
    assert cluster_role(["MSClusterVirtualServer/EXVS1.lab.example.com"]) == (False, True)
    assert cluster_role(["MSServerClusterMgmtAPI/NODE1"]) == (True, False)
    assert cluster_role(["msservercluster/node2.lab.example.com"]) == (True, False)
    assert cluster_role(["HOST/FS01", "MSSQLSvc/fs01:1433"]) == (False, False)
    # A virtual-server SPN wins: the name is never hidden by mistake.
    assert cluster_role(["MSServerCluster/N", "MSClusterVirtualServer/V"]) == (False, True)
    # A service class that only starts like a cluster one is not one.
    assert cluster_role(["MSServerClusterish/N"]) == (False, False)


def test_os_versions() -> None:
    assert dotted_os_version("6.1 (7601)") == "6.1.7601"
    assert dotted_os_version("10.0 (17763)") == "10.0.17763"
    assert dotted_os_version("odd value ") == "odd value"
    assert ad_os_version("6.0.6002") == "6.0 (6002)"
    assert ad_os_version("weird") == "weird"


@given(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99999))
def test_os_version_forms_round_trip(major: int, minor: int, build: int) -> None:
    dotted = f"{major}.{minor}.{build}"
    assert dotted_os_version(ad_os_version(dotted)) == dotted


def test_dn_and_dns_names() -> None:
    assert dn_to_dns("DC=Lab,DC=Example,DC=com") == "lab.example.com"
    assert dn_to_dns("CN=Configuration,DC=lab,DC=example,DC=com") == "lab.example.com"
    assert dns_to_dn("lab.example.com.") == "DC=lab,DC=example,DC=com"
    assert dn_to_dns(r"CN=a\,b,DC=x,DC=y") == "x.y"


@given(st.lists(st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True), min_size=1, max_size=5))
def test_dns_dn_round_trip(labels: list[str]) -> None:
    name = ".".join(labels)
    assert dn_to_dns(dns_to_dn(name)) == name


def test_root_dse_derives_forest_root() -> None:
    dse = root_dse_from({
        "defaultNamingContext": ["DC=child,DC=lab,DC=example,DC=com"],
        "configurationNamingContext": ["CN=Configuration,DC=lab,DC=example,DC=com"],
        "rootDomainNamingContext": ["DC=lab,DC=example,DC=com"],
    })
    assert dse.default_nc == "DC=child,DC=lab,DC=example,DC=com"
    assert dse.forest_root == "lab.example.com"
    # Missing root NC: the domain is its own forest root.
    assert root_dse_from({"defaultNamingContext": ["DC=a,DC=b"]}).config_nc == "CN=Configuration,DC=a,DC=b"
