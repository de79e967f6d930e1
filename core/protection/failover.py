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
Identity failover is executed by the engine, not by the console (F-9.5).
"""

from __future__ import annotations

from core.apps import get_app
from core.context import Context
from core.errors import AppmgrError, StateError
from core.model.state import PairState
from core.protection.env import PairEnv, Progress, TokenFactory, new_token
from core.protection.pair import begin, finish, load_phase, session, source_answers, transition
from core.protection.runner import StepResult, log_line, run_steps
from core.protection.state_machine import require
from core.store import PairStore

S = PairState


def _monitor_says_failed(env: PairEnv) -> bool:
    if not env.rec.monitoring:
        return False
    try:
        return env.engine("target").monitor_status(env.facts.set_name).state == "failover_condition"
    except AppmgrError:
        return False


def _may_start(env: PairEnv, force: bool) -> None:
    state = env.rec.pair_state
    if state in (S.FAILURE_DETECTED, S.FAILING_OVER):
        return
    if state not in (S.PROTECTED, S.MIRRORING):
        require(state, "failover")
        return
    if force or get_app(env.cfg.app).defaults.graceful_failover:
        return
    if _monitor_says_failed(env) or not source_answers(env):
        return
    raise StateError(
        f"{env.cfg.source.upper()} still answers, so there is no failure to fail over from; "
        f"failover on demand is not offered for {get_app(env.cfg.app).title} "
        "(force it only if you know the source is unusable)."
    )


def failover(
    ctx: Context,
    store: PairStore,
    app: str,
    source: str,
    target: str,
    progress: Progress | None = None,
    *,
    force: bool = False,
    token_factory: TokenFactory = new_token,
    actor: str = "appmgr",
) -> list[StepResult]:
    """Fail over to the target: Failing over → post-failover → Failed over.

    Returns the step results. A failed step raises StepsFailed (the pair
    stays Failing over; calling failover again resumes). ``actor`` names the
    process in the plan lock ("appmgr watch" for the watcher).
    """
    with session(ctx, store, app, source, target, "Failover", progress, token_factory,
                 actor) as env:
        if env.cfg.failover.type != "dns":
            raise StateError(
                "Identity failover is executed by the engine, not by the console (SPEC F-9.5)."
            )
        _may_start(env, force)
        steps = load_phase(env, "post-failover")
        resumed = env.rec.pair_state == S.FAILING_OVER
        transition(env, S.FAILING_OVER)
        begin(env, "failover")
        log_line(env, ("resuming" if resumed else "starting") + " failover" + (" (forced)" if force else ""))
        results = run_steps(env, "failover", "post-failover", steps)
        transition(env, S.FAILED_OVER)
        finish(env)
        log_line(env, f"failover complete: {env.cfg.target.upper()} serves {env.cfg.source.upper()}")
        return results
