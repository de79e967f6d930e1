"""``appmgr domain login|show|logout`` (issue 14): the domain account and how to reach its DC.

- login DOMAIN --user USER [--dc HOST[:PORT]] [--ldaps] [--ca FILE] [--password-stdin]
  [--timeout S]: the DC must accept the account before anything is cached; the
  password goes to the keyring, the DC/TLS/CA settings to config/domains.json.
- show [--json]: each domain's settings and whether a password is cached (no
  passphrase is asked: the cache's index says so).
- logout [DOMAIN]: forget the password (the DC/TLS/CA settings stay).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.domains import DomainConnection

TLS_WORDS = {"ldaps": "LDAPS", "starttls": "StartTLS"}


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("domain", parents=[common],
                       help="log in to a domain (account, DC, LDAPS, CA), show or log out")
    verbs = p.add_subparsers(dest="domain_command", metavar="login|show|logout", required=True)
    v = verbs.add_parser("login", parents=[common],
                         help="check an account against the DC, then cache it")
    v.add_argument("domain", help="the domain's DNS name (e.g. corp.example.com)")
    v.add_argument("--user", required=True, help="DOMAIN\\user or user@domain")
    v.add_argument("--dc", default="", metavar="HOST[:PORT]",
                   help="a domain controller (default: found in DNS, the DC locator)")
    v.add_argument("--ldaps", action="store_true",
                   help="LDAPS (port 636) instead of StartTLS on port 389")
    v.add_argument("--ca", default="", metavar="FILE",
                   help="the domain's CA certificate (PEM) that signed the DC's certificate "
                        "(default: the system's trust store)")
    v.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of standard input")
    v.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="how long the DC may take to answer (default 5)")
    v = verbs.add_parser("show", parents=[common], help="the domains logged in to, and how")
    v.add_argument("--json", action="store_true")
    v = verbs.add_parser("logout", parents=[common], help="forget a domain's cached password")
    v.add_argument("domain", nargs="?", default="", help="default: the current domain")


def run(args: argparse.Namespace) -> int:
    from tui.cli.session import open_console

    if args.domain_command == "login":
        from tui.cli.secret_input import read_password

        password = read_password(f"password of {args.user} in {args.domain}: ",
                                 from_stdin=args.password_stdin)
        console = open_console(args)
        name = console.domains.domain_login(args.domain, args.user, password, dc=args.dc,
                                    ca_file=args.ca, tls="ldaps" if args.ldaps else "starttls",
                                    timeout=args.timeout)
        conn = console.domains.domain_connection(name)
        store = getattr(console.ctx.secrets, "description", "the credential cache")
        print(f"logged in to {name} as {conn.user or args.user} ({_how(conn)}); "
              f"the password is cached in {store}")
        return 0
    console = open_console(args)
    if args.domain_command == "logout":
        name = console.domains.domain_logout(args.domain)
        print(f"logged out of {name}: its password is forgotten (the DC, TLS and CA "
              "settings stay)")
        return 0
    rows = [r.to_dict() for r in console.domains.domain_status()]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print("no domain yet: appmgr domain login DOMAIN --user USER [--dc HOST[:PORT]] "
              "[--ldaps] [--ca FILE]")
        return 0
    for row in rows:
        print(_show(row))
    return 0


def _how(conn: DomainConnection) -> str:
    dc = conn.dc or "DC found in DNS"
    ca = f"CA {conn.ca_file}" if conn.ca_file else "system trust store"
    return f"{dc}, {TLS_WORDS.get(conn.tls, conn.tls)}, {ca}"


def _show(row: dict) -> str:
    head = f"{row['domain']}{' (current)' if row['current'] else ''}"
    lines = [
        ("user", row["user"] or "—"),
        ("DC", row["dc"] or "found in DNS (DC locator)"),
        ("TLS", TLS_WORDS.get(row["tls"], row["tls"])),
        ("CA file", row["ca_file"] or "the system's trust store"),
        ("timeout", f"{row['timeout']:g} s"),
        ("password", "cached" if row["password_cached"] else
         f"not cached (appmgr domain login {row['domain']} --user USER)"),
    ]
    return "\n".join([head, *(f"  {k + ':':<10}{v}" for k, v in lines)])
