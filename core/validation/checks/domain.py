"""Directory checks of the pair's domains: one forest, and the domain topologies each
application allows (SPEC F-1.1; File server and SharePoint: flat domain, File server
child domains only with their own DNS server)."""

from __future__ import annotations

from core.apps.support import check_domain, check_version, versions
from core.errors import AppmgrError
from core.validation.base import Outcome, check, error, passed, warning
from core.validation.checks.common import both_servers, update_server
from core.validation.context import ValidationContext

#: the guide's notes say these are protected "in a flat domain only": read as source and
#: target in one domain (its own table allows child domains, so a child domain is not refused)
FLAT_ONLY = ("sharepoint",)


def forest_root(v: ValidationContext) -> str:
    """The forest root domain as the directory names it (read once per run)."""
    return v.fact("forest-root", lambda: v.directory().root_dse().forest_root.lower().rstrip("."))


def within(domain: str, root: str) -> bool:
    domain = domain.lower().rstrip(".")
    return domain == root or domain.endswith("." + root)


def domains(v: ValidationContext) -> tuple[str, str]:
    src, tgt = both_servers(v)
    return (src.domain or v.domain).lower(), (tgt.domain or v.domain).lower()


@check("directory.forest", "Source and target in one forest", "directory",
       touches=("source", "target", "directory"))
def same_forest(v: ValidationContext) -> Outcome:
    root = forest_root(v)
    src, tgt = domains(v)
    outside = [f"{name} is in {d}" for name, d in ((v.source.name, src), (v.target.name, tgt))
               if not within(d, root)]
    if outside:
        return error(f"{'; '.join(outside)}, outside the forest of {root}: multiple forests "
                     "are never supported")
    return passed(f"{v.source.name} ({src}) and {v.target.name} ({tgt}) are in the forest "
                  f"of {root}")


def topology(src: str, tgt: str, root: str) -> str:
    """single-forest (both in the root domain) | parent-child | child-child | multiple-forests."""
    if not (within(src, root) and within(tgt, root)):
        return "multiple-forests"
    children = [d != root for d in (src, tgt)]
    if not any(children):
        return "single-forest"
    return "child-child" if all(children) else "parent-child"


def _child_has_dns(v: ValidationContext, child: str) -> bool:
    """Whether the DNS server holding the source's name serves the child domain's own zone."""
    if v.config.failover.type != "dns":
        return True
    try:
        _, _, zone = update_server(v)
    except AppmgrError:
        return True  # dns.reachable reports it; do not blame the topology
    return within(zone, child)


@check("app.domain_topology", "Domain topology supported by the application", "directory",
       touches=("source", "target", "directory", "dns"))
def domain_topology(v: ValidationContext) -> Outcome:
    root = forest_root(v)
    src, tgt = domains(v)
    kind = topology(src, tgt, root)
    app = v.app
    shown = kind.replace("-", "/").replace("single/forest", "flat (single forest)")
    if app.id in FLAT_ONLY and src != tgt:
        return error(f"{app.title} is protected in a flat domain only (source and target in "
                     f"one domain); {v.source.name} is in {src} and {v.target.name} in {tgt}")
    source = v.source.require()
    version = app.version_of(source)
    if check_version(app.id, version):  # app.version reports the version itself
        version = next(iter(versions(app.id)), version)
    child_dns = _child_has_dns(v, src) if kind == "child-child" else True
    problem = check_domain(app.id, version, kind, child_dns)
    if problem:
        if kind == "child-child" and not child_dns:
            problem += f" (the zone holding {v.source_fqdn()} is in the parent domain)"
        return error(problem)
    if kind == "multiple-forests":
        return warning("the servers are in different forests")
    return passed(f"{shown}: {src}" + (f" and {tgt}" if tgt != src else ""))
