"""The support matrix (SPEC F-1.1, F-1.2): ``support_matrix.toml`` and its rules.

The data file holds one entry per application version; :data:`MATRIX`
expands it to one :class:`SupportRow` per (application, version, Windows
family). Each ``check_*`` function is one rule: it returns "" when the
rule holds, else a sentence saying why not (what the validation shows).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

FAMILIES = ("2000", "2003", "2008", "2008 R2", "2012", "2012 R2", "2016", "2019", "2022", "2025")
TOPOLOGIES = ("one-to-one", "many-to-one", "one-to-many", "chained")
CLUSTERS = ("cluster-to-cluster", "cluster-to-standalone", "standalone-to-cluster")
DOMAINS = ("single-forest", "parent-child", "child-child", "multiple-forests")


@dataclass(frozen=True)
class SupportRow:
    app: str
    os_family: str  # "2003", "2008", "2008 R2", … (Windows Server family)
    version: str = ""
    one_to_one: bool = True
    many_to_one: bool = False  # in every mode; see many_to_one_modes
    one_to_many: bool = False
    chained: bool = False
    cluster_to_cluster: bool = False
    cluster_to_standalone: bool = False
    standalone_to_cluster: bool = False
    single_forest: bool = True
    parent_child: bool = False
    child_child: bool = True
    multiple_forests: bool = False
    ours: bool = False
    many_to_one_modes: tuple[str, ...] = ()
    cluster_roles: tuple[str, ...] = ()
    configurations: tuple[str, ...] = ()
    database_only: str = "no"  # yes | standalone | no
    like_named: bool = False
    backends: tuple[str, ...] = ()


def _rows(entry: dict[str, Any]) -> list[SupportRow]:
    topo, clus, dom = (set(entry.get(k, ())) for k in ("topologies", "clusters", "domains"))
    modes = tuple(entry.get("many_to_one_modes", ()))
    common = dict(
        app=entry["app"], version=str(entry["version"]),
        one_to_one="one-to-one" in topo, many_to_one="many-to-one" in topo and not modes,
        one_to_many="one-to-many" in topo, chained="chained" in topo,
        cluster_to_cluster="cluster-to-cluster" in clus,
        cluster_to_standalone="cluster-to-standalone" in clus,
        standalone_to_cluster="standalone-to-cluster" in clus,
        single_forest="single-forest" in dom, parent_child="parent-child" in dom,
        child_child="child-child" in dom, multiple_forests="multiple-forests" in dom,
        ours=bool(entry.get("ours", False)), many_to_one_modes=modes,
        cluster_roles=tuple(entry.get("cluster_roles", ())),
        configurations=tuple(entry.get("configurations", ())),
        database_only=str(entry.get("database_only", "no")),
        like_named=bool(entry.get("like_named", False)),
        backends=tuple(str(b) for b in entry.get("backends", ())))
    return [SupportRow(os_family=str(fam), **common) for fam in entry["os"]]


@cache
def _data() -> dict[str, Any]:
    text = resources.files("core.apps").joinpath("support_matrix.toml").read_text("utf-8")
    return tomllib.loads(text)


MATRIX: tuple[SupportRow, ...] = tuple(r for e in _data()["version"] for r in _rows(e))
RULES: dict[str, Any] = _data()["rules"]

_FAMILY = re.compile(r"windows(?:\s+server)?\W*\s*(\d{4})(\s+r2)?", re.IGNORECASE)


def os_family(os_name: str) -> str | None:
    """``"Windows Server 2008 R2 Enterprise"`` -> ``"2008 R2"``; None when not a server OS."""
    m = _FAMILY.search(os_name or "")
    if not m:
        return None
    return m.group(1) + (" R2" if m.group(2) else "")


def rows(app: str) -> list[SupportRow]:
    return [r for r in MATRIX if r.app == app]


def versions(app: str) -> list[str]:
    """The versions of ``app`` the matrix knows, in file order."""
    return list(dict.fromkeys(r.version for r in rows(app)))


def supported_families(app: str) -> list[str]:
    """Windows Server families the application is supported on, oldest first."""
    fams = {r.os_family for r in rows(app)}
    return [f for f in FAMILIES if f in fams]


def row_for(app: str, os_name: str, version: str | None = None) -> SupportRow | None:
    """The matrix row for ``app`` (at ``version``) on the OS named ``os_name``."""
    fam = os_family(os_name)
    return next((r for r in rows(app) if r.os_family == fam
                 and (version is None or r.version == version)), None)


def version_row(app: str, version: str) -> SupportRow | None:
    """Any row of this version (the per-version facts are the same on every OS)."""
    return next((r for r in rows(app) if r.version == version), None)


# --- the rules ---------------------------------------------------------------------
def check_version(app: str, version: str) -> str:
    if version_row(app, version) is None:
        known = ", ".join(versions(app)) or "none"
        return f"{app} {version or '(not found)'} is not supported (supported: {known})"
    return ""


def check_os(app: str, version: str, os_name: str) -> str:
    if version_row(app, version) is None:
        return check_version(app, version)
    if row_for(app, os_name, version) is None:
        fams = ", ".join(r.os_family for r in rows(app) if r.version == version)
        return (f"{app} {version} is not supported on {os_name or 'an unknown OS'} "
                f"(Windows Server {fams})")
    return ""


def check_topology(app: str, version: str, topology: str, mode: str = "instance") -> str:
    """one-to-one | many-to-one | one-to-many | chained (SQL database-only many-to-one)."""
    row = version_row(app, version)
    if row is None:
        return check_version(app, version)
    ok = {"one-to-one": row.one_to_one, "one-to-many": row.one_to_many,
          "chained": row.chained,
          "many-to-one": row.many_to_one or mode in row.many_to_one_modes}.get(topology, False)
    if ok:
        return ""
    if topology == "many-to-one" and row.many_to_one_modes:
        return (f"{app} {version} allows many-to-one only in database-only many-to-one mode "
                "(connection.sql_mode=many-to-one)")
    return f"{app} {version} does not support the {topology} topology: protection is one to one"


def check_cluster(app: str, version: str, source_clustered: bool, target_clustered: bool,
                  role: str = "") -> str:
    if not (source_clustered or target_clustered):
        return ""
    row = version_row(app, version)
    if row is None:
        return check_version(app, version)
    kind = ("cluster-to-cluster" if source_clustered and target_clustered else
            "cluster-to-standalone" if source_clustered else "standalone-to-cluster")
    allowed = {"cluster-to-cluster": row.cluster_to_cluster,
               "cluster-to-standalone": row.cluster_to_standalone,
               "standalone-to-cluster": row.standalone_to_cluster}[kind]
    if not allowed:
        return f"{app} {version} does not support {kind} protection"
    if row.cluster_roles and role.lower() not in row.cluster_roles:
        return (f"{app} {version} supports {kind} for the {', '.join(row.cluster_roles)} role "
                f"only (this server: {role or 'unknown role'})")
    return ""


def check_domain(app: str, version: str, topology: str, child_has_dns: bool = True) -> str:
    """single-forest | parent-child | child-child | multiple-forests."""
    row = version_row(app, version)
    if row is None:
        return check_version(app, version)
    ok = {"single-forest": row.single_forest, "parent-child": row.parent_child,
          "child-child": row.child_child, "multiple-forests": row.multiple_forests}
    if not ok.get(topology, False):
        return f"{app} {version} does not support a {topology.replace('-', '/')} domain topology"
    if (topology == "child-child" and app in RULES["child_child_needs_child_dns"]
            and not child_has_dns):
        return f"{app} in child domains needs a DNS server in the child domain"
    return ""


def check_configuration(app: str, version: str, configuration: str) -> str:
    row = version_row(app, version)
    if row is None:
        return check_version(app, version)
    if row.configurations and configuration not in row.configurations:
        return (f"{app} {version}: a {configuration} configuration cannot be protected "
                f"(only {', '.join(row.configurations)})")
    return ""


def check_database_only(app: str, version: str, clustered: bool) -> str:
    row = version_row(app, version)
    if row is None:
        return check_version(app, version)
    if row.database_only == "no" or (row.database_only == "standalone" and clustered):
        where = " on a cluster" if row.database_only == "standalone" else ""
        return f"{app} {version} has no database-only protection{where}"
    return ""


def check_like_named(app: str, version: str) -> str:
    row = version_row(app, version)
    if row is None or not row.like_named:
        return f"like-named clusters are supported for Exchange 2003 only, not {app} {version}"
    return ""


def check_backend(app: str, version: str, backend_version: str) -> str:
    row = version_row(app, version)
    if row is None:
        return check_version(app, version)
    if row.backends and backend_version not in row.backends:
        return (f"{app} {version} needs a SQL Server back end of {', '.join(row.backends)} "
                f"(this one: {backend_version or 'unknown'})")
    return ""


def _rank(version: str) -> tuple[int, str]:
    m = re.match(r"(\d{4})", version)
    return (int(m.group(1)) if m else 0, version)


def check_same_version(app: str, source: str, target: str, mode: str = "instance",
                       source_bits: int = 64, target_bits: int = 64) -> str:
    """F-1.2: identical versions, except SQL database-only (newer target, 32→64 bit)."""
    if source == target and source_bits == target_bits:
        return ""
    if mode in RULES["newer_target_modes"].get(app, []):
        newer_or_same = _rank(target) >= _rank(source)
        if newer_or_same and target_bits >= source_bits:
            return ""
        return (f"the target runs {app} {target} ({target_bits} bit), older than the source's "
                f"{source} ({source_bits} bit)")
    return (f"source and target must run the same {app} version: {source} "
            f"({source_bits} bit) and {target} ({target_bits} bit)")


def failback_refused(app: str, source: str, target: str, source_bits: int = 64,
                     target_bits: int = 64) -> str:
    """Failback between different versions (or bitness) is refused (F-1.2, F-9.3)."""
    if source == target and source_bits == target_bits:
        return ""
    return (f"failback is refused: the source runs {app} {source} ({source_bits} bit) and the "
            f"target {target} ({target_bits} bit)")


def check_shared_machine(app: str, running: list[str], server: str = "the server") -> str:
    """``running``: the applications on the machine. Some never share one (F-1.2)."""
    for group in RULES["never_together"]:
        if app in group:
            others = [a for a in group if a != app and a in running]
            if others:
                return (f"{server} runs {' and '.join([app, *others])}: they cannot be "
                        "protected on the same machine")
    return ""
