"""A minimal Exchange schema extension and two Exchange servers in Samba AD (adapted recipe).

Samba has no Exchange schema: two attributes and an ``msExchExchangeServer`` class under a
private OID arc (not Microsoft's real OIDs), ``schemaUpdateNow``, then the Exchange-like tree
``CN=Servers,CN=Exchange Administrative Group,...,CN=Microsoft Exchange,CN=Services,<config NC>``
with the servers of ``SERVERS`` (2003 to 2016 and an Edge). Schema changes are permanent: the peer runs provision a fresh DC each time.

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
#: name -> (serialNumber, msExchCurrentServerRoles or None, DNS name): what AD holds for
#: Exchange 2003 … 2016 servers and an Edge Transport server (no computer in the domain)
SERVERS = {
    "EX01": ("Version 15.1 (Build 30225.42)", 16439, "ex01.lab.example.com"),
    "EX02": ("Version 15.1 (Build 30225.42)", 16439, "ex02.lab.example.com"),
    "EX03": ("Version 6.5 (Build 7638.2: Service Pack 2)", None, "ex03.lab.example.com"),
    "EX07": ("Version 8.1 (Build 30240.5)", 38, "ex07.lab.example.com"),
    "EX10": ("Version 14.3 (Build 123.4)", 38, "ex10.lab.example.com"),
    "EX13": ("Version 15.0 (Build 1497.2)", 16439, "ex13.lab.example.com"),
    "EDGE01": ("Version 15.1 (Build 30225.42)", 64, "edge01.perimeter.example.net"),
}
#: what discovery must say of each: (version, supported, role)
EXPECTED = {"EX01": ("2016", True, ""), "EX02": ("2016", True, ""), "EX03": ("2003", True, ""),
            "EX07": ("2007", True, ""), "EX10": ("2010", False, ""), "EX13": ("2013", False, ""),
            "EDGE01": ("2016", False, "edge")}


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
    for name, (serial, roles, fqdn) in SERVERS.items():
        attrs: dict = {"networkAddress": [f"ncacn_ip_tcp:{fqdn}", f"ncacn_vns_spp:{name}"],
                       "serialNumber": [serial], "msExchVersion": 88218628259840}
        if roles is not None:  # Exchange 2000/2003 objects have no role bits
            attrs["msExchCurrentServerRoles"] = roles
        _add(c, f"CN={name},{base}", ["top", "msExchExchangeServer"], attrs)
    c.unbind()


if __name__ == "__main__":
    extend(sys.argv[1], sys.argv[2], sys.argv[3])
