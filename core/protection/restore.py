"""Restore (SPEC F-9.3, second half): the source gets the target's data back,
then protection is re-established.

Restoring → restore-mirror (the target creates a temporary restore set with
the same rules and mirrors it to the source by checksum, deleting files the
target no longer has, without continuous replication; bounded wait for the
mirror to complete; the restore set is deleted) → post-restore (on the
source) → post-failback (connection source → target again with a checksum
mirror, then the failover monitor) → Mirroring, and Protected once that
mirror completes (waited for briefly; otherwise status moves it later).
"""

from __future__ import annotations

from core.context import Context
from core.errors import AppmgrError
from core.model.pair import Pair
from core.model.state import PairState
from core.protection.env import PairEnv, Progress, TokenFactory, new_token
from core.protection.errors import MirrorTimeout
from core.protection.pair import begin, finish, load_phase, open_pair, session, transition
from core.protection.quarantine import RestoreDiff, restore_diff
from core.protection.runner import StepResult, log_line, run_steps
from core.protection.script import Step
from core.protection.state_machine import require
from core.protection.steps import wait_mirror
from core.store import PairStore

S = PairState


def restore(
    ctx: Context,
    store: PairStore,
    pair: Pair,
    progress: Progress | None = None,
    *,
    token_factory: TokenFactory = new_token,
    timeout: float = 3600.0,
    wait_protected: float = 60.0,
    discard: bool = False,
) -> list[StepResult]:
    """Restore the source from the target and re-protect; returns the step results.

    ``timeout`` bounds the restore mirror, ``wait_protected`` the wait for
    the new mirror (not an error when it runs longer). A failed step raises
    StepsFailed (the pair stays Restoring; calling restore again resumes).
    Source files that differ from the target are kept in a quarantine folder
    on their volume unless ``discard`` (see :mod:`core.protection.quarantine`).
    """
    with session(ctx, store, pair, "Restore", progress, token_factory) as env:
        env.restore_timeout = timeout
        env.restore_discard = discard
        require(env.rec.pair_state, "restore")
        phases = [
            ("restore", [Step("restore-mirror", (env.facts.set_name,))]),
            ("post-restore", load_phase(env, "post-restore")),
            ("post-failback", load_phase(env, "post-failback")),
        ]
        begin(env, "restore")
        log_line(env, "starting restore")
        results: list[StepResult] = []
        for i, (phase, steps) in enumerate(phases):
            later = [f"{p}: {s.text()}" for p, ss in phases[i + 1 :] for s in ss]
            results += run_steps(env, "restore", phase, steps, later)
        transition(env, S.MIRRORING)
        finish(env)
        _settle(env, wait_protected)
        return results


def restore_preview(ctx: Context, store: PairStore, pair: Pair,
                    *, timeout: float = 3600.0) -> RestoreDiff:
    """What a restore of the pair would overwrite or delete on the source, now
    (for the confirmation; the restore computes it again right before it copies)."""
    env = open_pair(ctx, store, pair)
    try:
        env.restore_timeout = timeout
        return restore_diff(env)
    finally:
        env.close()


def _settle(env: PairEnv, wait: float) -> None:
    """Wait (bounded) for the re-established mirror, then call the pair Protected."""
    try:
        said = wait_mirror(env, "source", env.facts.set_name, wait, "mirror")
    except MirrorTimeout:
        log_line(env, "restore complete: protection re-established, the mirror is still running")
        return
    except AppmgrError as exc:  # the restore is done; status shows the rest
        log_line(env, f"restore complete; the new mirror cannot be read yet: {exc}")
        return
    transition(env, S.PROTECTED)
    log_line(env, f"restore complete: {said}; the pair is protected again")
