"""The health check and its fixes (SPEC F-7).

The checks are imported on use: ``appmgr status`` must not load them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.console.api import Progress
from core.logs import log_action
from core.model.config import ProtectionConfig
from core.model.state import PairState

if TYPE_CHECKING:
    from core.console.session import Session
    from core.validation.base import CheckResult
    from core.validation.fixes import FixResult
    from core.validation.runner import ValidationReport


class ValidationService:
    """Run the checks of a pair; apply one Fix or all of them."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def validate(self, cfg: ProtectionConfig,
                 progress: Progress | None = None) -> ValidationReport:
        from core.protection import enable as _enable
        from core.validation.runner import validate

        report = validate(self.s.routed_ctx(), cfg, progress=progress, farms=self.s.farms or None)
        rec = self.s.store.record(cfg.pair)
        if rec.pair_state in (PairState.UNPROTECTED, PairState.VALIDATED):
            _enable.mark_validated(self.s.store, cfg.pair, report.ok)
        log_action("validate", pair=f"{cfg.source}->{cfg.target}", ok=report.ok,
                   errors=len(report.errors), warnings=len(report.warnings))
        return report

    def fix_all(self, cfg: ProtectionConfig, report: ValidationReport,
                progress: Progress | None = None) -> tuple[ValidationReport, ProtectionConfig]:
        """Every available Fix in a safe order; the corrected configuration is saved."""
        from core.validation.fixes import fix_all

        new_report, new_cfg = fix_all(self.s.routed_ctx(), cfg, report, progress=progress,
                                      farms=self.s.farms or None)
        if new_cfg != cfg:
            self.s.store.save_config(new_cfg)
        log_action("fix all", pair=f"{cfg.source}->{cfg.target}", ok=new_report.ok)
        return new_report, new_cfg

    def fix_order(self, results: list[CheckResult]) -> list[CheckResult]:
        """``results`` in the order Fix All repairs them (the pane's own Fix All loop)."""
        from core.validation.fixes import fix_order

        return fix_order(results)

    def fix(self, cfg: ProtectionConfig, check_id: str) -> FixResult:
        from core.validation.fixes import fix

        result = fix(self.s.routed_ctx(), cfg, check_id, farms=self.s.farms or None)
        if result.config_changed:
            self.s.store.save_config(result.config)
        log_action("fix", check=check_id, status=result.result.status)
        return result
