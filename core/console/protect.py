"""Health check, protection and logs half of the console façade (F-7, F-8, F-9, F-13).

The validation and failover machinery is imported inside the methods that
use it: ``appmgr status`` runs on every refresh of a script and must start
in well under 100 ms beyond the interpreter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.apps.registry import protectable_app
from core.console.api import Progress
from core.errors import InvalidInput, ValidationFailed
from core.logs import log_action, read_verbose_log, tail_lines
from core.model.config import ProtectionConfig
from core.model.snapshot import SnapshotInfo
from core.model.state import PairState
from core.protection.status import PairStatus, pair_actions, pair_status
from core.store import check_pair_name

if TYPE_CHECKING:
    from core.console.console import Console
    from core.validation.base import CheckResult
    from core.validation.fixes import FixResult
    from core.validation.runner import ValidationReport


class ProtectMixin:
    # --- health check -----------------------------------------------------------------
    def validate(self: Console, cfg: ProtectionConfig,
                 progress: Progress | None = None) -> ValidationReport:
        from core.protection import enable as _enable
        from core.validation.runner import validate

        report = validate(self._routed_ctx(), cfg, progress=progress, farms=self._farms or None)
        rec = self.store.record(cfg.app, cfg.source, cfg.target)
        if rec.pair_state in (PairState.UNPROTECTED, PairState.VALIDATED):
            _enable.mark_validated(self.store, cfg.app, cfg.source, cfg.target, report.ok)
        log_action("validate", pair=f"{cfg.source}->{cfg.target}", ok=report.ok,
                   errors=len(report.errors), warnings=len(report.warnings))
        return report

    def fix_all(self: Console, cfg: ProtectionConfig, report: ValidationReport,
                progress: Progress | None = None) -> tuple[ValidationReport, ProtectionConfig]:
        """Every available Fix in a safe order; the corrected configuration is saved."""
        from core.validation.fixes import fix_all

        new_report, new_cfg = fix_all(self._routed_ctx(), cfg, report, progress=progress,
                                      farms=self._farms or None)
        if new_cfg != cfg:
            self.store.save_config(new_cfg)
        log_action("fix all", pair=f"{cfg.source}->{cfg.target}", ok=new_report.ok)
        return new_report, new_cfg

    def fix_order(self, results: list[CheckResult]) -> list[CheckResult]:
        """``results`` in the order Fix All repairs them (the pane's own Fix All loop)."""
        from core.validation.fixes import fix_order

        return fix_order(results)

    def fix(self: Console, cfg: ProtectionConfig, check_id: str) -> FixResult:
        from core.validation.fixes import fix

        result = fix(self._routed_ctx(), cfg, check_id, farms=self._farms or None)
        if result.config_changed:
            self.store.save_config(result.config)
        log_action("fix", check=check_id, status=result.result.status)
        return result

    # --- protection -------------------------------------------------------------------
    def allowed_actions(self: Console, app: str, source: str,
                        target: str) -> dict[str, tuple[str, str | None]]:
        return pair_actions(self.store, app, source, target, self.ctx.paths)

    def enable(self: Console, cfg: ProtectionConfig, progress: Progress | None = None) -> Any:
        from core.protection import enable as _enable

        protectable_app(cfg.app)
        self.save_config(cfg)
        report = self.validate(cfg, progress)
        if not report.ok:
            first = report.errors[0]
            raise ValidationFailed(f"validation: {len(report.errors)} check(s) failed, first: "
                                   f"{first.title}: {first.reason}", report.exit_code)
        rec = _enable.enable(self._routed_ctx(), cfg, self.store, progress, validated=report)
        log_action("enable protection", pair=f"{cfg.source}->{cfg.target}")
        return rec

    def disable(self: Console, app: str, source: str, target: str,
                progress: Progress | None = None, *, force: bool = False) -> None:
        from core.protection import disable as _disable

        _disable.disable(self._routed_ctx(), self.store, app, source, target, progress,
                         force=force)
        log_action("disable protection", pair=f"{source}->{target}", force=force)

    def set_monitoring(self: Console, app: str, source: str, target: str, on: bool) -> None:
        from core.protection import disable as _disable

        _disable.set_monitoring(self._routed_ctx(), self.store, app, source, target, on)
        log_action("monitoring", pair=f"{source}->{target}", on=on)

    def status(self: Console, app: str, source: str, target: str) -> PairStatus:
        return pair_status(self._routed_ctx(), self.store, app, source, target)

    def pairs(self: Console) -> list[tuple[str, str, str]]:
        """Every pair appmgr knows, for the dashboard and ``status`` without a pair."""
        return [(r.app, r.source, r.target) for r in self.store.records()]

    def failover(self: Console, app: str, source: str, target: str,
                 progress: Progress | None = None, *, force: bool = False,
                 graceful: bool = False, drain_timeout: float = 60.0,
                 snapshot: str | None = None) -> list[Any]:
        from core.protection import failover as _failover
        from core.protection.drain import graceful_refusal

        refused = graceful_refusal(app)
        if refused and (force or graceful):
            # F-9.2: no graceful (soft) failover while the source is up for these
            raise InvalidInput("failover", refused)
        if drain_timeout <= 0:
            raise InvalidInput("drain-timeout", "the drain timeout must be more than 0 seconds")
        log_action("failover", pair=f"{source}->{target}", force=force, graceful=graceful,
                   snapshot=snapshot or "")
        return _failover.failover(self._routed_ctx(), self.store, app, source, target, progress,
                                  force=force, graceful=graceful, drain_timeout=drain_timeout,
                                  snapshot=snapshot)

    # --- snapshots (F-6.3) -----------------------------------------------------------
    def snapshots(self: Console, app: str, source: str, target: str) -> list[SnapshotInfo]:
        from core.protection import snapshots as _snapshots

        return _snapshots.listing(self._routed_ctx(), self.store, app, source, target)

    def take_snapshot(self: Console, app: str, source: str, target: str) -> SnapshotInfo:
        from core.protection import snapshots as _snapshots

        snap = _snapshots.take(self._routed_ctx(), self.store, app, source, target)
        log_action("take snapshot", pair=f"{source}->{target}", id=snap.id)
        return snap

    def delete_snapshot(self: Console, app: str, source: str, target: str, sid: str) -> None:
        from core.protection import snapshots as _snapshots

        _snapshots.delete(self._routed_ctx(), self.store, app, source, target, sid)
        log_action("delete snapshot", pair=f"{source}->{target}", id=sid)

    def abort(self: Console, app: str, source: str, target: str,
              progress: Progress | None = None) -> Any:
        from core.protection.abort import abort as _abort

        report = _abort(self._routed_ctx(), self.store, app, source, target, progress)
        log_action("abort", pair=f"{source}->{target}", operation=report.operation)
        return report

    def failback(self: Console, app: str, source: str, target: str,
                 progress: Progress | None = None) -> list[Any]:
        from core.protection import failback as _failback

        log_action("failback", pair=f"{source}->{target}")
        return _failback.failback(self._routed_ctx(), self.store, app, source, target, progress)

    def restore(self: Console, app: str, source: str, target: str,
                progress: Progress | None = None, *, discard: bool = False) -> list[Any]:
        from core.protection import restore as _restore

        log_action("restore", pair=f"{source}->{target}", discard=discard)
        return _restore.restore(self._routed_ctx(), self.store, app, source, target, progress,
                                discard=discard)

    def restore_preview(self: Console, app: str, source: str, target: str) -> Any:
        """The source files a restore would overwrite or delete (a RestoreDiff)."""
        from core.protection import restore as _restore

        return _restore.restore_preview(self._routed_ctx(), self.store, app, source, target)

    # --- logs -------------------------------------------------------------------------
    def log_text(self: Console, kind: str, server: str | None = None, lines: int = 500) -> str:
        logs = self.ctx.paths.logs
        if kind == "verbose":
            return "\n".join(read_verbose_log(logs, lines))
        if kind in ("dfo", "failover", "exchange"):
            if not server:
                raise InvalidInput("server", f"name the server whose {kind.upper()} log to show")
            path = logs / kind / f"{check_pair_name(server).upper()}.log"
            if not path.exists():
                return f"(no {kind.upper()} log for {server.upper()} yet)"
            return "\n".join(tail_lines(path, lines))
        raise InvalidInput("log", f"unknown log {kind!r}: choose verbose, dfo, failover or "
                                  "exchange")
