"""Live status of a pair (SPEC F-8.4) and the lifecycle moves it observes.

Reading the status asks the source engine for the set's counters and the
target engine for its failover monitor (each client bounded by the
context's timeout); where the monitor is not read, the target is asked for
its last snapshot (:mod:`core.protection.last_snapshot`). A source that does not answer is not an error here:
it is reported (``source_reachable=False``) because that is exactly the
failover case; a side not asked is ``None``, never assumed reachable. Observed moves, persisted:
Mirroring → Protected when the mirror is complete; Mirroring/Protected →
Failure detected when the monitor reports a failover condition; Failure
detected → Protected/Mirroring when the condition clears.

Those moves are the lifecycle (``pair_state``). What a person is told
(``state``) is stricter: Protected only when :mod:`core.protection.health`
finds no condition at all, otherwise "Degraded" with the first condition's
reason and its age.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from core.context import Context
from core.errors import AppmgrError, InvalidInput, NotFound, Unreachable
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.model.state import WATCHED, PairState
from core.model.stats import JobStats
from core.paths import AppPaths
from core.ports import MonitorStatus
from core.protection.env import as_stats
from core.protection.facts import restore_set_name
from core.protection.health import (
    OBSERVED,
    Condition,
    Observed,
    conditions,
    display_state,
    headline,
)
from core.protection.identity import read_identity
from core.protection.last_snapshot import asks_target, read_last_snapshot
from core.protection.locks import record_lock
from core.protection.plan_lock import PlanHolder, plan_holder
from core.protection.state_machine import allowed_actions, check_transition
from core.protection.watch_beat import WatcherState, watcher_state
from core.store import PairRecord, PairStore

S = PairState
#: states in which the target's engine may hold the source's identity (F-9.5)
_IDENTITY_READ = (*WATCHED, S.FAILING_OVER, S.FAILED_OVER, S.FAILING_BACK, S.RESTORING)
#: a pair in Restoring that runs no restore: failback is done and Restore comes next
AWAITING_RESTORE = "Failed back (restore next)"


def missed_text(missed: int, threshold: int) -> str:
    """Missed heartbeats for a person. The monitor keeps counting after the threshold
    (the count is how many rounds in a row went unanswered); "7 of 5" reads as a
    mistake, so past the threshold: ``"5 of 5 (7 in a row)"``."""
    if not threshold:
        return str(missed)
    if missed > threshold:
        return f"{threshold} of {threshold} ({missed} in a row)"
    return f"{missed} of {threshold}"


def state_label(state: str, operation: str, conds: list[Condition] | None = None) -> str:
    """The state in words for a person: Restoring only while a restore runs (or was
    interrupted, so it resumes); right after failback the pair waits for Restore;
    Protected only while no condition holds (else Degraded)."""
    if state == S.RESTORING.value and operation != "restore":
        return AWAITING_RESTORE
    return display_state(state, conds or [])


@dataclass
class PairStatus:
    state: PairState
    stats: JobStats
    monitor: MonitorStatus | None
    record: PairRecord
    #: None: not asked (an unprotected pair needs no remote call); never assumed True
    source_reachable: bool | None = None
    target_reachable: bool | None = None
    #: readable problems met while reading (not reachability)
    errors: list[str] = field(default_factory=list)
    #: why the pair is not Protected (core.protection.health), most important first
    conditions: list[Condition] = field(default_factory=list)
    #: when it was read (epoch seconds): ages are counted from here
    read_at: float = 0.0
    #: who runs a plan of the pair now (the plan lock; a console or ``appmgr watch``)
    plan: PlanHolder | None = None
    #: with manual intervention off: whether ``appmgr watch`` runs (None: the console asks)
    watcher: WatcherState | None = None
    #: identity failover pairs: what the target's engine took over (its record), or None
    identity: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        """What the header and ``status`` say (see :func:`state_label`)."""
        return state_label(self.state.value, self.record.phase, self.conditions)

    @property
    def reason(self) -> str:
        """Why it is degraded, in one sentence ("" when it is not); a failure the
        monitor declared for another reason than heartbeats says that reason
        ("Application failure: MSSQLSERVER stopped on SQL01 (3 checks)")."""
        m = self.monitor
        if m is not None and m.state == "failover_condition" and m.reason:
            return m.reason
        return headline(self.conditions, self.stats, self.read_at)

    @property
    def since(self) -> float | None:
        main = next((c for c in self.conditions if c.name != "Mirroring"), None)
        return main.since if main else None

    @property
    def exit_code(self) -> int:
        """``status``'s answer: 0 only when Protected, 3 when the source (which holds the
        counters) does not answer, else 1."""
        if self.label == S.PROTECTED.value:
            return 0
        return 3 if self.source_reachable is False else 1

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON of ``appmgr status --json``."""
        s, m, r = self.stats, self.monitor, self.record
        return {
            "app": r.app,
            "source": r.source,
            "target": r.target,
            "state": self.label,
            "pair_state": self.state.value,
            "reason": self.reason,
            "since": self.since,
            "source_reachable": self.source_reachable,
            "target_reachable": self.target_reachable,
            "mirror": {"status": s.mirror_status, "percent": round(s.mirror_percent, 1)},
            "replication": {"status": s.replication_status},
            "counters": {
                "bytes_sent": s.bytes_sent,
                "bytes_sent_compressed": s.bytes_sent_compressed,
                "bytes_remaining": s.bytes_remaining,
                "bytes_remaining_upto": s.bytes_remaining_upto,
                "queued_ops": s.queued_ops,
                "queued_bytes": s.queued_bytes,
                # of queued_bytes (and bytes_remaining): whole sizes of files that go as
                # deltas not hashed yet, i.e. an upper bound
                "queued_bytes_upto": s.queued_bytes_upto,
                "transfer_rate": s.transfer_rate,
            },
            "monitoring": r.monitoring,
            "monitor": None if m is None else {
                "state": m.state,
                "last_heartbeat": m.last_heartbeat,
                "missed": m.missed,
                "threshold": m.threshold,
                "per_ip": dict(m.per_ip),
                "last_snapshot": m.last_snapshot,
                "reason": m.reason,
            },
            # the target's newest snapshot: said by its monitor or, where that is not read
            # (failed over, monitoring off), by its stats of the set
            "last_snapshot": s.last_snapshot,
            "operation": r.phase,
            "last_error": r.last_error,
            "errors": list(self.errors),
            "conditions": [c.to_dict(self.read_at) for c in self.conditions],
            "plan_running": self.plan.sentence() if self.plan else None,
            "automatic_failover": None if self.watcher is None else {
                "running": self.watcher.running, "host": self.watcher.host,
                "pid": self.watcher.pid, "text": self.watcher.sentence()},
            # identity failover pairs: what the target's engine took over (F-9.5)
            "identity": self.identity,
        }


