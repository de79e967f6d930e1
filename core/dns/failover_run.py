"""Run a DNS failover or failback: plan, save what will change, apply zone by zone, log.

Every step and its outcome goes to the DFO log. A failed zone update stops
the run: the results say which zones were done, which failed and which were
not run. The state file keeps the records of before the first failover, so
failback restores exactly those, even after a repeated or interrupted
failover.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from core.dns.dfo_log import DfoLog
from core.dns.failover import FailoverPlan, build_failback, build_failover
from core.dns.failover_state import (
    ACTIVE,
    FAILED_BACK,
    FAILED_OVER,
    FAILING_BACK,
    FAILING_OVER,
    FailoverState,
    load_state,
    merge_originals,
    save_state,
)
from core.dns.names import fqdn
from core.errors import AppmgrError, StateError
from core.ports import Dns, RRSet, ZoneChange

DONE, FAILED, NOT_RUN = "done", "failed", "not run"


@dataclass(frozen=True)
class StepResult:
    """One step of a run: ``zone`` ("" for planning), what it does, its status, the error text."""

    zone: str
    action: str
    status: str  # done | failed | not run
    message: str = ""
    #: for a failed step, the exit code of its error (SPEC F-15: 3 unreachable or auth)
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        return self.status == DONE


def _show(rr: RRSet) -> str:
    return ", ".join(rr.values) if rr.values else "(none)"


def describe(change: ZoneChange) -> str:
    """One readable line for a zone change, e.g. ``A fs01.lab.example.com.: 127.0.10.11 -> …``."""
    before = {(r.name, r.rdtype): r for r in change.expect}
    parts = []
    for rr in change.replace:
        old = before.get((rr.name, rr.rdtype), RRSet(rr.name, rr.rdtype, 0, ()))
        parts.append(f"{rr.rdtype} {rr.name}: {_show(old)} -> {_show(rr)} (TTL {rr.ttl})")
    for name, rdtype in change.delete:
        old = before.get((name, rdtype), RRSet(name, rdtype, 0, ()))
        parts.append(f"{rdtype} {name}: {_show(old)} -> (deleted)")
    return "; ".join(parts)


def _apply(dns: Dns, plan: FailoverPlan, log: DfoLog, what: str) -> list[StepResult]:
    results: list[StepResult] = []
    for note in plan.notes:
        log.write(f"note: {note}")
    if not plan.changes:
        log.write(f"{what}: every record is already as wanted; nothing to change")
    for i, change in enumerate(plan.changes):
        action = describe(change)
        log.write(f"zone {change.zone} update: {action}")
        try:
            dns.apply(change)
        except AppmgrError as exc:
            log.write(f"zone {change.zone} FAILED: {exc}")
            results.append(StepResult(change.zone, action, FAILED, str(exc), exc.exit_code))
            rest = plan.changes[i + 1:]
            results += [StepResult(c.zone, describe(c), NOT_RUN) for c in rest]
            done = [r.zone for r in results if r.ok] or ["none"]
            left = [c.zone for c in plan.changes[i:]]
            log.write(f"{what} stopped: zones done: {', '.join(done)}; left: {', '.join(left)}")
            return results
        log.write(f"zone {change.zone} done")
        results.append(StepResult(change.zone, action, DONE))
    return results


def run_failover(dns: Dns, source_fqdn: str, target_fqdn: str, ip_map: Mapping[str, str],
                 state_path: Path, log: DfoLog, ttl: int | None = None,
                 mx_names: Sequence[str] | None = None,
                 shared_target: bool = False) -> list[StepResult]:
    """Fail the DNS records of ``source_fqdn`` over to ``target_fqdn`` (SPEC F-9.4)."""
    src, tgt = fqdn(source_fqdn, "source name"), fqdn(target_fqdn, "target name")
    mapping = ", ".join(f"{s} -> {t}" for s, t in ip_map.items())
    log.write(f"DNS failover of {src} to {tgt} started (IPs {mapping}; "
              f"TTL {'unchanged' if ttl is None else ttl})")
    try:
        plan = build_failover(dns, src, tgt, ip_map, ttl, mx_names, shared_target)
        prior = load_state(state_path)
    except AppmgrError as exc:
        log.write(f"DNS failover could not be planned: {exc}")
        return [StepResult("", "read the current records", FAILED, str(exc), exc.exit_code)]
    originals = plan.originals
    if prior is not None and prior.status in ACTIVE and prior.source_fqdn == src:
        originals = merge_originals(prior.originals, plan.originals)
        log.write("a failover of this server was recorded before; its original records are kept")
    state = FailoverState(src, tgt, tuple(ip_map.items()), ttl, originals, FAILING_OVER)
    save_state(state_path, state)
    results = _apply(dns, plan, log, "DNS failover")
    if all(r.ok for r in results):
        save_state(state_path, replace(state, status=FAILED_OVER,
                                       zones_done=tuple(r.zone for r in results)))
        log.write(f"DNS failover of {src} finished: {tgt} answers for it")
    return results


def run_failback(dns: Dns, state_path: Path, log: DfoLog) -> list[StepResult]:
    """Put back the records saved by the last failover recorded in ``state_path``."""
    state = load_state(state_path)
    if state is None or state.status not in ACTIVE:
        raise StateError("no DNS failover is recorded for this server; there is nothing to fail back")
    log.write(f"DNS failback of {state.source_fqdn} from {state.target_fqdn} started")
    try:
        plan = build_failback(dns, state)
    except AppmgrError as exc:
        log.write(f"DNS failback could not be planned: {exc}")
        return [StepResult("", "read the current records", FAILED, str(exc), exc.exit_code)]
    save_state(state_path, replace(state, status=FAILING_BACK))
    results = _apply(dns, plan, log, "DNS failback")
    if all(r.ok for r in results):
        save_state(state_path, replace(state, status=FAILED_BACK, zones_done=()))
        log.write(f"DNS failback of {state.source_fqdn} finished: its original records are back")
    return results
