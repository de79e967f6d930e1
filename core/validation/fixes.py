"""Fix and Fix All (SPEC F-7): repair what the console can, then show the new result.

A Fix repairs a server, the DNS or an engine (and returns None), or returns
a corrected configuration. Either way its check runs again at once, so the
caller shows the new result. Fix All runs every available Fix in the safe
order of :data:`core.validation.base.FIX_ORDER` — the engine first (the
other repairs talk to it), the configuration last — records each outcome,
then validates the whole pair again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from core.context import Context
from core.errors import AppmgrError, InvalidInput, ProtocolError, Unreachable
from core.model.apps import SharePointFarm
from core.model.config import ProtectionConfig
from core.validation.base import CheckResult, get_check
from core.validation.context import gather
from core.validation.report import FixOutcome, ValidationReport
from core.validation.runner import Progress, default_timeout, validate
from core.validation.shared import shared
from core.validation.threads import spawn

log = logging.getLogger("appmgr.validation")


@dataclass(frozen=True)
class FixResult:
    result: CheckResult  # the check re-run after the Fix
    config: ProtectionConfig  # the configuration to use from now on
    config_changed: bool


def fix(ctx: Context, cfg: ProtectionConfig, check_id: str, *, timeout: float | None = None,
        farms: dict[str, SharePointFarm] | None = None) -> FixResult:
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
    vctx = gather(ctx, cfg, timeout=timeout, farms=farms)
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
    finally:
        vctx.close()
    # a server Fix changed the servers: read them again; a config Fix changed only the config
    if new_cfg is None:
        shared(ctx).forget()  # what the Fix changed (a DNS zone…) must be read afresh
        vctx = gather(ctx, cfg, timeout=timeout, farms=farms)
    else:
        vctx = replace(vctx, config=new_cfg)
    report = validate(ctx, vctx.config, timeout=timeout, checks=[chk], vctx=vctx)
    vctx.close()
    return FixResult(report.result(chk.id), vctx.config, new_cfg is not None)


def fix_order(results: list[CheckResult]) -> list[CheckResult]:
    """The fixable results in the order Fix All repairs them (stable within one step)."""
    def order(r: CheckResult) -> int:
        try:
            return get_check(r.id).fix_order
        except KeyError:
            return 1000
    return sorted(results, key=order)


def fix_all(ctx: Context, cfg: ProtectionConfig, report: ValidationReport, *,
            progress: Progress | None = None, timeout: float | None = None,
            farms: dict[str, SharePointFarm] | None = None,
            ) -> tuple[ValidationReport, ProtectionConfig]:
    """Fix All: every fixable result in the safe order, then a whole new validation.

    The new report carries one :class:`FixOutcome` per Fix tried (``report.fixes``);
    a failing Fix is recorded and the others still run.
    """
    outcomes: list[FixOutcome] = []
    for res in fix_order(report.fixable):
        try:
            out = fix(ctx, cfg, res.id, timeout=timeout, farms=farms)
        except AppmgrError as exc:
            outcomes.append(FixOutcome(res.id, res.title, False, str(exc)))
        else:
            cfg = out.config
            outcomes.append(FixOutcome(res.id, res.title, True, out.result.reason,
                                       out.result.status))
        if progress is not None:
            progress(str(outcomes[-1]))
    final = validate(ctx, cfg, progress=progress, timeout=timeout, farms=farms)
    return replace(final, fixes=tuple(outcomes)), cfg
