"""Database-only protection (SPEC F-6.4): the target's copies of the protected databases
must be offline or detached before protection starts; Fix detaches them on the target."""

from __future__ import annotations

from core.apps.sqlcommon import split_key
from core.validation.base import Outcome, check, error, fix_for, passed
from core.validation.checks.common import both_servers
from core.validation.checks.sql import database_only
from core.validation.context import ValidationContext


def online_on_target(v: ValidationContext) -> list[tuple[str, str]]:
    """(instance, database) of the target that are online and protected from the source."""
    _, target = both_servers(v)
    found = []
    for key in v.config.connection.databases:
        inst_name, name = split_key(key)
        inst = target.apps.sql_instance(inst_name)
        if inst is None:
            continue  # sql.named_instances reports it
        db = next((d for d in inst.databases if d.name.lower() == name.lower()), None)
        if db is not None and db.state == "online":
            found.append((inst.name, db.name))
    return found


@check("sql.target_db_offline", "Target databases offline or detached", "application",
       apps=("sql",), topology="database-only", when=database_only,
       touches=("source", "target"))
def target_db_offline(v: ValidationContext) -> Outcome:
    online = online_on_target(v)
    if online:
        shown = ", ".join(f"{db} ({inst})" for inst, db in online)
        return error(f"{shown} {'is' if len(online) == 1 else 'are'} online on {v.target.name}: "
                     "in database-only mode the target's copy must be offline or detached "
                     "(Fix detaches it)")
    n = len(v.config.connection.databases)
    return passed(f"none of the {n} protected database{'s' if n != 1 else ''} is online on "
                  f"{v.target.name}")


@fix_for("sql.target_db_offline", order="database")
def detach(v: ValidationContext) -> None:
    """Detach each protected database that is online on the target (its files stay)."""
    host = v.ctx.host(v.target.name)
    for inst, db in online_on_target(v):
        host.run_op("sql_detach", {"instance": inst, "database": db})
