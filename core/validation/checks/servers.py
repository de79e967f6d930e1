"""Checks of the two servers: credentials, admin group, OS, drive letters."""

from __future__ import annotations

from core.apps.base import effective_rules
from core.apps.support import os_family, row_for, supported_families
from core.model.server import Server
from core.validation.base import Outcome, check, error, fix_for, passed, warning
from core.validation.checks.common import both, cached_user, per_side, verdict
from core.validation.context import Side, ValidationContext


@check("servers.credentials", "Credentials valid on both servers", "servers",
       touches=("source", "target"))
def credentials(v: ValidationContext) -> Outcome:
    # a successful inventory is a successful login with the cached credentials
    return verdict(per_side(v, lambda s, srv: []), f"logged in to {both(v)}")


@check("servers.admin_group", "User in the engine admin group on both servers", "servers",
       touches=("source", "target"))
def admin_group(v: ValidationContext) -> Outcome:
    unsure: list[str] = []

    def probe(side: Side, srv: Server) -> list[str]:
        user = cached_user(v, side.name)
        if not user:
            unsure.append(f"no cached account for {side.name} to look for")
            return []
        if not srv.admin_group_members:
            unsure.append(f"{side.name} did not list its engine admin group")
            return []
        if any(same_account(user, m, v.domain) for m in srv.admin_group_members):
            return []
        return [f"{user} is not in the engine admin group on {side.name}"]

    problems = per_side(v, probe)
    if problems:
        return error("; ".join(problems))
    if unsure:
        return warning("could not check: " + "; ".join(unsure), fixable=False)
    return passed(f"the account is in the engine admin group on {both(v)}")


def _not_members(v: ValidationContext) -> list[tuple[str, str]]:
    """(server, account) where the cached account is not in the engine admin group."""
    out = []
    for side in (v.source, v.target):
        srv, user = side.server, cached_user(v, side.name)
        if srv is None or not user or not srv.admin_group_members:
            continue
        if not any(same_account(user, m, v.domain) for m in srv.admin_group_members):
            out.append((side.name, user))
    return out


@fix_for("servers.admin_group", order="access")
def add_to_admin_group(v: ValidationContext) -> None:
    """Add the cached account to the engine admin group (needs local administrator rights)."""
    for name, user in _not_members(v):
        v.ctx.host(name).run_op("admin_group_add", {"user": user})


@check("servers.os", "Operating system supported and identical", "servers",
       touches=("source", "target"))
def os_supported(v: ValidationContext) -> Outcome:
    app = v.app

    def probe(side: Side, srv: Server) -> list[str]:
        if row_for(app.id, srv.os_name) is None:
            fams = ", ".join(supported_families(app.id)) or "none yet"
            return [f"{side.name} runs {srv.os_name or 'an unknown OS'}, which {app.title} "
                    f"protection does not support (Windows Server {fams})"]
        return []

    problems = per_side(v, probe)
    src, tgt = v.source.server, v.target.server
    if not problems and src is not None and tgt is not None:
        if os_family(src.os_name) != os_family(tgt.os_name):
            problems.append(f"{src.name} runs {src.os_name} but {tgt.name} runs {tgt.os_name}: "
                            "source and target must run the same Windows Server version")
        else:
            return passed(f"both run Windows Server {os_family(src.os_name)}")
    return verdict(problems, "")


@check("servers.drives", "Drive letters of the protected data exist on the target", "servers",
       touches=("source", "target"))
def drive_letters(v: ValidationContext) -> Outcome:
    source, target = v.source.require(), v.target.require()
    share_of = {s.path.upper().rstrip("\\"): s.name for s in source.user_shares()}
    users: dict[str, list[str]] = {}
    for rule in effective_rules(v.app, v.config, source):
        if not rule.include:
            continue
        lands = rule.target or rule.path  # a remapped database lands on its target path
        letter = lands[:1].upper()
        name = share_of.get(rule.path.upper().rstrip("\\"))
        users.setdefault(letter, []).append(f"share {name}" if name else lands)
    missing = sorted(set(users) - target.volume_letters)
    problems = []
    for letter in missing:
        first, *rest = users[letter]
        also = f" (also used by {', '.join(rest)})" if rest else ""
        problems.append(f"{letter}: used by {first} is missing on {target.name}{also}")
    letters = ", ".join(f"{x}:" for x in sorted(users)) or "no drive"
    return verdict(problems, f"{target.name} has {letters}")


def same_account(a: str, b: str, dns_domain: str = "") -> bool:
    """Whether two spellings (``LAB\\x``, ``x@lab.example.com``, ``x``) name one account."""
    (da, ua), (db, ub) = _split_account(a), _split_account(b)
    if ua.lower() != ub.lower():
        return False
    if not da or not db:
        return True
    labels = {d.split(".")[0].lower() for d in (da, db)}
    return da.lower() == db.lower() or len(labels) == 1


def _split_account(name: str) -> tuple[str, str]:
    if "\\" in name:
        domain, _, user = name.partition("\\")
        return domain, user
    if "@" in name:
        user, _, domain = name.rpartition("@")
        return domain, user
    return "", name
