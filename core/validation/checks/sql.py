"""SQL Server checks (guide, SQL requirements), for SQL Server and the SQL back ends of
SharePoint and BlackBerry: same version and service pack (database-only exceptions), the
protected instances exist on both, sysadmin role, Express protocols, one domain."""

from __future__ import annotations

from core.apps.sqlcommon import DB_MODES
from core.apps.support import check_same_version
from core.model.apps import SqlInstance
from core.model.server import Server
from core.validation.base import (
    SQL_BACKED,
    Outcome,
    check,
    error,
    fix_for,
    passed,
    warning,
)
from core.validation.checks.common import both_servers, cached_user, per_side
from core.validation.checks.servers import same_account
from core.validation.checks.versions import protected_instances
from core.validation.context import Side, ValidationContext

ADMINISTRATORS = "BUILTIN\\ADMINISTRATORS"
EXPRESS_PROTOCOLS = {"tcp": "TCP/IP", "np": "Named Pipes"}


def instance_pairs(v: ValidationContext) -> list[tuple[SqlInstance, SqlInstance | None]]:
    """Each protected source instance with the target's instance of the same name."""
    src, tgt = both_servers(v)
    return [(i, tgt.apps.sql_instance(i.name)) for i in protected_instances(v, src)]


def _mode(v: ValidationContext) -> str:
    return v.config.connection.sql_mode if v.app.id == "sql" else "instance"


def _label(inst: SqlInstance) -> str:
    return f"{inst.version}{' ' + inst.service_pack if inst.service_pack else ''} " \
           f"({inst.bits} bit)"


@check("sql.named_instances", "Protected SQL instances exist on both servers", "application",
       apps=SQL_BACKED, touches=("source", "target"))
def named_instances(v: ValidationContext) -> Outcome:
    pairs = instance_pairs(v)
    if not pairs:
        return error(f"{v.source.name} has no SQL Server instance to protect")
    missing = [i.name for i, t in pairs if t is None]
    if missing:
        kinds = ", ".join(f"{n} ({'default instance' if n == 'MSSQLSERVER' else 'named instance'})"
                          for n in missing)
        return error(f"{v.target.name} has no instance {kinds}: install instances with exactly "
                     f"the same names as on {v.source.name} before protecting them")
    return passed(f"{', '.join(i.name for i, _ in pairs)} on {v.source.name} and "
                  f"{v.target.name}")


@check("sql.version", "Same SQL Server version and service pack", "application",
       apps=SQL_BACKED, touches=("source", "target"))
def same_version(v: ValidationContext) -> Outcome:
    mode = _mode(v)
    errors, warnings = [], []
    for a, b in instance_pairs(v):
        if b is None:
            continue  # sql.named_instances reports it
        problem = check_same_version("sql", a.version, b.version, mode, a.bits, b.bits)
        where = f"{a.name}: {v.source.name} runs {_label(a)}, {v.target.name} {_label(b)}"
        if problem:
            errors.append(f"{where} — {problem}")
        elif (a.version, a.bits) != (b.version, b.bits):
            warnings.append(f"{where}: allowed in {mode} mode, but failback to "
                            f"{v.source.name} will be refused")
        elif a.service_pack.upper() != b.service_pack.upper():
            warnings.append(f"{where}: use the same service pack on both")
    if errors:
        return error("; ".join(errors))
    if warnings:
        return warning("; ".join(warnings))
    shown = ", ".join(f"{a.name} {_label(a)}" for a, b in instance_pairs(v) if b is not None)
    return passed(f"both run {shown or 'the same version'}")


@check("sql.sysadmin", "Account in the sysadmin role on both servers", "application",
       apps=SQL_BACKED, touches=("source", "target"))
def sysadmin(v: ValidationContext) -> Outcome:
    names = [i.name for i, _ in instance_pairs(v)]
    unsure: list[str] = []

    def probe(side: Side, srv: Server) -> list[str]:
        user = cached_user(v, side.name)
        out = []
        for inst in (srv.apps.sql_instance(n) for n in names):
            if inst is None:
                continue
            where = f"{side.name}\\{inst.name}"
            if not inst.sysadmins:
                unsure.append(f"{where} did not list its sysadmins")
            elif not user:
                unsure.append(f"no cached account for {side.name}")
            elif not any(same_account(user, m, v.domain) or m.upper() == ADMINISTRATORS
                         for m in inst.sysadmins):
                out.append(f"{user} is not in the sysadmin role of {where}")
        return out

    problems = per_side(v, probe)
    if problems:
        return error("; ".join(problems))
    if unsure:
        return warning("could not check: " + "; ".join(dict.fromkeys(unsure)))
    return passed(f"the account is a sysadmin of {', '.join(names)} on {v.source.name} and "
                  f"{v.target.name}")


def _closed_protocols(v: ValidationContext) -> list[tuple[str, str, list[str]]]:
    """(server, instance, missing protocols) of the Express instances involved."""
    out = []
    for a, b in instance_pairs(v):
        for side, inst in ((v.source, a), (v.target, b)):
            if inst is None or "express" not in inst.edition.lower():
                continue
            missing = [p for p in EXPRESS_PROTOCOLS if p not in inst.protocols]
            if missing:
                out.append((side.name, inst.name, missing))
    return out


@check("sql.express_protocols", "SQL Express accepts TCP/IP and Named Pipes", "application",
       apps=SQL_BACKED, touches=("source", "target"))
def express_protocols(v: ValidationContext) -> Outcome:
    closed = _closed_protocols(v)
    if closed:
        shown = "; ".join(f"{' and '.join(EXPRESS_PROTOCOLS[p] for p in missing)} disabled on "
                          f"{srv}\\{inst}" for srv, inst, missing in closed)
        return error(f"{shown}: SQL Express must accept remote connections (Fix enables them "
                     "and restarts the instance)")
    express = [a.name for a, _ in instance_pairs(v) if "express" in a.edition.lower()]
    if not express:
        return passed("no SQL Express instance is protected")
    return passed(f"TCP/IP and Named Pipes are enabled for {', '.join(express)} on both")


@fix_for("sql.express_protocols", order="host")
def enable_protocols(v: ValidationContext) -> None:
    """Enable TCP/IP and Named Pipes of each Express instance involved, then restart it."""
    for server, inst, missing in _closed_protocols(v):
        v.ctx.host(server).run_op("sql_protocols", {"instance": inst, "enable": missing,
                                                    "restart": True})


@check("sql.same_domain", "SQL servers in the same domain", "application", apps=("sql",),
       touches=("source", "target"))
def same_domain(v: ValidationContext) -> Outcome:
    src, tgt = both_servers(v)
    if (src.domain or "").lower() != (tgt.domain or "").lower():
        return warning(f"{src.name} is in {src.domain or '?'} and {tgt.name} in "
                       f"{tgt.domain or '?'}: the SQL Server services on both must start with "
                       "the same domain account")
    return passed(f"both are in {src.domain or v.domain}")


def database_only(v: ValidationContext) -> bool:
    """``when`` rule of the database-only checks."""
    return v.config.connection.sql_mode in DB_MODES

