"""Runs a phase's steps in order with a step log, resumable after a crash.

Progress is kept in the pair's record: ``phase`` names the operation being
run (failover, failback, restore) and ``steps_done`` the ids of the steps
finished, saved after each one. Running the operation again skips them and
continues with the first step not done. Every step is appended to the
pair's failover log (``<logs>/failover/<SOURCE>.log``) as started / ok /
failed with its message; the same lines go to the progress callback.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from core.errors import AppmgrError
from core.protection.env import PairEnv
from core.protection.errors import StepsFailed
from core.protection.script import Step
from core.protection.step_table import STEPS


@dataclass(frozen=True)
class StepResult:
    """The outcome of one step (what the console's step list shows)."""

    step: str  # the script line, e.g. "publish-share Data E:\\Shares\\Data"
    ok: bool
    message: str
    phase: str = ""
    skipped: bool = False  # already done before an interruption


def failover_log_path(env: PairEnv) -> Path:
    return env.ctx.paths.logs / "failover" / f"{env.cfg.source.upper()}.log"


def log_line(env: PairEnv, text: str, say: bool = True) -> None:
    """Append one line to the pair's failover log and (``say``) tell the progress callback."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(env.ctx.clock.now()))
    pair = f"{env.cfg.source.upper()}->{env.cfg.target.upper()}"
    path = failover_log_path(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"{stamp} {pair} {text}\n")
    if say:
        env.say(text)


def step_id(phase: str, index: int, s: Step) -> str:
    return f"{phase}:{index}:{s.text()}"


def _readable(sid: str) -> str:
    phase, _, rest = sid.partition(":")
    return f"{phase}: {rest.partition(':')[2]}"


def run_steps(
    env: PairEnv, operation: str, phase: str, steps: list[Step], later: list[str] | None = None
) -> list[StepResult]:
    """Run ``steps`` of ``phase`` in order; raise StepsFailed at the first failure.

    Steps already in ``rec.steps_done`` are skipped (a resumed run). The
    record is saved after every step so an interruption loses at most the
    step that was running (each step is safe to run again). ``later`` names
    the steps of the operation's next phases, for the "left" of an error.
    """
    results: list[StepResult] = []
    total = len(steps)
    if not steps:
        log_line(env, f"{phase}: no steps")
    for i, s in enumerate(steps, start=1):
        sid = step_id(phase, i, s)
        where = f"{phase} [{i}/{total}] {s.text()}"
        if sid in env.rec.steps_done:
            results.append(StepResult(s.text(), True, "done before", phase, skipped=True))
            log_line(env, f"{where}: already done")
            continue
        log_line(env, f"{where}: started")
        fn = STEPS.get(s.verb)
        try:
            if fn is None:
                raise AppmgrError(f"no implementation for the verb {s.verb!r}")
            message = fn(env, s)
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none escapes raw
            cause = exc if isinstance(exc, AppmgrError) else AppmgrError(
                f"unexpected {type(exc).__name__}: {exc}"
            )
            log_line(env, f"{where}: failed: {cause}")
            results.append(StepResult(s.text(), False, str(cause), phase))
            done = [_readable(d) for d in env.rec.steps_done]
            left = [f"{phase}: {x.text()}" for x in steps[i - 1 :]] + list(later or ())
            env.rec.last_error = f"{operation}: {s.text()}: {cause}"
            env.save()
            raise StepsFailed(
                operation,
                s.text(),
                cause,
                done,
                left,
                hint=f"Fix the cause, then run {operation} again to resume from this step.",
            ) from exc
        env.rec.steps_done.append(sid)
        env.save()
        log_line(env, f"{where}: ok: {message}")
        results.append(StepResult(s.text(), True, message, phase))
    return results
