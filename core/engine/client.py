"""The console's side of the engine: a synchronous, thread-safe Engine port.

One TCP connection per client, opened on first use, guarded by a lock, and
reopened once when a reused connection turns out to be closed. Socket
failures become :mod:`core.errors` with a sentence naming the engine.
"""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import threading
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from core.engine import handshake, protocol, tls
from core.engine.heartbeat import heartbeat
from core.errors import AuthFailed, NotFound, ProtocolError, Refused, Unreachable
from core.model.rules import Rule
from core.model.snapshot import SnapshotInfo
from core.model.stats import JobStats
from core.ports import MonitorStatus

__all__ = ["EngineClient", "heartbeat"]
#: the largest result inflated from a compressed reply (a manifest of a large set)
MAX_BULK = 1 << 30
#: a snapshot take, delete or rollback works through every file of the set
SNAPSHOT_WAIT = 600.0

_KINDS: dict[str, type[Exception]] = {
    "not_found": NotFound, "refused": Refused, "invalid": Refused, "protocol": ProtocolError,
}


def monitor_of(d: dict[str, Any]) -> MonitorStatus:
    """A ``monitor_status`` reply as the port's value."""
    snap = d.get("last_snapshot")  # engines before snapshots do not send it
    return MonitorStatus(d["name"], d["state"], d["last_heartbeat"], int(d["missed"]),
                         int(d["threshold"]), dict(d.get("per_ip", {})),
                         float(snap) if isinstance(snap, int | float) else None,
                         str(d.get("reason", "")))  # "" from engines before it


class _Broken(Unreachable):
    """The connection broke mid-request (the engine stopped, or it went stale)."""


Broken = _Broken


