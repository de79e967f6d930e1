"""Headless pair tools of issue 13: ``appmgr monitoring on|off`` and ``appmgr snapshot``.

Both go through the console façade, the very functions the console's
Monitoring toggle and Manage Snapshots call (never a second implementation).
"""

from __future__ import annotations

import argparse
import json
import time
from typing import TYPE_CHECKING, Any

from tui.cli import output
from tui.cli.pair_args import pair_of

if TYPE_CHECKING:
    from core.console import Console


def _pair(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", help="source server (e.g. FS01)")
    p.add_argument("target", help="target server (e.g. FS02)")
    p.add_argument("--app", default=None,
                   help="application (default: the one the pair is set up for)")


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("monitoring", parents=[common],
                       help="enable or disable the failover monitor of a protected pair")
    p.add_argument("switch", choices=["on", "off"])
    _pair(p)
    p = sub.add_parser("snapshot", parents=[common],
                       help="take, list or delete snapshots of the target's data")
    p.add_argument("verb", choices=["take", "list", "delete"])
    _pair(p)
    p.add_argument("id", nargs="?", help="with delete: the snapshot to delete")
    p.add_argument("--json", action="store_true")


def _console(args: argparse.Namespace) -> Console:
    from tui.cli.session import open_console  # on use: keeps --help fast

    return open_console(args)


def run_monitoring(args: argparse.Namespace) -> int:
    on = args.switch == "on"
    _console(args).monitoring.set_monitoring(pair_of(args), on)
    print(f"{args.source.upper()} → {args.target.upper()}: failover monitoring "
          f"{'enabled' if on else 'disabled'}")
    return 0


def _row(s: Any) -> dict[str, Any]:
    return {"id": s.id, "taken": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(s.taken)),
            "size": output.size(s.size), "files": s.files, "by": s.reason}


def run_snapshot(args: argparse.Namespace) -> int:
    from core.errors import InvalidInput

    console = _console(args)
    pair = pair_of(args)
    if args.verb == "delete" and not args.id:
        raise InvalidInput("id", "name the snapshot to delete (see appmgr snapshot list)")
    if args.verb == "take":
        snaps = [console.snapshots.take_snapshot(pair)]
    elif args.verb == "delete":
        console.snapshots.delete_snapshot(pair, args.id)
        snaps = []
        if not args.json:
            print(f"snapshot {args.id} deleted")
            return 0
    else:
        snaps = console.snapshots.listing(pair)
    if args.json:
        print(json.dumps([s.to_dict() for s in snaps] if args.verb != "take"
                         else snaps[0].to_dict()))
    else:
        print(output.table([_row(s) for s in snaps], ["id", "taken", "size", "files", "by"]))
    return 0
