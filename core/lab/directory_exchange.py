"""Exchange in the lab directory: the schema ldap3's offline AD schema lacks, and the
Exchange organization's tree in the configuration NC.

ldap3's ``OFFLINE_AD_2012_R2`` schema knows ``msExchConfigurationContainer``
but none of the classes below it, and its mock refuses entries of unknown
classes. The lab adds the classes and the one attribute it needs, under a
private OID arc (not Microsoft's OIDs; the same arc the Samba peer recipe
uses), exactly as AD names them, so queries written for a real forest —
``(objectClass=msExchExchangeServer)`` under the configuration NC — find the
lab's servers:

``CN=<server>,CN=Servers,CN=<admin group>,CN=Administrative Groups,CN=<org>,
CN=Microsoft Exchange,CN=Services,CN=Configuration,<root NC>``
with ``networkAddress`` (``ncacn_ip_tcp:<fqdn>``, ``ncacn_nb_nb:<NAME>``),
``serialNumber`` (``Version 8.1 (Build 30240.6)``) and
``msExchCurrentServerRoles`` (2007 and later).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ldap3.protocol.rfc4512 import AttributeTypeInfo, ObjectClassInfo

from core.directory.entries import dns_to_dn
from core.hosts.app_versions import exchange_role_bits, exchange_serial
from core.lab.app_json import exchange_server_dn, smtp_bindings
from core.lab.estate import Estate
from core.model.apps import ExchangeInventory

_ARC = "1.3.6.1.4.1.55555.1"
_INTEGER = "1.3.6.1.4.1.1466.115.121.1.27"
_DN = "1.3.6.1.4.1.1466.115.121.1.12"
_STRING = "1.3.6.1.4.1.1466.115.121.1.15"
ATTRIBUTES = (
    f"( {_ARC}.1 NAME 'msExchCurrentServerRoles' SYNTAX '{_INTEGER}' SINGLE-VALUE )",
    f"( {_ARC}.3 NAME 'homeMDB' SYNTAX '{_DN}' SINGLE-VALUE )",
    f"( {_ARC}.4 NAME 'homeMTA' SYNTAX '{_DN}' SINGLE-VALUE )",
    f"( {_ARC}.5 NAME 'msExchHomeServerName' SYNTAX '{_STRING}' SINGLE-VALUE )",
    f"( {_ARC}.6 NAME 'msExchHomePublicMDB' SYNTAX '{_DN}' SINGLE-VALUE )",
    # what exchange_inventory reads (the console, over LDAP): storage groups, stores, SMTP
    f"( {_ARC}.7 NAME 'msExchESEParamBaseName' SYNTAX '{_STRING}' SINGLE-VALUE )",
    f"( {_ARC}.8 NAME 'msExchESEParamLogFilePath' SYNTAX '{_STRING}' SINGLE-VALUE )",
    f"( {_ARC}.9 NAME 'msExchESEParamSystemPath' SYNTAX '{_STRING}' SINGLE-VALUE )",
    f"( {_ARC}.10 NAME 'msExchEDBFile' SYNTAX '{_STRING}' SINGLE-VALUE )",
    f"( {_ARC}.11 NAME 'msExchSLVFile' SYNTAX '{_STRING}' SINGLE-VALUE )",
    f"( {_ARC}.12 NAME 'msExchSmtpQueueDirectory' SYNTAX '{_STRING}' SINGLE-VALUE )",
    f"( {_ARC}.13 NAME 'msExchServerBindings' SYNTAX '{_STRING}' )",
    f"( {_ARC}.14 NAME 'msExchSmtpReceiveBindings' SYNTAX '{_STRING}' )",
    # the public folder tree a public store belongs to (Restore PF Tree sets it back)
    f"( {_ARC}.15 NAME 'msExchOwningPFTree' SYNTAX '{_DN}' SINGLE-VALUE )",
)
CLASSES = (
    f"( {_ARC}.101 NAME 'msExchOrganizationContainer' SUP container STRUCTURAL )",
    f"( {_ARC}.102 NAME 'msExchAdminGroupContainer' SUP container STRUCTURAL )",
    f"( {_ARC}.103 NAME 'msExchAdminGroup' SUP container STRUCTURAL )",
    f"( {_ARC}.104 NAME 'msExchServersContainer' SUP container STRUCTURAL )",
    f"( {_ARC}.100 NAME 'msExchExchangeServer' SUP top STRUCTURAL "
    "MAY ( networkAddress $ serialNumber $ msExchCurrentServerRoles $ legacyExchangeDN ) )",
    f"( {_ARC}.105 NAME 'msExchInformationStore' SUP container STRUCTURAL )",
    f"( {_ARC}.106 NAME 'msExchStorageGroup' SUP container STRUCTURAL MAY ( "
    "msExchESEParamBaseName $ msExchESEParamLogFilePath $ msExchESEParamSystemPath ) )",
    f"( {_ARC}.107 NAME 'msExchPrivateMDB' SUP top STRUCTURAL MAY ( msExchHomePublicMDB $ "
    "msExchEDBFile $ msExchSLVFile ) )",
    f"( {_ARC}.108 NAME 'msExchPublicMDB' SUP top STRUCTURAL MAY ( msExchEDBFile $ "
    "msExchSLVFile $ msExchOwningPFTree ) )",
    f"( {_ARC}.112 NAME 'msExchPFTree' SUP top STRUCTURAL )",
    f"( {_ARC}.110 NAME 'protocolCfgSMTPServer' SUP top STRUCTURAL MAY ( "
    "msExchServerBindings $ msExchSmtpQueueDirectory ) )",
    f"( {_ARC}.111 NAME 'msExchSmtpReceiveConnector' SUP top STRUCTURAL MAY ( "
    "msExchSmtpReceiveBindings $ msExchSmtpQueueDirectory ) )",
    f"( {_ARC}.109 NAME 'mTA' SUP top STRUCTURAL )",
)

Add = Callable[[str, dict[str, Any]], bool]


def extend_schema(schema: Any) -> None:
    """Add the Exchange classes and attribute to an ldap3 ``SchemaInfo`` (idempotent)."""
    for name, info in AttributeTypeInfo.from_definition(list(ATTRIBUTES)).items():
        schema.attribute_types[name] = info
    for name, info in ObjectClassInfo.from_definition(list(CLASSES)).items():
        schema.object_classes[name] = info


def add_exchange_tree(add: Add, estate: Estate) -> list[str]:
    """The organization, its administrative groups and one server object per Exchange
    server of the estate; returns the server objects' DNs."""
    exchange = [(s, s.apps.exchange) for s in estate.servers if s.apps.exchange is not None]
    if not exchange:
        return []
    base = dns_to_dn(estate.domain)
    org = f"CN={estate.exchange_org},CN=Microsoft Exchange,CN=Services,CN=Configuration,{base}"
    add(f"CN=Services,CN=Configuration,{base}", {"objectClass": ["top", "container"]})
    add(f"CN=Microsoft Exchange,CN=Services,CN=Configuration,{base}",
        {"objectClass": ["top", "container", "msExchConfigurationContainer"]})
    add(org, {"objectClass": ["top", "container", "msExchOrganizationContainer"]})
    add(f"CN=Administrative Groups,{org}",
        {"objectClass": ["top", "container", "msExchAdminGroupContainer"]})
    dns: list[str] = []
    for s, ex in exchange:
        assert ex is not None
        group = f"CN={ex.admin_group},CN=Administrative Groups,{org}"
        add(group, {"objectClass": ["top", "container", "msExchAdminGroup"]})
        add(f"CN=Servers,{group}", {"objectClass": ["top", "container", "msExchServersContainer"]})
        add(f"CN=Folder Hierarchies,{group}", {"objectClass": ["top", "container"]})
        add(pf_tree_dn(group), {"objectClass": ["top", "msExchPFTree"]})
        dn = exchange_server_dn(estate, s.name, ex)
        attrs: dict[str, Any] = {
            "objectClass": ["top", "msExchExchangeServer"],
            "networkAddress": [f"ncacn_ip_tcp:{s.fqdn(estate.domain)}", f"ncacn_nb_nb:{s.name}"],
            "serialNumber": [exchange_serial(ex.version)],
        }
        bits = exchange_role_bits(ex.roles)
        if bits:
            attrs["msExchCurrentServerRoles"] = str(bits)
        attrs["legacyExchangeDN"] = legacy_server_dn(estate, ex, s.name)
        if not add(dn, attrs):
            raise ValueError(f"cannot add the Exchange server object of {s.name}")
        _add_stores(add, dn, ex, pf_tree_dn(group))
        _add_smtp(add, dn, s.name, ex)
        dns.append(dn)
    return dns


