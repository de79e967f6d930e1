"""Program files at the same path on source and target (guide, requirements): the protected
application is installed in the same folder on both servers."""

from __future__ import annotations

from core.apps.blackberry import bes_instances
from core.model.server import Server
from core.validation.base import Outcome, check, error, passed
from core.validation.checks.common import both_servers
from core.validation.checks.versions import protected_instances
from core.validation.context import ValidationContext


def _paths(v: ValidationContext, srv: Server, source: Server) -> dict[str, tuple[str, str]]:
    """What -> (program folder, version) on ``srv`` (SQL instances named as on the source)."""
    app = v.app.id
    out: dict[str, tuple[str, str]] = {}
    if app == "exchange" and srv.apps.exchange is not None:
        out["Exchange"] = (srv.apps.exchange.program_path, srv.apps.exchange.version)
    if app == "blackberry" and srv.apps.blackberry is not None:
        bes = srv.apps.blackberry
        out["BlackBerry Enterprise Server"] = (bes.program_path, bes.version)
    if app in ("sql", "sharepoint", "blackberry"):
        names = [i.name for i in (bes_instances(source) if app == "blackberry"
                                  else protected_instances(v, source))]
        for name in names:
            inst = srv.apps.sql_instance(name)
            if inst is not None:
                out[f"SQL Server {inst.name}"] = (inst.program_path, inst.version)
    return out


def _same(a: str, b: str) -> bool:
    return a.rstrip("\\").lower() == b.rstrip("\\").lower()


@check("servers.program_files", "Program files at the same path", "servers",
       apps=("exchange", "sql", "sharepoint", "blackberry"), touches=("source", "target"))
def program_files(v: ValidationContext) -> Outcome:
    src, tgt = both_servers(v)
    mine, theirs = _paths(v, src, src), _paths(v, tgt, src)
    problems = []
    for what, (path, version) in mine.items():
        other, other_version = theirs.get(what, ("", ""))
        # different versions install elsewhere by design: the version checks report those
        if path and other and version == other_version and not _same(path, other):
            problems.append(f"{what}: {src.name} {path}, {tgt.name} {other}")
    if problems:
        return error("; ".join(problems) + " — install the application in the same folder")
    known = [f"{what} in {path}" for what, (path, _) in mine.items() if path]
    return passed("; ".join(known) + " on both" if known else "no program folder to compare")
