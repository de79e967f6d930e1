"""``appmgr config show|set|plan SRC TGT --app APP`` (SPEC F-15, issue 4 item 7).

- show: the configuration the pair would use (saved, else the defaults of
  F-6), as ``section.key=value`` lines or, with ``--json``, as JSON.
- set: ``section.key=value …`` with the form's validation and messages;
  nothing is saved when any value is refused (exit code of the error).
- plan: the generated (or edited) failover plan phases.
- like-named SRC --node NODE --ip IP [--network NET] [--mask MASK] [--storage E,F]:
  the like-named cluster setup dialog (F-5.6) headless; the pair is then
  ``SRC SRC_LN`` for validate, config, protect and status.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from tui.cli.pair_args import pair_of

if TYPE_CHECKING:
    from core.console import Console


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("config", parents=[common], help="show, set or plan a pair's configuration")
    verbs = p.add_subparsers(dest="config_command", metavar="show|set|plan|like-named",
                             required=True)
    for verb, text in (("show", "print the configuration (defaults when not saved yet)"),
                       ("set", "change settings: section.key=value …"),
                       ("plan", "print the failover plan phases")):
        v = verbs.add_parser(verb, parents=[common], help=text)
        v.add_argument("source", help="source server (e.g. SQL01)")
        v.add_argument("target", help="target server (e.g. SQL02)")
        v.add_argument("--app", default=None, help="application (default: the one the pair is set up for, else fileprint)")
        v.add_argument("--advanced", action="store_true", default=argparse.SUPPRESS,
                       help="allow the advanced options")
        if verb == "show":
            v.add_argument("--json", action="store_true")
        elif verb == "set":
            v.add_argument("assignments", nargs="+", metavar="SECTION.KEY=VALUE")
        else:
            v.add_argument("--phase", default="", help="only this phase")
    v = verbs.add_parser("like-named", parents=[common],
                         help="set up the like-named cluster of an Exchange 2003 virtual server")
    v.add_argument("source", help="the Exchange 2003 virtual server (e.g. EVS1)")
    v.add_argument("--app", default="exchange", help="application (default exchange)")
    v.add_argument("--node", required=True, help="a node of the standby cluster")
    v.add_argument("--ip", required=True, help="the IP address to create on it")
    v.add_argument("--network", default="", help="the node's network (default: its first)")
    v.add_argument("--mask", default="", help="subnet mask (default: the network's)")
    v.add_argument("--storage", default=None, metavar="E,F",
                   help="drive letters of the disk resources (default: those on both)")


def run(args: argparse.Namespace) -> int:
    from tui.cli.session import open_console

    console = open_console(args)
    verb = args.config_command
    if verb == "like-named":
        return _like_named(console, args)
    if verb == "show":
        view = console.configure.config_show(pair_of(args))
        if args.json:
            print(json.dumps(view.config.to_dict(), indent=2))
        else:
            cfg = view.config
            what = "saved configuration" if view.saved else "defaults (not saved yet)"
            print(f"# {cfg.source} -> {cfg.target} ({cfg.app}): {what}")
            print("\n".join(view.assignments))
        return 0
    if verb == "set":
        change = console.configure.config_set(pair_of(args), list(args.assignments))
        cfg = change.config
        print(f"saved: {cfg.source} -> {cfg.target} ({cfg.app})")
        for line in change.notices:
            print(f"note: {line}")
        for line in change.warnings:
            print(f"warning: {line}", file=sys.stderr)
        return 0
    cfg = console.configure.load_config(pair_of(args))
    phases = console.tabs.plan_all(cfg)
    if args.phase:
        if args.phase not in phases:
            print(f"appmgr: unknown phase {args.phase!r}; phases are {', '.join(phases)}",
                  file=sys.stderr)
            return 2
        phases = {args.phase: phases[args.phase]}
    print("\n".join(phases.values()), end="")
    return 0


def _like_named(console: Console, args: argparse.Namespace) -> int:
    storage = None if args.storage is None else [d for d in args.storage.split(",") if d.strip()]
    change = console.apps.like_named_save(args.app, args.source, args.node, args.ip,
                                     network=args.network, subnet_mask=args.mask,
                                     storage=storage)
    cfg, c = change.config, change.config.cluster
    print(f"saved: {cfg.source} -> {cfg.target} ({cfg.app}), like-named on node "
          f"{c.target_node}: {c.ip}/{c.subnet_mask} on {c.network!r}, "
          f"storage {','.join(c.storage) or 'none'}")
    for line in change.notices:
        print(f"note: {line}")
    for line in change.warnings:
        print(f"warning: {line}", file=sys.stderr)
    return 0