def check_named_pair(ctx: Context, store: PairStore, source: str, target: str) -> None:
    """A pair appmgr has no configuration or record for is refused: ``status FS01 FS02``
    of a pair never set up is "no such pair", never "Unprotected". A server that
    cannot be found is named (InvalidInput, exit 2); a DNS that does not answer stays
    Unreachable."""
    if store.knows(source, target):
        return
    for role, name in (("source", source), ("target", target)):
        try:
            ctx.resolve(name)
        except NotFound as exc:
            raise InvalidInput(role, f"{name.upper()} is in no pair appmgr knows and is not "
                                     f"a server it can find ({exc})") from None
    raise InvalidInput("pair", f"no such pair: {source.upper()} → {target.upper()} "
                               "(appmgr has no configuration or record of it; validate or "
                               "protect it first)")


def pair_actions(
    store: PairStore, pair: Pair, paths: AppPaths | None = None
) -> dict[str, tuple[str, str | None]]:
    """``{action: (label, reason_if_disabled)}`` for the pair's saved state (no remote call).
    With ``paths``: while another process runs a plan of the pair, its plan actions
    say who runs which plan."""
    app = pair.app
    rec = store.record(pair)
    actions = allowed_actions(rec.pair_state, rec.monitoring if rec.facts else None)
    if rec.pair_state in (S.PROTECTED, S.MIRRORING) and rec.facts:
        from core.apps.registry import get_app  # not on the path of `appmgr status`

        application = get_app(app)
        if application.defaults.graceful_failover:  # graceful while the source is up (F-9.2)
            actions["failover"] = (actions["failover"][0], None)
        else:  # whether the source answers now is not known here: say what is
            _, source, target = pair.parts
            actions["failover"] = (actions["failover"][0], (
                f"Failover waits for {target.upper()}'s monitor to declare {source.upper()} "
                f"failed; {application.title} has no graceful failover (force it from the "
                "command line: appmgr failover --force)"))
    holder = plan_holder(paths, pair) if paths is not None else None
    if holder is not None:
        for name in PLAN_ACTIONS:
            actions[name] = (actions[name][0], holder.sentence())
    return actions


