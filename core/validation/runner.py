"""Run the checks that apply to a pair, concurrently, each within a deadline.

A check that raises becomes an error result with the exception's sentence;
one that does not finish in time becomes an error naming what it was
waiting for. Nothing here hangs or lets a traceback reach the user.
"""

from __future__ import annotations

import json
import logging
import queue
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from core.context import Context
from core.errors import AppmgrError, InvalidInput, ProtocolError, Unreachable
from core.model.config import ProtectionConfig
from core.validation.base import Check, CheckResult, Status, error, get_check, registered_checks
from core.validation.context import ValidationContext, gather
from core.validation.threads import spawn

log = logging.getLogger("appmgr.validation")
Progress = Callable[[str], None]
OnResult = Callable[[CheckResult], None]


@dataclass(frozen=True)
class ValidationReport:
    results: tuple[CheckResult, ...]

    @property
    def ok(self) -> bool:
        """True when no check reported an error (warnings do not block, SPEC F-7)."""
        return not self.errors

    @property
    def errors(self) -> list[CheckResult]:
        return [r for r in self.results if r.status is Status.ERROR]

    @property
    def warnings(self) -> list[CheckResult]:
        return [r for r in self.results if r.status is Status.WARNING]

    @property
    def fixable(self) -> list[CheckResult]:
        return [r for r in self.results if r.fixable and r.status is not Status.PASSED]

    def result(self, check_id: str) -> CheckResult:
        return next(r for r in self.results if r.id == check_id)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "results": [r.to_dict() for r in self.results]}

    def to_json(self) -> str:
        """``{"ok": bool, "results": [{"id","title","group","status","reason","fixable"}]}``."""
        return json.dumps(self.to_dict(), indent=2)


@dataclass(frozen=True)
class FixResult:
    result: CheckResult  # the check re-run after the Fix
    config: ProtectionConfig  # the configuration to use from now on
    config_changed: bool


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
) -> ValidationReport:
    """Run every check that applies to ``cfg`` and report (SPEC F-7).

    ``progress`` gets one line per finished check, ``on_result`` the result
    itself (both called on the calling thread). ``timeout`` bounds each
    check (and the gathering of the inventories).
    """
    timeout = timeout if timeout is not None else default_timeout(ctx)
    if vctx is None:
        _say(progress, f"Reading {cfg.source} and {cfg.target}")
        vctx = gather(ctx, cfg, timeout=timeout)
    chosen = [c for c in (checks or registered_checks()) if _applies(c, vctx)]
    done: queue.Queue[str] = queue.Queue()
    futures = {}
    for c in chosen:
        fut = spawn(_run_one, c, vctx, name=f"check-{c.id}")
        fut.add_done_callback(lambda _f, cid=c.id: done.put(cid))
        futures[c.id] = fut
    # a real-time deadline: it bounds real waits on threads, whatever the injected clock
    deadline = time.monotonic() + timeout
    finished: dict[str, CheckResult] = {}
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
    return ValidationReport(tuple(results))


def fix(ctx: Context, cfg: ProtectionConfig, check_id: str, *,
        timeout: float | None = None) -> FixResult:
    """Run the Fix of ``check_id``, then re-run that check.

    A configuration Fix returns the corrected config in ``FixResult.config``
    (the caller saves it); a server Fix re-reads the servers before the
    check runs again. Raises InvalidInput when the check has no Fix, and
    the Fix's typed error when it fails.
    """
    timeout = timeout if timeout is not None else default_timeout(ctx)
    try:
        chk = get_check(check_id)
    except KeyError:
        raise InvalidInput("check", f"there is no check {check_id!r}") from None
    if chk.fix is None:
        raise InvalidInput("check", f"{chk.title}: appmgr cannot fix this; see the reason")
    vctx = gather(ctx, cfg, timeout=timeout)
    fut = spawn(chk.fix, vctx, name=f"fix-{chk.id}")
    try:
        new_cfg = fut.result(timeout=timeout)
    except TimeoutError:
        raise Unreachable(f"{chk.title}: the Fix did not finish within {timeout:g} s") from None
    except AppmgrError:
        raise
    except Exception as exc:
        log.exception("fix of %s failed", chk.id)
        raise ProtocolError(f"{chk.title}: the Fix failed ({type(exc).__name__}: {exc})") from None
    # a server Fix changed the servers: read them again; a config Fix changed only the config
    vctx = gather(ctx, cfg, timeout=timeout) if new_cfg is None else replace(vctx, config=new_cfg)
    report = validate(ctx, vctx.config, timeout=timeout, checks=[chk], vctx=vctx)
    return FixResult(report.result(chk.id), vctx.config, new_cfg is not None)


def fix_all(ctx: Context, cfg: ProtectionConfig, report: ValidationReport, *,
            progress: Progress | None = None,
            timeout: float | None = None) -> tuple[ValidationReport, ProtectionConfig]:
    """Fix All: every fixable result in turn, then a whole new validation."""
    for res in report.fixable:
        try:
            cfg = fix(ctx, cfg, res.id, timeout=timeout).config
            _say(progress, f"Fixed: {res.title}")
        except AppmgrError as exc:
            _say(progress, f"Could not fix {res.title}: {exc}")
    return validate(ctx, cfg, progress=progress, timeout=timeout), cfg


def _applies(c: Check, vctx: ValidationContext) -> bool:
    try:
        return bool(c.applies(vctx.app, vctx.config))
    except Exception:  # a broken applies-rule must not hide the check
        log.exception("applies() of check %s failed", c.id)
        return True


def _run_one(c: Check, vctx: ValidationContext) -> CheckResult:
    try:
        return c.result(c.run(vctx))
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
    waiting = f" waiting for {' and '.join(names)}" if names else ""
    return c.result(error(f"no answer within {timeout:g} s{waiting}", fixable=False))


def _say(progress: Progress | None, line: str) -> None:
    if progress is not None:
        progress(line)
