"""Failback (SPEC F-9.3, first half): the target hands the name back.

Failed over → Failing back → pre-failback (stop the target services in
reverse order, withdraw the shares, DNS back to the source IPs) →
Restoring. The source must answer first (after an outage: ``lab heal``),
since DNS will point clients at it again; with identity failover it cannot
until the target gave its addresses back (the pre-failback's last step), so
restore is where it is first reached.

Failback does not include Restore: the console and the CLI run them as two
actions (``appmgr failback`` then ``appmgr restore``) so a person can check
the source between them; the pair waits in Restoring. The TUI may chain
both after one confirmation.
"""

from __future__ import annotations

from core.apps import get_app
from core.context import Context
from core.errors import Refused, Unreachable
from core.model.pair import Pair
from core.model.state import PairState
from core.protection.env import Progress, TokenFactory, new_token
from core.protection.pair import begin, finish, load_phase, session, source_answers, transition
from core.protection.runner import StepResult, log_line, run_steps
from core.protection.state_machine import require
from core.store import PairStore

S = PairState


def failback(
    ctx: Context,
    store: PairStore,
    pair: Pair,
    progress: Progress | None = None,
    *,
    token_factory: TokenFactory = new_token,
) -> list[StepResult]:
    """Run pre-failback; the pair then waits in Restoring for :func:`restore`.

    Raises Unreachable when the source does not answer yet, StepsFailed when
    a step fails (the pair stays Failing back; calling failback again resumes).
    """
    with session(ctx, store, pair, "Failback", progress, token_factory) as env:
        state = env.rec.pair_state
        if state not in (S.FAILED_OVER, S.FAILING_BACK):
            require(state, "failback")
        refused = get_app(env.cfg.app).failback_refusal(env.facts)
        if refused:
            raise Refused(f"{refused}: serve from {env.cfg.target.upper()}, or move the data "
                          "back by hand (F-9.3)")
        # identity failover: the target holds the source's addresses until pre-failback
        # gives them back, so the source cannot answer on them before (a duplicate address)
        if env.cfg.failover.type == "dns" and not source_answers(env):
            raise Unreachable(
                f"{env.cfg.source.upper()} does not answer yet; bring it back before failing back."
            )
        steps = load_phase(env, "pre-failback")
        transition(env, S.FAILING_BACK)
        begin(env, "failback")
        log_line(env, "starting failback" if state == S.FAILED_OVER else "resuming failback")
        results = run_steps(env, "failback", "pre-failback", steps, later=["restore"])
        transition(env, S.RESTORING)
        finish(env)
        log_line(env, "failback complete: run restore to copy the target's data back")
        return results
