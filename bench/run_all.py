"""Run every benchmark of bench/: each module that has a ``main()`` (``python -m bench.run_all``).

Modules are found, not listed: a new ``bench/<name>.py`` with ``main(argv=None) -> int``
joins the run. Names starting with ``_`` (helpers run as subprocesses) and ``common``
are skipped. ``python -m bench.run_all dfo discovery`` runs only those.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

SKIP = {"common", "run_all"}


def benchmarks() -> list[str]:
    """The module names of bench/ that expose ``main``, sorted."""
    here = Path(__file__).parent
    names = []
    for info in pkgutil.iter_modules([str(here)]):
        if info.name.startswith("_") or info.name in SKIP or info.ispkg:
            continue
        names.append(info.name)
    return sorted(names)


def main(argv: list[str] | None = None) -> int:
    wanted = list(sys.argv[1:] if argv is None else argv)
    failed = []
    for name in benchmarks():
        if wanted and name not in wanted:
            continue
        module = importlib.import_module(f"bench.{name}")
        run = getattr(module, "main", None)
        if not callable(run):
            continue
        print(f"== bench.{name}", flush=True)
        t0 = time.perf_counter()
        try:
            rc = run([])
        except Exception as exc:  # one broken benchmark must not hide the others' numbers
            print(f"bench.{name}: FAILED: {type(exc).__name__}: {exc}", flush=True)
            rc = 1
        print(f"== bench.{name}: exit {rc} in {time.perf_counter() - t0:.0f} s", flush=True)
        if rc:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
