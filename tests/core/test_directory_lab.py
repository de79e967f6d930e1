"""The lab directory: ldap3's mock with an AD schema, built from the estate."""

from __future__ import annotations

import copy
import tomllib

import pytest

from core.discovery import discover
from core.errors import AuthFailed
from core.lab.directory import lab_directory
from core.lab.estate import default_estate_path, load_estate, parse_estate
from core.ports import Credential
from tests.present import present


@pytest.fixture(scope="module")
def estate():
    return load_estate()


def test_admin_binds_and_reads_root_dse(estate) -> None:
    d = lab_directory(estate)
    dse = d.root_dse()
    assert dse.default_nc == "DC=lab,DC=example,DC=com"
    assert dse.config_nc == "CN=Configuration,DC=lab,DC=example,DC=com"
    assert dse.forest_root == "lab.example.com"
    d.close()


@pytest.mark.parametrize("user", ["LAB\\Administrator", "administrator@lab.example.com",
                                  "lab.example.com\\Administrator"])
def test_admin_name_forms_bind(estate, user: str) -> None:
    d = lab_directory(estate, Credential(user, estate.admin_password))
    assert {c.name for c in d.servers()} >= {"FS01", "FS02", "FS03"}


def test_dns_admin_binds(estate) -> None:
    d = lab_directory(estate, Credential(estate.dns_admin_user, estate.dns_admin_password))
    assert d.computer("DC01") is not None


@pytest.mark.parametrize("cred", [
    Credential("LAB\\Administrator", "wrong"),
    Credential("LAB\\nobody", "Lab-Passw0rd!"),
    Credential("OTHER\\Administrator", "Lab-Passw0rd!"),
    Credential("LAB\\dnsadmin", "Lab-Passw0rd!"),  # another account's password
])
def test_bad_logins_are_auth_failed(estate, cred: Credential) -> None:
    with pytest.raises(AuthFailed) as err:
        lab_directory(estate, cred)
    assert "rejected" in str(err.value)
    assert cred.password not in str(err.value)


def test_servers_carry_estate_facts(estate) -> None:
    d = lab_directory(estate)
    by_name = {c.name: c for c in d.servers()}
    assert {"DC01", "FS01", "FS02", "FS03"} <= set(by_name)
    fs01 = by_name["FS01"]
    assert fs01.dns_host_name == "fs01.lab.example.com"
    assert fs01.operating_system == "Windows Server 2008 Enterprise"
    assert fs01.os_version == "6.0.6002"
    assert set(fs01.spns) == {"HOST/FS01", "HOST/fs01.lab.example.com"}
    assert fs01.dn == "CN=FS01,CN=Computers,DC=lab,DC=example,DC=com"
    assert by_name["DC01"].dn.startswith("CN=DC01,OU=Domain Controllers,")


def test_paged_search_reads_every_page(estate) -> None:
    one = lab_directory(estate, page_size=1)
    big = lab_directory(estate, page_size=500)
    assert sorted(c.name for c in one.servers()) == sorted(c.name for c in big.servers())
    assert one.last_pages >= 4  # one entry per page
    assert big.last_pages == 1


def test_computer_by_netbios_or_dns_name(estate) -> None:
    d = lab_directory(estate)
    assert present(d.computer("fs02")).name == "FS02"
    assert present(d.computer("FS03.lab.example.com.")).name == "FS03"
    assert d.computer("NOPE") is None
    assert d.computer("nope.lab.example.com") is None
    # Filter metacharacters are escaped, not interpreted.
    assert d.computer("FS0*") is None


def test_discovery_on_lab_hides_cluster_nodes() -> None:
    data = tomllib.loads(default_estate_path().read_text("utf-8"))
    data = copy.deepcopy(data)
    data["servers"] += [
        {"name": "NODE1", "host": 21, "roles": ["cluster-node"], "os": "Windows Server 2008 Enterprise"},
        {"name": "NODE2", "host": 22, "roles": ["cluster-node"], "os": "Windows Server 2008 Enterprise"},
        {"name": "EXVS1", "host": 23, "roles": ["cluster-virtual"], "os": "Windows Server 2008 Enterprise"},
        {"name": "WS01", "host": 30, "os": "Windows 7 Professional", "os_version": "6.1.7601"},
    ]
    est = parse_estate(data)
    found = discover(lab_directory(est), "fileprint")
    names = [c.name for c in found]
    assert names == sorted(names)
    assert "EXVS1" in names and "NODE1" not in names and "NODE2" not in names
    assert "WS01" not in names  # not a server OS
    assert next(c for c in found if c.name == "EXVS1").is_cluster_virtual
