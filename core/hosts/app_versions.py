"""Product versions as the servers report them, and the names appmgr uses.

Windows servers report build numbers (SQL ``10.0.2531.0``, Exchange
``Version 8.1 (Build 30240.6)``, SharePoint ``12.0.0.6421``); the support
matrix and the model speak product names (``2008``, ``2007``, ``MOSS 2007``).
Both directions live here so the inventory parser and the lab (which must
print what a real server prints) agree by construction.
"""

from __future__ import annotations

import re

#: SQL Server major version -> product ("10" with minor >= 50 is 2008 R2).
_SQL_MAJOR = {8: "2000", 9: "2005", 10: "2008", 11: "2012", 12: "2014", 13: "2016",
              14: "2017", 15: "2019", 16: "2022"}
#: product -> the build a server of that product and service pack reports (lab output).
_SQL_BUILDS = {
    "2000": {"": "8.00.194", "SP3": "8.00.760", "SP4": "8.00.2039"},
    "2005": {"": "9.00.1399.06", "SP1": "9.00.2047.00", "SP2": "9.00.3042.00",
             "SP3": "9.00.4035.00", "SP4": "9.00.5000.00"},
    "2008": {"": "10.0.1600.22", "SP1": "10.0.2531.0", "SP2": "10.0.4000.0",
             "SP3": "10.0.5500.0", "SP4": "10.0.6000.29"},
    "2008 R2": {"": "10.50.1600.1", "SP1": "10.50.2500.0", "SP2": "10.50.4000.0",
                "SP3": "10.50.6000.34"},
    "2012": {"": "11.0.2100.60"}, "2014": {"": "12.0.2000.8"}, "2016": {"": "13.0.1601.5"},
    "2017": {"": "14.0.1000.169"}, "2019": {"": "15.0.2000.5"}, "2022": {"": "16.0.1000.6"},
}

#: product -> registry instance id prefix (2005 numbers its instances MSSQL.1, MSSQL.2…).
_SQL_ID_PREFIX = {"2008": "MSSQL10.", "2008 R2": "MSSQL10_50.", "2012": "MSSQL11.",
                  "2014": "MSSQL12.", "2016": "MSSQL13.", "2017": "MSSQL14.", "2019": "MSSQL15.",
                  "2022": "MSSQL16."}

#: Exchange (major, minor) of the AD serialNumber -> product.
_EXCHANGE = {(6, 0): "2000", (6, 5): "2003", (8, 0): "2007", (8, 1): "2007", (8, 2): "2007",
             (8, 3): "2007", (14, 0): "2010", (14, 1): "2010", (14, 2): "2010", (14, 3): "2010",
             (15, 0): "2013", (15, 1): "2016", (15, 2): "2019"}
#: product -> the serialNumber its server object carries (lab output).
_EXCHANGE_SERIALS = {
    "2000": "Version 6.0 (Build 6249.4: Service Pack 3)",
    "2003": "Version 6.5 (Build 7638.2: Service Pack 2)",
    "2007": "Version 8.1 (Build 30240.6)",
    "2010": "Version 14.3 (Build 123.4)",
    "2013": "Version 15.0 (Build 1497.2)",
    "2016": "Version 15.1 (Build 2507.6)",
    "2019": "Version 15.2 (Build 1118.7)",
}
#: msExchCurrentServerRoles bits (Exchange 2007 and later).
EXCHANGE_ROLE_BITS = {"mailbox": 2, "cas": 4, "um": 16, "hub": 32, "edge": 64}

#: SharePoint registry major version -> (with Office Server, without).
_SHAREPOINT = {12: ("MOSS 2007", "WSS 3.0"), 14: ("SharePoint Server 2010", "SharePoint Foundation 2010"),
               15: ("SharePoint Server 2013", "SharePoint Foundation 2013"),
               16: ("SharePoint Server 2016", "SharePoint Server 2016")}
_SHAREPOINT_BUILDS = {12: "12.0.0.6421", 14: "14.0.7015.1000", 15: "15.0.4569.1000",
                      16: "16.0.4351.1000"}

_NUM = re.compile(r"(\d+)\.(\d+)")
_SERIAL = re.compile(r"Version\s+(\d+)\.(\d+)", re.IGNORECASE)


