"""One SQL Server discovery by appmgr's directory adapter, as a whole process.

The "appmgr" side of bench/discovery.py: start, connect (LDAPS, certificate checked,
simple bind), paged search for the ``MSSQLSvc/`` SPNs, print how many, exit.
``python -m bench._discover_once HOST CA_FILE PAGE_SIZE`` (password in APPMGR_BENCH_PASS).
"""

from __future__ import annotations

import os
import sys


def run(argv: list[str]) -> int:
    from core.directory.connect import open_directory
    from core.ports import Credential

    host, ca, page = argv[0], argv[1], int(argv[2])
    cred = Credential(os.environ["APPMGR_BENCH_USER"], os.environ["APPMGR_BENCH_PASS"])
    d = open_directory(host, cred, use_ssl=True, ca_file=ca, page_size=page, locate=False,
                       timeout=60)
    try:
        print(len(d.sql_servers()))
    finally:
        d.close()
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
