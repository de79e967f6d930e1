"""What each file of a snapshot looked like when it was taken, to know it is still that.

A hard-link snapshot shares its files' inodes with the live data. The engine never
writes such a file in place (it breaks the link first), but an application serving
the target after a failover does: its in-place writes land in the snapshot too, and
the snapshot is no longer the data of the time it names. Each snapshot therefore
keeps ``manifest.json``: every file's size and modification time (ns) as taken.
Before the data is rolled back to a snapshot, :func:`changed` compares them, and a
snapshot that moved is refused rather than served as a point in time it is not.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from core import atomic
from core.engine.volumes import join_win

FORMAT = 1
NAME = "manifest.json"


def record(snapshot_dir: Path) -> None:
    """Write the manifest of ``snapshot_dir``'s ``tree`` (call before it is published)."""
    tree = snapshot_dir / "tree"
    files: dict[str, list[int]] = {}
    for dirpath, _dirs, names in os.walk(tree):
        for n in names:
            st = os.stat(os.path.join(dirpath, n))
            files[os.path.relpath(os.path.join(dirpath, n), tree)] = [st.st_size, st.st_mtime_ns]
    atomic.write_json(snapshot_dir / NAME, {"format": FORMAT, "files": files})


def changed(snapshot_dir: Path) -> list[str] | None:
    """The files of the snapshot that differ from its manifest (changed, gone or added),
    sorted; None when the snapshot has no manifest (taken before manifests were kept)."""
    doc = atomic.read_json(snapshot_dir / NAME, default=None)
    if not isinstance(doc, dict) or int(doc.get("format", 0)) > FORMAT:
        return None
    want: dict[str, list[int]] = doc.get("files", {})
    tree = snapshot_dir / "tree"
    out: list[str] = []
    seen: set[str] = set()
    for dirpath, _dirs, names in os.walk(tree):
        for n in names:
            rel = os.path.relpath(os.path.join(dirpath, n), tree)
            seen.add(rel)
            st = os.stat(os.path.join(dirpath, n))
            if want.get(rel) != [st.st_size, st.st_mtime_ns]:
                out.append(rel)
    out += [rel for rel in want if rel not in seen]
    return sorted(out)


def win_path(rel: str) -> str:
    """A manifest's path (``E/Shares/x``, under the snapshot's tree) as Windows writes it."""
    parts = Path(rel).parts
    return join_win(parts[0], list(parts[1:]))


def changed_text(sid: str, moved: Sequence[str]) -> str:
    """Why rolling back to snapshot ``sid`` is refused, naming up to three of its files
    (``moved``: manifest paths or Windows paths)."""
    shown = [m if ":" in m else win_path(m) for m in moved[:3]]
    more = f" and {len(moved) - 3} more" if len(moved) > 3 else ""
    return (f"snapshot {sid} is no longer the data it was taken with: {len(moved)} of its "
            f"files were written in place since ({', '.join(shown)}{more}), by an "
            "application serving this server after a failover. Choose another snapshot, "
            "or the latest data.")
