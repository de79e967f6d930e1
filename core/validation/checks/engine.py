"""Checks of the replication engine on both servers."""

from __future__ import annotations

import core
from core.model.config import ProtectionConfig
from core.model.server import Server
from core.validation.base import Outcome, check, error, fix_for, passed, warning
from core.validation.checks.common import ENGINE_SERVICE, both, per_side, verdict
from core.validation.context import Side, ValidationContext


@check("engine.running", "Engine installed and running on both servers", "engine",
       touches=("source", "target"))
def engine_running(v: ValidationContext) -> Outcome:
    stopped: list[str] = []

    def probe(side: Side, srv: Server) -> list[str]:
        eng = srv.engine
        if eng is None or not eng.installed:
            return [f"the engine is not installed on {side.name}"]
        if not eng.running:
            stopped.append(side.name)
            return [f"the engine is installed but not running on {side.name}"]
        if side.engine_error is not None:
            return [f"the engine on {side.name} does not answer: {side.engine_error}"]
        return []

    problems = per_side(v, probe)
    return verdict(problems, f"running on {both(v)}", fixable=bool(stopped))


@fix_for("engine.running", order="engine")
def start_engines(v: ValidationContext) -> ProtectionConfig | None:
    """Start the engine service where it is installed but stopped."""
    for side in (v.source, v.target):
        eng = side.server.engine if side.server is not None else None
        if eng is not None and eng.installed and not eng.running:
            v.ctx.host(side.name).set_service(ENGINE_SERVICE, True)
    return None


def _port(side: Side, srv: Server) -> int | None:
    info = side.engine_info or {}
    if isinstance(info.get("port"), int):
        return int(info["port"])
    return srv.engine.port if srv.engine is not None and srv.engine.installed else None


@check("engine.port", "Engine port equals the Options service port", "engine",
       touches=("source", "target"))
def engine_port(v: ValidationContext) -> Outcome:
    unknown: list[str] = []

    def probe(side: Side, srv: Server) -> list[str]:
        port = _port(side, srv)
        if port is None:
            unknown.append(side.name)
            return []
        if port != v.service_port:
            return [f"the engine on {side.name} listens on {port}, the Options say "
                    f"{v.service_port}"]
        return []

    problems = per_side(v, probe)
    if problems:
        return error("; ".join(problems))
    if unknown:
        return warning(f"could not read the engine port of {' and '.join(unknown)}")
    return passed(f"both engines listen on {v.service_port}")


def _version(side: Side, srv: Server) -> str:
    info = side.engine_info or {}
    return str(info.get("version") or (srv.engine.version if srv.engine else "") or "")


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


@check("engine.version", "Engine versions match each other and the console", "engine",
       touches=("source", "target"))
def engine_version(v: ValidationContext) -> Outcome:
    versions: dict[str, str] = {}

    def probe(side: Side, srv: Server) -> list[str]:
        versions[side.name] = _version(side, srv)
        return []

    problems = per_side(v, probe)
    if problems:
        return error("; ".join(problems))
    known = {n: x for n, x in versions.items() if x}
    if len({_major_minor(x) for x in known.values()}) > 1:
        shown = ", ".join(f"{n} {x}" for n, x in known.items())
        return error(f"the engines differ ({shown}): install the same version on both")
    odd = [f"{n} {x}" for n, x in known.items() if _major_minor(x) != _major_minor(core.__version__)]
    if odd:
        return warning(f"the console is {core.__version__} but the engine is {', '.join(odd)}")
    if len(known) < 2:
        return warning("could not read the engine version of "
                       + " and ".join(n for n in versions if n not in known))
    return passed(f"both engines are {next(iter(known.values()))}")
