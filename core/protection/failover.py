"""Failover (SPEC F-9.2): the target takes over by running post-failover.

When failover may start:
- Failure detected (the monitor met its condition; with manual
  intervention the console asked and the person said yes): always.
- Failing over: always; it resumes from the first step not done.
- Protected or Mirroring: only when the source does not answer (or the
  target's monitor already reports the condition — status was not read
  since), or when ``force=True``. Graceful failover while the source is up
  is not offered for File server (F-9.2); ``force`` exists for a person who
  knows the source is unusable although its engine answers. A forced
  failover does not drain the queue first: whatever the target has is what
  it serves.
- Graceful (``graceful=True``, or on demand while the source answers): see
  :mod:`core.protection.drain`. The queue is drained first (bounded; at the
  bound nothing has changed and the caller hears what was left, unless
  ``force``), then the source's services stop before the target's start.
Identity failover (F-9.5) is run by the target's engine: with manual
intervention off it takes over the source's addresses, name and shares the
moment its monitor declares the failure; the plan's ``take-identity`` step
asks for it (done at once when it already happened) and the plan does the
rest (SPNs, services). See :mod:`core.protection.identity`.
"""

from __future__ import annotations

from core.apps import get_app
from core.context import Context
from core.errors import AppmgrError, StateError
from core.model.pair import Pair
from core.model.state import PairState
from core.protection.drain import (
    DEFAULT_DRAIN_TIMEOUT,
    graceful_refusal,
    graceful_steps,
    wait_drained,
)
from core.protection.env import PairEnv, Progress, TokenFactory, new_token
from core.protection.errors import DrainTimeout
from core.protection.pair import begin, finish, load_phase, session, source_answers, transition
from core.protection.runner import StepResult, log_line, run_steps
from core.protection.state_machine import require
from core.store import PairStore

S = PairState
#: the pair record's ``extra`` key of a graceful failover under way (resumes gracefully)
GRACEFUL_KEY = "graceful_failover"
#: the record's ``extra`` key of a failover to a snapshot: {"id", "done"}
SNAPSHOT_KEY = "failover_snapshot"


def _monitor_says_failed(env: PairEnv) -> bool:
    if not env.rec.monitoring:
        return False
    try:
        return env.engine("target").monitor_status(env.facts.set_name).state == "failover_condition"
    except AppmgrError:
        return False


def _may_start(env: PairEnv, force: bool, graceful: bool) -> bool:
    """Refuse with the reason, or say whether the failover runs gracefully."""
    state = env.rec.pair_state
    if state == S.FAILING_OVER:
        return GRACEFUL_KEY in env.rec.extra  # a resumed plan keeps its kind
    refused = graceful_refusal(env.cfg.app)
    if graceful and refused:
        raise StateError(refused + ".")
    if state == S.FAILURE_DETECTED:
        if graceful and not source_answers(env):
            raise StateError(f"{env.cfg.source.upper()} does not answer: a graceful failover "
                             "needs it up; fail over without --graceful.")
        return graceful
    if state not in (S.PROTECTED, S.MIRRORING):
        require(state, "failover")
        return False
    if graceful:
        if not source_answers(env):
            raise StateError(f"{env.cfg.source.upper()} does not answer: a graceful failover "
                             "needs it up; fail over without --graceful.")
        return True
    if _monitor_says_failed(env) or not source_answers(env):
        return False
    if refused is None and not force:
        return True  # on demand while the source serves: never both serving
    if force:
        return False
    raise StateError(
        f"{env.cfg.source.upper()} still answers, so there is no failure to fail over from; "
        f"failover on demand is not offered for {get_app(env.cfg.app).title} "
        "(force it only if you know the source is unusable)."
    )


