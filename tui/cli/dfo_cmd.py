"""``appmgr dfo``: DNS failover of one server's records from the command line (SPEC F-9.4).

    appmgr dfo --server DNS_IP[:PORT] --zone Z --source NAME --target-ip IP
               [--target NAME] [--ttl N] [--tsig-key FILE | --gss] [--failback] [--json]

The same code as the console's DNS failover step (core.dns.failover_run): one
UPDATE with prerequisites per zone, the records of before saved in
``<state>/dfo/<SOURCE>.json`` (what failback puts back), every step appended
to the DFO log of the source (and of the target when it is named).
``--target-ip`` once maps every address of the source to it; repeat it (in
the order of the source's sorted addresses) or write ``SRC_IP=TGT_IP`` to map
one to one. The target name (for MX records) is ``--target`` or the PTR
record of the first target IP.

Exit codes (F-15): 0 done, 1 failed, 2 usage, 3 unreachable or authentication.
Started often from scripts, so it starts fast: nothing heavy is imported at
module level (no Textual, no ldap3; dnspython only once the arguments are good).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
TIMEOUT_MAX = 600
TTL_MAX = 2**31 - 1


def _seconds(text: str) -> float:
    """``--timeout``: a finite number of seconds, 0 < t <= TIMEOUT_MAX (usage error otherwise:
    -1 gave "did not answer within -1 s", nan and inf an OverflowError)."""
    import math

    try:
        value = float(text) if text.strip().isascii() else math.nan
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= TIMEOUT_MAX):
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a number of seconds "
                                         f"(more than 0, at most {TIMEOUT_MAX})")
    return value


def _ttl(text: str) -> int:
    """``--ttl``: ASCII digits only (int() would read ٥ as 5), 0 to TTL_MAX."""
    import re

    raw = text.strip()
    if not re.fullmatch(r"[0-9]{1,10}", raw, re.ASCII) or int(raw) > TTL_MAX:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a TTL (0 to {TTL_MAX} seconds)")
    return int(raw)


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--server", required=True, metavar="HOST[:PORT]",
                   help="the DNS server to update (its primary for the zone): an IP address "
                        "or a host name")
    p.add_argument("--zone", required=True, help="the forward zone of the source name")
    p.add_argument("--source", required=True, metavar="NAME", help="the failed server's name")
    p.add_argument("--target-ip", action="append", default=[], metavar="IP|SRC=TGT",
                   help="the target address (repeat, or SRC=TGT, to map one to one)")
    p.add_argument("--target", metavar="NAME", help="the target's name (default: PTR of the target IP)")
    p.add_argument("--ttl", type=_ttl, help="TTL of every rewritten record (0 to 2147483647 s)")
    sign = p.add_mutually_exclusive_group()
    sign.add_argument("--tsig-key", metavar="FILE", help="BIND key file (tsig-keygen) to sign with")
    sign.add_argument("--gss", action="store_true",
                      help="sign with GSS-TSIG (the Kerberos ticket of kinit; AD zones)")
    p.add_argument("--failback", action="store_true", help="put back the records saved at failover")
    p.add_argument("--timeout", type=_seconds, default=3.0,
                   help=f"seconds to wait for each answer (more than 0, at most {TIMEOUT_MAX})")
    p.add_argument("--json", action="store_true", help="print the steps as JSON")


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``dfo`` on the main ``appmgr`` parser (help and ``appmgr --debug dfo``)."""
    _arguments(sub.add_parser("dfo", help="DNS failover / failback of a server's records"))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="appmgr dfo",
                                description="DNS failover / failback of a server's records.")
    _arguments(p)
    return p


