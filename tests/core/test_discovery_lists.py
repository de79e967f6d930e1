"""The current server list per application (Manage Servers, F-5.3)."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.dns.names import is_ip
from core.errors import InvalidInput
from core.ports import DirectoryComputer
from core.server_lists import ListedServer, ServerLists, check_server_name


def test_add_discovered_add_by_name_remove_persist(tmp_path: Path) -> None:
    path = tmp_path / "config" / "server_lists.json"
    lists = ServerLists(path)
    assert lists.current("fileprint") == []
    found = [DirectoryComputer("FS02", "CN=FS02", "fs02.lab.example.com"),
             DirectoryComputer("FS01", "CN=FS01", "fs01.lab.example.com")]
    assert lists.add_discovered("fileprint", found) == ["FS01", "FS02"]
    assert lists.add("fileprint", "fs03.lab.example.com") == ["FS01", "FS02", "FS03"]
    assert lists.add("fileprint", "fs01") == ["FS01", "FS02", "FS03"]  # no duplicate
    assert lists.remove("fileprint", "FS02.lab.example.com") == ["FS01", "FS03"]
    assert lists.remove("fileprint", "NOTTHERE") == ["FS01", "FS03"]
    assert lists.current("sql") == []

    again = ServerLists(path)
    assert again.current("fileprint") == ["FS01", "FS03"]
    # Adding by bare name kept the DNS name learned from discovery.
    assert again.entries("fileprint")[0] == ListedServer("FS01", "fs01.lab.example.com")
    assert [p.name for p in path.parent.iterdir()] == ["server_lists.json"]  # no temp files left


def test_bad_names_change_nothing(tmp_path: Path) -> None:
    lists = ServerLists(tmp_path / "l.json")
    lists.add("fileprint", "FS01")
    with pytest.raises(InvalidInput):
        lists.add("fileprint", "FS 02")
    with pytest.raises(InvalidInput):
        lists.add("nosuchapp", "FS02")
    assert lists.current("fileprint") == ["FS01"]


@pytest.mark.parametrize(("name", "words"), [
    ("", "enter a server name"),
    ("FS 01", "spaces"),
    ("ABCDEFGHIJKLMNOP", "longer than 15"),
    ("-FS01", "hyphen"),
    ("FS_01", "only letters, digits and hyphens"),
    ("12345", "all digits"),
    ("fs01..lab.com", "empty labels"),
    ("fs01.lab_x.com", "'_'"),
])
def test_server_name_rules(name: str, words: str) -> None:
    with pytest.raises(InvalidInput) as err:
        check_server_name(name)
    assert err.value.field == "server"
    assert words in err.value.message


@given(st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,13}[A-Za-z0-9]", fullmatch=True))
def test_netbios_names_are_upper_cased(name: str) -> None:
    assert check_server_name(name) == ListedServer(name.upper())


@given(st.text(max_size=40))
def test_server_name_check_only_raises_invalid_input(text: str) -> None:
    try:
        s = check_server_name(text)
    except InvalidInput:
        return
    if is_ip(text):  # a server added by address is listed by it, canonical
        assert s.name == str(ipaddress.ip_address(text.strip())) and not s.fqdn
        return
    assert s.name == s.name.upper() and 1 <= len(s.name) <= 15


@pytest.mark.parametrize(("text", "name"), [
    ("10.0.0.5", "10.0.0.5"), (" 192.168.1.20 ", "192.168.1.20"),
    ("2001:DB8::5", "2001:db8::5"), ("fe80::1", "fe80::1")])
def test_a_server_may_be_given_by_its_address(tmp_path: Path, text: str, name: str) -> None:
    assert check_server_name(text) == ListedServer(name)
    lists = ServerLists(tmp_path / "l.json")
    assert lists.add("fileprint", text) == [name]
    assert ServerLists(tmp_path / "l.json").current("fileprint") == [name]  # read back
    assert lists.remove("fileprint", text) == []


def test_corrupt_or_hand_edited_file_is_survivable(tmp_path: Path) -> None:
    path = tmp_path / "l.json"
    path.write_text("{not json")
    assert ServerLists(path).current("fileprint") == []
    path.write_text(json.dumps({"fileprint": [{"name": "FS01"}, {"name": "bad name"}, 7, {"x": 1}]}))
    assert ServerLists(path).current("fileprint") == ["FS01"]