#: the actions that run a plan under the plan lock
PLAN_ACTIONS = ("failover", "failback", "restore", "abort")


def _automatic(ctx: Context, status: PairStatus, cfg: ProtectionConfig | None) -> None:
    """Local reads only: who runs a plan now, and (manual intervention off) whether
    anything will fail over by itself."""
    r = status.record
    status.plan = plan_holder(ctx.paths, r.pair)
    if status.state not in _AUTOMATIC:
        return  # no failover to come: who would run it is beside the point
    if cfg is not None and not cfg.monitoring.manual_intervention and r.facts:
        status.watcher = watcher_state(ctx.paths, ctx.clock.now())


_AUTOMATIC = (*WATCHED, S.FAILING_OVER)


def _set_name(rec: PairRecord) -> str:
    return str(rec.facts.get("set_name", "")) if rec.facts else ""


def _observe(state: PairState, stats: JobStats, monitor: MonitorStatus | None) -> PairState:
    if state not in WATCHED:
        return state
    if monitor is not None and monitor.state == "failover_condition":
        return S.FAILURE_DETECTED
    if state == S.FAILURE_DETECTED:
        if monitor is None or monitor.state != "monitoring":
            return state
        return S.PROTECTED if stats.mirror_status == "complete" else S.MIRRORING
    if stats.mirror_status == "complete":
        return S.PROTECTED
    if state == S.PROTECTED and stats.mirror_status == "mirroring":
        return S.MIRRORING  # a remirror (e.g. after the source restarted)
    return state


