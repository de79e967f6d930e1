"""The whole table of script verbs: ``STEPS`` (verb → implementation).

The verbs are written in four modules, each filling its own table with its
``@step`` decorator: the core verbs (:mod:`core.protection.steps`), the
application verbs (:mod:`core.protection.steps_apps`), Exchange's
(:mod:`core.protection.steps_exchange`) and the graceful failover's drain
(:mod:`core.protection.drain`). They are merged here, by explicit
import, so that no module has to import another at its bottom to complete a
registry, and a verb defined twice is an error at import time.
"""

from __future__ import annotations

from core.protection.drain import DRAIN_STEPS
from core.protection.steps import CORE_STEPS, StepFn
from core.protection.steps_apps import APP_STEPS
from core.protection.steps_exchange import EXCHANGE_STEPS


def merge(*tables: dict[str, StepFn]) -> dict[str, StepFn]:
    """One table of all ``tables``; ValueError names a verb two of them define."""
    out: dict[str, StepFn] = {}
    for table in tables:
        twice = sorted(set(out) & set(table))
        if twice:
            raise ValueError(f"step verbs defined twice: {', '.join(twice)}")
        out.update(table)
    return out


STEPS: dict[str, StepFn] = merge(CORE_STEPS, APP_STEPS, EXCHANGE_STEPS, DRAIN_STEPS)
