"""``appmgr verify`` and ``appmgr tools`` (SPEC F-11): Verify Target Data and the
Exchange directory tools, through the console façade (the console's Actions call the
same service methods)."""

from __future__ import annotations

import argparse
import json
import sys

from tui.cli.pair_args import pair_of


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("verify", parents=[common],
                       help="prove the target's copy of a SQL or Exchange pair usable "
                            "(the mirror keeps running); exit 0 usable, 1 not usable")
    p.add_argument("source", help="source server (e.g. SQL01)")
    p.add_argument("target", help="target server (e.g. SQL02)")
    p.add_argument("--app", default=None,
                   help="application (default: the one the pair is set up for)")
    p.add_argument("--snapshot", metavar="ID", default=None,
                   help="check this snapshot (default: take one and delete it after)")
    p.add_argument("--json", action="store_true")


def run_verify(args: argparse.Namespace) -> int:
    from tui.cli.session import open_console  # on use: keeps --help fast

    console = open_console(args)
    say = None if args.json else (lambda text: print(text, file=sys.stderr))
    report = console.tools.verify_target_data(pair_of(args), args.snapshot, say)
    if args.json:
        print(json.dumps(report.to_dict()))
        return 0 if report.usable else 1
    src_tgt = f"{report.source} → {report.target}"
    for item in report.items:
        pages = f" ({item.pages} pages)" if item.pages else ""
        print(f"{'usable    ' if item.usable else 'NOT USABLE'}  {item.label}{pages}")
        for err in item.errors:
            print(f"            {err}")
    kept = "kept" if report.kept_snapshot else "deleted after the check"
    print(f"{src_tgt}: the target's data is {'usable' if report.usable else 'NOT usable'} "
          f"(snapshot {report.snapshot}, {kept})")
    return 0 if report.usable else 1
