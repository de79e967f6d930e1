"""Where the front end of each SharePoint back end was last found.

A SharePoint pair is a pair of back-end SQL servers; the farm's version and
its servers are read on a front end. The console learns the front end from
Get Config or, headless, by asking every server of the domain (one WinRM
operation each — most of a health check's cost). The answer is remembered
here (``<state>/sharepoint_front_ends.json``: back end -> front end), so a
later health check asks that one front end again and scans only when it no
longer serves the back end. It is a hint, never trusted without asking.
"""

from __future__ import annotations

import json
import threading

from core.atomic import read_json, write_json
from core.paths import AppPaths

FILE = "sharepoint_front_ends.json"
_LOCK = threading.Lock()


def _load(paths: AppPaths) -> dict[str, str]:
    try:
        doc = read_json(paths.state / FILE, {})
    except (OSError, json.JSONDecodeError):
        return {}  # a damaged hint costs one scan, nothing more
    if not isinstance(doc, dict):
        return {}
    return {str(k).upper(): str(v).upper() for k, v in doc.items() if isinstance(v, str)}


def remembered_front_ends(paths: AppPaths) -> dict[str, str]:
    """Every known front end by its back end (upper-case names)."""
    return _load(paths)


def remembered_front_end(paths: AppPaths, back_end: str) -> str | None:
    """The front end last found using ``back_end`` (None when none is known)."""
    return _load(paths).get(back_end.upper())


def remember_front_ends(paths: AppPaths, found: dict[str, str]) -> None:
    """Record front ends by back end (merged with what is known; an unchanged file is not
    rewritten)."""
    if not found:
        return
    with _LOCK:
        known = _load(paths)
        merged = {**known, **{b.upper(): f.upper() for b, f in found.items()}}
        if merged != known:
            write_json(paths.state / FILE, merged, mode=0o600)


def forget_front_end(paths: AppPaths, back_end: str) -> None:
    """Drop what is known of ``back_end`` (its front end serves another back end now)."""
    with _LOCK:
        known = _load(paths)
        if known.pop(back_end.upper(), None) is not None:
            write_json(paths.state / FILE, known, mode=0o600)