def sql_product(version: str) -> str:
    """``10.0.2531.0`` -> ``2008``; ``10.50.1600.1`` -> ``2008 R2``; unknown builds unchanged."""
    m = _NUM.match(version.strip())
    if not m:
        return version.strip()
    major, minor = int(m.group(1)), int(m.group(2))
    if major == 10 and minor >= 50:
        return "2008 R2"
    return _SQL_MAJOR.get(major, version.strip())


def sql_build(product: str, service_pack: str = "") -> str:
    """The ProductVersion a ``product`` server at ``service_pack`` reports."""
    builds = _SQL_BUILDS.get(product)
    if builds is None:
        raise ValueError(f"unknown SQL Server version {product!r}")
    return builds.get(service_pack.upper(), builds[""])


def sql_level(level: str) -> str:
    """SERVERPROPERTY('ProductLevel') in the model's words: ``RTM`` -> ``""``, ``SP2`` kept."""
    level = level.strip().upper()
    return "" if level in ("", "RTM") else level


def sql_edition(edition: str) -> tuple[str, int]:
    """``Enterprise Edition (64-bit)`` -> (``Enterprise``, 64); no bitness means 32."""
    bits = 64 if "64-bit" in edition else 32
    name = re.sub(r"\(64-bit\)|\bEdition\b", " ", edition)
    return " ".join(name.split()) or "Standard", bits


def sql_edition_text(edition: str, bits: int) -> str:
    """Inverse of :func:`sql_edition` (what SERVERPROPERTY('Edition') says)."""
    return f"{edition} Edition" + (" (64-bit)" if bits == 64 else "")


def sql_instance_id(product: str, instance: str, index: int = 1) -> str:
    """The registry id of an instance: ``MSSQL10.MSSQLSERVER``, ``MSSQL.1`` (2005)…"""
    if product == "2005":
        return f"MSSQL.{index}"
    prefix = _SQL_ID_PREFIX.get(product, "")
    return f"{prefix}{instance}"


def exchange_product(serial: str) -> str:
    """``Version 8.1 (Build 30240.6)`` -> ``2007``; unknown serials unchanged."""
    m = _SERIAL.search(serial)
    if not m:
        return serial.strip()
    return _EXCHANGE.get((int(m.group(1)), int(m.group(2))), serial.strip())


def exchange_serial(product: str) -> str:
    """The serialNumber of a ``product`` server object (lab and directory output)."""
    try:
        return _EXCHANGE_SERIALS[product]
    except KeyError:
        raise ValueError(f"unknown Exchange version {product!r}") from None


def exchange_roles(bits: int, product: str) -> tuple[str, ...]:
    """msExchCurrentServerRoles as role words; Exchange 2000/2003 have no such bits."""
    if product in ("2000", "2003"):
        return ("backend",)
    return tuple(role for role, bit in EXCHANGE_ROLE_BITS.items() if bits & bit)


def exchange_role_bits(roles: tuple[str, ...]) -> int:
    return sum(EXCHANGE_ROLE_BITS.get(r, 0) for r in roles)


def sharepoint_product(version: str, office_server: bool) -> str:
    """Registry ``12.0.0.6421`` + Office Server installed -> ``MOSS 2007`` (else ``WSS 3.0``)."""
    m = _NUM.match(version.strip())
    names = _SHAREPOINT.get(int(m.group(1))) if m else None
    if names is None:
        return version.strip()
    return names[0] if office_server else names[1]


def sharepoint_build(product: str) -> tuple[str, bool]:
    """Inverse of :func:`sharepoint_product`: (registry version, Office Server installed)."""
    for major, names in _SHAREPOINT.items():
        if product in names:
            return _SHAREPOINT_BUILDS[major], product == names[0]
    raise ValueError(f"unknown SharePoint version {product!r}")


def short_version(version: str, parts: int = 3) -> str:
    """``4.1.6.15`` -> ``4.1.6`` (BlackBerry reports a build the matrix does not use)."""
    nums = re.findall(r"\d+", version)
    return ".".join(nums[:parts]) if nums else version.strip()
