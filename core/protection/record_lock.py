"""The source's DNS record locked at DNS failover and unlocked at failback (F-9.4, F-10).

A source that comes back after a failover would register its own address again and
send clients back to it. Where the zone is stored in the directory, the DNS failover
step denies the source's computer account that change (:mod:`core.directory.ldap_dns_lock`);
failback lifts it before the records go back. The lock is a guard, not the failover:
when it cannot be set, the step says why (and the DFO log keeps it) but the records
already point at the target, so the step is not failed for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.errors import AppmgrError
from core.protection.env import PairEnv

if TYPE_CHECKING:
    from core.dns.dfo_log import DfoLog


def _account(env: PairEnv) -> str:
    return f"{env.cfg.source.split('.', 1)[0].upper()}$"


def set_lock(env: PairEnv, fqdn: str, log: DfoLog, *, lock: bool) -> str:
    """Lock (or unlock) ``fqdn`` against the source's account; the sentence saying what
    happened, also written to the DFO log."""
    account = _account(env)
    try:
        directory = env.ctx.directory(read_only=False)
        try:
            done = (directory.lock_dns_record(fqdn, account) if lock
                    else directory.unlock_dns_record(fqdn, account))
        finally:
            directory.close()
        said = done.note
    except AppmgrError as exc:
        verb = "locked" if lock else "unlocked"
        said = f"{fqdn} was not {verb} against {account}: {exc}"
    log.write(said)
    return said
