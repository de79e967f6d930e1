"""``appmgr engine-cert REQUEST [--out FILE]``: sign an engine's certificate request.

The estate CA lives in this console's keyring (made on first use); the
request comes from ``python -m core.engine.certificate request`` on the
engine's host, so the engine's key never leaves it. The output (the engine's
certificate, then the CA's) goes back to that host for ``… certificate
install``. The lab issues its engines' certificates at ``lab up`` and has no
use for this. Exit codes: 0 signed, 1 a bad request, 2 usage (lab mode).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("engine-cert", help="sign an engine's certificate request (estate CA)")
    p.add_argument("request", type=Path, help="the PEM request made on the engine's host")
    p.add_argument("--out", type=Path, help="where to write the certificates (default: stdout)")


def run(args: argparse.Namespace) -> int:
    from tui.cli.session import open_context, use_lab

    if use_lab(args):
        print("appmgr engine-cert: the lab issues its engines' certificates at `lab up`",
              file=sys.stderr)
        return 2
    from core.credentials.estate_tls import issue_engine

    ctx = open_context(args)
    try:
        signed = issue_engine(ctx.secrets, ctx.domain, args.request.read_text("ascii"))
    except (OSError, ValueError) as exc:
        print(f"appmgr engine-cert: {exc}", file=sys.stderr)
        return 1
    bundle = signed.cert_pem + signed.ca_pem
    if args.out:
        args.out.write_text(bundle, "ascii")
    else:
        sys.stdout.write(bundle)
    return 0
