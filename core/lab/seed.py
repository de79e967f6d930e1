"""First-run preparation of a lab's directories: volumes, seed files, accounts."""

from __future__ import annotations

import hashlib
from pathlib import Path

from core.atomic import write_json
from core.lab.estate import Estate, LabServer, volume_dir, windows_to_local


def prepare(estate: Estate, lab_root: Path) -> None:
    """Create every server's volume directories and share paths, and seed files once.

    Seed files are written only when absent so a restarted lab keeps the
    data that replication, failover or the user put there.
    """
    for s in estate.servers:
        for letter in s.volumes:
            volume_dir(lab_root, s.name, letter).mkdir(parents=True, exist_ok=True)
        for share in s.shares:
            if share.path[:1].upper() in s.volumes:
                windows_to_local(lab_root, s.name, share.path).mkdir(parents=True, exist_ok=True)
        for win_path, text in s.files.items():
            local = windows_to_local(lab_root, s.name, win_path)
            if not local.exists():
                local.parent.mkdir(parents=True, exist_ok=True)
                local.write_text(text, "utf-8")
    write_admins(estate, lab_root / "admins.json")


def write_admins(estate: Estate, path: Path) -> None:
    """The engine's admin group: the lab administrator, by password hash."""
    digest = hashlib.sha256(estate.admin_password.encode()).hexdigest()
    write_json(path, {"users": {estate.admin_user: digest}}, mode=0o600)


def engine_volume_args(lab_root: Path, s: LabServer) -> list[str]:
    args: list[str] = []
    for letter in s.volumes:
        args += ["--volume", f"{letter}={volume_dir(lab_root, s.name, letter)}"]
    return args