def legacy_server_dn(estate: Estate, ex: ExchangeInventory, name: str) -> str:
    """The server's ``legacyExchangeDN``: what its mailboxes' msExchHomeServerName holds."""
    return (f"/o={estate.exchange_org}/ou={ex.admin_group}/cn=Configuration/cn=Servers/"
            f"cn={name}")


def store_dn(server_dn: str, group: str, store: str) -> str:
    return f"CN={store},CN={group},CN=InformationStore,{server_dn}"


def mta_dn(server_dn: str) -> str:
    return f"CN=Microsoft MTA,{server_dn}"


def pf_tree_dn(admin_group_dn: str) -> str:
    """The administrative group's public folder tree (its "Public Folders" hierarchy)."""
    return f"CN=Public Folders,CN=Folder Hierarchies,{admin_group_dn}"


def security_groups(estate: Estate) -> list[str]:
    """The Exchange administrators' group names setup creates in the domain: Exchange 2007's
    Exchange Organization Administrators, 2010's Organization Management (2003: none,
    rights there are ACEs Exchange System Manager delegates)."""
    versions = {s.apps.exchange.version for s in estate.servers if s.apps.exchange is not None}
    out = []
    if "2007" in versions:
        out.append("Exchange Organization Administrators")
    if versions - {"2003", "2007", "2000"}:
        out.append("Organization Management")
    return out


