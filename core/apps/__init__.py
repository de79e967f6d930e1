"""Application modules (SPEC F-1): one ``Application`` per protectable application."""

from core.apps.base import (
    ALL_PHASES,
    AppDefaults,
    Application,
    PlanParts,
    StepSpec,
    TreeItem,
    apply_selection,
    effective_rules,
    spec,
)
from core.apps.registry import applications, get_app, protectable_app

__all__ = [
    "ALL_PHASES",
    "AppDefaults",
    "Application",
    "PlanParts",
    "StepSpec",
    "TreeItem",
    "applications",
    "apply_selection",
    "effective_rules",
    "get_app",
    "protectable_app",
    "spec",
]
