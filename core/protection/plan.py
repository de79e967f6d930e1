"""The failover plan: four phases generated from the configuration (SPEC F-6.5).

The skeleton is the same for every application; each application's module
adds its own steps at fixed places (:class:`core.apps.PlanParts`):

- post-failover (on the target, after the source failed): stop replication,
  delete the monitor, start the target services in order (cluster: bring the
  resources online; like-named: create them first), the application's steps
  (publish shares, rehome Exchange users, attach SQL databases, items to
  failover), DNS failover of the source's name to the mapped target IPs.
- pre-failback (on the target, before the source takes over again): the
  application's first steps (Exchange users back, detach databases), stop
  the services in reverse order (those the application keeps running excepted), its last steps (withdraw shares, SPNs
  back), DNS failback.
- post-restore (on the source, after its data came back): prove it answers,
  start the services it needs, the application's steps (public folders).
- post-failback: re-establish protection (connection source → target with a
  checksum mirror, then the failover monitor).

Each phase is shown and edited as a script (:mod:`core.protection.script`).
A user's text in ``config.advanced.plan_edits[phase]`` is used instead of
the generated one. Generated text carries a ``# base:`` fingerprint of what
was generated; :func:`plan_changed` compares it with a fresh generation to
tell the caller that regenerating would overwrite the user's edits.
"""

from __future__ import annotations

import hashlib
import re

from core.apps import ALL_PHASES, StepSpec, get_app
from core.model.config import ProtectionConfig
from core.protection.facts import PlanFacts
from core.protection.script import Step, parse, render

PHASES: tuple[str, ...] = ALL_PHASES

_TITLES = {
    "post-failover": "runs on {tgt} after {src} failed: {tgt} takes over",
    "pre-failback": "runs on {tgt} before {src} takes over again",
    "post-restore": "runs on {src} after its data was restored from {tgt}",
    "post-failback": "re-establishes protection {src} -> {tgt}",
}
_BASE = re.compile(r"^#\s*base:\s*([0-9a-f]+)\s*$", re.MULTILINE)


def phases_of(cfg: ProtectionConfig) -> tuple[str, ...]:
    """The phases this application uses (every application: all four)."""
    return tuple(p for p in PHASES if p in get_app(cfg.app).plan_phases)


def _steps(specs: list[StepSpec]) -> list[Step]:
    return [Step(verb, args, dict(options)) for verb, args, options in specs]


def _dns_steps(cfg: ProtectionConfig, facts: PlanFacts, verb: str) -> list[Step]:
    dns = cfg.failover.dns
    if cfg.failover.type != "dns" or not dns.ip_map:
        return []
    if verb == "dns-failback":  # the records saved at failover say what goes back
        return [Step(verb, (facts.source_fqdn,))]
    mapping = tuple(f"{s}={t}" for s, t in dns.ip_map.items())
    opts: dict[str, str] = {}
    if dns.update_ttl:
        opts["ttl"] = str(dns.ttl)
    if facts.target_fqdn:
        opts["target"] = facts.target_fqdn
    return [Step(verb, (facts.source_fqdn, *mapping), opts)]


def _start(cfg: ProtectionConfig, names: list[str], side: dict[str, str]) -> list[Step]:
    """Start services, or bring cluster resources online (like-named: create them first)."""
    if not cfg.failover.resources:
        return [Step("start-service", (n,), dict(side)) for n in names]
    out: list[Step] = []
    for n in names:
        if cfg.cluster.like_named and not side:
            out.append(Step("create-resource", (n,)))
        out.append(Step("resource-online", (n,), dict(side)))
    return out


def _stop(cfg: ProtectionConfig, names: list[str]) -> list[Step]:
    if not cfg.failover.resources:
        return [Step("stop-service", (n,)) for n in reversed(names)]
    out: list[Step] = []
    for n in reversed(names):
        out.append(Step("resource-offline", (n,)))
        if cfg.cluster.like_named:
            out.append(Step("delete-resource", (n,)))
    return out


