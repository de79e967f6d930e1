"""``python -m core.lab`` runs a lab supervisor in the foreground (``appmgr lab up``)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from core.errors import AppmgrError
from core.lab.control_server import ControlServer
from core.lab.estate import load_estate
from core.lab.supervisor import LabSupervisor


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m core.lab")
    ap.add_argument("--root", required=True, type=Path)
    ap.add_argument("--estate", type=Path)
    ap.add_argument("--net")
    ap.add_argument("--dns-port", type=int)
    ap.add_argument("--host-latency", type=float, default=0.0)
    a = ap.parse_args(argv)
    try:
        estate = load_estate(a.estate, net=a.net)
    except AppmgrError as exc:
        print(f"appmgr lab: {exc}", file=sys.stderr)
        return 2
    sup = LabSupervisor(estate, a.root, a.dns_port, host_latency=a.host_latency)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    try:
        sup.start()
    except Exception as exc:
        print(f"appmgr lab: could not start: {exc}", file=sys.stderr)
        return 1
    ctl = ControlServer(sup, on_down=done.set)
    ctl.start()
    print(f"lab up: {estate.domain} on {estate.net}.x, DNS {estate.dns_ip}:{sup.dns_port}",
          flush=True)
    while not done.wait(0.1):
        pass
    ctl.stop()
    sup.stop()
    print("lab down", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
