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

from core.engine import auth, protocol, quarantine
from core.engine.monitor import METHODS, TRIGGERS, MonitorSpec
from core.engine.protocol import RemoteError
from core.engine.replicator import ConnSpec
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
    token = a.get("token")
    if not isinstance(token, str) or not token:
        raise _bad("a connection needs a token")
    return ConnSpec(str(a["target"]), _port(a.get("port")), auth.token_key(token), mirror, level,
                    bool(a.get("replicate", True)), bool(a.get("delete_orphans", False)))


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
    return MonitorSpec(tuple(ips), _port(a.get("port")), method, float(interval), missed, trigger)


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
