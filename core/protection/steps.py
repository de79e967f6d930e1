"""What each script verb does, using only the ports (Engine, HostControl, Dns).

Every implementation is safe to run twice: a crash between a step's effect
and its "done" mark re-runs it on resume. Each returns a one-line message
for the step log and raises a typed error (core.errors) when it fails.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.engine.pathmap import reverse_rules
from core.errors import NotFound, Refused, Unreachable
from core.protection.app_monitoring import monitor_kwargs
from core.protection.env import PairEnv, as_stats, ignore_missing
from core.protection.errors import MirrorTimeout
from core.protection.facts import restore_set_name
from core.protection.identity import give_back_step, is_identity, take_step
from core.protection.identity import register as register_identity
from core.protection.record_lock import set_lock
from core.protection.script import Step

if TYPE_CHECKING:
    from core.dns.dfo_log import DfoLog

StepFn = Callable[[PairEnv, Step], str]
Registrar = Callable[[str], Callable[[StepFn], StepFn]]
#: the verbs defined in this module; the whole table is core.protection.step_table.STEPS
CORE_STEPS: dict[str, StepFn] = {}
#: how often a waiting step polls the engine's counters
POLL_SECONDS = 0.25


def registrar(table: dict[str, StepFn]) -> Registrar:
    """A ``@step("verb")`` decorator filling ``table`` (each verb module has its own)."""
    def step(verb: str) -> Callable[[StepFn], StepFn]:
        def register(fn: StepFn) -> StepFn:
            if verb in table:
                raise ValueError(f"step verb {verb!r} is defined twice")
            table[verb] = fn
            return fn

        return register

    return step


step = registrar(CORE_STEPS)


@step("stop-replication")
def stop_replication(env: PairEnv, s: Step) -> str:
    name = s.args[0]
    try:
        gone = ignore_missing(env.engine("source").disconnect, name)
        said = "the source disconnected" if gone else "the source had no connection"
    except Unreachable:
        said = "the source does not answer"
    # A new token nobody holds: a source that comes back cannot overwrite
    # what changes on the target while it serves the data.
    env.engine("target").accept(name, env.token_factory())
    return f"{said}; {env.cfg.target} no longer accepts data of {name}"


@step("stop-monitor")
def stop_monitor(env: PairEnv, s: Step) -> str:
    gone = ignore_missing(env.engine("target").delete_monitor, s.args[0])
    env.rec.monitoring = False
    return "failover monitor deleted" if gone else "no failover monitor was running"


def _side(s: Step) -> str:
    return s.opt("on", "target") or "target"


@step("start-service")
def start_service(env: PairEnv, s: Step) -> str:
    env.host(_side(s)).set_service(s.args[0], True)
    return f"{s.args[0]} running on {env.name(_side(s))}"


@step("stop-service")
def stop_service(env: PairEnv, s: Step) -> str:
    env.host(_side(s)).set_service(s.args[0], False)
    return f"{s.args[0]} stopped on {env.name(_side(s))}"


@step("publish-share")
def publish_share(env: PairEnv, s: Step) -> str:
    name, path = s.args
    host = env.host("target")
    # Re-publishing after a crash must not fail on the share we made.
    ignore_missing(host.remove_share, name)
    grants = tuple(g for g in (s.opt("grants") or "").split(";") if g)
    host.add_share(name, path, s.opt("description", "") or "", grants)
    return f"\\\\{env.cfg.target}\\{name} -> {path}"


@step("withdraw-share")
def withdraw_share(env: PairEnv, s: Step) -> str:
    gone = ignore_missing(env.host("target").remove_share, s.args[0])
    return f"share {s.args[0]} removed" if gone else f"share {s.args[0]} was not published"


def _dfo(env: PairEnv) -> tuple[Path, DfoLog]:
    """The DFO state file and log of the source (the log also goes to the target's)."""
    from core.dns.dfo_log import DfoLog  # only when a DNS step really runs

    clock = env.ctx.clock
    log = DfoLog(env.ctx.paths.logs, [env.cfg.source, env.cfg.target],
                 clock=lambda: datetime.fromtimestamp(clock.now(), UTC))
    return env.ctx.paths.state / "dfo" / f"{env.cfg.source.upper()}.json", log


def _outcome(results: list[Any], what: str) -> str:
    failed = [r for r in results if not r.ok]
    if failed:
        first = failed[0]
        where = f"zone {first.zone}" if first.zone else first.action
        done = [r.zone for r in results if r.ok]
        raise Refused(
            f"{what} failed at {where}: {first.message or first.status}"
            + (f" (zones done: {', '.join(done)})" if done else "")
        )
    return f"{what}: {len(results)} zone(s) updated" if results else f"{what}: nothing to change"


@step("dns-failover")
def dns_failover(env: PairEnv, s: Step) -> str:
    from core.dns.failover_run import run_failover

    fqdn, *pairs = s.args
    ip_map = dict(p.split("=", 1) for p in pairs)
    ttl = s.opt("ttl")
    state_path, log = _dfo(env)
    target = s.opt("target") or env.facts.target_fqdn
    results = run_failover(env.dns(), fqdn, target, ip_map, state_path, log,
                           ttl=int(ttl) if ttl else None)
    done = _outcome(results, f"DNS failover of {fqdn} to {target}")
    return f"{done}; {set_lock(env, fqdn, log, lock=True)}"


@step("dns-failback")
def dns_failback(env: PairEnv, s: Step) -> str:
    from core.dns.failover_run import run_failback
    from core.dns.failover_state import ACTIVE, load_state

    state_path, log = _dfo(env)
    saved = load_state(state_path)
    if saved is None:
        return "no DNS failover is recorded for this server: nothing to put back"
    # lifted first, so the source may register its own address once it serves again
    unlocked = set_lock(env, s.args[0], log, lock=False)
    if saved.status not in ACTIVE:
        return f"the records of {saved.source_fqdn} are already back; {unlocked}"
    results = run_failback(env.dns(), state_path, log)
    return f"{_outcome(results, f'DNS failback of {s.args[0]}')}; {unlocked}"


@step("check-source")
def check_source(env: PairEnv, s: Step) -> str:
    server = env.host("source").inventory()
    info = env.engine("source").info()
    return f"{server.name} answers; engine {info.get('version', '?')} on port {info.get('port', '?')}"


@step("wait")
def wait(env: PairEnv, s: Step) -> str:
    env.ctx.clock.sleep(float(s.args[0]))
    return f"waited {s.args[0]} s"


def wait_mirror(env: PairEnv, side: str, name: str, timeout: float, what: str) -> str:
    """Poll ``side``'s counters of ``name`` until its mirror completes (bounded)."""
    clock = env.ctx.clock
    deadline = clock.monotonic() + timeout
    while True:
        stats = as_stats(env.engine(side).stats(name))
        if stats.mirror_status == "complete":
            return f"{what} complete ({stats.bytes_sent} bytes sent)"
        # "error" is not final: the engine retries the connection with backoff
        if clock.monotonic() >= deadline:
            raise MirrorTimeout(
                f"The {what} of {name} did not complete within {timeout:g} s "
                f"(status {stats.mirror_status}, {stats.mirror_percent:.0f}% done)."
            )
        clock.sleep(POLL_SECONDS)


@step("restore-mirror")
def restore_mirror(env: PairEnv, s: Step) -> str:
    name = s.args[0]
    rname = restore_set_name(name)
    timeout = float(s.opt("timeout") or env.restore_timeout)
    src, tgt = env.engine("source"), env.engine("target")
    # The source must not push its stale data over the target's changes.
    ignore_missing(src.disconnect, name)
    ignore_missing(tgt.disconnect, rname)  # leftovers of a crashed restore
    ignore_missing(tgt.delete_set, rname)
    ignore_missing(src.delete_set, rname)
    # What the mirror below would overwrite or delete on the source: counted,
    # logged and kept (or discarded as asked) before a byte of it changes.
    from core.protection.quarantine import keep_or_discard, restore_diff

    kept = keep_or_discard(env, restore_diff(env), env.restore_discard)
    token = env.token_factory()
    src.accept(rname, token)
    # the target sends from where the data landed (rules that remap a path map back)
    tgt.create_set(rname, reverse_rules(env.facts.rules))
    if not env.facts.source_ips:
        raise NotFound(f"No address of {env.cfg.source} is known to restore to.")
    tgt.connect(
        rname,
        env.facts.source_ips[0],
        env.facts.port,
        token,
        mirror_type="checksum",
        compression=env.cfg.connection.compression,
        codec=env.cfg.connection.codec,
        replicate=False,
        delete_orphans=True,
    )
    said = wait_mirror(env, "target", rname, timeout, "restore mirror")
    ignore_missing(tgt.disconnect, rname)
    ignore_missing(tgt.delete_set, rname)
    ignore_missing(src.delete_set, rname)
    return f"{env.cfg.target} -> {env.cfg.source}: {said}; source files that differed: {kept}"


@step("reprotect")
def reprotect(env: PairEnv, s: Step) -> str:
    name = s.args[0]
    src, tgt = env.engine("source"), env.engine("target")
    token = env.token_factory()
    tgt.accept(name, token)
    ignore_missing(src.disconnect, name)  # a resumed connection still holds the old token
    src.create_set(name, list(env.facts.rules))
    route = s.opt("route") or env.facts.route
    src.connect(
        name,
        route,
        int(s.opt("port") or env.facts.port),
        token,
        mirror_type=s.opt("mirror", "checksum") or "checksum",
        compression=int(s.opt("compression") or env.cfg.connection.compression),
        codec=env.cfg.connection.codec,
    )
    env.rec.token = token
    env.save()
    return f"{env.cfg.source} replicates {name} to {route} again (mirror started)"


@step("create-monitor")
def create_monitor(env: PairEnv, s: Step) -> str:
    name, *ips = s.args
    tgt = env.engine("target")
    mon = env.cfg.monitoring
    ignore_missing(tgt.delete_monitor, name)
    tgt.create_monitor(
        name,
        ips,
        int(s.opt("port") or env.facts.port),
        s.opt("method", mon.method) or mon.method,
        float(s.opt("interval") or mon.interval),
        int(s.opt("missed") or mon.missed),
        s.opt("trigger", mon.trigger) or mon.trigger,
        **monitor_kwargs(env.cfg),
    )
    if is_identity(env.cfg):  # what the target takes over when this monitor declares it
        register_identity(tgt, env.cfg, env.facts)
    env.rec.monitoring = True
    return f"{env.cfg.target} monitors {', '.join(ips)}"


@step("take-identity")
def take_identity(env: PairEnv, s: Step) -> str:
    return take_step(env, s.args[0])


@step("give-back-identity")
def give_back_identity(env: PairEnv, s: Step) -> str:
    return give_back_step(env, s.args[0])
