"""Users with mailboxes in the lab directory (what Exchange failover rehomes).

Each mailbox store of each Exchange server of the estate holds
:data:`PER_STORE` users, ``<server>-mbx<n>`` under ``CN=Users``, whose
``homeMDB``, ``msExchHomeServerName`` and ``homeMTA`` point at that store,
the server's ``legacyExchangeDN`` and its MTA object, as on a real domain.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.directory.entries import dns_to_dn
from core.lab.app_json import exchange_server_dn
from core.lab.directory_exchange import Add, legacy_server_dn, mta_dn, store_dn
from core.lab.estate import Estate

PER_STORE = 2
_PERSON = ["top", "person", "organizationalPerson", "user"]
_NORMAL_USER = 0x10200  # NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD


@dataclass(frozen=True)
class LabMailbox:
    dn: str
    name: str
    home_mdb: str
    home_server: str
    home_mta: str


def lab_mailboxes(estate: Estate, server: str | None = None) -> list[LabMailbox]:
    """The seeded mailbox users (of ``server`` only, when given), as first seeded."""
    base = dns_to_dn(estate.domain)
    out = []
    for s in estate.servers:
        ex = s.apps.exchange
        if ex is None or (server is not None and s.name.upper() != server.upper()):
            continue
        sdn = exchange_server_dn(estate, s.name, ex)
        stores = [(g.name, st.name) for g in ex.storage_groups for st in g.stores
                  if st.kind != "public"]
        n = 0
        for group, store in stores:
            for _ in range(PER_STORE):
                n += 1
                name = f"{s.name.lower()}-mbx{n}"
                out.append(LabMailbox(f"CN={name},CN=Users,{base}", name,
                                      store_dn(sdn, group, store),
                                      legacy_server_dn(estate, ex, s.name), mta_dn(sdn)))
    return out


def add_mailboxes(add: Add, estate: Estate) -> None:
    for m in lab_mailboxes(estate):
        if not add(m.dn, {"objectClass": _PERSON, "sAMAccountName": m.name,
                          "userPrincipalName": f"{m.name}@{estate.domain}",
                          "distinguishedName": m.dn, "userAccountControl": str(_NORMAL_USER),
                          "homeMDB": m.home_mdb, "msExchHomeServerName": m.home_server,
                          "homeMTA": m.home_mta}):
            raise ValueError(f"cannot add the mailbox user {m.name}")
