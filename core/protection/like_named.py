"""Like-named clusters (SPEC F-5.6, F-10): reaching the target, and its stand-in's resources.

The target of a like-named pair is ``EVS1_LN``: the temporary name that Enable
Protection creates on the standby cluster. The console reaches that target
through the node of the standby cluster chosen at setup (``cluster.target_node``
of the pair's saved configuration): its inventory, host operations and engine.
:func:`routed` wraps a Context so ``host``/``engine``/``resolve`` of ``EVS1_LN``
go to that node; every other name is unchanged.

On enable, four resources are created in the target cluster's group named like the
source's (the guide's prerequisite): an IP address and the temporary name (online: the
connection between the clusters uses them) and two generic script resources (see
:func:`core.apps.likenamed.stand_in_resources`). Only what this Enable really created
goes into the pair's record (a same-named resource that was already there is used,
never adopted), and disable deletes exactly those, in reverse order. A create that
fails half-way is undone by the host operation itself, which deletes only a resource
it created in that run: the console never deletes by name after a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from core.context import Context
from core.errors import AppmgrError
from core.hosts.ops import CLUSTER_WAIT
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.model.server import Server
from core.store import PairRecord, PairStore

APP = "exchange"  # like-named clusters are for Exchange 2003 only
SUFFIX = "_LN"
OP = "cluster_resource"
#: PairRecord.extra key: the resources Enable Protection created, in creation order
RECORD_KEY = "cluster_resources"
#: PairRecord.extra key: the source group's resources as Enable read them (what failover
#: re-creates); a versioned document, see :func:`source_resources`
SOURCE_KEY = "source_resources"
SOURCE_FORMAT = 1
#: (title, do, undo) as Enable Protection runs them
Action = tuple[str, Callable[[], Any], Callable[[], Any] | None]


def saved_node(store: PairStore, name: str) -> str | None:
    """The standby cluster node a like-named target (``EVS1_LN``) is reached through,
    from the pair's saved configuration; None for any other name."""
    key = name.strip().upper()
    if not key.endswith(SUFFIX) or key == SUFFIX:
        return None
    cfg = store.load_config(Pair(APP, key.removesuffix(SUFFIX), key))
    if cfg is None or not cfg.cluster.like_named or not cfg.cluster.target_node:
        return None
    return cfg.cluster.target_node.upper()


def routed(ctx: Context, node_of: Callable[[str], str | None]) -> Context:
    """``ctx`` whose host, engine and address of a like-named target are its node's.

    The wrappers look ``ctx``'s adapters up at call time, so a Context changed
    after this call (tests do) is still the one used.
    """

    def to(name: str) -> str:
        return node_of(name) or name

    return replace(ctx, host=lambda n: ctx.host(to(n)), engine=lambda n: ctx.engine(to(n)),
                   resolve=lambda n: ctx.resolve(to(n)))


def store_routed(ctx: Context, store: PairStore) -> Context:
    """:func:`routed` by the saved configurations alone (headless ``status``)."""
    return routed(ctx, lambda n: saved_node(store, n))


