"""The supervisor's control socket: one JSON line in, one JSON line out."""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.lab import db_pages
from core.lab.estate import windows_to_local
from core.lab.runtime import control_path
from core.lab.supervisor import LabSupervisor


class ControlServer:
    def __init__(self, sup: LabSupervisor, on_down: Callable[[], None]) -> None:
        self.sup = sup
        self.on_down = on_down
        path = control_path(sup.lab_root)
        path.unlink(missing_ok=True)
        handler = _handler(self)
        self._server = socketserver.ThreadingUnixStreamServer(str(path), handler)
        self._server.daemon_threads = True
        self._path = path
        # a short poll: `lab down` waits for this thread to notice the shutdown
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, name="lab-control",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        Path(self._path).unlink(missing_ok=True)

    def handle(self, req: dict[str, Any]) -> dict[str, Any]:
        cmd = req.get("cmd")
        try:
            if cmd == "ping":
                return {"ok": True}
            if cmd == "status":
                return {"ok": True, "runtime": self.sup.runtime().to_dict()}
            if cmd in ("fail", "heal"):
                name = str(req.get("name", ""))
                try:
                    self.sup.estate.server(name)
                except KeyError:
                    return {"ok": False, "kind": "notfound",
                            "error": f"there is no lab server named {name!r}"}
                getattr(self.sup, cmd)(name)
                return {"ok": True}
            if cmd in ("stop-service", "start-service"):  # the service fault (F-6.2)
                try:
                    done = self.sup.set_service(str(req.get("name", "")),
                                                str(req.get("service", "")),
                                                cmd == "start-service")
                except KeyError:
                    return {"ok": False, "kind": "notfound",
                            "error": f"there is no lab server named {req.get('name')!r}"}
                return {"ok": True, "service": done}
            if cmd == "corrupt-page":  # Verify Target Data's fault (F-11)
                return self._corrupt(req)
            if cmd == "host_op":  # a lab engine's identity failover (core.lab.host_op)
                out, err, code = self.sup.host_op(str(req.get("server", "")),
                                                  str(req.get("script", "")))
                return {"ok": True, "stdout": out.decode("utf-8", "replace"),
                        "stderr": err.decode("utf-8", "replace"), "code": code}
            if cmd == "down":
                threading.Thread(target=self.on_down, daemon=True).start()
                return {"ok": True}
            return {"ok": False, "error": f"unknown lab command {cmd!r}"}
        except Exception as exc:  # the CLI shows this line; the supervisor keeps running
            return {"ok": False, "error": f"{cmd} failed: {exc}"}


    def _corrupt(self, req: dict[str, Any]) -> dict[str, Any]:
        name, path = str(req.get("name", "")), str(req.get("path", ""))
        try:
            server = self.sup.estate.server(name)
        except KeyError:
            return {"ok": False, "kind": "notfound",
                    "error": f"there is no lab server named {name!r}"}
        ok = path[1:3] == ":\\" and path[:1].upper() in server.volumes \
            and ".." not in path.split("\\")
        local = windows_to_local(self.sup.lab_root, server.name, path) if ok else None
        if local is None or not local.is_file():
            return {"ok": False, "kind": "notfound",
                    "error": f"{server.name} has no file {path}"}
        return {"ok": True, "page": db_pages.corrupt(local, int(req.get("page", 1)))}


def _handler(ctl: ControlServer) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            line = self.rfile.readline()
            try:
                req = json.loads(line or b"{}")
            except ValueError:
                req = {}
            self.wfile.write(json.dumps(ctl.handle(req)).encode() + b"\n")

    return Handler
