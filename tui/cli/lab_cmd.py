"""``appmgr lab up|down|status|fail|heal|stop-service|start-service|corrupt-page`` (F-14)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from core.errors import AppmgrError, Unreachable
from core.lab.runtime import LabRuntime, control, read_runtime
from core.paths import app_paths


def add_parser(sub: argparse._SubParsersAction) -> None:
    lab = sub.add_parser("lab", help="run the embedded lab estate")
    lsub = lab.add_subparsers(dest="lab_cmd", required=True)
    up = lsub.add_parser("up", help="start the lab (foreground unless --detach)")
    up.add_argument("--estate", type=Path, help="estate file (TOML); default: the built-in one")
    up.add_argument("--net", help="first three octets of the lab's loopback /24, e.g. 127.0.10")
    up.add_argument("--dns-port", type=int, help="DNS port (default 53 as root, else 10053)")
    up.add_argument("--detach", action="store_true", help="run in the background")
    up.add_argument("--host-latency", type=float, metavar="SECONDS",
                    help="how long each host operation takes before it runs, like PowerShell "
                         "starting on a real server (default 0: at once)")
    st = lsub.add_parser("status", help="servers, addresses, volumes and whether they are up")
    st.add_argument("--json", action="store_true")
    for verb, text in (("fail", "make a server stop answering"), ("heal", "bring it back")):
        p = lsub.add_parser(verb, help=text)
        p.add_argument("name")
    for verb, text in (("stop-service", "stop a service on a server (a fault for "
                                         "application monitoring)"),
                       ("start-service", "start it again")):
        p = lsub.add_parser(verb, help=text)
        p.add_argument("name")
        p.add_argument("service")
    p = lsub.add_parser("corrupt-page", help="corrupt a page of a database or store file on a "
                                              "server (a fault for Verify Target Data)")
    p.add_argument("name", help="the server, e.g. SQL02 (the target holds the copy)")
    p.add_argument("path", help="the file as Windows names it, e.g. "
                                "'E:\\SQLData\\MSSQLSERVER\\Sales.mdf'")
    p.add_argument("--page", type=int, default=1, help="the page to corrupt (default 1)")
    lsub.add_parser("down", help="stop the lab and every process it started")


def run(args: argparse.Namespace) -> int:
    root = app_paths().ensure().lab
    cmd = args.lab_cmd
    if cmd == "up":
        return _up(root, args)
    if cmd == "status":
        rt = read_runtime(root)
        if rt is None:
            print("the lab is not running (start it with `appmgr lab up --detach`)")
            return 1
        rt = LabRuntime.from_dict(control(root, "status")["runtime"])
        print(json.dumps(rt.to_dict(), indent=2) if args.json else format_status(rt))
        return 0
    if cmd in ("fail", "heal"):
        control(root, cmd, name=args.name)
        print(f"{args.name.upper()} {'failed: it no longer answers' if cmd == 'fail' else 'is back up'}")
        return 0
    if cmd in ("stop-service", "start-service"):
        done = control(root, cmd, name=args.name, service=args.service)["service"]
        print(f"{done['name']} is {done['state'].lower()} on {args.name.upper()}")
        return 0
    if cmd == "corrupt-page":
        done = control(root, cmd, name=args.name, path=args.path, page=args.page)
        print(f"{args.path} on {args.name.upper()}: page {done['page']} corrupted")
        return 0
    if cmd == "down":
        return _down(root)
    return 2


def format_status(rt: LabRuntime) -> str:
    lines = [f"lab {rt.domain}  DNS {rt.dns_ip}:{rt.dns_port}  supervisor pid {rt.pid}", ""]
    w_name = max([6, *(len(n) for n in rt.servers)]) + 2
    w_fqdn = max([4, *(len(s["fqdn"]) for s in rt.servers.values())]) + 2
    lines.append(f"{'server':<{w_name}}{'fqdn':<{w_fqdn}}{'ip':<15}{'up':<5}volumes")
    for name, s in rt.servers.items():
        vols = ", ".join(f"{k}: → {v}" for k, v in s["volumes"].items())
        lines.append(f"{name:<{w_name}}{s['fqdn']:<{w_fqdn}}{s['ip']:<15}"
                     f"{'yes' if s['up'] else 'NO':<5}{vols}")
    return "\n".join(lines)


def _up(root: Path, args: argparse.Namespace) -> int:
    if read_runtime(root) is not None:
        print("the lab is already running (`appmgr lab status` shows it)")
        return 0
    argv = ["--root", str(root)]
    if args.estate:
        argv += ["--estate", str(args.estate)]
    if args.net:
        argv += ["--net", args.net]
    if args.dns_port:
        argv += ["--dns-port", str(args.dns_port)]
    if args.host_latency:
        if not 0 <= args.host_latency <= 30:
            print("appmgr lab up: --host-latency must be between 0 and 30 seconds",
                  file=sys.stderr)
            return 2
        argv += ["--host-latency", str(args.host_latency)]
    if not args.detach:
        from core.lab.__main__ import main as lab_main

        return lab_main(argv)
    from core.lab.estate import load_estate

    try:  # the foreground's check, before detaching: a mistake is one line and exit 2
        load_estate(args.estate, net=args.net)
    except AppmgrError as exc:
        print(f"appmgr lab: {exc}", file=sys.stderr)
        return 2
    start_detached(root, argv)
    rt = read_runtime(root)
    assert rt is not None
    print(format_status(rt))
    return 0


def start_detached(root: Path, argv: list[str], wait: float = 60.0) -> None:
    """Start the supervisor in its own session and wait until it answers."""
    log = open(root / "supervisor.log", "ab")  # noqa: SIM115 - handed to the child
    start = log.tell()  # the log is appended to: report this start's lines only
    proc = subprocess.Popen([sys.executable, "-m", "core.lab", *argv], stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True, env=_env())
    log.close()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            with open(root / "supervisor.log", "rb") as f:
                f.seek(start)
                tail = f.read().decode(errors="replace").splitlines()[-5:]
            raise Unreachable("the lab could not start:\n  " + "\n  ".join(tail))
        if read_runtime(root) is not None:
            try:
                control(root, "ping", timeout=2)
                return
            except AppmgrError:
                pass
        time.sleep(0.1)
    raise Unreachable(f"the lab did not come up within {wait:.0f} s (see {root / 'supervisor.log'})")


def _down(root: Path, wait: float = 30.0) -> int:
    rt = read_runtime(root)
    if rt is None:
        print("the lab is not running")
        return 0
    control(root, "down")
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if not _running(rt.pid):
            print("lab down")
            return 0
        time.sleep(0.05)
    raise Unreachable(f"the lab supervisor (pid {rt.pid}) did not stop within {wait:.0f} s")


def _running(pid: int) -> bool:
    """Alive and not a zombie (an exited supervisor waits for init to reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env
