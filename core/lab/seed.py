"""First-run preparation of a lab's directories: volumes, seed files, application files, accounts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from core.lab import certs, db_pages
from core.lab.estate import Estate, LabServer, volume_dir, windows_to_local

#: Size of every application file the lab creates that is no database or store file:
#: small, but real bytes to mirror (those are db_pages.PAGES pages of 8 KiB).
APP_FILE_BYTES = 8192


def prepare(estate: Estate, lab_root: Path) -> None:
    """Create every server's volume directories, share paths and application files, and
    seed files once.

    Files are written only when absent so a restarted lab keeps the data that
    replication, failover or the user put there.
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
        dirs, files = app_paths(s)
        for win_path in dirs:
            for local in _places(estate, lab_root, s, win_path):
                local.mkdir(parents=True, exist_ok=True)
        for win_path in files:
            for local in _places(estate, lab_root, s, win_path):
                if not local.exists():
                    local.parent.mkdir(parents=True, exist_ok=True)
                    local.write_bytes(_app_file(s.name, win_path))
    certs.provision(estate, lab_root)


def app_paths(s: LabServer) -> tuple[list[str], list[str]]:
    """(directories, files) the server's applications keep on its disks (Windows paths)."""
    dirs: list[str] = []
    files: list[str] = []
    ex = s.apps.exchange
    if ex is not None:
        dirs += [p for p in (ex.program_path, ex.mta_path, ex.queue_path) if p]
        for g in ex.storage_groups:
            dirs += [g.log_path, g.system_path]
            files += [f"{g.log_path}\\{g.log_prefix}.chk", f"{g.log_path}\\{g.log_prefix}.log"]
            files += [p for st in g.stores for p in (st.edb_path, st.stm_path) if p]
    for inst in s.apps.sql:
        dirs.append(inst.program_path)
        files += [f.path for db in inst.databases for f in db.files]
    return dirs, files


def _places(estate: Estate, lab_root: Path, s: LabServer, win_path: str) -> Iterator[Path]:
    """Where a path of ``s`` lives: on its own volume, or (a virtual server's program
    files on C:) on every node of its cluster. Paths on drives it lacks are skipped."""
    letter = win_path[:1].upper()
    if letter in s.volumes:
        yield windows_to_local(lab_root, s.name, win_path)
        return
    cluster = estate.cluster_of(s) if s.virtual else None
    for node in cluster.nodes if cluster else ():
        if letter in estate.server(node).volumes:
            yield windows_to_local(lab_root, node, win_path)


def _app_file(server: str, win_path: str) -> bytes:
    """A database or store file is a run of checksummed pages (core.lab.db_pages) that
    Verify Target Data reads back; anything else one block naming itself."""
    if win_path.lower().endswith(db_pages.PAGED):
        return db_pages.make_file(f"{win_path} of {server}")
    head = f"appmgr lab file {win_path} of {server}\r\n".encode()
    return head[:APP_FILE_BYTES].ljust(APP_FILE_BYTES, b"\0")


def engine_volume_args(lab_root: Path, s: LabServer) -> list[str]:
    args: list[str] = []
    for letter in s.volumes:
        args += ["--volume", f"{letter}={volume_dir(lab_root, s.name, letter)}"]
    return args
