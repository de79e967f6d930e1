"""The operations' JSON (as PowerShell prints it) turned into model objects."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ProtocolError
from core.hosts.failures import parse_output
from core.hosts.inventory import (
    engine_from_json,
    os_name,
    path_results,
    server_from_inventory,
    service_state,
)
from core.model.server import EngineInfo, Nic, Service, Share, Volume

# A Windows Server 2008 R2 member server as the inventory script prints it
# (ConvertTo-Json -Compress; key order of a hashtable is arbitrary).
WINDOWS = json.loads(r"""
{"services":[{"start_mode":"Auto","state":"Running","display":"Server","name":"LanmanServer"},
 {"start_mode":"Manual","state":"Stopped","display":"Print Spooler","name":"Spooler"},
 {"start_mode":"Auto","state":"Start Pending","display":"appmgr replication engine",
  "name":"AppMgrEngine"}],
 "gc":false,"domain_role":3,"hostname":"FS01","domain":"LAB.example.com",
 "os":{"version":"6.1.7601","caption":"Microsoft® Windows Server® 2008 R2 Enterprise "},
 "nics":[{"prefix":23,"name":"Local Area Connection","ips":["10.1.2.11","10.1.2.12"]},
         {"prefix":0,"name":"","ips":[]}],
 "volumes":[{"free":1000,"size":5000,"label":"System","letter":"C"},
            {"free":0,"size":9000,"label":"","letter":"E"}],
 "shares":[{"admin":true,"description":"Default share","path":"C:\\","name":"C$"},
           {"admin":false,"description":"","path":"E:\\Shares\\Data","name":"Data"}],
 "dns_servers":["10.1.2.1","10.1.2.2"],
 "engine":{"port":6321,"version":"0.1.0","running":false,"installed":true},
 "admins":["LAB\\Administrator","FS01\\ops"]}
""")


def test_windows_inventory_to_server() -> None:
    s = server_from_inventory(WINDOWS)
    assert s.name == "FS01"
    assert s.fqdn == "fs01.lab.example.com" and s.domain == "lab.example.com"
    assert s.os_name == "Windows Server 2008 R2 Enterprise" and s.os_version == "6.1.7601"
    assert s.ips == ("10.1.2.11", "10.1.2.12")
    assert s.nics[0] == Nic("Local Area Connection", ("10.1.2.11", "10.1.2.12"), 23)
    assert s.volumes == (Volume("C", "System", 5000, 1000), Volume("E", "", 9000, 0))
    assert s.volume_letters == {"C", "E"}
    assert s.services[1] == Service("Spooler", "Print Spooler", "stopped", "manual")
    assert s.services[2].state == "start_pending"
    assert [x.name for x in s.user_shares()] == ["Data"]
    assert s.shares[1] == Share("Data", "E:\\Shares\\Data", False, "")
    assert s.dns_servers == ("10.1.2.1", "10.1.2.2")
    assert s.engine == EngineInfo(True, False, "0.1.0", 6321)
    assert s.admin_group_members == ("LAB\\Administrator", "FS01\\ops")
    assert s.roles == ("fileprint",)


def test_powershell_unrolled_and_null_lists_are_accepted() -> None:
    doc = dict(WINDOWS, services=WINDOWS["services"][0], dns_servers=None, admins="LAB\\x",
               shares=None, nics={"name": "eth", "ips": "10.0.0.5", "prefix": 24})
    s = server_from_inventory(doc)
    assert [x.name for x in s.services] == ["LanmanServer"]
    assert s.dns_servers == () and s.shares == ()
    assert s.admin_group_members == ("LAB\\x",)
    assert s.ips == ("10.0.0.5",)


def test_domain_controller_roles_and_workgroup() -> None:
    dc = dict(WINDOWS, domain_role=5, gc=True,
              services=[{"name": "DNS"}, {"name": "NTDS"}, {"name": "LanmanServer"}])
    assert server_from_inventory(dc).roles == ("dc", "dns", "gc")
    wg = server_from_inventory(dict(WINDOWS, domain="WORKGROUP"))
    assert wg.domain == "" and wg.fqdn == "fs01"


@pytest.mark.parametrize("doc", [None, [], "FS01", {"hostname": ""}, {"domain": "x"},
                                 dict(WINDOWS, services=["Spooler"])])
def test_malformed_inventory_is_a_protocol_error(doc: object) -> None:
    with pytest.raises(ProtocolError):
        server_from_inventory(doc)


def test_os_names_and_service_states() -> None:
    assert os_name("Microsoft Windows Server 2008 Enterprise ") == "Windows Server 2008 Enterprise"
    assert os_name("Microsoft(R) Windows(R) Server 2003, Enterprise Edition") == \
        "Windows Server 2003, Enterprise Edition"
    assert os_name("Microsoft Windows Server 2012 R2 Standard") == "Windows Server 2012 R2 Standard"
    assert service_state("Running") == "running" and service_state("Stop Pending") == "stop_pending"


def test_engine_status() -> None:
    assert engine_from_json({"installed": False, "running": True, "version": "", "port": 6320}) \
        == EngineInfo(False, False, "", 6320)
    assert engine_from_json({"installed": True, "running": True, "version": "1", "port": None}) \
        == EngineInfo(True, True, "1", 6320)
    with pytest.raises(ProtocolError):
        engine_from_json([True])


def test_path_results() -> None:
    doc = {"results": [{"path": "E:\\A", "exists": True}, {"path": "Q:\\", "exists": False}]}
    assert path_results(doc) == {"E:\\A": True, "Q:\\": False}
    assert path_results({"results": {"path": "E:\\", "exists": True}}) == {"E:\\": True}
    with pytest.raises(ProtocolError):
        path_results({"results": [{"exists": True}]})


def test_output_must_be_json() -> None:
    assert parse_output("FS01", "inventory", b'\xef\xbb\xbf{"a":1}\r\n') == {"a": 1}
    with pytest.raises(ProtocolError, match="did not answer JSON when asked to report its inv"):
        parse_output("FS01", "inventory", b"WARNING: something\r\n")
    with pytest.raises(ProtocolError, match="answered nothing"):
        parse_output("FS01", "inventory", b"  \r\n")


@given(st.dictionaries(st.sampled_from(list(WINDOWS)), st.none() | st.integers() | st.text()
                       | st.lists(st.text(), max_size=2)))
def test_conversion_raises_only_protocol_errors(overrides: dict) -> None:
    try:
        s = server_from_inventory(dict(WINDOWS, **overrides))
    except ProtocolError:
        return
    assert s.name
