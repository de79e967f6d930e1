"""Delegate Rights (F-11) against Samba AD: the account becomes a member of the Exchange
organization administrators' group, read back afterwards by ``ldapsearch`` (a new
process, a new connection) and by a fresh appmgr connection.

Exchange setup creates OU=Microsoft Exchange Security Groups and its groups; the fixture
does the same (standard AD classes, no schema change) with a user to delegate to.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.directory.connect import open_directory
from core.directory.exchange_tools import delegate_rights
from core.directory.ldap_directory import LdapDirectory
from core.errors import InvalidInput
from tests.peers.conftest import DC_NAME, DOMAIN, Peers
from tests.peers.servers.exch_schema import DOM, _add, _conn

OU = f"OU=Microsoft Exchange Security Groups,{DOM}"
GROUP = f"CN=Organization Management,{OU}"
USER = f"CN=exhelpdesk,CN=Users,{DOM}"


@pytest.fixture
def exchange_groups(peers: Peers) -> None:
    c = _conn(DC_NAME, peers.password, peers.ca)
    try:
        _add(c, OU, ["top", "organizationalUnit"], {})
        # a global security group, as Exchange 2010+ setup makes it
        _add(c, GROUP, ["top", "group"], {"sAMAccountName": "Organization Management",
                                          "groupType": -2147483646})
        _add(c, USER, ["top", "person", "organizationalPerson", "user"],
             {"sAMAccountName": "exhelpdesk"})
    finally:
        c.unbind()


@pytest.fixture
def writable(peers: Peers, exchange_groups: None) -> Iterator[LdapDirectory]:
    d = open_directory(DC_NAME, peers.admin, use_ssl=True, ca_file=peers.ca, timeout=10,
                       read_only=False)
    yield d
    d.close()


def _members(peers: Peers) -> set[str]:
    found = peers.ldapsearch(GROUP, "(objectClass=group)", "member", scope="base")
    (attrs,) = found.values()
    return {m.lower() for m in attrs.get("member", [])}


def test_delegate_rights_adds_the_account_to_the_group(writable: LdapDirectory,
                                                       peers: Peers) -> None:
    done = delegate_rights(writable, "LAB\\exhelpdesk", DOMAIN)
    assert done.group == "Organization Management" and done.group_dn.lower() == GROUP.lower()
    assert USER.lower() in _members(peers)  # what the DC holds, read by another client
    fresh = open_directory(DC_NAME, peers.admin, use_ssl=True, ca_file=peers.ca, timeout=10)
    try:
        assert USER.lower() in {m.lower() for m in fresh.all_values(GROUP, "member")}
    finally:
        fresh.close()
    again = delegate_rights(writable, "exhelpdesk@lab.example.com", DOMAIN)
    assert again.added is False and USER.lower() in _members(peers)


def test_an_unknown_account_changes_nothing(writable: LdapDirectory, peers: Peers) -> None:
    before = _members(peers)
    with pytest.raises(InvalidInput):
        delegate_rights(writable, "LAB\\nosuch77", DOMAIN)
    assert _members(peers) == before
