"""Disable Protection and the monitoring toggle (SPEC F-8.1, F-8.2).

Disable undoes Enable Protection: delete the target's failover monitor,
disconnect the source, delete the set on the source, withdraw the target's
acceptance (files stay where they are on both servers), and for a
like-named pair delete the stand-in's cluster resources Enable created.
Objects already gone are fine; a server that does not answer stops the undo.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from core.context import Context
from core.errors import AppmgrError, StateError
from core.model.pair import Pair
from core.model.state import PairState
from core.protection.app_monitoring import monitor_kwargs
from core.protection.env import Progress, ignore_missing
from core.protection.errors import StepsFailed
from core.protection.facts import PlanFacts, set_name_of
from core.protection.like_named import RECORD_KEY, delete_steps
from core.protection.locks import operation
from core.protection.pair import remove_scripts, save_record
from core.protection.state_machine import check_transition, require
from core.store import PairRecord, PairStore, pair_key

S = PairState


def _set_of(store: PairStore, rec: PairRecord) -> str:
    if rec.facts:
        return PlanFacts.from_dict(rec.facts).set_name
    cfg = store.load_config(rec.pair)
    if cfg is None:
        raise StateError(f"{rec.source} -> {rec.target} has no saved configuration.")
    return set_name_of(cfg)


def disable(
    ctx: Context, store: PairStore, pair: Pair,
    progress: Progress | None = None, *, force: bool = False,
) -> PairRecord:
    """Undo Enable Protection: delete the monitor, disconnect, delete the set (state Unprotected).

    Objects already gone are fine. A server that does not answer stops the
    undo (state Error, with what is left); running disable again finishes it.
    A pair in Failing over / Failing back (a plan stopped part-way) is refused
    unless ``force``: its plan is then aborted first (core.protection.abort,
    its report goes to ``progress``) and protection disabled.
    """
    _, source, target = pair.parts
    state = store.record(pair).pair_state
    if state in (S.FAILING_OVER, S.FAILING_BACK):
        if not force:
            raise StateError(
                f"{source.upper()} -> {target.upper()} is {state.value}: its plan stopped "
                "part-way (or is running). End it with abort, or unprotect with --force "
                "(the console asks) to abort it and disable protection.")
        _abort_first(ctx, store, pair, progress)
    with operation(pair_key(pair), "Disable Protection"):
        return _disable(ctx, store, pair, progress, force)


def _abort_first(ctx: Context, store: PairStore, pair: Pair,
                 progress: Progress | None) -> None:
    from core.protection.abort import abort

    report = abort(ctx, store, pair)
    if progress:
        progress(report.sentence())
    rec = store.record(pair)
    if rec.pair_state == S.FAILED_OVER:  # the target serves: disable from Error, saying so
        rec.state = S.ERROR.value
        rec.last_error = f"unprotected after an aborted {report.operation}"
        save_record(ctx, store, rec)


def _disable(
    ctx: Context, store: PairStore, pair: Pair, progress: Progress | None,
    force: bool = False,
) -> PairRecord:
    rec = store.record(pair)
    require(rec.pair_state, "disable")
    name = _set_of(store, rec)
    on_engine: list[tuple[str, str, Callable[[Any], Any]]] = [
        (f"delete the failover monitor on {rec.target}", rec.target, lambda e: e.delete_monitor(name)),
        (f"disconnect {rec.source}", rec.source, lambda e: e.disconnect(name)),
        (f"delete replication set {name} on {rec.source}", rec.source, lambda e: e.delete_set(name)),
        (f"remove {name} from {rec.target}", rec.target, lambda e: e.delete_set(name)),
    ]
    cfg = store.load_config(pair)
    if cfg is not None and cfg.failover.type == "identity":  # the engine's (F-9.5)
        # what the target took over is refused (failback gives it back) unless forced
        def drop(e: Any) -> None:
            if force:
                e.release_identity(name)
            e.delete_identity(name)

        on_engine.insert(1, (f"{'give back and ' if force else ''}remove identity failover "
                             f"on {rec.target}", rec.target, drop))
    steps: list[tuple[str, Callable[[], str]]] = [
        (title, partial(_engine_call, ctx, server, call)) for title, server, call in on_engine]
    steps += delete_steps(ctx, store, rec)
    done: list[str] = []
    for i, (title, run) in enumerate(steps):
        try:
            said = run()
        except AppmgrError as exc:
            rec.state = S.ERROR.value if done or rec.pair_state == S.ERROR else rec.state
            rec.last_error = f"Disable Protection: {title}: {exc}"
            save_record(ctx, store, rec)
            raise StepsFailed("Disable Protection", title, exc, done,
                              [t for t, _r in steps[i:]],
                              "Run Disable Protection again when the server answers.") from exc
        done.append(title)
        if progress:
            progress(f"{title}: {said}")
    remove_scripts(ctx, pair)
    check_transition(rec.pair_state, S.UNPROTECTED)
    rec.state = S.UNPROTECTED.value
    rec.extra.pop(RECORD_KEY, None)
    rec.token, rec.facts, rec.monitoring = "", {}, False
    rec.phase, rec.steps_done, rec.last_error = "", [], ""
    save_record(ctx, store, rec)
    return rec


def _engine_call(ctx: Context, server: str, call: Callable[[Any], Any]) -> str:
    engine = ctx.engine(server)
    try:
        return "ok" if ignore_missing(call, engine) else "already gone"
    finally:
        engine.close()


def set_monitoring(
    ctx: Context, store: PairStore, pair: Pair, on: bool
) -> PairRecord:
    """Enable or disable the failover monitor only (F-8.2)."""
    with operation(pair_key(pair), "Monitoring"):
        return _set_monitoring(ctx, store, pair, on)


def _set_monitoring(
    ctx: Context, store: PairStore, pair: Pair, on: bool
) -> PairRecord:
    _, source, target = pair.parts
    rec = store.record(pair)
    require(rec.pair_state, "enable_monitoring" if on else "disable_monitoring", rec.monitoring)
    cfg = store.load_config(pair)
    if cfg is None or not rec.facts:
        raise StateError(f"{source} -> {target} is not protected.")
    facts = PlanFacts.from_dict(rec.facts)
    engine = ctx.engine(target)
    try:
        if on:
            mon = cfg.monitoring
            ignore_missing(engine.delete_monitor, facts.set_name)
            engine.create_monitor(facts.set_name, list(facts.source_ips), facts.port,
                                  mon.method, float(mon.interval), mon.missed, mon.trigger,
                                  **monitor_kwargs(cfg))
        else:
            ignore_missing(engine.delete_monitor, facts.set_name)
    finally:
        engine.close()
    rec.monitoring = on
    if not on and rec.pair_state == S.FAILURE_DETECTED:
        rec.state = S.PROTECTED.value  # no monitor, no declared failure
    save_record(ctx, store, rec)
    return rec
