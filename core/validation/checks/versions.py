"""Application versions (SPEC F-1.1, F-1.2): supported by the matrix, identical where required,
and applications that may never share a machine."""

from __future__ import annotations

from core.apps.sharepoint import farm_instances
from core.apps.sqlcommon import split_key
from core.apps.support import (
    check_os,
    check_shared_machine,
    check_version,
    os_family,
    supported_families,
)
from core.model.apps import SqlInstance
from core.model.server import Server
from core.validation.base import Outcome, check, error, passed
from core.validation.checks.common import per_side, running_apps, verdict
from core.validation.context import Side, ValidationContext


def matrix_version(inst: SqlInstance) -> str:
    """How the support matrix names a SQL instance's version (Express is its own row)."""
    return "Express" if "express" in inst.edition.lower() else inst.version


def protected_instances(v: ValidationContext, server: Server) -> list[SqlInstance]:
    """The SQL instances of the pair's protected databases on ``server`` (source names)."""
    names = list(dict.fromkeys(split_key(k)[0] for k in v.config.connection.databases))
    if not names:
        insts = farm_instances(server) if v.app.id == "sharepoint" else list(server.apps.sql)
        names = [i.name.upper() for i in insts]
    found = (server.apps.sql_instance(n) for n in names)
    return [i for i in found if i is not None]


def versions_of(v: ValidationContext, side: Side, srv: Server) -> list[tuple[str, str]]:
    """(what, version) pairs the matrix must know for this server and application."""
    app = v.app
    if app.id == "sql":
        source = v.source.server
        names = [i.name for i in protected_instances(v, source)] if source is not None else []
        insts = [srv.apps.sql_instance(n) for n in names] or list(srv.apps.sql)
        return [(f"{side.name}\\{i.name}", matrix_version(i)) for i in insts if i is not None]
    source = v.source.server
    if v.config.cluster.like_named and side.role == "target" and source is not None:
        # a standby node has Exchange installed but no server object of its own: the source
        # virtual server's version is the one that will run there
        installed = any(s.name.lower() == "msexchangeis" for s in srv.services)
        return [(side.name, app.version_of(source) if installed else "")]
    return [(side.name, app.version_of(srv))]


@check("app.version", "Application version supported on the servers' Windows", "application",
       apps=("exchange", "sql", "sharepoint", "blackberry"), touches=("source", "target"))
def app_version(v: ValidationContext) -> Outcome:
    app = v.app
    seen: dict[str, str] = {}

    def probe(side: Side, srv: Server) -> list[str]:
        out = []
        for what, version in versions_of(v, side, srv):
            seen[what] = version
            if not version:
                out.append(f"{app.title} was not found on {side.name}")
                continue
            problem = check_version(app.id, version)
            if not problem and os_family(srv.os_name) in supported_families(app.id):
                problem = check_os(app.id, version, srv.os_name)  # else servers.os says it
            if problem:
                out.append(f"{what}: {problem}")
        return out

    problems = per_side(v, probe)
    if problems:
        return error("; ".join(problems))
    if app.id in ("exchange", "blackberry") and len(set(seen.values())) > 1:
        shown = " but ".join(f"{n} runs {app.title} {x}" for n, x in seen.items())
        return error(f"{shown}: source and target must run the same version")
    shown = ", ".join(f"{n} {x}" for n, x in seen.items())
    label = {"sql": "SQL Server", "sharepoint": "SQL Server back end"}.get(app.id, app.title)
    return passed(f"{label} {shown}")


@check("app.shared_machine", "Exchange and BlackBerry not on one machine", "application",
       apps=("exchange", "blackberry"), touches=("source", "target"))
def shared_machine(v: ValidationContext) -> Outcome:
    def probe(side: Side, srv: Server) -> list[str]:
        problem = check_shared_machine(v.app.id, running_apps(srv), side.name)
        return [problem] if problem else []

    return verdict(per_side(v, probe), f"neither {v.source.name} nor {v.target.name} runs "
                                       "both Exchange and BlackBerry")
