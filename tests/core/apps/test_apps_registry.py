"""The five applications of SPEC F-1 and the support matrix data."""

from __future__ import annotations

import pytest

from core.apps import Application, applications, get_app, protectable_app
from core.apps.support import os_family, row_for, supported_families
from core.errors import InvalidInput


def test_five_applications_in_task_list_order() -> None:
    apps = applications()
    assert [a.id for a in apps] == ["exchange", "sql", "fileprint", "sharepoint", "blackberry"]
    assert [a.task_label for a in apps] == [
        "Protect Exchange Server", "Protect SQL Server", "Protect File Server",
        "Protect SharePoint Server", "Protect BlackBerry Server"]
    assert all(isinstance(a, Application) for a in apps)


def test_only_file_server_is_protectable_and_the_others_say_why() -> None:
    by_id = {a.id: a for a in applications()}
    assert by_id["fileprint"].protectable and by_id["fileprint"].not_protectable_reason == ""
    assert by_id["fileprint"].title == "File Server"
    assert by_id["exchange"].not_protectable_reason == "Exchange protection comes in a later release"
    for app_id in ("exchange", "sql", "sharepoint", "blackberry"):
        app = by_id[app_id]
        assert not app.protectable
        assert app.not_protectable_reason.endswith("comes in a later release")
        with pytest.raises(InvalidInput, match="later release"):
            protectable_app(app_id)


@pytest.mark.parametrize(("app_id", "name"), [
    ("fileprint", "fileprint_FS01_FS02"), ("exchange", "xdag01_FS01_FS02"),
    ("sql", "sqldag01_FS01_FS02")])
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
    assert row_for("fileprint", "Windows Server 2003 Standard").ours is False
    assert row_for("fileprint", "Windows Server 2019 Standard").ours is True
    assert row_for("fileprint", "Windows 2000 Server") is None
    row = row_for("fileprint", "Windows Server 2008 Enterprise")
    assert row.one_to_one and not (row.many_to_one or row.one_to_many or row.chained)
    assert not (row.cluster_to_cluster or row.cluster_to_standalone or row.standalone_to_cluster)
