"""Shared plumbing of the lifecycle operations: load a pair, move its state,
track the running operation, find the scripts that run for a phase."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.atomic import write_text
from core.context import Context
from core.errors import AppmgrError, StateError, Unreachable
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.model.state import PairState
from core.protection.env import PairEnv, Progress, TokenFactory, new_token
from core.protection.facts import PlanFacts, gather_facts
from core.protection.locks import operation, record_lock
from core.protection.plan import PHASES, phase_text
from core.protection.plan_lock import plan_lock
from core.protection.script import Step, parse
from core.protection.state_machine import check_transition
from core.store import PairRecord, PairStore, pair_file_name, pair_key


def open_pair(
    ctx: Context,
    store: PairStore,
    pair: Pair,
    progress: Progress | None = None,
    token_factory: TokenFactory = new_token,
) -> PairEnv:
    """The saved configuration, record and facts of a protected pair."""
    _, source, target = pair.parts
    cfg = store.load_config(pair)
    if cfg is None:
        raise StateError(
            f"{source.upper()} -> {target.upper()} has no saved configuration; "
            "configure and enable protection first."
        )
    rec = store.record(pair)
    if not rec.facts:
        raise StateError(
            f"Protection of {source.upper()} -> {target.upper()} is not enabled "
            f"(state {rec.state})."
        )
    facts = PlanFacts.from_dict(rec.facts)
    return PairEnv(ctx, store, cfg, rec, facts, token_factory, progress)


@contextmanager
def session(
    ctx: Context,
    store: PairStore,
    pair: Pair,
    operation_name: str,
    progress: Progress | None = None,
    token_factory: TokenFactory = new_token,
    actor: str = "appmgr",
) -> Iterator[PairEnv]:
    """Hold the pair's operation lock (this process) and plan lock (every process:
    ``actor`` names who holds it), open the pair, close its engine clients at the end."""
    with operation(pair_key(pair), operation_name), \
            plan_lock(ctx.paths, pair, operation_name.lower(), actor,
                      ctx.clock.now()):
        env = open_pair(ctx, store, pair, progress, token_factory)
        try:
            yield env
        finally:
            env.close()


def save_record(ctx: Context, store: PairStore, rec: PairRecord) -> None:
    """Stamp and persist a record under the pair's record lock."""
    rec.updated = ctx.clock.now()
    with record_lock(rec.key):
        store.save_record(rec)


def transition(env: PairEnv, new: PairState) -> None:
    """Move the pair to ``new`` (StateError when illegal) and persist it."""
    check_transition(env.rec.pair_state, new)
    env.rec.state = new.value
    env.save()


def begin(env: PairEnv, operation: str) -> None:
    """Start ``operation``, or keep its progress when resuming the same one."""
    if env.rec.phase != operation:
        env.rec.phase = operation
        env.rec.steps_done = []
    env.rec.last_error = ""
    env.save()


def finish(env: PairEnv) -> None:
    env.rec.phase = ""
    env.rec.steps_done = []
    env.rec.last_error = ""
    env.save()


def scripts_dir(ctx: Context, pair: Pair) -> Path:
    """Where Enable Protection writes the pair's scripts (one file per phase)."""
    return ctx.paths.state / "scripts" / pair_file_name(pair).removesuffix(".json")


def write_scripts(env: PairEnv) -> list[Path]:
    """Write the four phases as the scripts that will run (F-8.1 "write the scripts")."""
    folder = scripts_dir(env.ctx, env.cfg.pair)
    out = []
    for phase in PHASES:
        path = folder / f"{phase}.script"
        write_text(path, phase_text(env.cfg, env.facts, phase), mode=0o600)
        out.append(path)
    return out


def remove_scripts(ctx: Context, pair: Pair) -> None:
    folder = scripts_dir(ctx, pair)
    if folder.exists():
        for p in folder.glob("*.script"):
            p.unlink(missing_ok=True)
        folder.rmdir()


def plan_text(ctx: Context, store: PairStore, cfg: ProtectionConfig, phase: str) -> str:
    """The script of ``phase`` to show or edit: the one written at Enable
    Protection if the pair is protected with this configuration, else
    generated now (inventories both servers through host control)."""
    path = scripts_dir(ctx, cfg.pair) / f"{phase}.script"
    saved = store.load_config(cfg.pair)
    if path.exists() and saved == cfg:
        return path.read_text("utf-8")
    rec = store.record(cfg.pair)
    facts = PlanFacts.from_dict(rec.facts) if rec.facts and saved == cfg else gather_facts(ctx, cfg)[0]
    return phase_text(cfg, facts, phase)


def load_phase(env: PairEnv, phase: str) -> list[Step]:
    """The steps that run for ``phase``: the written script, else the configuration's.

    With "create scripts" off (advanced) and no script written, a phase has
    no steps: the user took the scripts into their own hands.
    """
    path = scripts_dir(env.ctx, env.cfg.pair) / f"{phase}.script"
    if path.exists():
        return parse(path.read_text("utf-8"))
    if not env.cfg.advanced.create_scripts:
        return []
    return parse(phase_text(env.cfg, env.facts, phase))


def source_answers(env: PairEnv) -> bool:
    """Whether the source's engine answers (Unreachable → False; any other answer → True)."""
    try:
        env.engine("source").info()
    except Unreachable:
        return False
    except AppmgrError:
        return True  # it answered, if only to refuse
    return True