def failover(
    ctx: Context,
    store: PairStore,
    pair: Pair,
    progress: Progress | None = None,
    *,
    force: bool = False,
    graceful: bool = False,
    drain_timeout: float = DEFAULT_DRAIN_TIMEOUT,
    token_factory: TokenFactory = new_token,
    actor: str = "appmgr",
    snapshot: str | None = None,
) -> list[StepResult]:
    """Fail over to the target: Failing over → post-failover → Failed over.

    Returns the step results. A failed step raises StepsFailed (the pair
    stays Failing over; calling failover again resumes, or abort ends it).
    ``graceful``: drain first (``drain_timeout``; DrainTimeout with what was
    left at the bound, nothing changed, unless ``force``), stop the source's
    services, then take over. ``actor`` names the
    process in the plan lock ("appmgr watch" for the watcher). ``snapshot``: the
    target's data is first rolled back to that snapshot (see
    :func:`core.protection.snapshots.roll_back`).
    """
    if snapshot and graceful:
        raise StateError("A graceful failover serves the source's latest data; failing over "
                         "to a snapshot serves older data: choose one.")
    with session(ctx, store, pair, "Failover", progress, token_factory,
                 actor) as env:
        soft = _may_start(env, force, graceful)
        if snapshot and env.rec.pair_state != S.FAILING_OVER:
            from core.protection.snapshots import check_snapshot

            check_snapshot(env, snapshot)  # a wrong id changes nothing
        if soft and env.rec.pair_state != S.FAILING_OVER:
            _first_drain(env, drain_timeout, force)
        steps = load_phase(env, "post-failover")
        resumed = env.rec.pair_state == S.FAILING_OVER
        transition(env, S.FAILING_OVER)
        begin(env, "failover")
        if soft and not resumed:
            env.rec.extra[GRACEFUL_KEY] = {"drain_timeout": drain_timeout, "force": force}
            env.save()
        kind = " (graceful)" if soft else " (forced)" if force else ""
        log_line(env, ("resuming" if resumed else "starting") + " failover" + kind)
        _roll_back(env, snapshot, resumed)
        results: list[StepResult] = []
        if soft:
            opts = env.rec.extra.get(GRACEFUL_KEY) or {}
            first = graceful_steps(env, float(opts.get("drain_timeout", drain_timeout)),
                                   bool(opts.get("force", force)))
            later = [f"post-failover: {x.text()}" for x in steps]
            results += run_steps(env, "failover", "graceful", first, later=later)
        results += run_steps(env, "failover", "post-failover", steps)
        transition(env, S.FAILED_OVER)
        env.rec.extra.pop(GRACEFUL_KEY, None)
        env.rec.extra.pop(SNAPSHOT_KEY, None)
        finish(env)
        log_line(env, f"failover complete: {env.cfg.target.upper()} serves {env.cfg.source.upper()}")
        return results


def _roll_back(env: PairEnv, snapshot: str | None, resumed: bool) -> None:
    """Roll the target back to ``snapshot`` once; a resumed failover finishes a rollback
    that stopped part-way (the pair record remembers which snapshot)."""
    todo = env.rec.extra.get(SNAPSHOT_KEY) if resumed else None
    if todo is None and snapshot:
        todo = env.rec.extra[SNAPSHOT_KEY] = {"id": snapshot, "done": False}
        env.save()
    if not todo or todo.get("done"):
        return
    from core.protection.snapshots import roll_back

    log_line(env, f"rolling {env.cfg.target.upper()} back to snapshot {todo['id']}")
    log_line(env, roll_back(env, str(todo["id"])))
    todo["done"] = True
    env.save()


def _first_drain(env: PairEnv, timeout: float, force: bool) -> None:
    """Drain before anything changes: at the bound, stop with what was left (unless forced)."""
    log_line(env, f"graceful failover: waiting for the queue to drain (at most {timeout:g} s)")
    try:
        log_line(env, wait_drained(env, env.facts.set_name, timeout))
    except DrainTimeout as exc:
        if not force:
            log_line(env, f"graceful failover not started: {exc}")
            raise DrainTimeout(
                f"{exc} Nothing was changed: {env.cfg.source.upper()} still serves. Wait and "
                "run the failover again, give a longer --drain-timeout, or --force it "
                "(the target then serves without what was left).", exc.ops, exc.bytes) from None
        log_line(env, f"forced on: {exc}")