# --- Enable / Disable ------------------------------------------------------------------
def create_actions(ctx: Context, cfg: ProtectionConfig, source: Server, target: Server,
                   say: Callable[[str], None], created: list[str],
                   exported: dict[str, Any] | None = None) -> list[Action]:
    """Enable Protection's steps: read the source group's resources into ``exported``
    (what failover re-creates), write the Generic Script files on every node of the
    target cluster, then create the stand-in's resources (none unless like-named);
    ``created`` collects the names they really created (what Disable may delete)."""
    if not cfg.cluster.like_named:
        return []
    from core.apps.likenamed import script_files, source_group, stand_in_resources

    group = source_group(source)
    cluster = target.apps.cluster.name if target.apps.cluster else cfg.cluster.target_node
    out: list[Action] = []

    def export() -> None:
        got = ctx.host(cfg.source).run_op("cluster_export", {"group": group})
        res = got.get("resources", []) if isinstance(got, dict) else []
        if exported is not None:
            exported.update({"format": SOURCE_FORMAT, "group": group, "resources": res})
        say(f"{len(res)} resource(s) of {group!r} read from {cfg.source}")

    out.append((f"read the resources of {group!r} from {cfg.source}", export, None))
    main = cfg.cluster.target_node.upper()
    nodes = [n.upper() for n in (target.apps.cluster.nodes if target.apps.cluster else [])]
    for node in [main, *(n for n in nodes if n != main)]:
        for path, text in script_files(cfg.source):
            out.append((f"write {path} on {node}",
                        partial(_write, ctx, node, path, text, say, node != main), None))
    for spec in stand_in_resources(cfg.source, cfg.cluster):
        what = f"{spec.name} ({spec.type}{', online' if spec.online else ''})"

        def do(spec: Any = spec) -> None:
            new = _create(ctx, cfg.target, spec.params(group))
            if new:
                created.append(spec.name)
            say(f"{spec.name}: {'created' if new else 'was already there (used as it is)'}")

        def undo(name: str = spec.name) -> None:
            if name in created:  # never one that was there before
                _delete(ctx, cfg.target, name)
                created.remove(name)

        out.append((f"create cluster resource {what} in {group!r} on {cluster}", do, undo))
    return out


def _write(ctx: Context, node: str, path: str, text: str, say: Callable[[str], None],
           optional: bool) -> None:
    """Write one Generic Script file on ``node``. On another node than the one the pair
    goes through, a node that does not answer is said, not fatal: the group runs there
    only once it moves, and Enable Protection run again writes it."""
    try:
        ctx.host(node).run_op("file_write", {"path": path, "text": text})
    except AppmgrError as exc:
        if not optional:
            raise
        say(f"{path} not written on {node} ({exc}): write it there before the group moves "
            "to that node")


def _create(ctx: Context, target: str, params: dict[str, Any]) -> bool:
    """Create (and bring online) one resource; whether it was created now. On a failure the
    host operation has already deleted what it created in that run."""
    out = ctx.host(target).run_op(OP, params)
    return isinstance(out, dict) and out.get("changed") is True


def _delete(ctx: Context, target: str, name: str) -> bool:
    """Delete one resource; False when it was already gone."""
    out = ctx.host(target).run_op(OP, {"action": "delete", "name": name, "wait": CLUSTER_WAIT})
    return not isinstance(out, dict) or out.get("changed") is not False


def delete_steps(ctx: Context, store: PairStore,
                 rec: PairRecord) -> list[tuple[str, Callable[[], str]]]:
    """Disable Protection's steps deleting what Enable created (reverse order): the
    names the record lists, and only those (a resource of that name that Enable found
    already there is not ours to delete)."""
    names = [str(n) for n in rec.extra.get(RECORD_KEY, [])]
    steps: list[tuple[str, Callable[[], str]]] = []
    for name in reversed(names):
        def run(name: str = name) -> str:
            gone = _delete(ctx, rec.target, name)
            return "deleted" if gone else "was already gone"

        steps.append((f"delete cluster resource {name} on {rec.target}", run))
    return steps


def source_resources(rec: PairRecord) -> tuple[str, dict[str, dict[str, Any]]]:
    """The source group's name and its resources by name (lower case), as Enable read
    them. A record from a newer appmgr is refused rather than misread."""
    doc = rec.extra.get(SOURCE_KEY)
    if not isinstance(doc, dict):
        return "", {}
    if int(doc.get("format", 0)) > SOURCE_FORMAT:
        from core.errors import StateError

        raise StateError(f"the source resources of {rec.source} were saved by a newer appmgr "
                         f"(format {doc.get('format')}): use that version")
    return str(doc.get("group", "")), {str(r.get("name", "")).lower(): r
                                        for r in doc.get("resources", []) if isinstance(r, dict)}
