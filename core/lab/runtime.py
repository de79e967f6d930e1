"""The running lab's description (``<lab>/runtime.json``) and its control socket.

The supervisor writes runtime.json once everything listens; every other
process (CLI, console, tests) reads it to find the DNS server and the lab
servers, and talks to the supervisor over a Unix socket for fail/heal/down.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.atomic import read_json
from core.errors import NotFound, Unreachable


def runtime_path(lab_root: Path) -> Path:
    return lab_root / "runtime.json"


def control_path(lab_root: Path) -> Path:
    return lab_root / "control.sock"


@dataclass(frozen=True)
class LabRuntime:
    pid: int
    domain: str
    net: str
    dns_ip: str
    dns_port: int
    estate: str
    servers: dict[str, dict[str, Any]]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LabRuntime:
        return cls(int(d["pid"]), d["domain"], d["net"], d["dns"]["ip"], int(d["dns"]["port"]),
                   d.get("estate", ""), d["servers"])

    def to_dict(self) -> dict[str, Any]:
        return {"pid": self.pid, "domain": self.domain, "net": self.net,
                "dns": {"ip": self.dns_ip, "port": self.dns_port}, "estate": self.estate,
                "servers": self.servers}


def read_runtime(lab_root: Path) -> LabRuntime | None:
    """The running lab, or None when no lab (or a dead one) is recorded."""
    d = read_json(runtime_path(lab_root))
    if not d:
        return None
    rt = LabRuntime.from_dict(d)
    if not _alive(rt.pid):
        return None
    return rt


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def control(lab_root: Path, cmd: str, timeout: float = 30.0, **args: Any) -> dict[str, Any]:
    """Send one command to the lab supervisor and return its answer."""
    path = control_path(lab_root)
    if not path.exists():
        raise Unreachable("the lab is not running (start it with `appmgr lab up`)")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        try:
            s.connect(str(path))
            s.sendall(json.dumps({"cmd": cmd, **args}).encode() + b"\n")
            buf = b""
            while not buf.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
        except (ConnectionRefusedError, FileNotFoundError) as exc:
            raise Unreachable("the lab is not running (start it with `appmgr lab up`)") from exc
        except TimeoutError as exc:
            raise Unreachable(f"the lab did not answer `{cmd}` within {timeout:.0f} s") from exc
    answer = json.loads(buf or b"{}")
    if not answer.get("ok"):
        err = answer.get("error", "the lab refused the command")
        raise NotFound(err) if answer.get("kind") == "notfound" else Unreachable(err)
    return answer
