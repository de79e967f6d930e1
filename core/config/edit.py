"""Edit a ProtectionConfig with ``section.key=value`` assignments (SPEC F-6, F-15).

All or nothing: assignments are applied to a copy, and the first bad one
raises :class:`InvalidInput` naming its key, leaving the caller's config as
it was (nothing saved half-way, SPEC F-4). Fields of another application
are refused, and so are the advanced ones outside the advanced context.
"""

from __future__ import annotations

import copy
import difflib
from typing import Any

from core.apps.registry import get_app
from core.config.fields import FIELDS, PLAN_EDIT_PREFIX, FieldSpec, applies
from core.config.text_parsers import VALUE_MAX, plain_text
from core.errors import InvalidInput
from core.model.config import ProtectionConfig

#: one failover plan phase as the user wrote it
PLAN_EDIT_MAX = 16_384


def settable_keys() -> list[str]:
    """Every key ``apply_assignments`` accepts (plan phases as ``advanced.plan_edits.PHASE``)."""
    return [*FIELDS, f"{PLAN_EDIT_PREFIX}<phase>"]


def field_spec(key: str) -> FieldSpec:
    """The spec of ``key``; InvalidInput listing close matches when unknown."""
    spec = FIELDS.get(key.strip().lower())
    if spec is None:
        raise InvalidInput(key, _unknown(key))
    return spec


def field_help(key: str) -> str:
    """The one-line help text of a field (shown when it has focus, SPEC F-3)."""
    if key.startswith(PLAN_EDIT_PREFIX):
        return "Your text of this failover plan phase (empty: use the generated one)"
    return field_spec(key).help


def get_text(cfg: ProtectionConfig, key: str) -> str:
    """The current value of ``key`` written in the syntax ``apply_assignments`` reads."""
    if key.startswith(PLAN_EDIT_PREFIX):
        return cfg.advanced.plan_edits.get(key[len(PLAN_EDIT_PREFIX):], "")
    spec = field_spec(key)
    return spec.fmt(_get(cfg, spec.key))


def config_keys(cfg: ProtectionConfig) -> list[str]:
    """The keys that belong to ``cfg``'s application, in table order."""
    return [k for k, s in FIELDS.items() if applies(s, cfg.app)]


def as_assignments(cfg: ProtectionConfig, *, machine: bool = True) -> list[str]:
    """The whole config as ``key=value`` lines (``machine=False``: only the portable ones)."""
    return [f"{k}={get_text(cfg, k)}" for k in config_keys(cfg)
            if machine or not FIELDS[k].machine]


def apply_assignments(cfg: ProtectionConfig, assignments: list[str], *,
                      advanced: bool = True) -> ProtectionConfig:
    """A NEW config with every ``section.key=value`` applied in order.

    Raises InvalidInput(key, message) on the first bad assignment; ``cfg`` is
    never modified. ``advanced=False`` refuses the advanced-only fields.
    """
    new = copy.deepcopy(cfg)
    for item in assignments:
        key, sep, text = str(item).partition("=")
        key = key.strip().lower()
        if not sep or not key:
            raise InvalidInput(str(item) or "--set", "write section.key=value, "
                               "for example monitoring.interval=5")
        set_value(new, key, text, advanced=advanced)
    return new


def set_value(cfg: ProtectionConfig, key: str, text: str, *, advanced: bool = True) -> None:
    """Parse ``text`` for ``key`` and store it in ``cfg`` (in place). InvalidInput on bad input."""
    if len(text) > VALUE_MAX:  # before any parser walks it
        raise InvalidInput(key, f"the value is too long ({len(text)} characters): at most "
                                f"{VALUE_MAX}")
    if key.startswith(PLAN_EDIT_PREFIX):
        _set_plan_edit(cfg, key, text)
        return
    spec = field_spec(key)
    app = get_app(cfg.app)
    if not applies(spec, app.id):
        owners = " and ".join(get_app(a).title for a in spec.apps)
        raise InvalidInput(spec.key, f"only for {owners} pairs, not {app.title}")
    if spec.advanced and not advanced:
        raise InvalidInput(spec.key, "an advanced option: start appmgr with --advanced "
                                     "to change it")
    before = _get(cfg, spec.key)
    _set(cfg, spec.key, spec.parse(text, spec.key, cfg))
    if spec.key == "failover.dns.ttl":
        # typing a TTL means "set it on failover" (the form's checkbox follows)
        cfg.failover.dns.update_ttl = True
    elif spec.key == "connection.sql_mode" and before != cfg.connection.sql_mode:
        from core.apps.sqlcommon import mode_services

        mode_services(cfg)  # the target's SQL services stop only in instance mode
        app.complete_selection(cfg, None)
    elif spec.key == "connection.databases":
        app.complete_selection(cfg, None)  # instance mode brings the system databases


def _set_plan_edit(cfg: ProtectionConfig, key: str, text: str) -> None:
    phase = key[len(PLAN_EDIT_PREFIX):]
    phases = get_app(cfg.app).plan_phases
    if phase not in phases:
        raise InvalidInput(key, f"unknown plan phase {phase!r}; phases are {', '.join(phases)}")
    if text.strip():
        cfg.advanced.plan_edits[phase] = plain_text(text, key, PLAN_EDIT_MAX, lines=True)
    else:
        cfg.advanced.plan_edits.pop(phase, None)


def _get(obj: Any, key: str) -> Any:
    for part in key.split("."):
        obj = getattr(obj, part)
    return obj


def _set(obj: Any, key: str, value: Any) -> None:
    *path, last = key.split(".")
    for part in path:
        obj = getattr(obj, part)
    setattr(obj, last, value)


def _unknown(key: str) -> str:
    close = difflib.get_close_matches(key.strip().lower(), list(FIELDS), n=3, cutoff=0.6)
    if not close:
        # a bare field name ("interval") still finds its full key
        tail = key.strip().lower().rsplit(".", 1)[-1]
        close = [k for k in FIELDS if k.rsplit(".", 1)[-1] == tail][:3]
    if close:
        return f"unknown setting; did you mean {', '.join(close)}?"
    sections = sorted({k.split(".")[0] for k in FIELDS})
    return f"unknown setting; settings start with one of {', '.join(sections)}"
