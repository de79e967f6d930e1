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
    p = sub.add_parser("tools", parents=[common], help="the Exchange directory tools")
    tsub = p.add_subparsers(dest="tool", required=True)
    d = tsub.add_parser("delegate-rights", parents=[common],
                        help="make an account an Exchange organization administrator")
    d.add_argument("--account", required=True, help="the account, e.g. LAB\\helpdesk")
    r = tsub.add_parser("restore-pf-tree", parents=[common],
                        help="the targets of SRC's Exchange pairs rejoin SRC's public "
                             "folder tree (cleared at Enable Protection)")
    r.add_argument("source", help="the Exchange source server, e.g. EXCH01")


def run_tools(args: argparse.Namespace) -> int:
    from tui.cli.session import open_console  # on use: keeps --help fast

    console = open_console(args)
    if args.tool == "delegate-rights":
        done = console.tools.delegate_rights(args.account)
        print(f"{args.account} {'is now' if done.added else 'was already'} a member of "
              f"{done.group} ({done.group_dn}): Exchange administrator of the organization")
        return 0
    for r in console.tools.restore_pf_tree(args.source):
        stores = ", ".join(dn.split(",", 1)[0][3:] for dn in r.changed + r.already)
        what = "rejoined" if r.changed else "already belonged to"
        print(f"{r.target}: public store(s) {stores} {what} the public folder tree of "
              f"{r.source} ({r.tree_dn})")
    return 0


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