class EngineClient:
    """Management API of the engine on ``host:port`` (implements core.ports.Engine),
    over TLS as the estate's console (``identity``: the console's certificate)."""

    def __init__(self, host: str, port: int, identity: tls.Identity,
                 timeout: float = 5.0) -> None:
        self.host, self.port = host, port
        self._identity = identity
        self._context: ssl.SSLContext | None = None
        self.timeout = timeout
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"EngineClient({self.host!r}, {self.port})"

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    # --- transport -----------------------------------------------------------------
    def _open(self) -> socket.socket:
        try:
            raw = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except TimeoutError as exc:
            raise self._silent() from exc
        except ConnectionRefusedError as exc:
            raise Unreachable(f"engine on {self.where} refused the connection "
                              "(is the engine running?)") from exc
        except OSError as exc:
            raise Unreachable(f"engine on {self.where} cannot be reached: "
                              f"{exc.strerror or exc}") from exc
        try:
            if self._context is None:
                self._context = tls.client_context(self._identity)
            # the engine's certificate is verified here, before we send anything
            sock = self._context.wrap_socket(raw)
        except TimeoutError as exc:
            raw.close()
            raise self._silent() from exc
        except ssl.SSLError as exc:
            raw.close()
            raise self._tls_error(exc) from exc
        except OSError as exc:
            raw.close()
            raise Unreachable(f"engine on {self.where} closed the connection during the "
                              f"TLS handshake: {exc.strerror or exc}") from exc
        greeted = False
        try:
            chal, _ = protocol.recv_frame_sync(sock)
            greeted = True
            if chal.get("op") != "challenge":
                raise ProtocolError(f"{self.where} did not greet like an appmgr engine")
            problem = handshake.version_problem(chal, f"the engine on {self.where}")
            if problem:
                raise ProtocolError(problem)
            protocol.send_frame_sync(sock, handshake.admin_hello())
            reply, _ = protocol.recv_frame_sync(sock)
        except TimeoutError as exc:
            sock.close()
            raise self._silent() from exc
        except ssl.SSLError as exc:  # TLS 1.3: our certificate refused shows on first read
            sock.close()
            raise self._tls_error(exc) from exc
        except ConnectionError as exc:  # e.g. the engine stopping right then
            sock.close()
            if not greeted:
                # TLS 1.3: the engine checks our certificate after the handshake ended on
                # our side; refusing it, it closes (its alert is often lost on the way)
                raise AuthFailed(f"the engine on {self.where} refused our certificate (it "
                                 "trusts another estate's CA) or closed the connection") from exc
            raise Unreachable(f"engine on {self.where} closed the connection while "
                              "signing in (is it stopping?)") from exc
        except (OSError, ValueError, protocol.FrameError) as exc:
            sock.close()
            raise ProtocolError(f"{self.where} is not an appmgr engine or broke the "
                                f"connection: {exc}") from exc
        except ProtocolError:
            sock.close()
            raise
        if reply.get("op") != "welcome":
            sock.close()
            raise AuthFailed(f"engine on {self.where}: "
                             f"{reply.get('message', 'authentication failed')}")
        return sock

    def _tls_error(self, exc: ssl.SSLError) -> Exception:
        text = tls.why_client_failed(exc, f"the engine on {self.where}",
                                     protocol.TLS_VERSION)
        if "plain text" in text:
            return ProtocolError(text)
        return AuthFailed(text)

    def _silent(self) -> Unreachable:
        return Unreachable(f"engine on {self.where} did not answer within {self.timeout:g} s")

    def call(self, op: str, *, wait: float | None = None, **args: Any) -> Any:
        """One request; the result, or the engine's refusal as a typed error.

        ``wait`` bounds the reply of a request that works through files (a
        manifest, a quarantine) instead of the usual timeout."""
        with self._lock:
            fresh = self._sock is None
            if self._sock is None:
                self._sock = self._open()
            try:
                reply = self._exchange(op, args, wait)
            except _Broken:
                if fresh:
                    raise
                self._sock = self._open()  # the old connection went stale: once more
                reply = self._exchange(op, args, wait)
        return self._result(op, reply)

    def _result(self, op: str, reply: dict[str, Any]) -> Any:
        if reply.get("ok"):
            if reply.get("bulk") == "zjson":
                return self._bulk(op, reply.get("payload", b""))
            return reply.get("result")
        kind = str(reply.get("error", "protocol"))
        raise _KINDS.get(kind, ProtocolError)(str(reply.get("message", "request failed")))

    # --- one request in two halves: many engines asked at once (core.engine.sweep) ----
    @property
    def lock(self) -> threading.Lock:
        """Held by :mod:`core.engine.sweep` around :meth:`send` … :meth:`receive`."""
        return self._lock

    @property
    def connected(self) -> bool:
        return self._sock is not None

    @property
    def sock(self) -> socket.socket | None:
        """The open connection (None when closed)."""
        return self._sock

    def ensure_open(self) -> None:
        """Open the connection now if it is not open (a sweep opens many at once first)."""
        with self._lock:
            if self._sock is None:
                self._sock = self._open()

    def send(self, op: str, args: dict[str, Any]) -> tuple[socket.socket, bool]:
        """With :attr:`lock` held: send a request without waiting for its reply; the
        socket to wait on and whether the connection was opened for it."""
        fresh = self._sock is None
        if self._sock is None:
            self._sock = self._open()
        try:
            if len(args) == 1 and isinstance(args.get("name"), str):
                frame = protocol.named_request(op, args["name"])
                sent = self._sock.send(frame)  # a small frame goes whole (no sendall loop)
                if sent < len(frame):
                    self._sock.sendall(frame[sent:])
            else:
                protocol.send_frame_sync(self._sock, {"op": op, "args": args})
        except OSError as exc:
            self._drop()
            if fresh:
                raise _Broken(f"engine on {self.where} closed the connection") from exc
            return self.send(op, args)  # the kept connection went stale: once more
        return self._sock, fresh

    def receive(self, op: str) -> Any:
        """With :attr:`lock` held: the reply of the request :meth:`send` sent (its result,
        or its typed error; ``Unreachable`` subclass ``Broken`` when the connection broke)."""
        assert self._sock is not None
        try:  # as _typed, without a context manager per reply (a thousand a second)
            reply, payload = protocol.recv_frame_sync(self._sock)
        except (TimeoutError, protocol.FrameError, OSError) as exc:
            with self._typed(self._silent):
                raise exc
        if payload:
            reply["payload"] = payload
        return self._result(op, reply)

    def silent(self) -> Unreachable:
        """With :attr:`lock` held: the request went unanswered; the connection is dropped."""
        self._drop()
        return self._silent()

    def _bulk(self, op: str, payload: bytes) -> Any:
        """A large result: compressed JSON, inflated to at most MAX_BULK bytes."""
        try:
            inflate = zlib.decompressobj()
            raw = inflate.decompress(payload, MAX_BULK)
            if inflate.unconsumed_tail:
                raise ProtocolError(f"engine on {self.where} sent a {op} reply larger than "
                                    f"{MAX_BULK} bytes")
            return json.loads(raw)
        except (zlib.error, ValueError) as exc:
            raise ProtocolError(f"engine on {self.where} sent a bad {op} reply") from exc

    def _exchange(self, op: str, args: dict[str, Any], wait: float | None = None
                  ) -> dict[str, Any]:
        """Send one request and read its reply on the open connection; every failure
        is typed, a broken connection as :class:`_Broken` (retried once by ``call``)."""
        assert self._sock is not None

        def unanswered() -> Unreachable:
            if wait is None:
                return self._silent()
            return Unreachable(f"engine on {self.where} did not answer {op} within {wait:g} s")

        with self._typed(unanswered):
            protocol.send_frame_sync(self._sock, {"op": op, "args": args})
            if wait is not None:
                self._sock.settimeout(wait)
            reply, payload = protocol.recv_frame_sync(self._sock)
            if wait is not None:
                self._sock.settimeout(self.timeout)
            if payload:
                reply["payload"] = payload
        return reply

    @contextlib.contextmanager
    def _typed(self, unanswered: Callable[[], Unreachable]) -> Iterator[None]:
        """A failure on the connection as a typed error, the connection dropped: no reply
        in time (``unanswered``), a reply that is no frame, or a broken connection
        (:class:`_Broken`, retried once by ``call``)."""
        try:
            yield
        except TimeoutError as exc:
            self._drop()
            raise unanswered() from exc
        except protocol.FrameError as exc:
            self._drop()
            raise ProtocolError(f"engine on {self.where} sent a reply that is not an "
                                f"engine frame: {exc}") from exc
        except OSError as exc:
            self._drop()
            raise _Broken(f"engine on {self.where} closed the connection") from exc

    def _drop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def close(self) -> None:
        with self._lock:
            self._drop()

    # --- Engine port ---------------------------------------------------------------
    def info(self) -> dict[str, Any]:
        return dict(self.call("info"))

    def create_set(self, name: str, rules: list[Any]) -> None:
        items = [r.to_dict() if isinstance(r, Rule) else dict(r) for r in rules]
        self.call("create_set", name=name, rules=items)

    def delete_set(self, name: str) -> None:
        self.call("delete_set", name=name)

    def accept(self, name: str, token: str) -> None:
        self.call("accept", name=name, token=token)

    def connect(
        self, name: str, target: str, port: int, token: str, mirror_type: str = "checksum",
        compression: int = 0, replicate: bool = True, delete_orphans: bool = False,
        codec: str = "zlib",
    ) -> None:
        self.call("connect", name=name, target=target, port=port, token=token,
                  mirror_type=mirror_type, compression=compression, replicate=replicate,
                  delete_orphans=delete_orphans, codec=codec)

    def disconnect(self, name: str) -> None:
        self.call("disconnect", name=name)

    def stats(self, name: str) -> JobStats:
        return JobStats.from_dict(self.call("stats", name=name))

    def create_monitor(
        self, name: str, source_ips: list[str], port: int, method: str, interval: float,
        missed: int, trigger: str, application: dict[str, Any] | None = None,
    ) -> None:
        extra: dict[str, Any] = {} if application is None else {"application": application}
        self.call("create_monitor", name=name, source_ips=list(source_ips), port=port,
                  method=method, interval=interval, missed=missed, trigger=trigger, **extra)

    def monitor_status(self, name: str) -> MonitorStatus:
        return monitor_of(self.call("monitor_status", name=name))

    def delete_monitor(self, name: str) -> None:
        self.call("delete_monitor", name=name)

    def set_identity(self, name: str, ips: list[str], prefix: int, nic: str, server_name: str,
                     shares: list[dict[str, str]], auto: bool) -> dict[str, Any]:
        return dict(self.call("set_identity", name=name, ips=list(ips), prefix=prefix, nic=nic,
                              server_name=server_name, shares=list(shares), auto=auto))

    def delete_identity(self, name: str) -> None:
        self.call("delete_identity", name=name)

    def identity_status(self, name: str) -> dict[str, Any]:
        return dict(self.call("identity_status", name=name))

    def take_identity(self, name: str, wait: float = 600.0) -> dict[str, Any]:
        return dict(self.call("take_identity", wait=wait, name=name))

    def release_identity(self, name: str, wait: float = 600.0) -> dict[str, Any]:
        return dict(self.call("release_identity", wait=wait, name=name))

    # snapshots of an accepted set on this (target) engine
    def take_snapshot(self, name: str, reason: str = "on demand") -> SnapshotInfo:
        """``reason`` "verify": taken for Verify Target Data (which deletes it after)."""
        return SnapshotInfo.from_dict(self.call("snapshot_take", wait=SNAPSHOT_WAIT, name=name,
                                                reason=reason))

    def snapshots(self, name: str) -> list[SnapshotInfo]:
        d = self.call("snapshot_list", name=name)
        return [SnapshotInfo.from_dict(x) for x in d["snapshots"]]

    def delete_snapshot(self, name: str, sid: str) -> None:
        self.call("snapshot_delete", wait=SNAPSHOT_WAIT, name=name, id=sid)

    def rollback_snapshot(self, name: str, sid: str) -> dict[str, int]:
        return dict(self.call("snapshot_rollback", wait=SNAPSHOT_WAIT, name=name, id=sid))

    def snapshot_changes(self, name: str, sid: str) -> list[str] | None:
        got = self.call("snapshot_check", wait=SNAPSHOT_WAIT, name=name, id=sid)["changed"]
        return None if got is None else [str(x) for x in got]

    def schedule_snapshots(self, name: str, interval_min: int | None, start_at: float = 0.0,
                           keep: int | None = None) -> None:
        extra = {} if keep is None else {"keep": keep}
        self.call("snapshot_schedule", name=name, interval_min=interval_min,
                  start_at=start_at, **extra)

    def manifest(self, rules: list[Any], image: bool = False, wait: float = 3600.0
                 ) -> list[list[Any]]:
        items = [r.to_dict() if isinstance(r, Rule) else dict(r) for r in rules]
        return list(self.call("manifest", wait=wait, rules=items, image=image))

    def quarantine(self, paths: list[str], folder: str, wait: float = 3600.0) -> dict[str, Any]:
        return dict(self.call("quarantine", wait=wait, paths=list(paths), folder=folder))
