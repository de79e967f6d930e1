"""Protection configuration logic: defaults, ``key=value`` edits, cross-field checks."""

from core.config.check import ConfigProblems, config_problems, failure_after_text
from core.config.defaults import default_config, non_machine_choices
from core.config.edit import (
    apply_assignments,
    config_keys,
    field_help,
    get_text,
    settable_keys,
)
from core.config.reuse import can_reuse, reuse_problem

__all__ = [
    "ConfigProblems",
    "apply_assignments",
    "can_reuse",
    "config_keys",
    "config_problems",
    "default_config",
    "failure_after_text",
    "field_help",
    "get_text",
    "non_machine_choices",
    "reuse_problem",
    "settable_keys",
]