def main(argv: list[str]) -> int:
    """``appmgr dfo ARGV`` without the console's imports (the fast path of tui.cli.main)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return run(args)


def run(args: argparse.Namespace) -> int:
    from core.errors import AppmgrError

    try:
        return _run(args)
    except AppmgrError as exc:
        print(f"appmgr dfo: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("appmgr dfo: interrupted", file=sys.stderr)
        return 130


def _server(text: str) -> tuple[str, int]:
    """``HOST[:PORT]`` (an IPv6 address in brackets when a port follows) -> (host, port)."""
    import re

    from core.errors import InvalidInput

    raw = text.strip()
    m = re.fullmatch(r"\[([^\]]+)\](?::(.*))?", raw)
    if m:
        host, port = m.group(1), m.group(2) or "53"
    elif raw.count(":") == 1:
        host, _, port = raw.partition(":")
    else:
        host, port = raw, "53"
    if not host or not re.fullmatch(r"[0-9]{1,5}", port, re.ASCII) or not 1 <= int(port) <= 65535:
        raise InvalidInput("server", f"{text[:60]!r} is not HOST[:PORT] (a port is 1 to 65535)")
    return host, int(port)


def _run(args: argparse.Namespace) -> int:
    from core.dns.names import fqdn, is_ip
    from core.dns.resolve import server_address
    from core.errors import InvalidInput

    host, port = _server(args.server)
    zone = fqdn(args.zone, "zone")
    source = _in_zone(args.source, zone)
    if not args.failback and not args.target_ip:
        raise InvalidInput("target-ip", "give the target's address (--target-ip IP)")
    address = server_address(host, args.timeout)
    dns = _dns(args, address, port, zone, name=None if is_ip(host) else host)

    from core.dns.dfo_log import DfoLog
    from core.dns.failover_run import run_failback, run_failover
    from core.paths import app_paths

    paths = app_paths()
    short = source.split(".", 1)[0].upper()
    state_path = paths.state / "dfo" / f"{short}.json"
    if args.failback:
        results = run_failback(dns, state_path, DfoLog(paths.logs, _log_names(short, state_path)))
    else:
        ip_map, shared = _ip_map(dns, source, args.target_ip)
        target = _in_zone(args.target, zone) if args.target else _target_name(dns, ip_map)
        log = DfoLog(paths.logs, [short, target.split(".", 1)[0].upper()])
        results = run_failover(dns, source, target, ip_map, state_path, log, ttl=args.ttl,
                               shared_target=shared)
    return _report(results, args.json)


def _in_zone(name: str, zone: str) -> str:
    """``app01`` -> ``app01.<zone>``; a name already in the zone (or any FQDN) stays."""
    from core.dns.names import fqdn

    text = name.strip()
    if text.endswith(".") or text.lower().endswith(zone.rstrip(".")):
        return fqdn(text, "name")
    return fqdn(f"{text}.{zone}", "name")


def _dns(args: argparse.Namespace, host: str, port: int, zone: str, *,
         name: str | None = None) -> Any:
    """The DNS adapter for the server at address ``host`` (``name``: as the user named it)."""
    from core.dns.adapter import DnspythonDns

    if args.gss:
        from core.dns.gss_tsig import GssTsigDns, primary_name

        # the service ticket names the server: the zone's primary (SOA) when given an address
        name = name or primary_name(DnspythonDns(host, port, timeout=args.timeout), zone)
        return GssTsigDns(host, port, server_name=name, timeout=args.timeout)
    key = None
    if args.tsig_key:
        from core.dns.tsig_key import load_key_file

        key = load_key_file(args.tsig_key)
    return DnspythonDns(host, port, key=key, timeout=args.timeout)


def _ip_map(dns: Any, source: str, given: list[str]) -> tuple[dict[str, str], bool]:
    """The source-IP -> target-IP map of the command line; shared when one IP takes all."""
    from core.dns.names import ipv4
    from core.errors import InvalidInput, NotFound

    if all("=" in g for g in given):
        return {ipv4(s, "source IP"): ipv4(t, "target IP")
                for s, t in (g.split("=", 1) for g in given)}, False
    if any("=" in g for g in given):
        raise InvalidInput("target-ip", "use either IP or SRC=TGT for every --target-ip")
    a = dns.lookup(source, "A")
    if a is None:
        raise NotFound(f"{source} has no A record on the DNS server; there is nothing to fail over")
    targets = [ipv4(g, "target IP") for g in given]
    sources = sorted(a.values, key=lambda ip: tuple(int(p) for p in ip.split(".")))
    if len(targets) == 1:
        return {s: targets[0] for s in sources}, True
    if len(targets) != len(sources):
        raise InvalidInput("target-ip", f"{source} has {len(sources)} addresses "
                                         f"({', '.join(sources)}): give one target IP or "
                                         f"{len(sources)}")
    return dict(zip(sources, targets, strict=True)), False


def _target_name(dns: Any, ip_map: dict[str, str]) -> str:
    from core.dns.names import ptr_name
    from core.errors import InvalidInput

    first = next(iter(ip_map.values()))
    ptr = dns.lookup(ptr_name(first), "PTR")
    if ptr is None or not ptr.values:
        raise InvalidInput("target", f"no PTR record names {first}; give --target NAME")
    return ptr.values[0]


def _log_names(short: str, state_path: Any) -> list[str]:
    """The source's log, and the target's when the saved failover names it."""
    from core.dns.failover_state import load_state

    state = load_state(state_path)
    if state is None:
        return [short]
    return [short, state.target_fqdn.split(".", 1)[0].upper()]


def _report(results: list[Any], as_json: bool) -> int:
    if as_json:
        import json

        print(json.dumps([{"zone": r.zone, "action": r.action, "status": r.status,
                           "message": r.message} for r in results], indent=2))
    else:
        for r in results:
            where = f"zone {r.zone}" if r.zone else "plan"
            print(f"{r.status:8s} {where}: {r.action}" + (f"\n         {r.message}" if r.message else ""))
        if not results:
            print("nothing to change: every record is already as wanted")
    failed = [r for r in results if r.status == "failed"]
    if not failed:
        return EXIT_OK
    return failed[0].exit_code or EXIT_FAILED
