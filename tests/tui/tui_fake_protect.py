"""Health check, protection, logs and options half of the fake ConsoleApi.

The first validation has a fixable error, a warning and passes; enable moves
the pair Mirroring -> Protected over successive ``status`` calls;
``fail_source`` makes the target's monitor report a failure.
"""

from __future__ import annotations

from copy import deepcopy
from types import SimpleNamespace
from typing import Any

from tui_fake_estate import (
    MIRROR_TOTAL,
    NOW,
    OPTION_LIMITS,
    CheckResult,
    PairStatus,
    StepResult,
    ValidationReport,
)

from core.apps.registry import get_app
from core.errors import InvalidInput, StateError
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.model.snapshot import SnapshotInfo
from core.model.state import PairState as ST
from core.model.stats import JobStats
from core.ports import MonitorStatus
from core.protection.quarantine import CHANGED, ONLY_SOURCE, Differing, RestoreDiff
from core.validation.fixes import FixResult, fix_order

PROTECTED_LIKE = {ST.MIRRORING, ST.PROTECTED, ST.FAILURE_DETECTED}


class FakeProtectMixin:
    state: ST
    monitoring: bool
    mirror_percent: float
    fixed: set[str]
    lock: Any
    _settings: Any
    logged_in: set[str]

    # --- health check ----------------------------------------------------------------
    def validate(self, cfg: ProtectionConfig, progress: Any = None) -> Any:
        self._rec("validate", cfg.source, cfg.target)
        if progress:
            progress("Checking the engines…")
        report = ValidationReport(self._checks(cfg))
        if report.ok and self.state == ST.UNPROTECTED:
            self.state = ST.VALIDATED
        return report

    def _checks(self, cfg: ProtectionConfig) -> list[CheckResult]:
        drive_ok = "E" in self.inventory(cfg.target).volume_letters
        rows = [
            CheckResult("engine.installed", "Engine installed on both", "engine", "passed",
                        f"{cfg.source} 0.1.0, {cfg.target} 0.1.0"),
            CheckResult("engine.running", f"Engine running on {cfg.target}", "engine",
                        "passed" if "engine.running" in self.fixed else "error",
                        "The engine is running." if "engine.running" in self.fixed else
                        f"The engine service is stopped on {cfg.target}.", fixable=True),
            CheckResult("os.identical", "OS supported and identical", "servers", "passed",
                        "Windows Server 2008 Enterprise on both"),
            CheckResult("drive.letters", "Drive letters exist on target", "servers",
                        "passed" if drive_ok else "error",
                        "E: exists on the target" if drive_ok else
                        f"{cfg.target} has no E: volume (used by Data, Users)."),
            CheckResult("dns.ttl", "DNS TTL 300 s or less", "dns", "passed", "TTL 300 s on failover")
            if cfg.failover.dns.update_ttl and cfg.failover.dns.ttl <= 300 else
            CheckResult("dns.ttl", "DNS TTL 300 s or less", "dns", "warning",
                        "fs01.lab.example.com has TTL 1200 s; clients may wait 20 min.",
                        fixable=True),
            CheckResult("dns.reverse", "Reverse lookup zone exists", "dns", "passed",
                        "10.0.127.in-addr.arpa"),
        ]
        if cfg.monitoring.interval * cfg.monitoring.missed < 2:
            rows.append(CheckResult("monitor.timing", "Monitor timing", "configuration",
                                    "warning", "Failure declared after less than 2 s."))
        return rows

    def fix_order(self, results: list[CheckResult]) -> list[CheckResult]:
        return fix_order(results)  # core's order: the pane's Fix All follows it

    def fix(self, cfg: ProtectionConfig, check_id: str) -> Any:
        self._rec("fix", check_id)
        self.fixed.add(check_id)
        new = deepcopy(cfg)
        if check_id == "dns.ttl":  # like core: a fix may change the configuration
            new.failover.dns.update_ttl, new.failover.dns.ttl = True, 300
        # like core: the check is run again after its Fix (the fake's Fixes always work)
        after = next(r for r in self._checks(new) if r.id == check_id)
        return FixResult(after, new, new != cfg)

    # --- protection -------------------------------------------------------------------
    def allowed_actions(self, pair: Pair) -> dict[str, Any]:
        s = self.state
        up = s in PROTECTED_LIKE

        def when(ok: bool, why: str) -> str | None:
            return None if ok else why

        return {
            "configure": ("Configure Protection", when(not up and s != ST.FAILED_OVER,
                                                       "Disable protection to change it.")),
            "validate": ("Validate", when(not up, "Protection is enabled.")),
            "enable": ("Enable Protection", when(s in (ST.UNPROTECTED, ST.VALIDATED),
                                                 f"Protection is {s.value.lower()}.")),
            "disable": ("Disable Protection", when(up or s in (ST.FAILING_OVER, ST.FAILING_BACK),
                                                   "Protection is not enabled.")),
            "enable_monitoring": ("Enable Monitoring", when(up and not self.monitoring,
                                                            "Monitoring is on or not set up.")),
            "disable_monitoring": ("Disable Monitoring", when(up and self.monitoring,
                                                              "Monitoring is off.")),
            "failover": ("Failover", when(s == ST.FAILURE_DETECTED,
                                          "No failover condition: the source answers.")),
            "failback": ("Failback", when(s == ST.FAILED_OVER, "The pair is not failed over.")),
            "restore": ("Restore", when(s == ST.RESTORING, "Fail back first.")),
            "abort": ("Abort Failover", when(s in (ST.FAILING_OVER, ST.FAILING_BACK),
                                             "There is no failover or failback to abort.")),
            "snapshots": ("Manage Snapshots", when(up or s == ST.FAILED_OVER,
                                                   "Protection is not enabled.")),
        }

    def enable(self, cfg: ProtectionConfig, progress: Any = None) -> None:
        self._rec("enable", cfg.source, cfg.target)
        if self.state not in (ST.UNPROTECTED, ST.VALIDATED):
            raise StateError("Protection is already enabled.")
        for step in ("create replication set", "write failover scripts", "create connection",
                     "start mirror", "create failover monitor"):
            if progress:
                progress(step)
        self.state, self.mirror_percent = ST.MIRRORING, 0.0

    def disable(self, pair: Pair, progress: Any = None, *,
                force: bool = False) -> None:
        _, source, target = pair.parts
        self._rec("disable", source, target, *(("force",) if force else ()))
        if force and progress:
            progress("The failover was aborted: the pair is Failure detected (was Failing over).")
        self.state = ST.UNPROTECTED

    def abort(self, pair: Pair, progress: Any = None) -> Any:

        _, source, target = pair.parts
        self._rec("abort", source, target)
        text = ("The failover was aborted: the pair is Failure detected (was Failing over). "
                "Steps that ran (their effects stay): post-failover: stop-replication. "
                "Steps that did not run: post-failover: dns-failover.")
        if progress:
            progress(text)
        self.state = ST.FAILURE_DETECTED
        return SimpleNamespace(sentence=lambda: text)

    def set_monitoring(self, pair: Pair, on: bool) -> None:
        self._rec("set_monitoring", on)
        self.monitoring = on

    def fail_source(self) -> None:
        """Test hook: the target's monitor declares the source failed."""
        self.state = ST.FAILURE_DETECTED

    def target_down(self, since: float) -> None:
        """Test hook: the source's replicator cannot reach the target since ``since``."""
        self.down_since = since

    def status(self, pair: Pair) -> Any:
        app, source, target = pair.parts
        self._rec("status", source, target)
        with self.lock:
            if self.state == ST.MIRRORING:
                self.mirror_percent = min(100.0, self.mirror_percent + 40.0)
                if self.mirror_percent >= 100.0:
                    self.state = ST.PROTECTED
            s, pct = self.state, self.mirror_percent
        up = s in PROTECTED_LIKE
        failed = s == ST.FAILURE_DETECTED
        sent = int(MIRROR_TOTAL * pct / 100)
        stats = JobStats(
            mirror_status="complete" if s == ST.PROTECTED or failed else
            ("mirroring" if s == ST.MIRRORING else "idle"),
            mirror_percent=pct, replication_status="replicating" if up else "stopped",
            bytes_sent=sent, bytes_sent_compressed=sent * 2 // 3,
            bytes_remaining=MIRROR_TOTAL - sent if up else 0,
            queued_ops=12 if s == ST.MIRRORING else 0,
            transfer_rate=[0, 52_428_800, 41_943_040][min(2, int(pct // 40))] if up else 0,
            last_heartbeat=NOW - (25 if failed else 3) if up else None,
            missed_heartbeats=5 if failed else 0, missed_threshold=5,
            monitor_state="failover_condition" if failed else ("monitoring" if up else "off"),
            last_snapshot=snaps[-1].taken if (snaps := getattr(self, "snaps", [])) else None)
        monitor = MonitorStatus(get_app(app).set_name(source, target), stats.monitor_state,
                                stats.last_heartbeat, stats.missed_heartbeats, 5) if up else None
        down = getattr(self, "down_since", None)
        if down is None or s != ST.PROTECTED:
            return PairStatus(s, stats, monitor, source_reachable=not failed,
                              plan=getattr(self, "plan", None),
                              watcher=getattr(self, "watcher", None))
        from dataclasses import replace

        from core.protection.health import TARGET_UNREACHABLE, Condition

        stats = replace(stats, replication_status="error", queued_ops=18,
                        queued_bytes=24 * 1024 * 1024, target_connected=False, target_since=down,
                        last_error="the target engine on 127.0.10.12:7000 refused the connection")
        cond = Condition(TARGET_UNREACHABLE, stats.last_error, down)
        return PairStatus(s, stats, monitor, conditions=[cond])

    def _steps(self, name: str, steps: list[str], progress: Any, end: ST) -> list[Any]:
        self._rec(name)
        out = []
        for step in steps:
            if progress:
                progress(step)
            out.append(StepResult(step, True, "done"))
        self.state = end
        return out

    def failover(self, pair: Pair, progress: Any = None, *,
                 force: bool = False, graceful: bool = False,
                 drain_timeout: float = 60.0, snapshot: str | None = None) -> list[Any]:
        _, source, target = pair.parts
        if graceful:
            self._rec("graceful", drain_timeout)
        if snapshot:
            self._rec("failover_snapshot", snapshot)
        return self._steps("failover", ["stop replication", f"start services on {target}",
                                        f"DNS: {source.lower()} A and PTR -> {self.inventory(target).ips[0]}"],
                           progress, ST.FAILED_OVER)

    # --- snapshots: ``snaps`` (oldest first) as the target's engine would list them -----
    def listing(self, pair: Pair) -> list[Any]:
        _, source, target = pair.parts
        self._rec("listing", source, target)
        return list(getattr(self, "snaps", []))

    def take_snapshot(self, pair: Pair) -> Any:
        _, source, target = pair.parts
        self._rec("take_snapshot", source, target)
        snaps = list(getattr(self, "snaps", []))
        n = len(snaps)
        snap = SnapshotInfo(f"20231114T2{n:03d}00Z", "set", NOW - 60 + n, 12_582_912 + n,
                            1000, "on demand", "hardlink", 0.2)
        self.snaps = [*snaps, snap]
        return snap

    def delete_snapshot(self, pair: Pair, sid: str) -> None:
        self._rec("delete_snapshot", sid)
        self.snaps = [s for s in getattr(self, "snaps", []) if s.id != sid]

    def failback(self, pair: Pair, progress: Any = None) -> list[Any]:
        _, _, target = pair.parts
        return self._steps("failback", [f"withdraw shares on {target}", "DNS back to source"],
                           progress, ST.RESTORING)  # as core: it waits for Restore

    def restore(self, pair: Pair, progress: Any = None, *,
                discard: bool = False) -> list[Any]:
        self.restore_discard = discard
        return self._steps("restore", ["reverse checksum mirror", "protect again"],
                           progress, ST.PROTECTED)

    def restore_preview(self, pair: Pair) -> Any:
        """Two files written on the source after its last replication differ."""
        _, source, target = pair.parts
        self._rec("restore_preview")
        files = (Differing("E:\\Shares\\Data\\late.txt", 3_000_000, ONLY_SOURCE),
                 Differing("E:\\Shares\\Data\\report.docx", 145_000, CHANGED))
        return RestoreDiff(source.upper(), target.upper(), files)

    # --- logs, options, credentials -------------------------------------------------
    def log_text(self, kind: str, server: str | None = None, lines: int = 500) -> str:
        self._rec("log_text", kind, server)
        head = f"{kind} log" + (f" of {server}" if server else "")
        body = [f"2023-11-14 22:13:{i:02d} {head}: entry {i}" for i in range(40)]
        body.insert(20, "2023-11-14 22:13:20 DNS update of fs01.lab.example.com accepted")
        return "\n".join(body)

    def settings(self) -> Any:
        return deepcopy(self._settings)

    def set_option(self, key: str, value: str) -> Any:
        self._rec("set_option", key, value)
        current = getattr(self._settings, key)
        if isinstance(current, bool):
            setattr(self._settings, key, value == "true")
        else:
            lo, hi = OPTION_LIMITS[key]
            if not value.isdigit() or not lo <= int(value) <= hi:
                raise InvalidInput(key, f"must be from {lo} to {hi}")
            setattr(self._settings, key, int(value))
        return self.settings()

    def set_options(self, values: dict[str, str]) -> Any:
        saved = deepcopy(self._settings)
        try:
            for key, value in values.items():
                self.set_option(key, value)
        except InvalidInput:
            self._settings = saved  # all or nothing, like the real façade
            raise
        return self.settings()

    def clear_credentials(self) -> int:
        self._rec("clear_credentials")
        count = len(self.logged_in)
        self.logged_in.clear()
        self.directory_denied = True  # the domain's credential went with the rest
        return count

    def log_action(self, text: str) -> None:
        self._rec("log_action", text)
