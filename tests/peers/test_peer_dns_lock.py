"""Locking a record of Samba AD's DNS against re-registration (F-9.4, F-10).

The lock is a deny ACE on the record's dnsNode for the account that would re-register
it. The proof is Samba's own behaviour: a GSS-TSIG update signed by the locked account
is refused while the lock holds and applied after the unlock; the lock is re-read on a
fresh connection. The locked account here is the administrator whose Kerberos ticket
the suite holds (the only account it can sign updates as); a source server's
computer account (``APP01$``) is locked the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from core.directory import ldap_dns_lock as dns_lock
from core.directory.connect import open_directory
from core.directory.ldap_directory import LdapDirectory
from core.dns.gss_tsig import GssTsigDns
from core.errors import Refused
from core.ports import RRSet, ZoneChange
from tests.peers.conftest import DC_NAME, Peers

ZONE = "lab.example.com"


@pytest.fixture
def writable(peers: Peers) -> Iterator[LdapDirectory]:
    d = open_directory(DC_NAME, peers.admin, use_ssl=True, ca_file=peers.ca, timeout=10,
                       read_only=False)
    yield d
    d.close()


def fresh_read(peers: Peers, fqdn: str, account: str) -> bool:
    d = open_directory(DC_NAME, peers.admin, use_ssl=True, ca_file=peers.ca, timeout=10)
    try:
        return dns_lock.is_locked(d._conn, d.root_dse(), fqdn, account, d.where, 10)
    finally:
        d.close()


def set_a(gss: GssTsigDns, name: str, ip: str) -> None:
    gss.apply(ZoneChange(ZONE, replace=(RRSet(name, "A", 60, (ip,)),)))


def test_a_locked_record_refuses_its_owner_until_unlocked(
        writable: LdapDirectory, peers: Peers, ticket: str) -> None:
    gss = GssTsigDns(peers.samba_ip, server_name=DC_NAME, timeout=5)
    name = f"lock-{uuid.uuid4().hex[:8]}.{ZONE}."
    set_a(gss, name, "127.0.10.70")  # registered by the administrator: its owner

    done = writable.lock_dns_record(name, "Administrator")
    assert done.locked and "DomainDnsZones" in done.dn, done
    assert fresh_read(peers, name, "Administrator")
    with pytest.raises(Refused):
        set_a(gss, name, "127.0.10.71")  # what a source coming back would do
    assert peers.dig(name, server=peers.samba_ip) == ["127.0.10.70"]

    again = writable.lock_dns_record(name, "Administrator")  # idempotent: still one ACE
    assert again.locked
    undone = writable.unlock_dns_record(name, "Administrator")
    assert not undone.locked and not fresh_read(peers, name, "Administrator")
    set_a(gss, name, "127.0.10.71")
    assert peers.dig(name, server=peers.samba_ip) == ["127.0.10.71"]


def test_a_source_computer_account_is_locked_and_unlocked(
        writable: LdapDirectory, peers: Peers, ticket: str) -> None:
    gss = GssTsigDns(peers.samba_ip, server_name=DC_NAME, timeout=5)
    name = f"app01-{uuid.uuid4().hex[:6]}.{ZONE}."
    set_a(gss, name, "127.0.10.72")
    assert writable.lock_dns_record(name, "APP01$").locked
    assert fresh_read(peers, name, "APP01$") and not fresh_read(peers, name, "APP02$")
    set_a(gss, name, "127.0.10.73")  # the administrator is not the locked account
    assert peers.dig(name, server=peers.samba_ip) == ["127.0.10.73"]
    assert not writable.unlock_dns_record(name, "APP01$").locked
    assert not fresh_read(peers, name, "APP01$")


def test_a_name_outside_the_directorys_zones_is_not_locked(writable: LdapDirectory) -> None:
    done = writable.lock_dns_record("web01.elsewhere.example.net.", "APP01$")
    assert not done.locked and done.dn == ""
    assert "not AD-integrated" in done.note


def test_locking_on_a_read_only_connection_is_refused(peers: Peers, ticket: str) -> None:
    gss = GssTsigDns(peers.samba_ip, server_name=DC_NAME, timeout=5)
    name = f"ro-{uuid.uuid4().hex[:8]}.{ZONE}."
    set_a(gss, name, "127.0.10.74")
    d = open_directory(DC_NAME, peers.admin, use_ssl=True, ca_file=peers.ca, timeout=10)
    try:
        with pytest.raises(Refused) as err:
            d.lock_dns_record(name, "APP01$")
        assert "read-only" in str(err.value)
    finally:
        d.close()
