"""Application inventories through the real WinrmHost (pywinrm over HTTP) from lab servers.

Every machine of the default estate answers on 127.0.44.x, the way ``lab up``
wires it (a cluster node also answers on the addresses of the groups it
owns); no engine runs. One endpoint set serves the whole module.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from core.errors import ProtocolError
from core.hosts.winrm_host import WinrmHost
from core.lab.directory import lab_directory
from core.lab.estate import Estate, load_estate
from core.lab.seed import prepare
from core.lab.supervisor import extra_winrm_ips
from core.lab.winrm_server import LabWinrmServer
from core.model.server import Server
from core.ports import Credential

NET = "127.0.44"
pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def estate() -> Estate:
    return load_estate(net=NET)


@pytest.fixture(scope="module")
def lab_root(estate: Estate, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("apps-lab")
    prepare(estate, root)
    started = []
    try:
        for s in estate.hosts:
            w = LabWinrmServer(estate, s.name, root, s.ip,
                               extra_ips=extra_winrm_ips(estate, s.name))
            w.start()
            started.append(w)
        yield root
    finally:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(LabWinrmServer.stop, started))


def host(estate: Estate, name: str, address: str | None = None) -> WinrmHost:
    cred = Credential(estate.admin_user, estate.admin_password)
    # Exchange's configuration comes from the console's directory (LDAP), not the host
    return WinrmHost(address or estate.server(name).ip, cred, transport="basic", name=name,
                     timeout=5, directory=lambda: lab_directory(estate))


def inventory(estate: Estate, name: str) -> Server:
    return host(estate, name).inventory()


def test_every_server_reads_back_as_the_estate_describes_it(estate: Estate,
                                                            lab_root: Path) -> None:
    for s in estate.servers:
        inv = inventory(estate, s.name)
        want = estate.as_server(s, engine_running=False)
        assert inv.apps == want.apps, s.name
        assert (inv.name, inv.ips, inv.volume_letters, inv.os_name) == \
            (want.name, want.ips, want.volume_letters, want.os_name), s.name
        assert {x.name for x in inv.shares} >= {x.name for x in want.shares}, s.name


def test_exchange_storage_groups_and_their_files(estate: Estate, lab_root: Path) -> None:
    inv = inventory(estate, "EXCH01")
    ex = inv.apps.exchange
    assert ex is not None and (ex.version, ex.organization) == ("2007", "LAB")
    assert ex.admin_group == "Exchange Administrative Group (FYDIBOHF23SPDLT)"
    assert ex.smtp_vs_ips == (f"{NET}.141",) and f"{NET}.141" in inv.ips
    assert "exchange" in inv.roles and not inv.is_dc
    paths = [p for g in ex.storage_groups
             for p in (g.log_path, f"{g.log_path}\\{g.log_prefix}.chk",
                       *(st.edb_path for st in g.stores))]
    assert host(estate, "EXCH01").paths_exist(paths) == dict.fromkeys(paths, True)
    # asked by an alias, a standalone server still answers for itself
    alias = host(estate, "MAIL", estate.server("EXCH01").ip).inventory()
    assert alias.name == "EXCH01" and alias.apps.exchange == ex


def test_sql_instances_databases_and_files_on_disk(estate: Estate, lab_root: Path) -> None:
    inv = inventory(estate, "SQL01")
    by_name = {i.name: i for i in inv.apps.sql}
    assert set(by_name) == {"MSSQLSERVER", "INST1"}
    inst1 = by_name["INST1"]
    assert (inst1.version, inst1.service_pack, inst1.edition, inst1.bits) == \
        ("2008", "SP1", "Enterprise", 64)
    assert inst1.service == "MSSQL$INST1" and "LAB\\Administrator" in inst1.sysadmins
    files = [f for db in inst1.databases for f in db.files]
    assert {f.kind for f in files} == {"data", "ndf", "log"}
    found = host(estate, "SQL01").paths_exist([f.path for f in files])
    assert all(found.values()) and len(found) == len(files)
    local = lab_root / "servers" / "SQL01" / "E" / "SQLData" / "INST1" / "Inventory_2.ndf"
    assert local.stat().st_size > 0


def test_sharepoint_front_end_names_its_back_end(estate: Estate, lab_root: Path) -> None:
    farm = inventory(estate, "SP01").apps.sharepoint
    assert farm is not None and (farm.version, farm.front_ends) == ("MOSS 2007", ("SP01",))
    back_end = inventory(estate, farm.sql_server)  # "Get Config": the source is the back end
    assert back_end.name == "SQL05A"
    hosted = {d.name for i in back_end.apps.sql for d in i.databases}
    assert farm.config_db in hosted and set(farm.databases) <= hosted
    assert inventory(estate, "SP02").apps.sharepoint.sql_server == "SQL05B"  # type: ignore[union-attr]


def test_blackberry_over_its_own_sql_express(estate: Estate, lab_root: Path) -> None:
    inv = inventory(estate, "BES01")
    bes = inv.apps.blackberry
    assert bes is not None and (bes.version, bes.database, bes.consolidated) == \
        ("4.1.6", "BESMgmt", True)
    express = inv.apps.sql_instance("BLACKBERRY")
    assert express is not None and (express.version, express.edition, express.bits) == \
        ("2005", "Express", 32)
    assert set(express.protocols) == {"tcp", "np", "sm"}


def test_exchange_virtual_server_answers_on_its_owner_node(estate: Estate, lab_root: Path) -> None:
    evs = inventory(estate, "EVS1")
    assert (evs.name, evs.ips, evs.volume_letters) == ("EVS1", (f"{NET}.85",), {"E", "F"})
    assert evs.roles == ("exchange", "cluster-virtual")
    cl = evs.apps.cluster
    assert cl is not None and (cl.name, cl.nodes, cl.node_failover_seconds) == \
        ("EXCLUS", ("EXNODE1", "EXNODE2"), 90)
    (vs,) = cl.virtual_servers
    assert (vs.name, vs.ip, vs.owner, vs.drives) == ("EVS1", f"{NET}.85", "EXNODE1", ("E", "F"))
    ex = evs.apps.exchange
    assert ex is not None and ex.version == "2003" and ex.roles == ("backend",)
    assert ex.storage_groups[0].stores[0].stm_path.endswith("priv1.stm")
    assert ex.smtp_vs_ips == (f"{NET}.85",)
    node = inventory(estate, "EXNODE1")
    assert "cluster-node" in node.roles and f"{NET}.85" in node.ips and node.apps.exchange is None
    passive = inventory(estate, "EXNODE2")
    assert passive.ips == (f"{NET}.82",) and passive.volume_letters == {"C"}
    # the group's disk is the virtual server's, reached through the owner
    edb = ex.storage_groups[0].stores[0].edb_path
    assert host(estate, "EVS1").paths_exist([edb]) == {edb: True}
    assert host(estate, "EXNODE2", f"{NET}.82").paths_exist([edb]) == {edb: False}


def test_sql_cluster_instance_belongs_to_its_virtual_server(estate: Estate,
                                                            lab_root: Path) -> None:
    vs = inventory(estate, "SQLVS1")
    (inst,) = vs.apps.sql
    assert (inst.name, inst.clustered, inst.virtual_server) == ("MSSQLSERVER", True, "SQLVS1")
    assert vs.apps.cluster is not None and vs.apps.cluster.name == "SQLCLUS"
    assert inventory(estate, "SQLNODE1").apps.sql == ()  # a node has no instance of its own


def test_the_deliberate_faults_show_through_winrm(estate: Estate, lab_root: Path) -> None:
    dc02 = inventory(estate, "DC02")
    assert dc02.is_dc and dc02.apps.exchange is not None
    assert {i.version for i in inventory(estate, "SQL03").apps.sql} == {"2005"}
    assert inventory(estate, "SQL04").apps.sql_instance("INST1") is None
    logs = {g.log_path[:2] for g in inventory(estate, "EXCH03").apps.exchange.storage_groups}  # type: ignore[union-attr]
    assert logs == {"F:"}
    assert inventory(estate, "FS03").volume_letters == {"C"}


def test_raw_operation_shapes_and_bad_parameters(estate: Estate, lab_root: Path) -> None:
    h = host(estate, "EXNODE1")
    doc = h.run_op("cluster_info", {})
    assert set(doc["cluster"]) == {"name", "nodes", "detect_ms", "groups"}
    assert {g["name"] for g in doc["cluster"]["groups"]} == {"Cluster Group", "EVS1 Group"}
    assert h.run_op("exchange_inventory", {"server": "EXCH01"}) == {"exchange": None}
    assert host(estate, "FS01").run_op("bes_inventory", {}) == {"blackberry": None}
    assert host(estate, "FS01").run_op("cluster_info", {}) == {"cluster": None}
    with pytest.raises(ProtocolError, match="parameter 'server'"):
        h.run_op("sql_inventory", {})