def generate(cfg: ProtectionConfig, facts: PlanFacts) -> dict[str, list[Step]]:
    """The generated steps of every phase (user edits not applied)."""
    parts = get_app(cfg.app).plan_parts(cfg, facts)
    services = [s.name for s in cfg.failover.services]
    name = facts.set_name
    post_failover = [Step("stop-replication", (name,)), Step("stop-monitor", (name,))]
    identity = cfg.failover.type == "identity"
    if identity:  # the engine took it over already when manual intervention is off
        post_failover.append(Step("take-identity", (name,)))
    post_failover += _start(cfg, services, {})
    post_failover += _steps(parts.after_start)
    post_failover += _dns_steps(cfg, facts, "dns-failover")

    # the application may keep a service running when the target hands the name back
    # (SQL database-only: the target's own SQL Server, which served it before failover)
    stopped = [n for n in services if n not in parts.keep_running]
    pre_failback = _steps(parts.before_stop) + _stop(cfg, stopped)
    pre_failback += _steps(parts.after_stop)
    pre_failback += _dns_steps(cfg, facts, "dns-failback")
    if identity:
        pre_failback.append(Step("give-back-identity", (name,)))

    post_restore = [Step("check-source")]
    source_services = list(dict.fromkeys([*parts.source_services, *services]))
    post_restore += _start(cfg, source_services, {"on": "source"})
    post_restore += _steps(parts.post_restore)

    reprotect = {"port": str(facts.port), "mirror": "checksum"}
    if facts.route:
        reprotect["route"] = facts.route
    reprotect["compression"] = str(cfg.connection.compression)
    post_failback = [Step("reprotect", (name,), reprotect)]
    mon = cfg.monitoring
    if mon.enabled and cfg.advanced.create_monitor and facts.source_ips:
        post_failback.append(
            Step(
                "create-monitor",
                (name, *facts.source_ips),
                {
                    "method": mon.method,
                    "interval": str(mon.interval),
                    "missed": str(mon.missed),
                    "trigger": mon.trigger,
                    "port": str(facts.port),
                },
            )
        )
    out = {
        "post-failover": post_failover,
        "pre-failback": pre_failback,
        "post-restore": post_restore,
        "post-failback": post_failback,
    }
    return {p: out[p] for p in phases_of(cfg)}


def _fingerprint(steps: list[Step]) -> str:
    return hashlib.sha256("\n".join(s.text() for s in steps).encode()).hexdigest()[:16]


def generated_text(cfg: ProtectionConfig, facts: PlanFacts, phase: str) -> str:
    """The generated script of ``phase``, with a header and its ``# base:`` fingerprint."""
    steps = generate(cfg, facts)[phase]
    title = _TITLES[phase].format(src=cfg.source.upper(), tgt=cfg.target.upper())
    comments = [
        f"{phase} for {cfg.app} {cfg.source.upper()} -> {cfg.target.upper()}: {title}",
        "One step per line: a verb and its arguments; '#' starts a comment.",
        "Generated from the configuration; your edits are kept until it changes.",
        f"base: {_fingerprint(steps)}",
    ]
    if cfg.failover.type != "dns" and phase in ("post-failover", "pre-failback"):
        comments.insert(1, f"Identity failover: {cfg.target.upper()}'s engine takes over "
                           f"{cfg.source.upper()}'s addresses, name and shares (by itself when "
                           "manual intervention is off); this script does the rest.")
    return render(steps, comments)


def phase_text(cfg: ProtectionConfig, facts: PlanFacts, phase: str) -> str:
    """What runs for ``phase``: the user's edited text if any, else the generated one."""
    if phase not in PHASES:
        raise KeyError(f"unknown phase {phase!r} (phases: {', '.join(PHASES)})")
    edited = cfg.advanced.plan_edits.get(phase)
    if edited is not None and edited.strip():
        return edited
    if phase not in phases_of(cfg):
        return f"# {phase} is not used by {cfg.app}\n"
    return generated_text(cfg, facts, phase)


def phase_steps(cfg: ProtectionConfig, facts: PlanFacts, phase: str) -> list[Step]:
    """The parsed steps of ``phase`` (ScriptError when a user edit is malformed)."""
    return parse(phase_text(cfg, facts, phase))


def stale_edits(
    cfg: ProtectionConfig, facts: PlanFacts, edits: dict[str, str] | None = None
) -> list[str]:
    """Phases whose user edits were based on a different generated script.

    An edit keeps the ``# base:`` line of the text it started from; when the
    configuration now generates a different script, regenerating would
    overwrite that edit. An edit without a base line counts as stale unless
    it equals the current generated text.
    """
    edits = cfg.advanced.plan_edits if edits is None else edits
    plans = generate(cfg, facts)
    out = []
    for phase, text in edits.items():
        if phase not in plans or not text.strip():
            continue
        m = _BASE.search(text)
        if m is None:
            if text != generated_text(cfg, facts, phase):
                out.append(phase)
        elif m.group(1) != _fingerprint(plans[phase]):
            out.append(phase)
    return out


def plan_changed(
    cfg: ProtectionConfig, edits: dict[str, str] | None = None, facts: PlanFacts | None = None
) -> bool:
    """Whether regenerating the plan would overwrite user edits (ask before doing it).

    ``facts`` are required when there are edits (the generated text depends
    on the servers); with no edits nothing can be overwritten.
    """
    edits = cfg.advanced.plan_edits if edits is None else edits
    if not any(t.strip() for t in edits.values()):
        return False
    if facts is None:
        raise ValueError("plan_changed needs the plan facts when there are edits")
    return bool(stale_edits(cfg, facts, edits))
