"""Graceful (soft) failover, SPEC F-9.2: drain the queue, then hand over with one server serving.

A graceful failover runs while the source is up. Before the target takes
over, the source's replication queue must be empty and the target must have
acknowledged every operation (the engine pops an operation only after the
target's ack, and an ack means on disk), otherwise the target serves data
older than what the source's users last wrote. The wait is bounded: when the
bound is hit the caller is told how many operations and bytes were left.

The order keeps "never both serving": the source's services are stopped
(reverse start order) before the target's are started; the queue is drained
once more after they stopped, for what the application flushed while stopping.
"""

from __future__ import annotations

from core.apps import get_app
from core.protection.env import PairEnv, as_stats
from core.protection.errors import DrainTimeout
from core.protection.script import Step
from core.protection.steps import POLL_SECONDS, StepFn, registrar

#: this module's verbs (the whole table: core.protection.step_table.STEPS)
DRAIN_STEPS: dict[str, StepFn] = {}
step = registrar(DRAIN_STEPS)

#: how long the queue must stay empty to count as drained: a file modified but kept open
#: is queued once it went quiet for the engine's settle time (core.engine.settle.SETTLE)
QUIET_SECONDS = 0.75
#: the bound of a graceful failover's drain unless the user gives another
DEFAULT_DRAIN_TIMEOUT = 60.0


def graceful_refusal(app: str) -> str | None:
    """Why ``app`` has no graceful failover (SPEC F-9.2), None when it has one."""
    application = get_app(app)
    if application.defaults.graceful_failover:
        return None
    return (f"{application.title} has no graceful failover (SPEC F-9.2; the guide: "
            f"\"Application Manager for {application.title} does not support graceful/soft "
            "failover\"): fail over once the source has failed")


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} bytes"  # pragma: no cover


def wait_drained(env: PairEnv, name: str, timeout: float, quiet: float = QUIET_SECONDS) -> str:
    """Poll the source's counters of ``name`` until its queue is empty, its mirror complete and
    both stayed so for ``quiet`` seconds; DrainTimeout (with what was left) after ``timeout``."""
    clock = env.ctx.clock
    start = clock.monotonic()
    deadline = start + timeout
    empty_since: float | None = None
    while True:
        stats = as_stats(env.engine("source").stats(name))
        now = clock.monotonic()
        drained = stats.queued_ops == 0 and stats.mirror_status == "complete"
        if not drained:
            empty_since = None
        elif empty_since is None:
            empty_since = now
        if empty_since is not None and now - empty_since >= quiet:
            return (f"queue of {name} drained in {now - start:.1f} s: {env.cfg.target.upper()} "
                    "acknowledged every operation")
        if now >= deadline:
            upto = "up to " if stats.queued_bytes_upto else ""
            left = (f"{stats.queued_ops} operation(s), {upto}{_size(stats.queued_bytes)} still queued on "
                    f"{env.cfg.source.upper()}")
            if stats.mirror_status != "complete":
                left += f" (mirror {stats.mirror_status}, {stats.mirror_percent:.0f}% done)"
            raise DrainTimeout(f"The replication queue of {name} did not drain within "
                               f"{timeout:g} s: {left}.", stats.queued_ops, stats.queued_bytes)
        clock.sleep(POLL_SECONDS)


@step("drain")
def drain(env: PairEnv, s: Step) -> str:
    """``drain SET [timeout=S] [force=on]``: wait for the queue; force: carry on, saying what
    was left, when the bound is hit."""
    timeout = float(s.opt("timeout") or DEFAULT_DRAIN_TIMEOUT)
    try:
        return wait_drained(env, s.args[0], timeout)
    except DrainTimeout as exc:
        if s.opt("force") != "on":
            raise
        return f"forced on: {exc}"


def graceful_steps(env: PairEnv, timeout: float, force: bool) -> list[Step]:
    """What runs on the source before post-failover: its services stopped in reverse order
    (cluster: resources offline), then the last drain."""
    names = [sv.name for sv in env.cfg.failover.services]
    verb = "resource-offline" if env.cfg.failover.resources else "stop-service"
    out = [Step(verb, (n,), {"on": "source"}) for n in reversed(names)]
    opts = {"timeout": f"{timeout:g}"}
    if force:
        opts["force"] = "on"
    out.append(Step("drain", (env.facts.set_name,), opts))
    return out
