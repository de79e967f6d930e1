"""Thin implementations of the application verbs (SQL, clusters, items; Exchange's
are in :mod:`core.protection.steps_exchange`).

Each one is a single call through a port: the AD host SPNs through the
Directory (``move_spns``), everything else as a named host operation
(``HostControl.run_op``) on the server that does the work. What those host
operations do on a real server or in the lab belongs to the host control;
here they are only asked for, with their parameters, and a failure comes
back as the typed error the host raised. Registered into :data:`APP_STEPS`
(merged in :mod:`core.protection.step_table`).
"""

from __future__ import annotations

from typing import Any

from core.errors import StateError
from core.hosts.ops import CLUSTER_WAIT
from core.protection.env import PairEnv
from core.protection.script import Step
from core.protection.steps import StepFn, registrar

#: this module's verbs (the whole table: core.protection.step_table.STEPS)
APP_STEPS: dict[str, StepFn] = {}
step = registrar(APP_STEPS)


def _op(env: PairEnv, side: str, op: str, params: dict[str, Any]) -> Any:
    return env.host(side).run_op(op, params)


@step("add-name")
def add_name(env: PairEnv, s: Step) -> str:
    _op(env, "target", "name_add", {"name": s.args[0]})
    return f"{env.cfg.target} answers to {s.args[0]}"


@step("remove-name")
def remove_name(env: PairEnv, s: Step) -> str:
    _op(env, "target", "name_remove", {"name": s.args[0]})
    return f"{env.cfg.target} no longer answers to {s.args[0]}"


@step("move-spns")
def move_spns(env: PairEnv, s: Step) -> str:
    # the plan changes the directory: a writable connection (discovery's is read-only)
    directory = env.ctx.directory(read_only=False)
    try:
        moved = directory.move_spns(s.args[0], s.args[1], owner=s.opt("owner") or None)
    finally:
        directory.close()
    return f"{len(moved)} SPN(s) moved from {s.args[0]} to {s.args[1]}"


@step("sql-attach")
def sql_attach(env: PairEnv, s: Step) -> str:
    # on=source: post-restore re-attaches the source's own files (a no-op when its SQL
    # Server reopened them); the default is the target at failover.
    side = s.opt("on", "target") or "target"
    inst, db, *files = s.args
    out = _op(env, side, "sql_attach", {"instance": inst, "database": db, "files": files})
    verb = "was already attached" if isinstance(out, dict) and out.get("attached") is False \
        else "attached"
    return f"{db} {verb} to {env.name(side)}\\{inst} from {', '.join(files)}"


@step("sql-detach")
def sql_detach(env: PairEnv, s: Step) -> str:
    inst, db = s.args
    # if_present: a failback resumed after this step's effect, or a database the failover
    # never attached, is not a reason to stop handing the name back
    out = _op(env, "target", "sql_detach", {"instance": inst, "database": db, "if_present": True})
    if isinstance(out, dict) and out.get("detached") is False:
        return f"{db} was not attached to {env.cfg.target}\\{inst}"
    return f"{db} detached from {env.cfg.target}\\{inst}"


def _own_disk(env: PairEnv, s: Step) -> bool:
    """A like-named target's disk resource: the target group has its own (the guide's
    prerequisite), so failover neither re-creates nor deletes it and it stays online."""
    from core.protection.like_named import source_resources

    if not env.cfg.cluster.like_named or (s.opt("on", "target") or "target") != "target":
        return False
    res = source_resources(env.rec)[1].get(s.args[0].lower())
    return res is not None and res.get("type") == "Physical Disk"


def _resource(env: PairEnv, s: Step, action: str) -> str:
    side = s.opt("on", "target") or "target"
    if _own_disk(env, s):
        return f"{s.args[0]}: {env.name(side)}'s group has its own disk (left as it is)"
    _op(env, side, "cluster_resource",
        {"action": action, "name": s.args[0], "group": s.opt("group") or "",
         "wait": CLUSTER_WAIT})
    return f"resource {s.args[0]}: {action} on {env.name(side)}"


@step("create-resource")
def create_resource(env: PairEnv, s: Step) -> str:
    """Re-create a source resource on the target cluster with the type, private
    properties and dependencies Enable read from the source cluster (F-10). A
    dependency on a resource the plan does not re-create (the source's own address
    or name: the stand-in's serve) is left out, and the log says so."""
    from core.protection.like_named import source_resources

    name = s.args[0]
    if _own_disk(env, s):
        return f"{name}: {env.name('target')}'s group has its own disk (not re-created)"
    group, saved = source_resources(env.rec)
    res = saved.get(name.lower())
    if res is None:
        raise StateError(f"the settings of {env.cfg.source}'s resource {name!r} were not read "
                         "at Enable Protection (this pair was protected by an older appmgr): "
                         "disable and enable protection again, or create it by hand and resume")
    planned = {x.name.lower() for x in env.cfg.failover.services}
    depends = [d for d in res.get("depends", []) if str(d).lower() in planned]
    dropped = [d for d in res.get("depends", []) if str(d).lower() not in planned]
    out = _op(env, "target", "cluster_resource",
              {"action": "create", "name": name, "group": s.opt("group") or group,
               "type": str(res.get("type", "")), "private": dict(res.get("private") or {}),
               "depends": depends, "online": False, "wait": CLUSTER_WAIT})
    new = not isinstance(out, dict) or out.get("changed") is not False
    said = (f"resource {name} ({res.get('type')}) {'created' if new else 'was already there'} "
            f"in {group!r} on {env.name('target')}")
    return said + (f"; dependencies not re-created: {', '.join(dropped)}" if dropped else "")


@step("delete-resource")
def delete_resource(env: PairEnv, s: Step) -> str:
    return _resource(env, s, "delete")


@step("resource-online")
def resource_online(env: PairEnv, s: Step) -> str:
    return _resource(env, s, "online")


@step("resource-offline")
def resource_offline(env: PairEnv, s: Step) -> str:
    return _resource(env, s, "offline")
