"""Where appmgr keeps configuration, state, logs and the lab.

``APPMGR_HOME`` relocates all of them under one directory (tests and scripts
use it so nothing touches the user's real directories); otherwise the
platform's per-user directories are used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AppPaths:
    config: Path
    state: Path
    logs: Path
    lab: Path

    def ensure(self) -> AppPaths:
        for p in (self.config, self.state, self.logs, self.lab):
            p.mkdir(parents=True, exist_ok=True)
        return self


def app_paths() -> AppPaths:
    """Return the directories for this process (honouring ``APPMGR_HOME``)."""
    home = os.environ.get("APPMGR_HOME")
    if home:
        root = Path(home).expanduser().resolve()
        return AppPaths(root / "config", root / "state", root / "logs", root / "lab")
    import platformdirs

    return AppPaths(
        Path(platformdirs.user_config_dir("appmgr")),
        Path(platformdirs.user_state_dir("appmgr")),
        Path(platformdirs.user_log_dir("appmgr")),
        Path(platformdirs.user_state_dir("appmgr")) / "lab",
    )
