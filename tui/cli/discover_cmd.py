"""``appmgr discover``: the application's servers as a table or JSON (SPEC F-5.2, F-15).

SQL rows name the instances and the accounts their ``MSSQLSvc/`` SPNs are on; Exchange
rows the version and whether the support matrix allows it. Disabled computer accounts
are hidden unless ``--include-disabled`` (then ``disabled: true``). Addresses come from
DNS now, not from the console's remembered ones (those win only for reaching a server
whose name DNS already points elsewhere after a failover).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tui.cli import output

SQL_QUERY = "sql_servers"


def add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--app", default="fileprint")
    p.add_argument("--json", action="store_true")
    p.add_argument("--include-disabled", action="store_true",
                   help="also list disabled computer accounts (marked disabled)")


def run(console: Any, args: argparse.Namespace) -> int:
    from core.apps.registry import get_app

    app = get_app(args.app)
    sql = getattr(app, "directory_query", "") == SQL_QUERY
    if console.setup.sql_scan_skipped(app.id):
        print(f"appmgr: the SQL Server scan was skipped (--nosqlsearch): nothing was searched. "
              f"Run `appmgr discover --app {app.id}` without --nosqlsearch to search the "
              "directory for MSSQLSvc SPNs, or add servers by name in the console "
              "(Find… / Manage SQL Servers).", file=sys.stderr)
    found = console.setup.discover(app.id, include_disabled=args.include_disabled)
    lookup = getattr(console.ctx, "lookup", None) or console.ctx.resolve
    rows = [row(c, _address(lookup, c), sql=sql, exchange=app.id == "exchange") for c in found]
    cols = ["name", "fqdn", "ip", "os"]
    if sql:
        cols += ["instances", "accounts"]
    if app.id == "exchange":
        cols += ["version", "supported"]
    if any(r["disabled"] for r in rows):
        cols.append("disabled")
    if any(r["note"] for r in rows):
        cols.append("note")
    print(json.dumps(rows, indent=2) if args.json else output.table(
        [_text(r) for r in rows], cols))
    return 0


def _address(lookup: Any, c: Any) -> str:
    if not (c.dns_host_name or c.dn):  # a name only an SPN gave: nothing to ask DNS for
        return ""
    try:
        return str(lookup(c.dns_host_name or c.name))
    except Exception:  # a name without an address is still worth listing
        return ""


def row(c: Any, ip: str, *, sql: bool = False, exchange: bool = False) -> dict[str, Any]:
    """One discovered computer as JSON: the common keys, then the application's."""
    out: dict[str, Any] = {"name": c.name, "fqdn": c.dns_host_name, "ip": ip,
                           "os": c.operating_system, "os_version": c.os_version,
                           "cluster_virtual": c.is_cluster_virtual, "disabled": c.disabled}
    if sql:
        out.update(instances=list(c.sql_instances), ports=list(c.sql_ports),
                   accounts=list(c.sql_accounts))
    if exchange:
        out.update(version=c.app_version, role=c.role, supported=c.supported)
    out["note"] = c.note
    return out


def _text(r: dict[str, Any]) -> dict[str, Any]:
    """A JSON row for the table: lists joined, booleans as words."""
    shown = {k: ", ".join(map(str, v)) if isinstance(v, list) else v for k, v in r.items()}
    if "supported" in r:
        shown["supported"] = {True: "yes", False: "NO", None: "?"}[r["supported"]]
    shown["disabled"] = "DISABLED" if r["disabled"] else ""
    if r.get("role") == "edge" and not r["os"]:
        shown["os"] = "(Edge Transport)"
    return shown
