"""Exchange objects for failover's rehome (SPEC F-9.2), read and written over LDAP.

A mailbox user points at its store three ways: ``homeMDB`` (the store's DN),
``msExchHomeServerName`` (the server's ``legacyExchangeDN``) and ``homeMTA``
(the server's ``CN=Microsoft MTA`` object). A mailbox store points at its
public folder store with ``msExchHomePublicMDB``. Under the configuration
NC a server holds::

    CN=<store>,CN=<storage group>,CN=InformationStore,CN=<server>,CN=Servers,...

Failover rewrites those values from the source's objects to the target's.
The work is done from the console over LDAP, never with ADSI inside a WinRM
session: such a session has no credentials to reach a domain controller
(the double hop). These helpers serve :class:`LdapDirectory`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ldap3 import BASE, LEVEL, MODIFY_REPLACE, Connection
from ldap3.utils.conv import escape_filter_chars

from core.directory.entries import decode_values
from core.directory.ldap_errors import check, ldap_errors
from core.errors import NotFound, Refused
from core.ports import ExchangeHome, ExchangeStoreRef

STORE_FILTER = "(|(objectClass=msExchPrivateMDB)(objectClass=msExchPublicMDB))"
#: values compared per search (an OR filter of that many terms)
CHUNK = 50

Paged = Callable[[str, str, Sequence[str]], list[dict[str, Any]]]


def first(attrs: dict[str, Any], name: str) -> str:
    low = {k.lower(): v for k, v in attrs.items()}
    values = decode_values(low.get(name.lower()))
    return values[0] if values else ""


def _parent_cn(dn: str) -> str:
    """``CN=a,CN=b,...`` -> ``b`` (RDN values with escaped commas are not Exchange's)."""
    parts = dn.split(",")
    return parts[1].partition("=")[2] if len(parts) > 1 else ""


def exchange_home(paged: Paged, config_nc: str, server: str, where: str) -> ExchangeHome:
    flt = (f"(&(objectClass=msExchExchangeServer)"
           f"(cn={escape_filter_chars(server.split('.', 1)[0])}))")
    found = paged(flt, config_nc, ("cn", "legacyExchangeDN"))
    if not found:
        raise NotFound(f"{where} has no Exchange server object named {server.upper()}")
    dn = found[0]["dn"]
    legacy = first(found[0]["raw_attributes"], "legacyExchangeDN")
    if not legacy:
        raise NotFound(f"{where}: the Exchange server object of {server.upper()} has no "
                       "legacyExchangeDN")
    mtas = paged("(objectClass=mTA)", dn, ("cn",))
    stores = []
    for e in paged(STORE_FILTER, dn, ("cn", "objectClass")):
        classes = {c.lower() for c in decode_values(e["raw_attributes"].get("objectClass"))}
        kind = "public" if "msexchpublicmdb" in classes else "mailbox"
        name = first(e["raw_attributes"], "cn") or e["dn"].split(",", 1)[0].partition("=")[2]
        stores.append(ExchangeStoreRef(e["dn"], _parent_cn(e["dn"]), name, kind))
    return ExchangeHome(server.upper(), dn, legacy, mtas[0]["dn"] if mtas else "",
                        tuple(stores))


def entries_with(paged: Paged, base: str, attribute: str, values: Sequence[str],
                 attributes: Sequence[str]) -> list[tuple[str, dict[str, str]]]:
    out: list[tuple[str, dict[str, str]]] = []
    wanted = list(dict.fromkeys([attribute, *attributes]))
    vals = list(dict.fromkeys(values))
    for i in range(0, len(vals), CHUNK):
        terms = "".join(f"({attribute}={escape_filter_chars(v)})" for v in vals[i:i + CHUNK])
        for e in paged(f"(|{terms})", base, wanted):
            raw = e["raw_attributes"]
            out.append((e["dn"], {a: first(raw, a) for a in wanted}))
    return out


def read_attributes(conn: Connection, dn: str, attributes: Sequence[str], where: str,
                    time_limit: int) -> dict[str, str]:
    with ldap_errors(where):
        ok = conn.search(dn, "(objectClass=*)", BASE, attributes=list(attributes),
                         time_limit=time_limit)
    if not ok:
        if (conn.result or {}).get("result") == 32:  # noSuchObject
            raise NotFound(f"{where} has no entry {dn}")
        check(conn.result, where)
    found = [r for r in conn.response or () if r.get("type") == "searchResEntry"]
    raw = found[0]["raw_attributes"] if found else {}
    return {a: first(raw, a) for a in attributes}


def read_values(conn: Connection, dn: str, attribute: str, where: str,
                time_limit: int) -> list[str]:
    with ldap_errors(where):
        ok = conn.search(dn, "(objectClass=*)", BASE, attributes=[attribute],
                         time_limit=time_limit)
    if not ok:
        if (conn.result or {}).get("result") == 32:  # noSuchObject
            raise NotFound(f"{where} has no entry {dn}")
        check(conn.result, where)
    found = [r for r in conn.response or () if r.get("type") == "searchResEntry"]
    return decode_values(found[0]["raw_attributes"].get(attribute)) if found else []


def replace_changes(values: dict[str, str]) -> dict[str, list[tuple[str, list[str]]]]:
    return {a: [(MODIFY_REPLACE, [v] if v else [])] for a, v in values.items()}


def domain_controllers(conn: Connection, base: str, where: str, time_limit: int) -> list[str]:
    with ldap_errors(where):
        ok = conn.search(f"OU=Domain Controllers,{base}", "(objectClass=computer)", LEVEL,
                         attributes=["dNSHostName", "cn"], time_limit=time_limit)
    if not ok and (conn.result or {}).get("result") != 32:
        check(conn.result, where)
    out = []
    for r in conn.response or ():
        if r.get("type") == "searchResEntry":
            raw = r["raw_attributes"]
            out.append(first(raw, "dNSHostName") or first(raw, "cn"))
    return out


def refuse_read_only(conn: Connection, where: str) -> None:
    if getattr(conn, "read_only", False):
        raise Refused(f"{where}: this connection is read-only; open the directory for "
                      "writing to change it")



SMTP_FILTER = "(|(objectClass=protocolCfgSMTPServer)(objectClass=msExchSmtpReceiveConnector))"
GROUP_ATTRS = ("cn", "msExchESEParamBaseName", "msExchESEParamLogFilePath",
               "msExchESEParamSystemPath")
STORE_ATTRS = ("cn", "objectClass", "msExchEDBFile", "msExchSLVFile")
SMTP_ATTRS = ("msExchServerBindings", "msExchSmtpReceiveBindings", "msExchSmtpQueueDirectory")


def exchange_config(paged: Paged, config_nc: str, server: str) -> dict[str, Any] | None:
    """The Exchange 2003/2007 server object of ``server`` as ``exchange_inventory`` reports
    it (storage groups, stores, SMTP bindings, queue directory); None without one.

    Read here, over the console's LDAP, because the same search with ADSI inside the
    WinRM session has no credentials to reach a DC (the double hop)."""
    flt = (f"(&(objectClass=msExchExchangeServer)"
           f"(cn={escape_filter_chars(server.split('.', 1)[0])}))")
    found = paged(flt, config_nc, ("cn", "serialNumber", "msExchCurrentServerRoles"))
    if not found:
        return None
    dn, raw = found[0]["dn"], found[0]["raw_attributes"]
    groups: list[dict[str, Any]] = []
    for g in paged("(objectClass=msExchStorageGroup)", dn, GROUP_ATTRS):
        ga = g["raw_attributes"]
        stores: list[dict[str, Any]] = []
        for e in paged(STORE_FILTER, g["dn"], STORE_ATTRS):
            ea = e["raw_attributes"]
            classes = {c.lower() for c in decode_values(ea.get("objectClass"))}
            stores.append({"name": first(ea, "cn"), "public": "msexchpublicmdb" in classes,
                           "edb": first(ea, "msExchEDBFile"), "stm": first(ea, "msExchSLVFile")})
        groups.append({"name": first(ga, "cn"), "prefix": first(ga, "msExchESEParamBaseName"),
                       "log_path": first(ga, "msExchESEParamLogFilePath"),
                       "system_path": first(ga, "msExchESEParamSystemPath"),
                       "stores": sorted(stores, key=_by_name)})
    smtp = paged(SMTP_FILTER, dn, SMTP_ATTRS)
    bindings = [b for e in smtp for a in SMTP_ATTRS[:2]
                for b in decode_values({k.lower(): v for k, v in e["raw_attributes"].items()}
                                       .get(a.lower()))]
    queues = [q for e in smtp if (q := first(e["raw_attributes"], "msExchSmtpQueueDirectory"))]
    roles = first(raw, "msExchCurrentServerRoles")
    return {"name": first(raw, "cn") or server.upper(), "dn": dn,
            "serial": first(raw, "serialNumber"), "roles": int(roles) if roles.isdigit() else 0,
            # a DC returns entries in no set order: by name, the same from every DC
            "storage_groups": sorted(groups, key=_by_name), "bindings": bindings,
            "queue_path": queues[0] if queues else ""}


def _by_name(entry: dict[str, Any]) -> str:
    return str(entry["name"]).lower()
