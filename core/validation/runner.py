"""Run the checks that apply to a pair, concurrently, each within a deadline.

A check that raises becomes an error result with the exception's sentence;
one that does not finish in time becomes an error naming what it was
waiting for. Nothing here hangs or lets a traceback reach the user.
"""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from functools import partial

from core.context import Context
from core.model.apps import SharePointFarm
from core.model.config import ProtectionConfig
from core.validation.base import Check, CheckResult, error, registered_checks
from core.validation.context import ValidationContext, gather
from core.validation.report import FixOutcome, ValidationReport
from core.validation.threads import spawn

log = logging.getLogger("appmgr.validation")
Progress = Callable[[str], None]
OnResult = Callable[[CheckResult], None]

__all__ = ["FixOutcome", "ValidationReport", "applicable", "default_timeout", "validate"]


def default_timeout(ctx: Context) -> float:
    """Per-check deadline: a check may make a few remote calls of ``ctx.timeout`` each."""
    return max(ctx.timeout * 3, 1.0)


def validate(
    ctx: Context,
    cfg: ProtectionConfig,
    *,
    progress: Progress | None = None,
    on_result: OnResult | None = None,
    timeout: float | None = None,
    checks: Sequence[Check] | None = None,
    vctx: ValidationContext | None = None,
    farms: dict[str, SharePointFarm] | None = None,
) -> ValidationReport:
    """Run every check that applies to ``cfg`` and report (SPEC F-7).

    ``progress`` gets one line per finished check, ``on_result`` the result
    itself (both called on the calling thread). ``timeout`` bounds each
    check (and the gathering of the inventories). ``farms``: SharePoint
    farms the console knows from Get Config (back end -> farm).
    """
    timeout = timeout if timeout is not None else default_timeout(ctx)
    own = vctx is None
    if vctx is None:
        _say(progress, f"Reading {cfg.source} and {cfg.target}")
        vctx = gather(ctx, cfg, timeout=timeout, farms=farms)
    chosen = applicable(vctx, checks)
    done: queue.Queue[str] = queue.Queue()
    futures = {}
    for c in chosen:
        if c.inline:
            continue
        fut = spawn(_run_one, c, vctx, name=f"check-{c.id}")
        fut.add_done_callback(partial(_put_done, done, c.id))
        futures[c.id] = fut
    # a real-time deadline: it bounds real waits on threads, whatever the injected clock
    deadline = time.monotonic() + timeout
    finished: dict[str, CheckResult] = {}
    for c in chosen:  # what only reads the gathered inventories runs here, meanwhile
        if c.inline:
            finished[c.id] = _run_one(c, vctx)
            _say(progress, str(finished[c.id]))
            if on_result:
                on_result(finished[c.id])
    while len(finished) < len(chosen):
        remaining = deadline - time.monotonic()
        try:
            cid = done.get(timeout=max(remaining, 0.0)) if remaining > 0 else done.get_nowait()
        except queue.Empty:
            break
        finished[cid] = futures[cid].result()
        _say(progress, str(finished[cid]))
        if on_result:
            on_result(finished[cid])
    results = []
    for c in chosen:
        res = finished.get(c.id) or _timed_out(c, vctx, timeout)
        if c.id not in finished:
            _say(progress, str(res))
            if on_result:
                on_result(res)
        results.append(res)
    if own and len(finished) == len(chosen):  # a cut check may still use the directory
        vctx.close()
    return ValidationReport(tuple(results))


def applicable(vctx: ValidationContext, checks: Sequence[Check] | None = None) -> list[Check]:
    """The checks (default: all registered) that apply to this pair, in report order."""
    return [c for c in (checks or registered_checks()) if _applies(c, vctx)]


def _applies(c: Check, vctx: ValidationContext) -> bool:
    if c.apps and vctx.app.id not in c.apps:
        return False
    try:
        if not c.applies(vctx.app, vctx.config):
            return False
        return c.when is None or bool(c.when(vctx))
    except Exception:  # a broken applies-rule must not hide the check
        log.exception("applies() of check %s failed", c.id)
        return True


def _put_done(done: queue.Queue[str], cid: str, _fut: Future[CheckResult]) -> None:
    done.put(cid)


def _run_one(c: Check, vctx: ValidationContext) -> CheckResult:
    from core.errors import AppmgrError, AuthFailed, Unreachable

    try:
        return c.result(c.run(vctx))
    except (Unreachable, AuthFailed) as exc:  # no finding: the server could not be asked
        return c.result(error(str(exc), fixable=False), unreachable=True)
    except AppmgrError as exc:
        return c.result(error(str(exc), fixable=False))
    except Exception as exc:
        log.exception("check %s failed", c.id)
        return c.result(error(f"the check itself failed ({type(exc).__name__}: {exc})",
                              fixable=False))


def _timed_out(c: Check, vctx: ValidationContext, timeout: float) -> CheckResult:
    names = []
    for what in c.touches:
        if what in ("source", "target"):
            names.append(vctx.side(what).name)
        elif what == "dns":
            ips = [s.ip for s in vctx.config.failover.dns.servers]
            names.append(f"DNS server {', '.join(ips)}" if ips else "the DNS servers")
        elif what == "directory":
            names.append(f"the directory of {vctx.domain or 'the domain'}")
        elif what == "hosts" and not {"source", "target"} & set(c.touches):
            names.append(f"{vctx.source.name} and {vctx.target.name}")
    waiting = f" waiting for {' and '.join(names)}" if names else ""
    return c.result(error(f"no answer within {timeout:g} s{waiting}", fixable=False),
                    unreachable=True)


def _say(progress: Progress | None, line: str) -> None:
    if progress is not None:
        progress(line)

