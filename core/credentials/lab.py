"""The lab's credential cache: pre-filled, in memory, never asks a passphrase.

The lab's accounts are shown to the user (they are not anyone's secret), so
in lab mode every login dialog can be answered from here and the console
never blocks on a keyring or passphrase prompt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.credentials.memory import MemoryKeyring
from core.credentials.store import KeyringStore
from core.ports import Credential

if TYPE_CHECKING:  # the lab estate is only a type here (core.lab is not imported)
    from core.lab.estate import Estate


def lab_store(estate: Estate) -> KeyringStore:
    """A store holding the lab admin for every server, domain and WMI key, and
    the DNS admin for the lab's zone and DNS server."""
    store = KeyringStore(MemoryKeyring(), None, description="lab accounts (in memory)")
    admin = Credential(estate.admin_user, estate.admin_password)
    dns = Credential(estate.dns_admin_user, estate.dns_admin_password)
    for key in (estate.domain, estate.netbios):
        store.put("domain", key, admin)
    dns_server = estate.server(estate.dns_server)
    for key in (estate.domain, estate.reverse_zone, dns_server.name, dns_server.ip):
        store.put("dns", key, dns)
    for s in estate.servers:
        for key in (s.name, s.fqdn(estate.domain), s.ip):
            store.put("server", key, admin)
            store.put("wmi", key, admin)
    return store
