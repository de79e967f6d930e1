"""Every rule of the support matrix (SPEC F-1.1, F-1.2), table-driven."""

from __future__ import annotations

import pytest

from core.apps import support as s
from tests.present import present

OK = ""


def test_the_matrix_is_one_data_file_covering_every_application() -> None:
    assert {r.app for r in s.MATRIX} == {"exchange", "sql", "fileprint", "sharepoint",
                                         "blackberry"}
    assert s.versions("exchange") == ["2003", "2007", "2016", "2019"]
    assert s.versions("sql") == ["2000", "2005", "2008", "Express", "2016", "2017", "2019", "2022"]
    assert s.versions("blackberry") == ["4.1.4", "4.1.5", "4.1.6"]


@pytest.mark.parametrize(("app", "version", "ours"), [
    ("exchange", "2003", False), ("exchange", "2007", False), ("exchange", "2016", True),
    ("exchange", "2019", True), ("sql", "2000", False), ("sql", "Express", False),
    ("sql", "2016", True), ("sql", "2022", True), ("fileprint", "2008", False),
    ("fileprint", "2025", True), ("sharepoint", "2005", False), ("blackberry", "4.1.6", False),
])
def test_guide_rows_and_current_rows_marked_as_ours(app: str, version: str, ours: bool) -> None:
    row = s.version_row(app, version)
    assert row is not None and row.ours is ours
    assert present(s.row_for("blackberry", "Windows Server 2008", "4.1.6")).ours is True


@pytest.mark.parametrize(("app", "version", "os_name", "ok"), [
    ("exchange", "2003", "Windows Server 2003 Enterprise", True),
    ("exchange", "2003", "Windows Server 2008 Enterprise", False),  # only 2007 on 2008
    ("exchange", "2007", "Windows Server 2008 Enterprise", True),
    ("exchange", "2016", "Windows Server 2016 Datacenter", True),
    ("exchange", "2019", "Windows Server 2025 Standard", True),
    ("exchange", "2019", "Windows Server 2016 Standard", False),
    ("sql", "2000", "Windows Server 2008 Enterprise", False),
    ("sql", "2005", "Windows Server 2008 Enterprise", True),
    ("sql", "2022", "Windows Server 2025 Standard", True),
    ("sql", "2016", "Windows Server 2025 Standard", False),
    ("fileprint", "2008", "Windows Server 2008 Enterprise", True),
    ("sharepoint", "2000", "Windows Server 2008 Enterprise", False),
    ("sharepoint", "2008", "Windows Server 2008 Enterprise", True),
    ("blackberry", "4.1.6", "Windows Server 2003 Standard", True),
    ("blackberry", "4.1.6", "Windows Server 2008 Standard", True),  # ours
    ("blackberry", "4.1.4", "Windows Server 2008 Standard", False),
    ("exchange", "2010", "Windows Server 2008 R2", False),  # an unknown version
])
def test_os_combinations(app: str, version: str, os_name: str, ok: bool) -> None:
    assert (s.check_os(app, version, os_name) == OK) is ok


@pytest.mark.parametrize(("app", "version", "topology", "mode", "ok"), [
    ("exchange", "2007", "one-to-one", "instance", True),
    ("exchange", "2007", "many-to-one", "instance", False),
    ("exchange", "2003", "one-to-many", "instance", False),
    ("exchange", "2003", "chained", "instance", False),
    ("sql", "2008", "many-to-one", "instance", False),
    ("sql", "2008", "many-to-one", "database", False),
    ("sql", "2008", "many-to-one", "many-to-one", True),  # the one exception
    ("sql", "Express", "many-to-one", "many-to-one", True),
    ("sql", "2000", "one-to-many", "many-to-one", False),
    ("sql", "2005", "chained", "instance", False),
    ("fileprint", "2003", "many-to-one", "instance", False),
    ("sharepoint", "2005", "many-to-one", "many-to-one", False),
    ("blackberry", "4.1.6", "one-to-one", "instance", True),
])
def test_topologies(app: str, version: str, topology: str, mode: str, ok: bool) -> None:
    assert (s.check_topology(app, version, topology, mode) == OK) is ok


def test_sql_many_to_one_outside_its_mode_says_which_mode() -> None:
    assert "connection.sql_mode=many-to-one" in s.check_topology("sql", "2008", "many-to-one")


@pytest.mark.parametrize(("app", "version", "src", "tgt", "role", "ok"), [
    ("exchange", "2003", True, True, "", True),
    ("exchange", "2003", True, False, "", True),
    ("exchange", "2003", False, True, "", False),
    ("exchange", "2007", True, True, "mailbox", True),
    ("exchange", "2007", True, False, "hub", False),  # mailbox role only
    ("exchange", "2016", True, True, "mailbox", False),
    ("sql", "2000", True, True, "", False),
    ("sql", "2005", True, True, "", True),
    ("sql", "2008", True, True, "", True),
    ("sql", "2008", True, False, "", False),
    ("sql", "Express", True, True, "", False),
    ("sql", "2008", False, True, "", False),
    ("sharepoint", "2008", True, True, "", False),
    ("fileprint", "2008", True, False, "", False),
    ("fileprint", "2008", False, False, "", True),  # no cluster: nothing to check
])
def test_cluster_combinations(app: str, version: str, src: bool, tgt: bool, role: str,
                              ok: bool) -> None:
    assert (s.check_cluster(app, version, src, tgt, role) == OK) is ok


