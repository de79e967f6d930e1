"""The engine service: state, lifecycle, and what each management call does.

One asyncio process per server listens on the service port: TCP for the
management API and data channels (see :mod:`core.engine.server`), UDP for
heartbeats. It owns replication sets, accepted sets (target side),
connections (source side), failover monitors (target side) and persists them
so a restarted engine resumes: connections re-mirror with Checksum, then
replicate; monitors keep a condition that was already met.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from core import __version__
from core.engine import icmp, tls
from core.engine.app_probe import make_check
from core.engine.clock import Clock, SystemClock
from core.engine.heartbeat import Prober, Responder
from core.engine.identity import HostRunner, IdentityRecord
from core.engine.identity_book import IdentityBook
from core.engine.monitor import MonitorRunner, MonitorSpec
from core.engine.protocol import RemoteError
from core.engine.receiver import Receiver, sweep_partials, target_matcher
from core.engine.replicator import ConnSpec, Replicator
from core.engine.scan import Matcher
from core.engine.snap_service import SnapshotManager
from core.engine.snap_vss import vss_on
from core.engine.state import StateStore
from core.engine.tasks import cancel_and_wait
from core.engine.volumes import VolumeMap
from core.model.rules import Rule
from core.model.stats import JobStats
from core.ports import MonitorStatus

log = logging.getLogger(__name__)


class LiveReceiver:
    """A receiver and whether its data channel has ended."""

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        self.done = asyncio.Event()

    async def run(self) -> None:
        try:
            await self.receiver.run()
        finally:
            self.done.set()


class EngineService:
    def __init__(
        self, listen: str, port: int, state_dir: Path, volumes: VolumeMap,
        identity: tls.Identity, clock: Clock | None = None, hostname: str | None = None,
        mem_limit: int = 10_000, host_runner: HostRunner | None = None,
    ) -> None:
        self.listen, self.port = listen, port
        self.store = StateStore(state_dir)
        self.volumes = volumes
        #: TLS as the server (consoles, source engines) and as a client (its targets)
        self.server_tls = tls.server_context(identity)
        self.client_tls = tls.client_context(identity)
        #: connections whose TLS handshake failed (plain text, wrong CA, no certificate)
        self.refused = 0
        self.clock = clock or SystemClock()
        self.hostname = hostname or socket.gethostname()
        self.mem_limit = mem_limit
        data = self.store.load()
        self.sets: dict[str, list[Rule]] = {
            k: [Rule.from_dict(r) for r in v["rules"]] for k, v in data["sets"].items()
        }
        self.accepts: dict[str, dict[str, Any]] = data["accepts"]
        self.conn_specs = {k: ConnSpec(**v) for k, v in data["connections"].items()}
        #: per set, the key its heartbeats are signed with (both engines of a pair hold it)
        self.hb_keys: dict[str, str] = data["heartbeat_keys"]
        self.mon_specs = {k: MonitorSpec.from_dict(v["spec"]) for k, v in data["monitors"].items()}
        self.conditions = {k: bool(v.get("condition")) for k, v in data["monitors"].items()}
        #: why a met condition was met when not by heartbeats (application monitoring)
        self.reasons = {k: str(v.get("reason", "")) for k, v in data["monitors"].items()}
        #: identity failover per set (F-9.5): what this target takes over, and what it took
        runner = host_runner or HostRunner(None)
        self.identities = IdentityBook(
            {k: IdentityRecord.from_dict(v) for k, v in data["identities"].items()},
            runner, self.clock, self.persist)
        self.replicators: dict[str, Replicator] = {}
        self.monitors: dict[str, MonitorRunner] = {}
        self.receivers: dict[str, asyncio.StreamWriter] = {}
        #: per set, the receiver of its open data channel (snapshots use its disk thread)
        self.live: dict[str, LiveReceiver] = {}
        self.snaps = SnapshotManager(self.store.root / "snapshots", volumes, self.clock,
                                     data["snapshot_schedules"], self._target_matcher,
                                     self._on_disk, self.persist, vss_on(runner))
        self.conn_tasks: set[asyncio.Task[Any]] = set()
        self._server: asyncio.Server | None = None
        self._udp: asyncio.DatagramTransport | None = None
        self._prober: Prober | None = None
        #: set by :meth:`stop`: nothing new starts (connections, replicators, monitors)
        self.stopping = False

    # --- lifecycle -----------------------------------------------------------------
    async def start(self) -> None:
        """Listen and resume the persisted connections and monitors. When a port cannot
        be opened (OSError) what was opened is closed again before the error propagates."""
        from core.engine.server import spawn_connection

        loop = asyncio.get_running_loop()
        try:
            self._server = await asyncio.start_server(
                lambda r, w: spawn_connection(self, r, w), self.listen, self.port,
                limit=4 << 20, reuse_address=True,
            )
            self._udp, _ = await loop.create_datagram_endpoint(
                lambda: Responder(self.hb_keys.get), local_addr=(self.listen, self.port)
            )
            self._prober = await Prober.create(self.listen)
        except BaseException:
            self._close_endpoints()
            raise
        # a target: partial files of transfers this engine's last run did not finish
        for name, acc in self.accepts.items():
            if acc.get("rules"):
                rules = [Rule.from_dict(r) for r in acc["rules"]]
                try:
                    await asyncio.to_thread(sweep_partials, name, rules, self.volumes)
                except Exception as exc:  # the next mirror's begin sweeps again
                    log.warning("set %s: partial files not removed: %s", name, exc)
        # a source: whatever happened while this engine was not running (deletes and
        # renames included) reaches the target through a re-mirror that deletes orphans
        for name, spec in self.conn_specs.items():
            if name in self.sets:
                self._start_replicator(name, spec, first_mirror="checksum",
                                       reason="the source engine started")
        for name, mspec in self.mon_specs.items():
            self._start_monitor(name, mspec, self.conditions.get(name, False))
            if self.conditions.get(name, False):
                self.identities.on_failure(name)  # a take a restart interrupted resumes
        self.snaps.start()
        self.store.mark_ready({"pid": os.getpid(), "listen": self.listen, "port": self.port,
                               "version": __version__})

    async def stop(self) -> None:
        """Stop serving: stop accepting, end every connection (so no management call
        starts anything afterwards), then the replicators and monitors, each cancelled
        and awaited; persist the state last. Returns once nothing of the engine runs."""
        self.stopping = True
        try:
            if self._server:
                self._server.close()
            await cancel_and_wait(list(self.conn_tasks), "a connection")
            for r in list(self.replicators.values()):
                await r.stop()
            for m in list(self.monitors.values()):
                await m.close()
            await self.snaps.stop()
        finally:
            self._close_endpoints()
            self.persist()
            self.store.clear_ready()

    def _close_endpoints(self) -> None:
        if self._server:
            self._server.close()
        if self._udp:
            self._udp.close()
        if self._prober:
            self._prober.close()

    def persist(self) -> None:
        self.store.save({
            "sets": {k: {"rules": [r.to_dict() for r in v]} for k, v in self.sets.items()},
            "accepts": self.accepts,
            "heartbeat_keys": self.hb_keys,
            "connections": {k: v.to_dict() for k, v in self.conn_specs.items()},
            "monitors": {k: {"spec": v.to_dict(), "condition": self._condition(k),
                             "reason": self._reason(k)}
                         for k, v in self.mon_specs.items()},
            "identities": self.identities.to_dict(),
            "snapshot_schedules": {k: v.to_dict() for k, v in self.snaps.schedules.items()},
        })

    def _condition(self, name: str) -> bool:
        m = self.monitors.get(name)
        return m.logic.condition if m else self.conditions.get(name, False)

    def _reason(self, name: str) -> str:
        m = self.monitors.get(name)
        return m.logic.reason if m else self.reasons.get(name, "")

    # --- sets and connections ----------------------------------------------------------
    def info(self) -> dict[str, Any]:
        return {"version": __version__, "port": self.port, "hostname": self.hostname,
                "sets": sorted(self.sets), "accepted": sorted(self.accepts),
                "connections": sorted(self.conn_specs), "monitors": sorted(self.mon_specs),
                "volumes": self.volumes.letters()}

    async def create_set(self, name: str, rules: list[Rule]) -> None:
        changed = name in self.sets and self.sets[name] != rules
        self.sets[name] = rules
        self.persist()
        if changed and name in self.conn_specs:
            await self._stop_replicator(name)
            self._start_replicator(name, self.conn_specs[name], first_mirror="checksum",
                                   reason="the set's rules changed")

    async def delete_set(self, name: str) -> None:
        if name not in self.sets and name not in self.accepts:
            raise RemoteError("not_found", f"replication set {name} does not exist on this engine")
        await self._stop_replicator(name)
        self.store.drop_index(name)
        self.conn_specs.pop(name, None)
        self.sets.pop(name, None)
        self.accepts.pop(name, None)
        self.hb_keys.pop(name, None)
        w = self.receivers.pop(name, None)
        if w:
            w.close()
        if name in self.snaps.schedules:
            self.snaps.set_schedule(name, None)
        await asyncio.to_thread(self.snaps.store.delete_set, name)
        self.persist()

    def accept(self, name: str, key: str) -> None:
        self.accepts[name] = {**self.accepts.get(name, {}), "key": key}
        self.hb_keys[name] = key
        self.persist()

    async def connect(self, name: str, spec: ConnSpec) -> None:
        if name not in self.sets:
            raise RemoteError("not_found", f"replication set {name} does not exist on this engine")
        await self._stop_replicator(name)
        self.conn_specs[name] = spec
        self.hb_keys[name] = spec.key
        self.persist()
        self._start_replicator(name, spec)

    async def disconnect(self, name: str) -> None:
        if name not in self.conn_specs:
            raise RemoteError("not_found", f"there is no connection for set {name}")
        await self._stop_replicator(name)
        self.store.drop_index(name)
        del self.conn_specs[name]
        self.persist()

    def _start_replicator(self, name: str, spec: ConnSpec, first_mirror: str | None = None,
                          reason: str = "") -> None:
        if self.stopping:
            return  # persisted already: it resumes when the engine starts again
        r = Replicator(name, self.sets[name], spec, self.volumes, self.store.spill_dir,
                       self.clock, first_mirror, self.mem_limit, tls=self.client_tls,
                       remirror_reason=reason, index_dir=self.store.index_dir)
        self.replicators[name] = r
        r.start()

    async def _stop_replicator(self, name: str) -> None:
        r = self.replicators.get(name)
        if r:
            await r.stop()  # listed until stopped: an engine stopping meanwhile stops it too
            if self.replicators.get(name) is r:
                del self.replicators[name]

    def stats(self, name: str) -> JobStats:
        r = self.replicators.get(name)
        m = self.monitors.get(name)
        if r is None and m is None and name not in self.accepts:
            raise RemoteError("not_found", f"there is no connection or monitor for set {name}")
        base = r.stats().to_dict() if r else JobStats().to_dict()
        if m:
            st = m.logic.status(name)
            base.update(last_heartbeat=st.last_heartbeat, missed_heartbeats=st.missed,
                        missed_threshold=st.threshold, monitor_state=st.state)
        if name in self.accepts:
            base.update(last_snapshot=self.snaps.last(name))
        return JobStats.from_dict(base)

    def on_receiver(self, name: str, writer: asyncio.StreamWriter, rules: list[Rule]) -> None:
        """A source opened a data channel for ``name``: it replaces any older one."""
        old = self.receivers.get(name)
        if old is not None and old is not writer:
            old.close()
        self.receivers[name] = writer
        if self.accepts.get(name, {}).get("rules") != [r.to_dict() for r in rules]:
            self.accepts[name]["rules"] = [r.to_dict() for r in rules]
            self.persist()

    def new_receiver(self, name: str, reader: Any, writer: Any) -> LiveReceiver:
        live = LiveReceiver(Receiver(name, self.volumes, reader, writer,
                                     on_rules=lambda rules: self.on_receiver(name, writer, rules)))
        self.live[name] = live
        return live

    # --- snapshots (target side) ------------------------------------------------------
    def _target_matcher(self, name: str) -> Matcher | None:
        rules = self.accepts.get(name, {}).get("rules")
        return target_matcher([Rule.from_dict(r) for r in rules]) if rules else None

    async def _on_disk(self, name: str, fn: Callable[[], Any]) -> tuple[bool, Any]:
        live = self.live.get(name)
        if live is None or live.done.is_set():
            return False, None
        try:
            return True, await live.receiver.fs.after(fn)
        except Exception:  # its disk thread ended or failed meanwhile: use another
            return False, None

    async def snapshot_rollback(self, name: str, sid: str) -> dict[str, int]:
        """Roll the set's data back to snapshot ``sid``: its data channel is closed first
        (the console has given the set a new token, so the source cannot come back)."""
        w = self.receivers.pop(name, None)
        if w:
            w.close()
        live = self.live.get(name)
        if live is not None:
            try:
                async with asyncio.timeout(30):
                    await live.done.wait()
            except TimeoutError as exc:
                raise RemoteError("refused", f"the data channel of {name} did not end: "
                                             "not rolled back") from exc
        return (await self.snaps.rollback(name, sid)).to_dict()

    # --- monitors -------------------------------------------------------------------
    def create_monitor(self, name: str, spec: MonitorSpec) -> None:
        if spec.method == "icmp":
            try:
                icmp.check_available()
            except PermissionError as exc:
                raise RemoteError(
                    "refused", "ICMP monitoring needs a raw socket, which this engine may not "
                    "open (run it as root/Administrator) - use the UDP heartbeat method"
                ) from exc
        if spec.method != "icmp" and name not in self.hb_keys:
            raise RemoteError(
                "refused", f"the heartbeat of monitor {name} is signed with the key of set "
                f"{name}, which this engine does not hold: accept or connect the set first")
        if spec.app is not None and spec.app.method == "builtin" \
                and self.identities.runner.argv is None:
            raise RemoteError(
                "refused", "this engine cannot read the source's services on this platform "
                "(Windows, or the lab, can): choose a custom script for application monitoring")
        self.delete_monitor(name, missing_ok=True)
        self.mon_specs[name] = spec
        self._start_monitor(name, spec, False)
        self.persist()

    def _start_monitor(self, name: str, spec: MonitorSpec, condition: bool) -> None:
        timeout = spec.interval * 0.9

        async def probe(ip: str) -> bool:
            if spec.method == "icmp":
                return await asyncio.to_thread(icmp.ping, ip, timeout) is not None
            key = self.hb_keys.get(name)
            assert self._prober is not None
            return key is not None and await self._prober.probe(
                ip, spec.port, timeout, name, key) is not None

        def on_condition() -> None:
            self.persist()
            self.identities.on_failure(name)  # identity failover, when registered as auto

        check = (make_check(spec.app, self.identities.runner, self.volumes)
                 if spec.app is not None else None)
        m = MonitorRunner(spec, probe, self.clock, on_condition, condition, check,
                          self.reasons.get(name, "") if condition else "")
        self.monitors[name] = m
        if not self.stopping:
            m.start()

    def monitor_status(self, name: str) -> MonitorStatus:
        m = self.monitors.get(name)
        if m is None:
            raise RemoteError("not_found", f"there is no failover monitor named {name}")
        return replace(m.logic.status(name), last_snapshot=self.snaps.last(name))

    def delete_monitor(self, name: str, missing_ok: bool = False) -> None:
        m = self.monitors.pop(name, None)
        if m is None and not missing_ok:
            raise RemoteError("not_found", f"there is no failover monitor named {name}")
        if m:
            m.stop()
        self.mon_specs.pop(name, None)
        self.conditions.pop(name, None)
        self.reasons.pop(name, None)
        self.persist()
