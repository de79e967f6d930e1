"""A minimal Exchange schema extension and two Exchange servers in Samba AD (adapted recipe).

Samba has no Exchange schema: two attributes and an ``msExchExchangeServer`` class under a
private OID arc (not Microsoft's real OIDs), ``schemaUpdateNow``, then the Exchange-like tree
``CN=Servers,CN=Exchange Administrative Group,...,CN=Microsoft Exchange,CN=Services,<config NC>``
with EX01 and EX02. Schema changes are permanent: the peer runs provision a fresh DC each time.

``python -m tests.peers.servers.exch_schema HOST PASSWORD CA_FILE``
"""

from __future__ import annotations

import ssl
import sys

from ldap3 import MODIFY_REPLACE, Connection, Server, Tls

DOM = "DC=lab,DC=example,DC=com"
CONF = f"CN=Configuration,{DOM}"
SCH = f"CN=Schema,{CONF}"
ARC = "1.3.6.1.4.1.55555.1"
ORG_PATH = ("CN=Microsoft Exchange", "CN=First Organization", "CN=Administrative Groups",
            "CN=Exchange Administrative Group (FYDIBOHF23SPDLT)", "CN=Servers")
SERVERS = ("EX01", "EX02")


def servers_container() -> str:
    base = f"CN=Services,{CONF}"
    for rdn in ORG_PATH:
        base = f"{rdn},{base}"
    return base


def _conn(host: str, password: str, ca: str) -> Connection:
    srv = Server(host, port=636, use_ssl=True, tls=Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=ca),
                 connect_timeout=10)
    return Connection(srv, user="Administrator@lab.example.com", password=password,
                      auto_bind=True, check_names=False, receive_timeout=30)


def _add(c: Connection, dn: str, oc: list[str], attrs: dict) -> None:
    if not c.add(dn, oc, attrs) and c.result["result"] != 68:  # 68: already exists
        raise SystemExit(f"add {dn}: {c.result['description']} {c.result['message']}")


def _schema_update_now(c: Connection) -> None:
    if not c.modify("", {"schemaUpdateNow": [(MODIFY_REPLACE, ["1"])]}):
        raise SystemExit(f"schemaUpdateNow: {c.result['description']}")


def extend(host: str, password: str, ca: str) -> None:
    c = _conn(host, password, ca)
    _add(c, f"CN=ms-Exch-Current-Server-Roles,{SCH}", ["top", "attributeSchema"], {
        "lDAPDisplayName": "msExchCurrentServerRoles", "attributeID": f"{ARC}.1",
        "attributeSyntax": "2.5.5.9", "oMSyntax": 2, "isSingleValued": "TRUE",
        "adminDescription": "lab stub"})
    _add(c, f"CN=ms-Exch-Version,{SCH}", ["top", "attributeSchema"], {
        "lDAPDisplayName": "msExchVersion", "attributeID": f"{ARC}.2",
        "attributeSyntax": "2.5.5.16", "oMSyntax": 65, "isSingleValued": "TRUE"})
    _schema_update_now(c)
    _add(c, f"CN=ms-Exch-Exchange-Server,{SCH}", ["top", "classSchema"], {
        "lDAPDisplayName": "msExchExchangeServer", "governsID": f"{ARC}.100",
        "subClassOf": "top", "objectClassCategory": 1, "possSuperiors": ["container"],
        "mayContain": ["networkAddress", "serialNumber", "versionNumber",
                       "msExchCurrentServerRoles", "msExchVersion"]})
    _schema_update_now(c)
    c.unbind()
    c = _conn(host, password, ca)  # a new connection sees the extended schema
    base = f"CN=Services,{CONF}"
    for rdn in ORG_PATH:
        base = f"{rdn},{base}"
        _add(c, base, ["top", "container"], {})
    for name in SERVERS:
        _add(c, f"CN={name},{base}", ["top", "msExchExchangeServer"], {
            "networkAddress": [f"ncacn_ip_tcp:{name.lower()}.lab.example.com",
                               f"ncacn_vns_spp:{name}"],
            "serialNumber": ["Version 15.1 (Build 30225.42)"],
            "msExchCurrentServerRoles": 16439, "msExchVersion": 88218628259840})
    c.unbind()


if __name__ == "__main__":
    extend(sys.argv[1], sys.argv[2], sys.argv[3])
