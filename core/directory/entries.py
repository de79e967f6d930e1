"""Turning directory entries into :class:`DirectoryComputer` values (no ldap3).

Cluster convention (how a Windows failover cluster shows up in AD):
- a computer object that carries an ``MSClusterVirtualServer/...`` SPN is a
  cluster *virtual server* (a network name clients use): it is listed by
  discovery and marked ``is_cluster_virtual``;
- a computer object that carries an ``MSServerClusterMgmtAPI/...`` or
  ``MSServerCluster/...`` SPN is a cluster *node* (a physical member):
  marked ``is_cluster_node`` and hidden from discovery lists (SPEC F-5.2).
A virtual-server SPN wins when both kinds are present, so a name is never
hidden by mistake.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from core.hosts.app_versions import exchange_product
from core.ports import DirectoryComputer, RootDse

VIRTUAL_SERVER_SPN = "msclustervirtualserver"
NODE_SPNS = ("msserverclustermgmtapi", "msservercluster")

#: Attributes the adapter asks for, and nothing more (large directories).
COMPUTER_ATTRIBUTES = (
    "sAMAccountName",
    "dNSHostName",
    "operatingSystem",
    "operatingSystemVersion",
    "servicePrincipalName",
    "userAccountControl",
    "distinguishedName",
)

#: What the big discovery searches ask for: the DN comes with every entry anyway.
DISCOVERY_ATTRIBUTES = tuple(a for a in COMPUTER_ATTRIBUTES if a != "distinguishedName")

#: Attributes of an Exchange server object (configuration NC) discovery reads.
EXCHANGE_ATTRIBUTES = ("cn", "networkAddress", "serialNumber", "msExchCurrentServerRoles")
#: userAccountControl ACCOUNTDISABLE
ACCOUNT_DISABLED = 0x2
#: msExchCurrentServerRoles: Edge Transport (a perimeter server, not a domain member)
EDGE_ROLE = 64
EDGE_NOTE = ("Edge Transport server: it sits in the perimeter network and is no member of "
             "the domain, so the directory has no computer object, OS or address for it")

_AD_VERSION = re.compile(r"^\s*(\d+)\.(\d+)\s*\((\d+)\)\s*$")


def spn_service(spn: str) -> str:
    """The service class of an SPN (``HOST/fs01`` -> ``host``), lower case."""
    return spn.split("/", 1)[0].strip().lower()


def cluster_role(spns: Iterable[str]) -> tuple[bool, bool]:
    """``(is_cluster_node, is_cluster_virtual)`` from a computer's SPNs."""
    services = {spn_service(s) for s in spns}
    virtual = VIRTUAL_SERVER_SPN in services
    node = not virtual and any(n in services for n in NODE_SPNS)
    return node, virtual


def dotted_os_version(value: str) -> str:
    """AD's ``6.0 (6002)`` as ``6.0.6002`` (the form host inventories use).

    Anything else is returned unchanged (stripped).
    """
    m = _AD_VERSION.match(value)
    return f"{m.group(1)}.{m.group(2)}.{m.group(3)}" if m else value.strip()


def ad_os_version(dotted: str) -> str:
    """``6.0.6002`` as AD stores it: ``6.0 (6002)`` (used to build lab entries)."""
    parts = dotted.split(".")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{parts[0]}.{parts[1]} ({parts[2]})"
    return dotted


def dn_to_dns(dn: str) -> str:
    """``DC=lab,DC=example,DC=com`` -> ``lab.example.com`` (non-DC parts ignored)."""
    labels = []
    for rdn in _split_dn(dn):
        attr, _, value = rdn.partition("=")
        if attr.strip().lower() == "dc":
            labels.append(value.strip())
    return ".".join(labels).lower()


def dns_to_dn(domain: str) -> str:
    """``lab.example.com`` -> ``DC=lab,DC=example,DC=com``."""
    return ",".join(f"DC={label}" for label in domain.strip(".").split(".") if label)


def _split_dn(dn: str) -> list[str]:
    # Split on commas that are not escaped (``CN=a\,b,DC=x``).
    parts, cur, esc = [], [], False
    for ch in dn:
        if esc:
            cur.append(ch)
            esc = False
        elif ch == "\\":
            cur.append(ch)
            esc = True
        elif ch == ",":
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if cur:
        parts.append("".join(cur))
    return parts


