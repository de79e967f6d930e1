"""``python -m core.engine.certificate request|install``: an engine's certificate,
made on its own host.

``request --state DIR --name FS01 [--ip IP ...] [--dns NAME ...]`` makes the
engine's key in ``DIR/tls/engine.key`` (readable by the engine's account only;
it never leaves the host) and prints a certificate signing request (PEM).
The console signs it with the estate CA it keeps in its keyring
(:func:`core.credentials.estate_tls.issue_engine`).
``install --state DIR FILE`` takes the engine's certificate followed by the
estate CA's certificate (PEM, as the console writes them), checks that the
certificate belongs to the key made by ``request``, and installs both. The
engine reads them when it starts.
"""

from __future__ import annotations

import argparse
import ssl
import sys
from pathlib import Path

from core import atomic
from core.engine import tls

PENDING_KEY = "engine.key.pending"


def request(state: Path, name: str, ips: list[str], dns: list[str]) -> str:
    from core.engine.pki import make_request

    made = make_request(name, tuple(ips), tuple(dns))
    directory = tls.engine_dir(state)
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    atomic.write_text(directory / PENDING_KEY, made.key_pem, mode=0o600)
    return made.cert_pem


def install(state: Path, bundle: str) -> None:
    """Install ``bundle`` (engine certificate, then the CA's); ValueError saying why not."""
    marker = "-----END CERTIFICATE-----"
    parts = [p.strip() + "\n" + marker + "\n" for p in bundle.split(marker) if p.strip()]
    if len(parts) != 2:
        raise ValueError("expected two certificates: the engine's, then the estate CA's")
    directory = tls.engine_dir(state)
    try:
        key = (directory / PENDING_KEY).read_text("ascii")
    except OSError as exc:
        raise ValueError(f"no pending key in {directory}: run `request` first") from exc
    ident = tls.Identity(parts[1], parts[0], key)
    try:
        tls.server_context(ident)  # the key matches, the CA signed it
    except ssl.SSLError as exc:
        raise ValueError(f"the certificate does not fit this engine's key: {exc}") from exc
    tls.write_engine_identity(directory, ident)
    (directory / PENDING_KEY).unlink()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m core.engine.certificate")
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("request", help="make this engine's key and print a signing request")
    r.add_argument("--state", type=Path, required=True)
    r.add_argument("--name", required=True)
    r.add_argument("--ip", action="append", default=[])
    r.add_argument("--dns", action="append", default=[])
    i = sub.add_parser("install", help="install the signed certificate and the CA's")
    i.add_argument("--state", type=Path, required=True)
    i.add_argument("file", type=Path)
    a = p.parse_args(argv)
    try:
        if a.cmd == "request":
            sys.stdout.write(request(a.state, a.name, a.ip, a.dns))
        else:
            install(a.state, a.file.read_text("ascii"))
            print(f"installed in {tls.engine_dir(a.state)}; restart the engine to use it")
    except (OSError, ValueError) as exc:
        print(f"certificate {a.cmd}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
