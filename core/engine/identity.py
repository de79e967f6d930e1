"""Identity failover, run by the target's engine (SPEC F-9.5, ARCHITECTURE).

The console registers, per replication set, what the target takes over when
the source fails (:class:`IdentitySpec`): the source's IP addresses, its name
and its shares. These are host-local changes the engine may make where it
runs (as LocalSystem on Windows), with no credential from the console. When
the set's failover monitor declares the failure and ``auto`` is on (manual
intervention off), the engine takes them over at once, with no command
typed; otherwise the console's failover plan asks for it (``take-identity``).
The AD host SPNs are directory work the engine has no credentials for: the
console's plan moves them.

Each change is one host operation of ``core/hosts/scripts`` (the same
scripts the console sends over WinRM) run through a :class:`HostRunner`:
on Windows ``powershell.exe -EncodedCommand``, in the lab the lab's own
runner (``--host-runner``). What was taken is recorded, so giving it back
(failback) undoes exactly that, and a take or a release is safe to repeat.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from dataclasses import dataclass, field
from typing import Any

from core.hosts.clixml import readable_stderr
from core.hosts.ops import encode_command, render_script

#: seconds one host operation may take (restarting the Server service included)
OP_TIMEOUT = 120.0


@dataclass(frozen=True)
class IdentitySpec:
    ips: tuple[str, ...] = ()  # the source's addresses the target adds
    prefix: int = 24
    nic: str = ""  # the target's adapter that gets them ("" = the first one)
    name: str = ""  # the source's name the target answers to ("" = not moved)
    shares: tuple[dict[str, str], ...] = ()  # {"name", "path", "description", "grants"}
    auto: bool = False  # take over on the monitor's condition, without a command

    def to_dict(self) -> dict[str, Any]:
        return {"ips": list(self.ips), "prefix": self.prefix, "nic": self.nic,
                "name": self.name, "shares": [dict(s) for s in self.shares], "auto": self.auto}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> IdentitySpec:
        return cls(tuple(str(i) for i in d.get("ips", [])), int(d.get("prefix", 24)),
                   str(d.get("nic", "")), str(d.get("name", "")),
                   tuple({k: str(v) for k, v in s.items()} for s in d.get("shares", [])),
                   bool(d.get("auto", False)))


@dataclass
class IdentityRecord:
    """One set's identity on this engine: what to take, and what was taken."""

    spec: IdentitySpec
    state: str = "ready"  # ready | taken | failed
    at: float | None = None  # when it was taken (or failed)
    done: list[str] = field(default_factory=list)  # "ip:X", "name:X", "share:X" taken
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"spec": self.spec.to_dict(), "state": self.state, "at": self.at,
                "done": list(self.done), "error": self.error}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> IdentityRecord:
        return cls(IdentitySpec.from_dict(d.get("spec", {})), str(d.get("state", "ready")),
                   d.get("at"), [str(x) for x in d.get("done", [])], str(d.get("error", "")))


class HostOpFailed(Exception):
    """A host operation of the identity failover failed (its message is the sentence)."""


class HostRunner:
    """Runs one host operation here and returns its JSON answer."""

    def __init__(self, argv: list[str] | None) -> None:
        #: None: this engine has no way to change its host (not Windows, no runner given)
        self.argv = argv

    @classmethod
    def from_option(cls, option: str | None) -> HostRunner:
        if option:
            return cls(shlex.split(option))
        if os.name == "nt":
            return cls(["powershell.exe", "-NoProfile", "-NonInteractive", "-EncodedCommand"])
        return cls(None)

    def run(self, op: str, params: dict[str, Any]) -> Any:
        if self.argv is None:
            raise HostOpFailed("this engine cannot change its host's addresses, names or "
                               "shares on this platform (Windows, or the lab, can)")
        script = render_script(op, params)
        powershell = self.argv[-1].lower() == "-encodedcommand"
        argv = [*self.argv, encode_command(script)] if powershell else self.argv
        try:
            done = subprocess.run(argv, input=None if powershell else script.encode(),
                                  capture_output=True, timeout=OP_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise HostOpFailed(f"{op} did not finish within {OP_TIMEOUT:g} s") from None
        except OSError as exc:
            raise HostOpFailed(f"cannot run {self.argv[0]}: {exc.strerror or exc}") from exc
        if done.returncode != 0:
            raise HostOpFailed(f"{op} failed: {_first_line(done.stderr)}")
        try:
            return json.loads(done.stdout.decode("utf-8", "replace") or "null")
        except ValueError as exc:
            raise HostOpFailed(f"{op} printed no JSON answer") from exc


def _first_line(raw: bytes) -> str:
    return readable_stderr(raw) or "no reason given"  # CLIXML from powershell.exe, or text


def take(rec: IdentityRecord, runner: HostRunner, now: float) -> IdentityRecord:
    """Take over every part not taken yet; a failed part stops and is recorded."""
    s = rec.spec
    parts: list[tuple[str, str, dict[str, Any]]] = [
        (f"ip:{ip}", "ip_add", {"ip": ip, "prefix": s.prefix, "nic": s.nic}) for ip in s.ips]
    if s.name:
        parts.append((f"name:{s.name}", "name_add", {"name": s.name}))
    parts += [(f"share:{sh['name']}", "share_add",
               {"name": sh["name"], "path": sh["path"], "description": sh.get("description", ""),
                "grants": [g for g in sh.get("grants", "").split(";") if g]})
              for sh in s.shares]
    for key, op, params in parts:
        if key in rec.done:
            continue
        try:
            runner.run(op, params)
        except HostOpFailed as exc:
            return IdentityRecord(s, "failed", now, rec.done, f"{key}: {exc}")
        rec = IdentityRecord(s, rec.state, rec.at, [*rec.done, key], "")
    return IdentityRecord(s, "taken", now, rec.done, "")


def release(rec: IdentityRecord, runner: HostRunner, now: float) -> IdentityRecord:
    """Give back what was taken, last taken first (shares, name, then addresses)."""
    done = list(rec.done)
    for key in reversed(rec.done):
        kind, _, value = key.partition(":")
        op = {"ip": "ip_remove", "name": "name_remove", "share": "share_remove"}[kind]
        try:
            runner.run(op, {"ip": value} if kind == "ip" else {"name": value})
        except HostOpFailed as exc:
            if "does not exist" not in str(exc) and "not assigned" not in str(exc):
                return IdentityRecord(rec.spec, "failed", now, done, f"giving back {key}: {exc}")
        done.remove(key)
    return IdentityRecord(rec.spec, "ready", None, [], "")