def root_dse_from(attrs: Mapping[str, Sequence[str]]) -> RootDse:
    """Build :class:`RootDse` from rootDSE attributes (case-insensitive names)."""
    low = {k.lower(): v for k, v in attrs.items()}

    def one(name: str) -> str:
        vals = low.get(name.lower()) or []
        return str(vals[0]) if vals else ""

    default_nc = one("defaultNamingContext")
    root_nc = one("rootDomainNamingContext") or default_nc
    config_nc = one("configurationNamingContext") or (f"CN=Configuration,{root_nc}" if root_nc else "")
    return RootDse(default_nc, config_nc, root_nc, dn_to_dns(root_nc))


def decode_values(raw: Sequence[bytes | str] | None) -> list[str]:
    """Raw LDAP values as text (AD strings are UTF-8)."""
    out = []
    for v in raw or ():
        out.append(v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v))
    return out


def computer_from_attrs(dn: str, attrs: Mapping[str, Sequence[bytes | str]]) -> DirectoryComputer:
    """A :class:`DirectoryComputer` from one entry's raw attributes."""
    low = {k.lower(): decode_values(v) for k, v in attrs.items()}

    def one(name: str) -> str:
        vals = low.get(name.lower()) or []
        return vals[0] if vals else ""

    sam = one("sAMAccountName")
    name = sam[:-1] if sam.endswith("$") else sam
    dns_name = one("dNSHostName").lower()
    if not name:
        # Fall back on the host label or the RDN: every computer has one.
        name = dns_name.split(".", 1)[0] or _split_dn(dn)[0].partition("=")[2]
    spns = tuple(low.get("serviceprincipalname") or ())
    node, virtual = cluster_role(spns)
    uac = one("userAccountControl")
    return DirectoryComputer(
        name=name.upper(),
        dn=one("distinguishedName") or dn,
        dns_host_name=dns_name,
        operating_system=one("operatingSystem"),
        os_version=dotted_os_version(one("operatingSystemVersion")),
        spns=spns,
        is_cluster_node=node,
        is_cluster_virtual=virtual,
        disabled=uac.isdigit() and bool(int(uac) & ACCOUNT_DISABLED),
    )


def spn_host(spn: str) -> str:
    """The host part of an SPN (``HOST/fs01.lab.example.com:80/x`` -> ``fs01.lab.example.com``)."""
    rest = spn.split("/", 1)[1] if "/" in spn else ""
    return rest.split("/", 1)[0].split(":", 1)[0].strip().lower()


def spns_naming(spns: Iterable[str], service: str, names: Iterable[str]) -> tuple[str, ...]:
    """The SPNs of ``service`` class (``HOST``) whose host is one of ``names`` (any case)."""
    wanted = {n.strip().rstrip(".").lower() for n in names if n.strip()}
    svc = service.strip().lower()
    return tuple(s for s in spns if spn_service(s) == svc and spn_host(s) in wanted)


def exchange_host(network_addresses: Iterable[str]) -> str:
    """An Exchange server's DNS name from its ``networkAddress`` values (``ncacn_ip_tcp:fqdn``)."""
    for value in network_addresses:
        proto, _, host = value.partition(":")
        if proto.strip().lower() == "ncacn_ip_tcp" and host.strip():
            return host.strip().rstrip(".").lower()
    return ""


def exchange_from_attrs(dn: str, attrs: Mapping[str, Sequence[bytes | str]]) -> DirectoryComputer:
    """A :class:`DirectoryComputer` for an ``msExchExchangeServer`` object (no computer found)."""
    low = {k.lower(): decode_values(v) for k, v in attrs.items()}
    cn = (low.get("cn") or [_split_dn(dn)[0].partition("=")[2]])[0]
    serial = (low.get("serialnumber") or [""])[0]
    roles = (low.get("msexchcurrentserverroles") or [""])[0].strip()
    edge = roles.lstrip("-").isdigit() and bool(int(roles) & EDGE_ROLE)
    return DirectoryComputer(name=cn.upper(), dn=dn,
                             dns_host_name=exchange_host(low.get("networkaddress") or ()),
                             app_version=exchange_product(serial) if serial else "",
                             role="edge" if edge else "", note=EDGE_NOTE if edge else "")
