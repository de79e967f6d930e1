"""Exchange failover's directory writes against Samba AD (F-9.2 rehome).

The console's own rehome (:mod:`core.protection.exchange_rehome` over
:class:`LdapDirectory`) moves EX01's mailboxes and its mailbox store's public folder
store to EX02, then back. After each step a fresh ``ldapsearch`` (a new process, a new
connection) reads the entries: the proof is what the directory holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.directory.connect import open_directory
from core.directory.ldap_directory import LdapDirectory
from core.protection import exchange_rehome as xr
from tests.peers.conftest import DC_NAME, Peers
from tests.peers.servers import exch_mailboxes as mb


@pytest.fixture(scope="module")
def mailboxes(peers: Peers) -> Peers:
    mb.extend(DC_NAME, peers.password, peers.ca)
    return peers


@pytest.fixture
def writable(mailboxes: Peers) -> Iterator[LdapDirectory]:
    d = open_directory(DC_NAME, mailboxes.admin, use_ssl=True, ca_file=mailboxes.ca,
                       timeout=10, read_only=False)
    yield d
    d.close()


def _read(peers: Peers, dn: str, *attrs: str) -> dict[str, str]:
    found = peers.ldapsearch(dn, "(objectClass=*)", *attrs, scope="base", paged=False)
    (values,) = found.values()
    return {a: (values.get(a.lower()) or [""])[0].lower() for a in attrs}


HOME = ("homeMDB", "msExchHomeServerName", "homeMTA")


def _home(server: str) -> dict[str, str]:
    return {"homeMDB": mb.store_dn(server, *mb.GROUPS[0][:2]).lower(),
            "msExchHomeServerName": mb.legacy_dn(server).lower(),
            "homeMTA": mb.mta_dn(server).lower()}


def test_mailboxes_and_public_folders_move_to_the_target_and_back(
        writable: LdapDirectory, mailboxes: Peers, tmp_path: Path) -> None:
    peers = mailboxes
    ex01 = [mb.user_dn("EX01", n) for n in range(1, mb.USERS + 1)]
    ex02 = [mb.user_dn("EX02", n) for n in range(1, mb.USERS + 1)]
    store = mb.store_dn("EX01", *mb.GROUPS[0][:2])
    public = {"EX01": mb.store_dn("EX01", *mb.GROUPS[1][:2]).lower(),
              "EX02": mb.store_dn("EX02", *mb.GROUPS[1][:2]).lower()}
    assert all(_read(peers, dn, *HOME) == _home("EX01") for dn in ex01)
    lines: list[str] = []
    run = xr.Rehome(writable, "EX01", "EX02", tmp_path / "EX01_EX02.json", lines.append)

    users, stores, changed = xr.fail_over(run, [])
    assert (users, stores) == (mb.USERS, 1)
    assert all(_read(peers, dn, *HOME) == _home("EX02") for dn in ex01)
    assert all(_read(peers, dn, *HOME) == _home("EX02") for dn in ex02)  # its own: unmoved
    assert _read(peers, store, "msExchHomePublicMDB") == {"msExchHomePublicMDB":
                                                          public["EX02"]}
    # Samba is the only DC: the wait has nothing to wait for
    said = xr.wait_replication(writable, None, changed, True, 60, None)
    assert "only domain controller" in said

    assert xr.put_back(run, "mailbox")[:2] == (mb.USERS, 0)
    assert all(_read(peers, dn, *HOME) == _home("EX01") for dn in ex01)
    assert xr.put_back(run, "public")[0] == 1
    assert _read(peers, store, "msExchHomePublicMDB") == {"msExchHomePublicMDB":
                                                          public["EX01"]}
    assert run.load() == []
