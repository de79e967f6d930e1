"""Abort a failover or failback that stopped part-way (issue 10 item 4).

A plan whose step raised leaves the pair in Failing over (or Failing back) so
that running it again resumes. When it cannot be resumed (an operation the
servers lack, a step the person no longer wants), Abort ends it: under the
pair's plan lock (refused while another process runs a plan of the pair), it
forgets the plan's progress and puts the pair back where the plan started —
Failure detected for a failover, Failed over for a failback — from where the
plan can be run again from its first step (every step is safe to run twice)
or protection disabled. Nothing on the servers is undone: the report says
exactly which steps ran (their effects stay) and which did not.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.context import Context
from core.errors import StateError
from core.model.pair import Pair
from core.model.state import PairState
from core.protection.drain import DEFAULT_DRAIN_TIMEOUT, graceful_steps
from core.protection.env import PairEnv, Progress
from core.protection.failover import GRACEFUL_KEY
from core.protection.pair import finish, load_phase, session, transition
from core.protection.runner import log_line, step_id
from core.protection.script import Step
from core.store import PairStore

S = PairState
#: the state a stuck plan goes back to: the one it started from
BACK_TO = {S.FAILING_OVER: S.FAILURE_DETECTED, S.FAILING_BACK: S.FAILED_OVER}


@dataclass(frozen=True)
class AbortReport:
    """What an abort did: the plan it ended, the steps that ran and those that did not."""

    operation: str  # "failover" | "failback"
    before: str  # the pair's state before
    after: str  # the pair's state now
    done: tuple[str, ...]
    not_done: tuple[str, ...]
    error: str  # the error the plan stopped at ("" if none was recorded)

    def sentence(self) -> str:
        done = "; ".join(self.done) or "none"
        left = "; ".join(self.not_done) or "none"
        stopped = f" It had stopped at: {self.error}." if self.error else ""
        again = "fail over" if self.operation == "failover" else "fail back"
        return (f"The {self.operation} was aborted: the pair is {self.after} (was {self.before})."
                f"{stopped} Steps that ran (their effects stay): {done}. Steps that did not "
                f"run: {left}. Run {self.operation} again to {again} from the first step, "
                "or unprotect the pair.")


def _phases(env: PairEnv, operation: str) -> list[tuple[str, list[Step]]]:
    if operation == "failback":
        return [("pre-failback", load_phase(env, "pre-failback"))]
    out: list[tuple[str, list[Step]]] = []
    opts = env.rec.extra.get(GRACEFUL_KEY)
    if isinstance(opts, dict):
        out.append(("graceful", graceful_steps(
            env, float(opts.get("drain_timeout", DEFAULT_DRAIN_TIMEOUT)),
            bool(opts.get("force", False)))))
    out.append(("post-failover", load_phase(env, "post-failover")))
    return out


def abort(ctx: Context, store: PairStore, pair: Pair,
          progress: Progress | None = None, *, actor: str = "appmgr") -> AbortReport:
    """End the pair's stuck failover or failback (StateError when there is none, or while
    another process runs a plan of the pair)."""
    _, source, target = pair.parts
    with session(ctx, store, pair, "Abort", progress, actor=actor) as env:
        before = env.rec.pair_state
        if before not in BACK_TO:
            raise StateError(f"There is no failover or failback to abort: {source.upper()} -> "
                             f"{target.upper()} is {before.value}.")
        operation = "failover" if before == S.FAILING_OVER else "failback"
        done: list[str] = []
        not_done: list[str] = []
        for phase, steps in _phases(env, operation):
            for i, s in enumerate(steps, start=1):
                sid = step_id(phase, i, s)
                (done if sid in env.rec.steps_done else not_done).append(f"{phase}: {s.text()}")
        error = env.rec.last_error
        transition(env, BACK_TO[before])
        env.rec.extra.pop(GRACEFUL_KEY, None)
        finish(env)
        report = AbortReport(operation, before.value, env.rec.pair_state.value,
                             tuple(done), tuple(not_done), error)
        log_line(env, report.sentence())
        return report
