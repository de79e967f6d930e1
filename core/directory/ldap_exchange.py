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

