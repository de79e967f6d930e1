"""The management API: one JSON request per frame, one reply per request.

Request ``{"op": name, "args": {...}}``; reply ``{"ok": true, "result": ...}``
or ``{"ok": false, "error": kind, "message": sentence}`` (kinds in
:class:`core.engine.protocol.RemoteError`). Arguments are validated here so
the service only sees well-formed values.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import json
import zlib
from typing import TYPE_CHECKING, Any

from core.engine import auth, codec, protocol, quarantine
from core.engine.app_check import APP_METHODS, AppCheckSpec
from core.engine.identity import IdentitySpec
from core.engine.monitor import METHODS, TRIGGERS, MonitorSpec
from core.engine.protocol import RemoteError
from core.engine.replicator import ConnSpec
from core.engine.snap_service import KEEP, Schedule
from core.engine.snapshots import ID_RE
from core.engine.volumes import VolumeError, split_win
from core.model.rules import Rule

if TYPE_CHECKING:
    from core.engine.service import EngineService


class Bulk:
    """A result too large for a frame header: sent as compressed JSON in the payload."""

    def __init__(self, value: Any) -> None:
        self.value = value


def _bad(message: str) -> RemoteError:
    return RemoteError("invalid", message)


def _name(a: dict[str, Any]) -> str:
    name = a.get("name")
    if not isinstance(name, str) or not name or len(name) > 200 or any(c in name for c in "/\\\0"):
        raise _bad("a set name is 1-200 characters without slashes")
    return name


def _rules(items: Any) -> list[Rule]:
    if not isinstance(items, list) or not items:
        raise _bad("a replication set needs at least one rule")
    rules = []
    for d in items:
        try:
            rule = Rule.from_dict(d)
            split_win(rule.path)
            if rule.target:
                split_win(rule.target)
        except (KeyError, TypeError, VolumeError) as exc:
            raise _bad(f"bad rule {d!r}: {exc}") from exc
        rules.append(rule)
    return rules


def _port(v: Any) -> int:
    if not isinstance(v, int) or not 1 <= v <= 65535:
        raise _bad("port must be 1-65535")
    return v


def _conn(a: dict[str, Any]) -> ConnSpec:
    mirror = str(a.get("mirror_type", "checksum")).lower()
    if mirror not in ("full", "checksum", "quick"):
        # quick: size + modification time taken as equal content, only when asked for
        raise _bad("mirror type must be full, checksum or quick")
    level = a.get("compression", 0)
    if not isinstance(level, int) or not 0 <= level <= 9:
        raise _bad("compression must be 0 (off) to 9")
    method = a.get("codec", codec.ZLIB)
    if method not in codec.available():
        raise _bad(f"compression method {method!r} is not one this engine offers "
                   f"({', '.join(codec.available())})")
    token = a.get("token")
    if not isinstance(token, str) or not token:
        raise _bad("a connection needs a token")
    return ConnSpec(str(a["target"]), _port(a.get("port")), auth.token_key(token), mirror, level,
                    bool(a.get("replicate", True)), bool(a.get("delete_orphans", False)),
                    str(method))


def _monitor(a: dict[str, Any]) -> MonitorSpec:
    ips = a.get("source_ips")
    if not isinstance(ips, list) or not ips:
        raise _bad("a monitor needs at least one source IP")
    try:
        ips = [str(ipaddress.ip_address(ip)) for ip in ips]
    except ValueError as exc:
        raise _bad(str(exc)) from exc
    method, trigger = str(a.get("method")), str(a.get("trigger", "all"))
    interval, missed = a.get("interval"), a.get("missed")
    if method not in METHODS:
        raise _bad("monitor method must be heartbeat or icmp")
    if trigger not in TRIGGERS:
        raise _bad("trigger must be all or any")
    if not isinstance(interval, int | float) or not 0.01 <= interval <= 3600:
        raise _bad("interval must be 0.01-3600 seconds")
    if not isinstance(missed, int) or not 1 <= missed <= 1000:
        raise _bad("missed must be 1-1000")
    app = a.get("application")
    return MonitorSpec(tuple(ips), _port(a.get("port")), method, float(interval), missed, trigger,
                       None if app is None else _app_check(app))


def _app_check(a: Any) -> AppCheckSpec:
    if not isinstance(a, dict):
        raise _bad("application monitoring must be an object")
    method, interval, threshold = str(a.get("method")), a.get("interval"), a.get("error_threshold")
    if method not in APP_METHODS:
        raise _bad("application monitoring method must be builtin or script")
    if not isinstance(interval, int | float) or not 0.05 <= interval <= 86400:
        raise _bad("application check interval must be 0.05-86400 seconds")
    if not isinstance(threshold, int) or not 1 <= threshold <= 1000:
        raise _bad("error threshold must be 1-1000")
    services, computer, script = a.get("services", []), a.get("computer", ""), a.get("script", "")
    if not isinstance(services, list) or not all(isinstance(x, str) and x for x in services):
        raise _bad("services must be a list of service names")
    if method == "builtin" and (not services or not isinstance(computer, str) or not computer):
        raise _bad("the built-in check needs the source's name and its services")
    if method == "script" and (not isinstance(script, str) or not script):
        raise _bad("the script check needs the script's path on the target")
    return AppCheckSpec(method, float(interval), threshold, str(computer), tuple(services),
                        str(script))


def _identity(a: dict[str, Any]) -> IdentitySpec:
    try:
        ips = [str(ipaddress.ip_address(ip)) for ip in a.get("ips", [])]
    except (TypeError, ValueError) as exc:
        raise _bad(f"bad identity address: {exc}") from exc
    prefix = a.get("prefix", 24)
    if not isinstance(prefix, int) or not 1 <= prefix <= 128:
        raise _bad("prefix must be 1-128")
    shares = a.get("shares", [])
    if not isinstance(shares, list) or not all(
            isinstance(s, dict) and isinstance(s.get("name"), str) and s["name"]
            and isinstance(s.get("path"), str) and s["path"] for s in shares):
        raise _bad("identity shares are a list of {name, path, description}")
    name = str(a.get("server_name", ""))
    if len(name) > 63 or any(c in name for c in "\\/ \0"):
        raise _bad(f"{name!r} is not a server name")
    return IdentitySpec(tuple(ips), prefix, str(a.get("nic", ""))[:256], name,
                        tuple({"name": s["name"], "path": s["path"],
                               "description": str(s.get("description", ""))} for s in shares),
                        bool(a.get("auto", False)))


async def dispatch(svc: EngineService, op: str, a: dict[str, Any]) -> Any:
    if op == "info":
        return svc.info()
    if op == "create_set":
        return await svc.create_set(_name(a), _rules(a.get("rules")))
    if op == "delete_set":
        return await svc.delete_set(_name(a))
    if op == "accept":
        if not isinstance(a.get("token"), str) or not a["token"]:
            raise _bad("accept needs a token")
        return svc.accept(_name(a), auth.token_key(a["token"]))
    if op == "connect":
        return await svc.connect(_name(a), _conn(a))
    if op == "disconnect":
        return await svc.disconnect(_name(a))
    if op == "stats":
        return svc.stats(_name(a)).to_dict()
    if op == "manifest":
        rules, image = _rules(a.get("rules")), bool(a.get("image", False))
        return Bulk(await asyncio.to_thread(quarantine.manifest, rules, svc.volumes, image))
    if op == "quarantine":
        paths, folder = a.get("paths"), a.get("folder")
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise _bad("quarantine needs a list of paths")
        if not isinstance(folder, str) or not quarantine.FOLDER_RE.fullmatch(folder):
            raise _bad(f"{folder!r} is not a quarantine folder name")
        try:
            return await asyncio.to_thread(quarantine.keep, paths, folder, svc.volumes)
        except (OSError, VolumeError) as exc:
            raise RemoteError("refused", f"cannot keep a copy before the restore: {exc}") from exc
    if op == "create_monitor":
        return svc.create_monitor(_name(a), _monitor(a))
    if op == "monitor_status":
        return dataclasses.asdict(svc.monitor_status(_name(a)))
    if op == "delete_monitor":
        return svc.delete_monitor(_name(a))
    if op == "set_identity":
        return svc.identities.register(_name(a), _identity(a))
    if op == "delete_identity":
        return svc.identities.unregister(_name(a))
    if op == "identity_status":
        return svc.identities.status(_name(a))
    if op == "take_identity":
        return await svc.identities.take(_name(a))
    if op == "release_identity":
        return await svc.identities.release(_name(a))
    if op.startswith("snapshot_"):
        return await _snapshot_op(svc, op, a)
    raise RemoteError("protocol", f"unknown operation {op!r}")


def _sid(a: dict[str, Any]) -> str:
    sid = a.get("id")
    if not isinstance(sid, str) or not ID_RE.fullmatch(sid):
        raise _bad(f"{sid!r} is not a snapshot id (like 20250131T220000Z)")
    return sid


def _schedule(a: dict[str, Any]) -> Schedule | None:
    if a.get("interval_min") is None:
        return None  # no schedule: snapshots only on demand
    every, start, keep = a.get("interval_min"), a.get("start_at"), a.get("keep", KEEP)
    if not isinstance(every, int) or not 15 <= every <= 60 * 24 * 366:
        raise _bad("snapshots are taken every 15 minutes at the most often")
    if not isinstance(start, int | float) or start < 0:
        raise _bad("a snapshot schedule needs its start time (epoch seconds)")
    if not isinstance(keep, int) or not 1 <= keep <= 1000:
        raise _bad("keep must be 1-1000 scheduled snapshots")
    return Schedule(every, float(start), keep)


async def _snapshot_op(svc: EngineService, op: str, a: dict[str, Any]) -> Any:
    """Snapshots of an accepted set's data on this (target) server."""
    name = _name(a)
    if name not in svc.accepts:
        raise RemoteError("not_found", f"this engine holds no data of set {name}")
    if op == "snapshot_take":
        reason = a.get("reason", "on demand")
        if reason not in ("on demand", "verify"):
            raise _bad(f"{reason!r} is no reason to take a snapshot (on demand, verify)")
        return (await svc.snaps.take(name, reason)).to_dict()
    if op == "snapshot_list":
        return {"snapshots": [s.to_dict() for s in svc.snaps.list(name)],
                "schedule": (s.to_dict() if (s := svc.snaps.schedules.get(name)) else None),
                "error": svc.snaps.errors.get(name)}
    if op == "snapshot_delete":
        return await svc.snaps.delete(name, _sid(a))
    if op == "snapshot_rollback":
        return await svc.snapshot_rollback(name, _sid(a))
    if op == "snapshot_check":
        return {"changed": await svc.snaps.changed(name, _sid(a))}
    if op == "snapshot_schedule":
        return svc.snaps.set_schedule(name, _schedule(a))
    raise RemoteError("protocol", f"unknown operation {op!r}")


async def serve_admin(
    svc: EngineService, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    while True:
        req, _ = await protocol.read_frame(reader, 0)  # requests carry no payload
        raw_args = req.get("args")
        args: dict[str, Any] = raw_args if isinstance(raw_args, dict) else {}
        payload = b""
        try:
            result = await dispatch(svc, str(req.get("op")), args)
            if isinstance(result, Bulk):
                payload = zlib.compress(json.dumps(result.value).encode("utf-8"), 1)
                reply = {"ok": True, "bulk": "zjson"}
            else:
                reply = {"ok": True, "result": result}
        except RemoteError as exc:
            reply = {"ok": False, "error": exc.kind, "message": exc.message}
        except (KeyError, TypeError, ValueError) as exc:
            reply = {"ok": False, "error": "invalid", "message": f"bad request: {exc}"}
        await protocol.write_frame(writer, reply, payload)
