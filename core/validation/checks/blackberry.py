"""BlackBerry checks (guide, BlackBerry requirements): consolidated to consolidated only,
on a SQL Server back end the matrix supports."""

from __future__ import annotations

from core.apps.blackberry import bes_instances
from core.apps.support import check_backend, check_version
from core.model.server import Server
from core.validation.base import Outcome, check, passed
from core.validation.checks.common import per_side, verdict
from core.validation.checks.versions import matrix_version
from core.validation.context import Side, ValidationContext

BLACKBERRY = ("blackberry",)


@check("blackberry.consolidated", "Consolidated BES on both servers", "application",
       apps=BLACKBERRY, touches=("source", "target"))
def consolidated(v: ValidationContext) -> Outcome:
    def probe(side: Side, srv: Server) -> list[str]:
        bes = srv.apps.blackberry
        if bes is None:
            return [f"BlackBerry Enterprise Server was not found on {side.name}"]
        if not bes.consolidated:
            return [f"{side.name} keeps its BES database on {bes.sql_server} (distributed): only "
                    "consolidated to consolidated is supported"]
        return []

    return verdict(per_side(v, probe), f"{v.source.name} and {v.target.name} each hold their "
                                       "own BES database (consolidated)")


@check("blackberry.backend", "BES database on a supported SQL Server", "application",
       apps=BLACKBERRY, touches=("source", "target"))
def backend(v: ValidationContext) -> Outcome:
    seen: list[str] = []

    def probe(side: Side, srv: Server) -> list[str]:
        bes = srv.apps.blackberry
        if bes is None or check_version("blackberry", bes.version):
            return []  # blackberry.consolidated / app.version report these
        insts = bes_instances(srv)
        if not insts:
            return [f"{side.name} has no SQL Server instance for {bes.database}"]
        version = matrix_version(insts[0])
        seen.append(f"{side.name}\\{insts[0].name} SQL Server {version}")
        problem = check_backend("blackberry", bes.version, version)
        return [f"{side.name}: {problem}"] if problem else []

    problems = per_side(v, probe)
    if problems or not seen:
        return verdict(problems, "no BES back end to check")
    return passed(", ".join(seen))
