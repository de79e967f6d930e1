"""Checks against the other protected pairs (SPEC F-5.5, F-1.1 topologies)."""

from __future__ import annotations

from core.apps.support import rows
from core.model.state import PairState
from core.store import PairRecord
from core.validation.base import Outcome, check, error, passed
from core.validation.checks.common import verdict
from core.validation.context import ValidationContext

#: states in which a pair holds its servers (a replication set, connection or monitor exists)
_IDLE = {PairState.UNPROTECTED.value, PairState.VALIDATED.value}


def _others(v: ValidationContext, records: list[PairRecord]) -> list[PairRecord]:
    cfg = v.config
    return [r for r in records if r.state not in _IDLE
            and (r.app, r.source.upper(), r.target.upper()) != (cfg.app, v.source.name,
                                                                 v.target.name)]


def _pair(r: PairRecord) -> str:
    return f"{r.source} → {r.target} ({r.app}, {r.state})"


@check("pairs.target_not_source", "Target is not already a source", "configuration")
def target_not_source(v: ValidationContext) -> Outcome:
    busy = _others(v, v.store.pairs_with_source(v.target.name))
    problems = [f"{v.target.name} is already the source of the protected pair {_pair(r)}"
                for r in busy]
    return verdict(problems, f"{v.target.name} is not the source of another pair")


@check("pairs.source_not_target", "Source is not already a target", "configuration")
def source_not_target(v: ValidationContext) -> Outcome:
    busy = _others(v, v.store.pairs_with_target(v.source.name))
    problems = [f"{v.source.name} is already the target of the protected pair {_pair(r)}"
                for r in busy]
    return verdict(problems, f"{v.source.name} is not the target of another pair")


@check("app.topology", "Topology supported (one to one)", "application")
def topology(v: ValidationContext) -> Outcome:
    matrix = rows(v.app.id)
    many_to_one = any(r.many_to_one for r in matrix)
    one_to_many = any(r.one_to_many for r in matrix)
    problems = []
    if not one_to_many:
        problems += [f"{v.source.name} is already protected by {_pair(r)}: {v.app.title} "
                     "protection is one to one"
                     for r in _others(v, v.store.pairs_with_source(v.source.name))]
    if not many_to_one:
        problems += [f"{v.target.name} already protects {_pair(r)}: {v.app.title} protection "
                     "is one to one"
                     for r in _others(v, v.store.pairs_with_target(v.target.name))]
    return verdict(problems, "one source to one target")


@check("app.protectable", "Application can be protected", "application")
def protectable(v: ValidationContext) -> Outcome:
    if not v.app.protectable:
        return error(v.app.not_protectable_reason)
    return passed(f"{v.app.title} protection is available")