def _add_stores(add: Add, server_dn: str, ex: ExchangeInventory, pf_tree: str) -> None:
    """The server's MTA, information store, storage groups and stores; each mailbox store
    homes its public folders on the server's first public store, and each public store
    belongs to its administrative group's public folder tree."""
    add(mta_dn(server_dn), {"objectClass": ["top", "mTA"]})
    add(f"CN=InformationStore,{server_dn}", {"objectClass": ["top", "container",
                                                             "msExchInformationStore"]})
    public = next((store_dn(server_dn, g.name, st.name) for g in ex.storage_groups
                   for st in g.stores if st.kind == "public"), "")
    for g in ex.storage_groups:
        add(f"CN={g.name},CN=InformationStore,{server_dn}",
            _set({"objectClass": ["top", "container", "msExchStorageGroup"]},
                 msExchESEParamBaseName=g.log_prefix, msExchESEParamLogFilePath=g.log_path,
                 msExchESEParamSystemPath=g.system_path))
        for st in g.stores:
            attrs: dict[str, Any] = _set(
                {"objectClass": ["top", "msExchPublicMDB" if st.kind == "public"
                                 else "msExchPrivateMDB"]},
                msExchEDBFile=st.edb_path, msExchSLVFile=st.stm_path)
            if st.kind != "public" and public:
                attrs["msExchHomePublicMDB"] = public
            if st.kind == "public":
                attrs["msExchOwningPFTree"] = pf_tree
            add(store_dn(server_dn, g.name, st.name), attrs)


def _set(attrs: dict[str, Any], **values: str) -> dict[str, Any]:
    """``attrs`` with the non-empty ``values`` (AD stores no empty strings)."""
    return {**attrs, **{k: v for k, v in values.items() if v}}


def _add_smtp(add: Add, server_dn: str, name: str, ex: ExchangeInventory) -> None:
    """The SMTP virtual server (2003) or default receive connector (2007) and its bindings."""
    old = ex.version in ("2000", "2003")
    add(f"CN=Protocols,{server_dn}", {"objectClass": ["top", "container"]})
    if old:
        add(f"CN=SMTP,CN=Protocols,{server_dn}", {"objectClass": ["top", "container"]})
        add(f"CN=1,CN=SMTP,CN=Protocols,{server_dn}", _set(
            {"objectClass": ["top", "protocolCfgSMTPServer"],
             "msExchServerBindings": smtp_bindings(ex)},
            msExchSmtpQueueDirectory=ex.queue_path))
        return
    add(f"CN=SMTP Receive Connectors,CN=Protocols,{server_dn}",
        {"objectClass": ["top", "container"]})
    add(f"CN=Default {name},CN=SMTP Receive Connectors,CN=Protocols,{server_dn}", _set(
        {"objectClass": ["top", "msExchSmtpReceiveConnector"],
         "msExchSmtpReceiveBindings": smtp_bindings(ex)},
        msExchSmtpQueueDirectory=ex.queue_path))
