"""Automatic discovery per application (SPEC F-5.2): cluster nodes hidden."""

from __future__ import annotations

import pytest

from core.apps import get_app
from tests.core.apps.app_estate import AppDirectory, app_servers, computers
from tests.core.doubles import FakeDirectory

SERVERS = app_servers()


@pytest.mark.parametrize(("app", "query", "names"), [
    ("exchange", "exchange_servers", ["EVS1", "EXCBES", "EXCH01", "EXCH02"]),
    ("sql", "sql_servers", ["BES01", "BES02", "SP01", "SP02", "SPDB1", "SQL01", "SQL02", "SQL03"]),
    ("sharepoint", "sql_servers", ["BES01", "BES02", "SP01", "SP02", "SPDB1", "SQL01", "SQL02",
                                   "SQL03"]),
])
def test_directory_query_per_application(app: str, query: str, names: list[str]) -> None:
    directory = AppDirectory(SERVERS)
    found = get_app(app).discover(directory)
    assert [c.name for c in found] == names
    assert directory.calls == [(query,)]


@pytest.mark.parametrize("app", ["fileprint", "blackberry"])
def test_advanced_find_applications_list_every_server_but_nodes(app: str) -> None:
    directory = AppDirectory(SERVERS)
    names = [c.name for c in get_app(app).discover(directory)]
    assert directory.calls == [("servers",)]
    assert "EXNODE1" not in names and "EXNODE3" not in names and "FS01" in names
    assert "EVS1" in names and names == sorted(names)


def test_virtual_servers_are_listed_and_nodes_hidden() -> None:
    found = {c.name: c for c in get_app("exchange").discover(AppDirectory(SERVERS))}
    assert found["EVS1"].is_cluster_virtual and "EXNODE1" not in found


class PlainDirectory(FakeDirectory):
    """A directory without the per-application queries (discover_by falls back to
    servers()); the port declares them, so this double lacks them on purpose."""

    sql_servers = None  # type: ignore[assignment]
    exchange_servers = None  # type: ignore[assignment]


def test_a_directory_without_the_query_falls_back_to_all_servers() -> None:
    plain = PlainDirectory(computers(SERVERS))
    names = [c.name for c in get_app("sql").discover(plain)]  # type: ignore[arg-type]  # see above
    assert plain.calls == [("servers",)] and "FS01" in names and "EXNODE1" not in names
