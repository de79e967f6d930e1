"""Moving HOST SPNs between computer objects in Samba AD (F-6.1 "AD host SPNs").

After each move a fresh ``ldapsearch`` (a new process, a new connection) reads both
computer objects: the proof is what the directory holds, not what the call returned.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.directory.connect import open_directory
from core.directory.ldap_directory import LdapDirectory
from core.errors import NotFound, Refused
from tests.peers.conftest import DC_NAME, Peers

APP01_HOST = {"HOST/APP01", "HOST/app01.lab.example.com"}
APP02_HOST = {"HOST/APP02", "HOST/app02.lab.example.com"}


@pytest.fixture
def writable(peers: Peers) -> Iterator[LdapDirectory]:
    d = open_directory(DC_NAME, peers.admin, use_ssl=True, ca_file=peers.ca, timeout=10,
                       read_only=False)
    yield d
    d.close()


def spns(peers: Peers, name: str) -> set[str]:
    found = peers.ldapsearch("DC=lab,DC=example,DC=com", f"(sAMAccountName={name}$)",
                             "servicePrincipalName")
    (attrs,) = found.values()
    return set(attrs.get("serviceprincipalname", []))


def test_host_spns_move_to_the_target_and_back(writable: LdapDirectory, peers: Peers) -> None:
    assert spns(peers, "APP01") == APP01_HOST | {"WSMAN/app01.lab.example.com"}

    moved = writable.move_spns("APP01", "APP02")
    assert set(moved) == APP01_HOST
    assert spns(peers, "APP01") == {"WSMAN/app01.lab.example.com"}  # other services stay
    assert spns(peers, "APP02") == APP02_HOST | APP01_HOST | {"WSMAN/app02.lab.example.com"}

    back = writable.move_spns("APP02", "APP01", owner="APP01")
    assert set(back) == APP01_HOST
    assert spns(peers, "APP01") == APP01_HOST | {"WSMAN/app01.lab.example.com"}
    assert spns(peers, "APP02") == APP02_HOST | {"WSMAN/app02.lab.example.com"}


def test_moving_again_finds_nothing_to_move(writable: LdapDirectory, peers: Peers) -> None:
    # failback when the SPNs are already home: nothing to do, nothing changes
    assert writable.move_spns("APP02", "APP01", owner="APP01") == ()
    assert spns(peers, "APP02") == APP02_HOST | {"WSMAN/app02.lab.example.com"}


def test_a_read_only_connection_says_so_and_changes_nothing(peers: Peers) -> None:
    d = open_directory(DC_NAME, peers.admin, use_ssl=True, ca_file=peers.ca, timeout=10)
    try:
        with pytest.raises(Refused) as err:
            d.move_spns("APP01", "APP02")
    finally:
        d.close()
    assert "read-only" in str(err.value)
    assert spns(peers, "APP01") >= APP01_HOST


def test_an_unknown_computer_is_not_found(writable: LdapDirectory, peers: Peers) -> None:
    with pytest.raises(NotFound):
        writable.move_spns("APP01", "NOSUCH99")
    assert spns(peers, "APP01") >= APP01_HOST
