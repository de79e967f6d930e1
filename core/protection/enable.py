"""Enable Protection (SPEC F-8.1); Disable and the monitoring toggle are in
:mod:`core.protection.disable`.

Enable, after a clean validation: a like-named pair's stand-in resources
are created on the target cluster (F-10); a fresh connection token; the
target accepts the set's data with it; the source creates the replication
set; the failover scripts are written; the source connects and starts the
mirror; the target creates the failover monitor. Each step can be skipped
in advanced mode (``config.advanced.create_*``). A failed step stops,
undoes what was done (in reverse), records the error and raises StepsFailed
saying what was done and what is left.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from core.apps import protectable_app
from core.context import Context
from core.errors import AppmgrError, NotFound, StateError
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.model.state import PairState
from core.protection.app_monitoring import monitor_kwargs
from core.protection.env import PairEnv, Progress, TokenFactory, ignore_missing, new_token
from core.protection.errors import StepsFailed
from core.protection.facts import gather_facts
from core.protection.identity import is_identity
from core.protection.identity import register as register_identity
from core.protection.like_named import RECORD_KEY, SOURCE_KEY, create_actions
from core.protection.locks import operation, record_lock
from core.protection.pair import remove_scripts, write_scripts
from core.protection.plan import PHASES, phase_steps
from core.protection.state_machine import check_transition, require
from core.store import PairRecord, PairStore, pair_key

S = PairState
_Action = tuple[str, Callable[[], Any], Callable[[], Any] | None]


def mark_validated(store: PairStore, pair: Pair, ok: bool) -> PairRecord:
    """Record a validation result: clean → Validated, errors → Unprotected."""
    rec = store.record(pair)
    if rec.pair_state in (S.UNPROTECTED, S.VALIDATED):
        new = S.VALIDATED if ok else S.UNPROTECTED
        check_transition(rec.pair_state, new)
        rec.state = new.value
        with record_lock(rec.key):
            store.save_record(rec)
    return rec


def _enable_actions(env: PairEnv, token: str) -> list[_Action]:
    cfg, facts, adv = env.cfg, env.facts, env.cfg.advanced
    name = facts.set_name
    src, tgt = (lambda: env.engine("source")), (lambda: env.engine("target"))
    mon = cfg.monitoring
    out: list[_Action] = []
    if adv.create_connection:
        out.append((f"{cfg.target} accepts {name}", lambda: tgt().accept(name, token),
                    lambda: tgt().delete_set(name)))
    if adv.create_set:
        out.append((f"create replication set {name} on {cfg.source}",
                    lambda: src().create_set(name, list(facts.rules)),
                    lambda: src().delete_set(name)))
    if adv.create_scripts:
        out.append(("write the failover scripts", lambda: write_scripts(env),
                    lambda: remove_scripts(env.ctx, cfg.pair)))
    if adv.create_connection:
        out.append((f"connect {cfg.source} -> {facts.route} and start the {cfg.connection.mirror_type} mirror",
                    lambda: src().connect(name, facts.route, facts.port, token,
                                          mirror_type=cfg.connection.mirror_type,
                                          compression=cfg.connection.compression,
                                          codec=cfg.connection.codec),
                    lambda: src().disconnect(name)))
    if adv.create_monitor and mon.enabled:
        out.append((f"create the failover monitor on {cfg.target}",
                    lambda: tgt().create_monitor(name, list(facts.source_ips), facts.port,
                                                 mon.method, float(mon.interval), mon.missed,
                                                 mon.trigger, **monitor_kwargs(cfg)),
                    lambda: tgt().delete_monitor(name)))
    if is_identity(cfg):  # the target's engine runs identity failover (F-9.5)
        out.append((f"register identity failover on {cfg.target}",
                    lambda: register_identity(tgt(), cfg, facts),
                    lambda: tgt().delete_identity(name)))
    if cfg.app == "exchange" and not cfg.cluster.like_named:
        # the guide: the passive target leaves the public folder tree (no mail queued to
        # it); Tools > Restore PF Tree puts it back (core.directory.exchange_tools)
        out.append((f"take the public stores of {cfg.target} out of their folder tree",
                    lambda: pf_tree(env, clear=True), lambda: pf_tree(env, clear=False)))
    if adv.create_connection and cfg.snapshots.enabled:
        from core.protection.snapshots import push_schedule, stop_schedule

        out.append((f"schedule snapshots on {cfg.target} every {cfg.snapshots.interval_min} min",
                    lambda: push_schedule(env), lambda: stop_schedule(env)))
    return out


def pf_tree(env: PairEnv, clear: bool) -> None:
    from core.directory import exchange_tools

    directory = env.ctx.directory(read_only=False)
    try:
        if clear:
            with contextlib.suppress(NotFound):  # no Exchange server object: no store in a tree
                exchange_tools.clear_pf_tree(directory, env.cfg.target)
        elif exchange_tools.pf_tree_of(directory, env.cfg.source):
            exchange_tools.restore_pf_tree(directory, env.cfg.source, env.cfg.target)
    finally:
        directory.close()


def enable(
    ctx: Context,
    cfg: ProtectionConfig,
    store: PairStore,
    progress: Progress | None = None,
    *,
    validated: bool = False,
    token_factory: TokenFactory = new_token,
) -> PairRecord:
    """Enable protection of ``cfg``'s pair; returns the record (state Mirroring).

    ``validated`` says the caller's health check found no error; without it,
    StateError (errors block enabling).
    """
    if validated is not True:
        raise StateError("Enable Protection needs a clean validation: errors remain.")
    protectable_app(cfg.app)
    with operation(pair_key(cfg.pair), "Enable Protection"):
        return _enable(ctx, cfg, store, progress, token_factory)


def _enable(
    ctx: Context, cfg: ProtectionConfig, store: PairStore, progress: Progress | None,
    token_factory: TokenFactory,
) -> PairRecord:
    rec = store.record(cfg.pair)
    if rec.pair_state != S.UNPROTECTED:
        require(rec.pair_state, "enable")
    facts, source, target = gather_facts(ctx, cfg)
    env = PairEnv(ctx, store, cfg, rec, facts, token_factory, progress)
    for phase in PHASES:  # a malformed user edit stops us before anything is done
        phase_steps(cfg, facts, phase)
    token = token_factory()
    done: list[_Action] = []
    created: list[str] = []  # the stand-in resources this Enable really created
    exported: dict[str, Any] = {}  # the source group's resources (failover re-creates them)
    actions = (create_actions(ctx, cfg, source, target, env.say, created, exported)
               + _enable_actions(env, token))
    try:
        for action in actions:
            env.say(f"{action[0]}…")
            try:
                action[1]()
            except AppmgrError as exc:
                _fail(env, action, exc, done, actions)
            done.append(action)
            env.say(f"{action[0]}: ok")
    finally:
        env.close()
    store.save_config(cfg)
    rec.state = S.MIRRORING.value
    rec.token = token if cfg.advanced.create_connection else ""
    rec.facts = facts.to_dict()
    rec.monitoring = cfg.advanced.create_monitor and cfg.monitoring.enabled
    rec.source_ips = list(facts.source_ips)
    rec.target_ips = list(target.ips)
    rec.last_error = ""
    rec.phase, rec.steps_done = "", []
    rec.extra.pop(RECORD_KEY, None)
    if created:
        rec.extra[RECORD_KEY] = list(created)
    rec.extra.pop(SOURCE_KEY, None)
    if exported:
        rec.extra[SOURCE_KEY] = exported
    env.save()
    return rec


def _fail(env: PairEnv, failed: _Action, exc: AppmgrError, done: list[_Action], actions: list[_Action]) -> None:
    not_undone: list[str] = []
    for title, _do, undo in reversed(done):
        if undo is None:
            continue
        try:
            ignore_missing(undo)
            env.say(f"undo {title}: ok")
        except AppmgrError as undo_exc:
            not_undone.append(f"{title} ({undo_exc})")
    left = [a[0] for a in actions[len(done):]]
    if not_undone:
        hint = "Could not undo: " + "; ".join(not_undone) + ". Disable Protection cleans up."
        env.rec.state = S.ERROR.value
    else:
        hint = "Everything done was undone." if done else ""
    env.rec.last_error = f"Enable Protection: {failed[0]}: {exc}"
    env.save()
    raise StepsFailed("Enable Protection", failed[0], exc, [a[0] for a in done], left, hint) from exc
