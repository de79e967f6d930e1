"""The Exchange verbs of a plan: rehome mailboxes and public folders (SPEC F-9.2).

``exchange-failover SRC TGT`` (post-failover), ``exchange-failback SRC TGT``
(pre-failback) and ``exchange-public-folders SRC`` (post-restore) do
directory work from the console over LDAP (:mod:`core.protection.exchange_rehome`):
the directory opened writable, on the targeted domain controller when the
plan names one (``dc=``), then the AD replication wait (``replicate=on|off``,
``wait=`` minutes). Each run is logged to the Exchange failover log of both
servers. Registered into :data:`EXCHANGE_STEPS` (merged in :mod:`core.protection.step_table`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from core.dns.dfo_log import DfoLog
from core.errors import AppmgrError, NotFound
from core.ports import Directory
from core.protection import exchange_rehome as xr
from core.protection.env import PairEnv
from core.protection.script import Step
from core.protection.steps import StepFn, registrar

#: this module's verbs (the whole table: core.protection.step_table.STEPS)
EXCHANGE_STEPS: dict[str, StepFn] = {}
step = registrar(EXCHANGE_STEPS)

EXCHANGE_LOG = "exchange"


def exchange_log(env: PairEnv) -> DfoLog:
    clock = env.ctx.clock
    return DfoLog(env.ctx.paths.logs, [env.cfg.source, env.cfg.target], kind=EXCHANGE_LOG,
                  clock=lambda: datetime.fromtimestamp(clock.now(), UTC))


def _dc_opener(env: PairEnv, read_only: bool) -> Callable[[str], Directory] | None:
    """Opens the directory on a named domain controller with the domain's login."""
    ctx = env.ctx
    cred = ctx.secrets.get("domain", (ctx.domain or "").lower())
    if ctx.directory_as is None or cred is None or not ctx.domain:
        return None
    from core.domains import DomainSettings

    settings = DomainSettings(ctx.paths.config).connection(ctx.domain)
    directory_as = ctx.directory_as

    def open_dc(dc: str) -> Directory:
        return directory_as(replace(settings, dc=dc), cred, read_only)  # type: ignore[call-arg]

    return open_dc


def _open(env: PairEnv, dc: str) -> Directory:
    """The writable directory: on the targeted domain controller when one is named."""
    directory = env.ctx.directory(read_only=False)
    if not dc:
        return directory
    try:
        known = directory.domain_controllers()
    except AppmgrError:
        directory.close()
        raise
    match = [k for k in known if k.lower() == dc.lower() or k.split(".")[0].lower() == dc.lower()]
    if not match:
        directory.close()
        raise NotFound(f"{dc} is not a domain controller of {env.ctx.domain} "
                       f"(its controllers: {', '.join(known) or 'none found'})")
    open_dc = _dc_opener(env, read_only=False)
    if open_dc is None:
        return directory
    directory.close()
    return open_dc(match[0])


def _run(env: PairEnv, s: Step, what: str,
         work: Callable[[xr.Rehome], tuple[str, dict[str, dict[str, str]]]]) -> str:
    src, tgt = env.cfg.source.upper(), env.cfg.target.upper()
    log = exchange_log(env)
    dc = s.opt("dc") or ""
    directory = _open(env, dc)
    log.write(f"{what} {src} -> {tgt} started" + (f" on {dc}" if dc else ""))
    try:
        run = xr.Rehome(directory, src, tgt, xr.state_path(env.ctx.paths.state, src, tgt),
                        log.write)
        said, changed = work(run)
        wait = xr.wait_replication(directory, _dc_opener(env, read_only=True), changed,
                                   (s.opt("replicate") or "on") == "on",
                                   60.0 * float(s.opt("wait") or 30), env.ctx.clock)
    except Exception as exc:
        log.write(f"{what} {src} -> {tgt} failed: {getattr(exc, 'message', exc)}")
        raise
    finally:
        directory.close()
    log.write(wait)
    log.write(f"{what} {src} -> {tgt} done: {said}")
    return f"{said}; {wait}"


@step("exchange-failover")
def exchange_failover(env: PairEnv, s: Step) -> str:
    groups = [g for g in (s.opt("sgs") or "").split("|") if g]

    def work(run: xr.Rehome) -> tuple[str, dict[str, dict[str, str]]]:
        users, stores, changed = xr.fail_over(run, groups)
        return (f"{users} mailbox(es) and the public folders of {stores} mailbox store(s) "
                f"rehomed from {run.source} to {run.target}"), changed

    return _run(env, s, "Exchange failover", work)


def _back(kind: str, label: str) -> Callable[[xr.Rehome], tuple[str, dict[str, dict[str, str]]]]:
    def work(run: xr.Rehome) -> tuple[str, dict[str, dict[str, str]]]:
        back, kept, changed = xr.put_back(run, kind)
        left = f" ({kept} changed since failover, left as they are)" if kept else ""
        return f"{back} {label} back on {run.source}{left}", changed

    return work


@step("exchange-failback")
def exchange_failback(env: PairEnv, s: Step) -> str:
    return _run(env, s, "Exchange failback", _back("mailbox", "mailbox(es)"))


@step("exchange-public-folders")
def exchange_public_folders(env: PairEnv, s: Step) -> str:
    return _run(env, s, "Exchange public folders", _back("public", "public folder home(s)"))
