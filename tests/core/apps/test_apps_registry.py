"""The five applications of SPEC F-1 and the support matrix data."""

from __future__ import annotations

import pytest

from core.apps import Application, applications, get_app, protectable_app
from core.apps.support import os_family, row_for, supported_families
from core.errors import InvalidInput
from tests.present import present


def test_five_applications_in_task_list_order() -> None:
    apps = applications()
    assert [a.id for a in apps] == ["exchange", "sql", "fileprint", "sharepoint", "blackberry"]
    assert [a.task_label for a in apps] == [
        "Protect Exchange Server", "Protect SQL Server", "Protect File Server",
        "Protect SharePoint Server", "Protect BlackBerry Server"]
    assert all(isinstance(a, Application) for a in apps)


def test_all_five_applications_are_protectable() -> None:
    by_id = {a.id: a for a in applications()}
    assert by_id["fileprint"].title == "File Server"
    for app in by_id.values():
        assert app.protectable and app.not_protectable_reason == ""
        assert protectable_app(app.id) is app
        assert app.plan_phases == ("post-failover", "pre-failback", "post-restore",
                                   "post-failback")


def test_defaults_that_differ_per_application() -> None:
    d = {a.id: a.defaults for a in applications()}
    items = {k: (v.identity_name, v.identity_shares, v.identity_spns) for k, v in d.items()}
    assert items == {"exchange": (False,) * 3, "sql": (False,) * 3, "fileprint": (True,) * 3,
                     "sharepoint": (False,) * 3, "blackberry": (False,) * 3}
    assert all(v.identity_ip for v in d.values())
    assert {k for k, v in d.items() if not v.graceful_failover} == {"fileprint", "sharepoint"}
    assert {k for k, v in d.items() if v.advanced_shown} == {"sharepoint"}
    sp = d["sharepoint"]
    assert (sp.items_server_name, sp.items_shares, sp.items_spns) == (True, False, True)
    assert {k for k, v in d.items() if v.spn_warning} == {"exchange"}


@pytest.mark.parametrize(("app_id", "name"), [
    ("fileprint", "fileprint_FS01_FS02"), ("exchange", "xdag01_FS01_FS02"),
    ("sql", "sqldag01_FS01_FS02"), ("sharepoint", "spdag01_FS01_FS02"),
    ("blackberry", "bbdag01_FS01_FS02")])
def test_replication_set_names(app_id: str, name: str) -> None:
    assert get_app(app_id).set_name("fs01", "Fs02") == name


@pytest.mark.parametrize("alias", ["fileprint", "FilePrint", " file ", "fileserver"])
def test_get_app_accepts_aliases(alias: str) -> None:
    assert get_app(alias).id == "fileprint"


def test_unknown_app_names_close_match() -> None:
    with pytest.raises(InvalidInput) as info:
        get_app("filprint")
    assert info.value.field == "app"
    assert "fileprint" in info.value.message


@pytest.mark.parametrize(("os_name", "family"), [
    ("Windows Server 2008 Enterprise", "2008"),
    ("Windows Server 2008 R2 Enterprise", "2008 R2"),
    ("Microsoft Windows Server 2003 Standard Edition", "2003"),
    ("Microsoft Windows Server® 2008 Standard", "2008"),
    ("Windows Server 2022 Datacenter", "2022"),
    ("Windows 10 Pro", None),
    ("", None),
])
def test_os_family(os_name: str, family: str | None) -> None:
    assert os_family(os_name) == family


def test_file_server_support_rows_cover_2003_to_2025() -> None:
    fams = supported_families("fileprint")
    assert fams[0] == "2003" and fams[-1] == "2025" and "2008 R2" in fams
    assert present(row_for("fileprint", "Windows Server 2003 Standard")).ours is False
    assert present(row_for("fileprint", "Windows Server 2019 Standard")).ours is True
    assert row_for("fileprint", "Windows 2000 Server") is None
    row = present(row_for("fileprint", "Windows Server 2008 Enterprise"))
    assert row.one_to_one and not (row.many_to_one or row.one_to_many or row.chained)
    assert not (row.cluster_to_cluster or row.cluster_to_standalone or row.standalone_to_cluster)
