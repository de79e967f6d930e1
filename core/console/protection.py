"""Protection of a pair (SPEC F-8, F-9): enable, disable, fail over, fail back, restore.

The validation and failover machinery is imported inside the methods that
use it: ``appmgr status`` runs on every refresh of a script and must start
in well under 100 ms beyond the interpreter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.apps.registry import protectable_app
from core.console.api import Progress
from core.errors import InvalidInput, ValidationFailed
from core.logs import log_action
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.protection.status import pair_actions

if TYPE_CHECKING:
    from core.console.configure import ConfigureService
    from core.console.session import Session
    from core.console.validation import ValidationService
    from core.protection.abort import AbortReport
    from core.protection.quarantine import RestoreDiff
    from core.protection.runner import StepResult
    from core.store import PairRecord


class ProtectionService:
    """The pair's life cycle, each step logged in the verbose log."""

    def __init__(self, session: Session, configure: ConfigureService,
                 validation: ValidationService) -> None:
        self.s = session
        self.configure = configure
        self.validation = validation

    def allowed_actions(self, pair: Pair) -> dict[str, tuple[str, str | None]]:
        return pair_actions(self.s.store, pair, self.s.ctx.paths)

    def enable(self, cfg: ProtectionConfig, progress: Progress | None = None) -> PairRecord:
        from core.protection import enable as _enable

        protectable_app(cfg.app)
        self.configure.save_config(cfg)
        report = self.validation.validate(cfg, progress)
        if not report.ok:
            first = report.errors[0]
            raise ValidationFailed(f"validation: {len(report.errors)} check(s) failed, first: "
                                   f"{first.title}: {first.reason}", report.exit_code)
        rec = _enable.enable(self.s.routed_ctx(), cfg, self.s.store, progress, validated=report.ok)
        log_action("enable protection", pair=f"{cfg.source}->{cfg.target}")
        return rec

    def disable(self, pair: Pair,
                progress: Progress | None = None, *, force: bool = False) -> None:
        from core.protection import disable as _disable

        _, source, target = pair.parts
        _disable.disable(self.s.routed_ctx(), self.s.store, pair, progress,
                         force=force)
        log_action("disable protection", pair=f"{source}->{target}", force=force)

    def failover(self, pair: Pair,
                 progress: Progress | None = None, *, force: bool = False,
                 graceful: bool = False, drain_timeout: float = 60.0,
                 snapshot: str | None = None) -> list[StepResult]:
        """Fail over; ``graceful``: drain the queue (bounded by ``drain_timeout``), stop the
        source's services, then start the target's (SPEC F-9.2); ``snapshot``: roll the
        target's data back to that snapshot first."""
        from core.protection import failover as _failover
        from core.protection.drain import graceful_refusal

        app, source, target = pair.parts
        refused = graceful_refusal(app)
        if refused and (force or graceful):
            # F-9.2: no graceful (soft) failover while the source is up for these
            raise InvalidInput("failover", refused)
        if drain_timeout <= 0:
            raise InvalidInput("drain-timeout", "the drain timeout must be more than 0 seconds")
        log_action("failover", pair=f"{source}->{target}", force=force, graceful=graceful,
                   snapshot=snapshot or "")
        return _failover.failover(self.s.routed_ctx(), self.s.store, pair, progress,
                                  force=force, graceful=graceful, drain_timeout=drain_timeout,
                                  snapshot=snapshot)

    def abort(self, pair: Pair,
              progress: Progress | None = None) -> AbortReport:
        from core.protection.abort import abort as _abort

        _, source, target = pair.parts
        report = _abort(self.s.routed_ctx(), self.s.store, pair, progress)
        log_action("abort", pair=f"{source}->{target}", operation=report.operation)
        return report

    def failback(self, pair: Pair,
                 progress: Progress | None = None) -> list[StepResult]:
        from core.protection import failback as _failback

        _, source, target = pair.parts
        log_action("failback", pair=f"{source}->{target}")
        return _failback.failback(self.s.routed_ctx(), self.s.store, pair, progress)

    def restore(self, pair: Pair,
                progress: Progress | None = None, *, discard: bool = False) -> list[StepResult]:
        from core.protection import restore as _restore

        _, source, target = pair.parts
        log_action("restore", pair=f"{source}->{target}", discard=discard)
        return _restore.restore(self.s.routed_ctx(), self.s.store, pair, progress,
                                discard=discard)

    def restore_preview(self, pair: Pair) -> RestoreDiff:
        """The source files a restore would overwrite or delete (a RestoreDiff)."""
        from core.protection import restore as _restore

        return _restore.restore_preview(self.s.routed_ctx(), self.s.store, pair)
