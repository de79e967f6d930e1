"""Checks of the admin host the console runs on (guide requirements, DNS failover notes)."""

from __future__ import annotations

from core.errors import AppmgrError
from core.ports import DirectoryComputer
from core.validation.admin_host import hosts_entries
from core.validation.base import Outcome, check, dns_failover, error, passed, warning
from core.validation.context import ValidationContext


def domain_controllers(v: ValidationContext) -> list[DirectoryComputer]:
    """The domain's controllers as the directory lists them (read once per run)."""
    return [c for c in domain_servers(v) if "OU=DOMAIN CONTROLLERS," in c.dn.upper()]


def domain_servers(v: ValidationContext) -> list[DirectoryComputer]:
    """Every server of the domain (Advanced Find's search), shared for a short while."""
    return v.fact("servers", lambda: list(v.directory().servers()))


def _address(v: ValidationContext, dc: DirectoryComputer) -> str:
    for name in (dc.name, dc.dns_host_name):
        try:
            return v.ctx.resolve(name) if name else ""
        except AppmgrError:
            continue
    return ""


@check("servers.console_not_dc", "The console does not run on a domain controller", "servers",
       touches=("directory",))
def console_not_dc(v: ValidationContext) -> Outcome:
    me = v.admin
    try:
        dcs = domain_controllers(v)
    except AppmgrError as exc:
        return warning(f"could not list the domain controllers to compare with {me.name}: {exc}")
    mine = set(me.ips)
    for dc in dcs:
        if dc.name.upper() == me.name:
            return error(f"this admin host {me.name} is the domain controller {dc.name}: run "
                         "the console from another machine (credentials cannot be verified "
                         "on a local machine)")
        ip = _address(v, dc)
        if ip and ip in mine:
            return error(f"this admin host ({ip}) is the domain controller {dc.name}: run "
                         "the console from another machine")
    names = ", ".join(sorted(d.name for d in dcs)) or "none found"
    return passed(f"{me.name} is not a domain controller ({names})")


@check("dns.hosts_file", "No hosts-file entry for the source on this admin host", "dns",
       applies=dns_failover)
def hosts_file(v: ValidationContext) -> Outcome:
    fqdn = v.source_fqdn().lower()
    names = {v.source.name.lower(), fqdn}
    found = hosts_entries(v.admin.hosts_file, names)
    if found:
        shown = "; ".join(f"line {n}: {ip} {name}" for n, ip, name in found)
        return warning(f"{v.admin.hosts_file} pins {v.source.name} ({shown}): after failover "
                       "this console would still reach the old address; remove the entry")
    return passed(f"{v.admin.hosts_file} has no entry for {v.source.name}")