def pair_status(ctx: Context, store: PairStore, pair: Pair, *,
                record: PairRecord | None = None, automatic: bool = True) -> PairStatus:
    """Read the live status of a pair and persist the lifecycle move it shows.

    ``record``: the pair's record as just read (to read only: a move is written to a
    fresh one under the record's lock). ``automatic=False`` leaves ``plan`` and
    ``watcher`` unread (local files no dashboard row shows; the judgement is the same)."""
    rec = store.record(pair) if record is None else record
    state = rec.pair_state
    status = PairStatus(state, JobStats(), None, rec)
    name = _set_name(rec)
    if not name or state in (S.UNPROTECTED, S.VALIDATED):
        return status
    # read once (who fails over, and how); the states that ask neither read none
    cfg = store.load_config(rec.pair) if state in _IDENTITY_READ else None
    if automatic:
        _automatic(ctx, status, cfg)
    if state in _IDENTITY_READ:
        status.identity = read_identity(ctx, store, rec, name, cfg)
    if status.identity is not None and status.identity.get("done"):
        # the target answers on the source's addresses: what answers there is not the source
        status.source_reachable = False
    elif state in WATCHED:
        _read_source(ctx, rec.source, name, status)
    elif state != S.RESTORING:
        status.source_reachable = _answers(ctx, rec.source, status)
    if state in WATCHED and rec.monitoring:
        _read_monitor(ctx, rec.target, name, status)
    if state == S.RESTORING:
        _read_restore(ctx, rec.target, name, status)
    if asks_target(rec):  # the monitor, which says it too, is not read
        read_last_snapshot(ctx, rec.target, name, status)
    if status.monitor is not None:
        mon = status.monitor
        status.stats = replace(
            status.stats,
            last_heartbeat=mon.last_heartbeat,
            missed_heartbeats=mon.missed,
            missed_threshold=mon.threshold,
            monitor_state=mon.state,
            last_snapshot=mon.last_snapshot,
        )
    if state in WATCHED:
        _judge(ctx, store, status)
    new = _observe(state, status.stats, status.monitor)
    if new != state:
        check_transition(state, new)
        with record_lock(rec.key):
            # compare-and-write: an operation may have moved the pair meanwhile
            fresh = store.record(pair)
            if fresh.state == state.value:
                fresh.state = new.value
                fresh.updated = ctx.clock.now()
                store.save_record(fresh)
                status.state = new
                status.record = fresh
    return status


def _judge(ctx: Context, store: PairStore, status: PairStatus) -> None:
    """Find the conditions; the first sighting of those only the console sees is kept in
    the record (``extra["conditions_since"]``) so their age survives between reads."""
    rec, now = status.record, ctx.clock.now()
    seen = Observed(status.source_reachable, status.target_reachable, rec.monitoring,
                    status.monitor.state if status.monitor else None, tuple(status.errors),
                    status.monitor.reason if status.monitor else "")
    first: dict[str, float] = dict(rec.extra.get("conditions_since") or {})
    conds = conditions(status.stats, seen, now, first)
    names = {c.name for c in conds if c.name in OBSERVED}
    kept = {n: float(first.get(n, now)) for n in names}
    if kept != first:
        with record_lock(rec.key):
            fresh = store.record(rec.pair)
            fresh.extra["conditions_since"] = kept
            store.save_record(fresh)
            status.record = fresh
        conds = conditions(status.stats, seen, now, kept)
    status.conditions, status.read_at = conds, now


def _call(ctx: Context, server: str, status: PairStatus, fn: Any) -> Any:
    engine = ctx.engine(server)
    try:
        return fn(engine)
    finally:
        engine.close()


def _read_source(ctx: Context, server: str, name: str, status: PairStatus) -> None:
    status.source_reachable = True  # unless it does not answer
    try:
        status.stats = as_stats(_call(ctx, server, status, lambda e: e.stats(name)))
    except Unreachable:
        status.source_reachable = False
    except AppmgrError as exc:
        status.errors.append(f"{server}: {exc}")


def _read_monitor(ctx: Context, server: str, name: str, status: PairStatus) -> None:
    status.target_reachable = True  # unless it does not answer
    try:
        status.monitor = _call(ctx, server, status, lambda e: e.monitor_status(name))
    except Unreachable:
        status.target_reachable = False
    except NotFound:
        status.errors.append(f"{server} has no failover monitor for {name}")
    except AppmgrError as exc:
        status.errors.append(f"{server}: {exc}")


def _read_restore(ctx: Context, server: str, name: str, status: PairStatus) -> None:
    status.target_reachable = True  # unless it does not answer
    try:
        status.stats = as_stats(_call(ctx, server, status, lambda e: e.stats(restore_set_name(name))))
    except NotFound:
        pass  # no restore running (yet)
    except Unreachable:
        status.target_reachable = False
    except AppmgrError as exc:
        status.errors.append(f"{server}: {exc}")


def _answers(ctx: Context, server: str, status: PairStatus) -> bool:
    try:
        _call(ctx, server, status, lambda e: e.info())
    except Unreachable:
        return False
    except AppmgrError:
        return True
    return True
