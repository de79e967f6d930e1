"""Exchange stores and mailbox users in Samba AD, for the rehome peer test (adapted recipe).

On top of :mod:`exch_schema` (run by ``scripts/peers.sh``): the attributes a mailbox
points at its store with (``homeMDB``, ``homeMTA``, ``msExchHomeServerName``) and a
mailbox store at its public folder store (``msExchHomePublicMDB``), an auxiliary class
``msExchMailStorage`` added to ``user`` as Exchange's schema does, the classes of the
information store tree, under the same private OID arc (not Microsoft's OIDs). Then, for
EX01 and EX02: ``legacyExchangeDN``, the MTA, ``InformationStore``, two storage groups
with a mailbox and a public store, and :data:`USERS` mailbox users on each. Idempotent:
what exists is left as is (the peer test calls it from a fixture).
"""

from __future__ import annotations

from ldap3 import MODIFY_ADD, MODIFY_REPLACE, Connection

from tests.peers.servers.exch_schema import (
    ARC,
    DOM,
    SCH,
    _add,
    _conn,
    _schema_update_now,
    servers_container,
)

#: the DN syntax's oMObjectClass (what AD requires of a 2.5.5.1 attribute)
_DN_OBJECT_CLASS = bytes.fromhex("2b0c0287731c00854a")
ADMIN_GROUP = "Exchange Administrative Group (FYDIBOHF23SPDLT)"
ORG = "First Organization"
SERVERS = ("EX01", "EX02")
USERS = 2
GROUPS = (("First Storage Group", "Mailbox Database", "msExchPrivateMDB"),
          ("Second Storage Group", "Public Folder Database", "msExchPublicMDB"))


def server_dn(name: str) -> str:
    return f"CN={name},{servers_container()}"


def store_dn(server: str, group: str, store: str) -> str:
    return f"CN={store},CN={group},CN=InformationStore,{server_dn(server)}"


def legacy_dn(server: str) -> str:
    return f"/o={ORG}/ou={ADMIN_GROUP}/cn=Configuration/cn=Servers/cn={server}"


def mta_dn(server: str) -> str:
    return f"CN=Microsoft MTA,{server_dn(server)}"


def user_dn(server: str, n: int) -> str:
    return f"CN={server.lower()}-mbx{n},CN=Users,{DOM}"


def _attribute(c: Connection, cn: str, name: str, n: int, dn_syntax: bool) -> None:
    attrs: dict = {"lDAPDisplayName": name, "attributeID": f"{ARC}.{n}",
                   "isSingleValued": "TRUE"}
    if dn_syntax:
        attrs |= {"attributeSyntax": "2.5.5.1", "oMSyntax": 127,
                  "oMObjectClass": _DN_OBJECT_CLASS}
    else:
        attrs |= {"attributeSyntax": "2.5.5.12", "oMSyntax": 64}
    _add(c, f"CN={cn},{SCH}", ["top", "attributeSchema"], attrs)


def _class(c: Connection, cn: str, name: str, n: int, sup: str, superiors: list[str],
           may: list[str] | None = None, category: int = 1) -> None:
    attrs: dict = {"lDAPDisplayName": name, "governsID": f"{ARC}.{n}", "subClassOf": sup,
                   "objectClassCategory": category}
    if superiors:
        attrs["possSuperiors"] = superiors
    if may:
        attrs["mayContain"] = may
    _add(c, f"CN={cn},{SCH}", ["top", "classSchema"], attrs)


def extend(host: str, password: str, ca: str) -> None:
    c = _conn(host, password, ca)
    _attribute(c, "ms-Exch-Home-MDB", "homeMDB", 10, True)
    _attribute(c, "ms-Exch-Home-MTA", "homeMTA", 11, True)
    _attribute(c, "ms-Exch-Home-Server-Name", "msExchHomeServerName", 12, False)
    _attribute(c, "ms-Exch-Home-Public-MDB", "msExchHomePublicMDB", 13, True)
    _schema_update_now(c)
    _class(c, "ms-Exch-Mail-Storage", "msExchMailStorage", 110, "top", [],
           ["homeMDB", "homeMTA", "msExchHomeServerName"], category=3)
    _class(c, "ms-Exch-Information-Store", "msExchInformationStore", 111, "container",
           ["msExchExchangeServer"])
    _class(c, "ms-Exch-Storage-Group", "msExchStorageGroup", 112, "container",
           ["msExchInformationStore"])
    _class(c, "ms-Exch-Private-MDB", "msExchPrivateMDB", 113, "top", ["msExchStorageGroup"],
           ["msExchHomePublicMDB"])
    _class(c, "ms-Exch-Public-MDB", "msExchPublicMDB", 114, "top", ["msExchStorageGroup"])
    _class(c, "MTA", "mTA", 115, "top", ["msExchExchangeServer"])
    _schema_update_now(c)
    # as Exchange's schema update does: users may carry the mail storage attributes, and
    # server objects a legacyExchangeDN
    for cls, aux in (("CN=User", "msExchMailStorage"),):
        c.modify(f"{cls},{SCH}", {"auxiliaryClass": [(MODIFY_ADD, [aux])]})
    c.modify(f"CN=ms-Exch-Exchange-Server,{SCH}", {"mayContain": [(MODIFY_ADD,
                                                                   ["legacyExchangeDN"])]})
    _schema_update_now(c)
    c.unbind()
    c = _conn(host, password, ca)  # a new connection sees the extended schema
    for name in SERVERS:
        sdn = server_dn(name)
        if not c.modify(sdn, {"legacyExchangeDN": [(MODIFY_REPLACE, [legacy_dn(name)])]}):
            raise SystemExit(f"legacyExchangeDN of {name}: {c.result['message']}")
        _add(c, mta_dn(name), ["top", "mTA"], {})
        _add(c, f"CN=InformationStore,{sdn}", ["top", "container", "msExchInformationStore"],
             {})
        public = store_dn(name, GROUPS[1][0], GROUPS[1][1])
        for group, store, cls in reversed(GROUPS):  # the public store is referenced: first
            _add(c, f"CN={group},CN=InformationStore,{sdn}",
                 ["top", "container", "msExchStorageGroup"], {})
            attrs = {"msExchHomePublicMDB": public} if cls == "msExchPrivateMDB" else {}
            _add(c, store_dn(name, group, store), ["top", cls], attrs)
        for n in range(1, USERS + 1):
            _add(c, user_dn(name, n), ["top", "person", "organizationalPerson", "user"], {
                "sAMAccountName": f"{name.lower()}-mbx{n}",
                "homeMDB": store_dn(name, GROUPS[0][0], GROUPS[0][1]),
                "msExchHomeServerName": legacy_dn(name), "homeMTA": mta_dn(name)})
    c.unbind()
