"""The lab engines' host runner: run one host operation script on this lab server.

A real engine runs its identity failover scripts with ``powershell.exe``
(core.engine.identity). A lab engine is given this program instead
(``--host-runner``): it reads the rendered script on stdin and has the lab
supervisor run it against the server's simulated state over the lab's
control socket, then prints what powershell.exe would (stdout, stderr as
CLIXML, exit code). Standard library only: it runs as a plain script.

    python host_op.py CONTROL_SOCKET SERVER < script
"""

from __future__ import annotations

import json
import socket
import sys

TIMEOUT = 60.0


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: host_op.py CONTROL_SOCKET SERVER < script", file=sys.stderr)
        return 2
    path, server = argv
    req = {"cmd": "host_op", "server": server, "script": sys.stdin.read()}
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(TIMEOUT)
            s.connect(path)
            s.sendall(json.dumps(req).encode() + b"\n")
            buf = b""
            while not buf.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
        reply = json.loads(buf or b"{}")
    except (OSError, ValueError) as exc:
        print(f"the lab supervisor does not answer: {exc}", file=sys.stderr)
        return 1
    if not reply.get("ok"):
        print(reply.get("error", "the lab refused the operation"), file=sys.stderr)
        return 1
    sys.stdout.write(reply.get("stdout", ""))
    sys.stderr.write(reply.get("stderr", ""))
    return int(reply.get("code", 1))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