@pytest.mark.parametrize(("app", "version", "topology", "child_dns", "ok"), [
    ("exchange", "2003", "single-forest", True, True),
    ("exchange", "2007", "parent-child", True, True),
    ("exchange", "2007", "child-child", True, True),
    ("exchange", "2007", "multiple-forests", True, False),
    ("sql", "2005", "parent-child", True, True),
    ("sql", "2008", "multiple-forests", True, False),
    ("fileprint", "2008", "parent-child", True, False),
    ("fileprint", "2008", "child-child", True, True),
    ("fileprint", "2008", "child-child", False, False),  # DNS server in the parent
    ("sharepoint", "2005", "child-child", True, True),
    ("blackberry", "4.1.6", "multiple-forests", True, False),
])
def test_domain_topologies(app: str, version: str, topology: str, child_dns: bool,
                           ok: bool) -> None:
    assert (s.check_domain(app, version, topology, child_dns) == OK) is ok


@pytest.mark.parametrize(("app", "src", "tgt", "mode", "bits", "ok"), [
    ("exchange", "2007", "2007", "instance", (64, 64), True),
    ("exchange", "2003", "2007", "instance", (64, 64), False),
    ("sql", "2005", "2008", "instance", (64, 64), False),
    ("sql", "2005", "2008", "database", (64, 64), True),  # newer target, database only
    ("sql", "2000", "2005", "many-to-one", (32, 32), True),
    ("sql", "2008", "2005", "database", (64, 64), False),  # never an older target
    ("sql", "2008", "2008", "database", (32, 64), True),  # 32 -> 64 bit
    ("sql", "2008", "2008", "database", (64, 32), False),
    ("sql", "2008", "2008", "instance", (32, 64), False),
    ("blackberry", "4.1.5", "4.1.6", "instance", (32, 32), False),
    ("fileprint", "2008", "2008", "instance", (64, 64), True),
])
def test_same_version_and_its_sql_database_only_exception(
        app: str, src: str, tgt: str, mode: str, bits: tuple[int, int], ok: bool) -> None:
    assert (s.check_same_version(app, src, tgt, mode, *bits) == OK) is ok


@pytest.mark.parametrize(("src", "tgt", "bits", "refused"), [
    ("2008", "2008", (64, 64), False), ("2005", "2008", (64, 64), True),
    ("2008", "2008", (32, 64), True)])
def test_failback_is_refused_between_different_versions(src: str, tgt: str,
                                                        bits: tuple[int, int],
                                                        refused: bool) -> None:
    reason = s.failback_refused("sql", src, tgt, *bits)
    assert bool(reason) is refused
    if refused:
        assert reason.startswith("failback is refused")


@pytest.mark.parametrize(("app", "running", "ok"), [
    ("exchange", ["exchange", "blackberry"], False),
    ("blackberry", ["blackberry", "exchange", "sql"], False),
    ("exchange", ["exchange", "sql"], True),
    ("blackberry", ["blackberry", "sql"], True),
    ("sql", ["exchange", "blackberry", "sql"], True),  # the rule is about those two
])
def test_exchange_and_blackberry_never_on_one_machine(app: str, running: list[str],
                                                      ok: bool) -> None:
    assert (s.check_shared_machine(app, running, "X1") == OK) is ok


@pytest.mark.parametrize(("app", "version", "configuration", "ok"), [
    ("exchange", "2003", "back-end", True), ("exchange", "2003", "front-end", False),
    ("exchange", "2007", "mailbox", True), ("exchange", "2007", "hub", False),
    ("blackberry", "4.1.6", "consolidated", True), ("blackberry", "4.1.6", "distributed", False),
    ("sharepoint", "2005", "MOSS 2007", True), ("sharepoint", "2005", "SharePoint 2010", False),
    ("sql", "2008", "named-instance", True),
])
def test_application_configurations(app: str, version: str, configuration: str,
                                    ok: bool) -> None:
    assert (s.check_configuration(app, version, configuration) == OK) is ok


@pytest.mark.parametrize(("app", "version", "clustered", "ok"), [
    ("sql", "2000", True, True), ("sql", "2005", False, True), ("sql", "2005", True, False),
    ("sql", "Express", False, True), ("sharepoint", "2005", False, False)])
def test_database_only_mode(app: str, version: str, clustered: bool, ok: bool) -> None:
    assert (s.check_database_only(app, version, clustered) == OK) is ok


@pytest.mark.parametrize(("app", "version", "ok"), [
    ("exchange", "2003", True), ("exchange", "2007", False), ("sql", "2008", False)])
def test_like_named_clusters_exchange_2003_only(app: str, version: str, ok: bool) -> None:
    assert (s.check_like_named(app, version) == OK) is ok


@pytest.mark.parametrize(("backend", "ok"), [("2000", True), ("2005", True), ("Express", True),
                                              ("2008", False)])
def test_blackberry_sql_back_ends(backend: str, ok: bool) -> None:
    assert (s.check_backend("blackberry", "4.1.6", backend) == OK) is ok


def test_unknown_versions_name_the_supported_ones() -> None:
    msg = s.check_version("sql", "7.0")
    assert "not supported" in msg and "2008" in msg and "Express" in msg
