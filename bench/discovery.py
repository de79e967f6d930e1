"""Discovery of SQL servers among 20,000 computers: appmgr vs ``ldapsearch -E pr=1000/noprompt``.

Both are whole processes against the same Samba AD DC (seeded offline with 20,000
computers, 2,000 of them with ``MSSQLSvc/`` SPNs; the seeded directory is cached in
``APPMGR_BENCH_CACHE``), over LDAPS with the DC's certificate checked, simple bind,
the same filter and pages of 1,000. The anchor asks for every attribute (ldapsearch's
default); a second anchor asks for the attributes appmgr reads. Target: ratio <= 1.0.
"""

from __future__ import annotations

import os
import sys

from bench.common import (
    ADMIN_PASS,
    ADMIN_UPN,
    DC_NAME,
    PY,
    Lab,
    compare,
    run_benchmark,
    time_process,
)

COUNT = int(os.environ.get("APPMGR_BENCH_COMPUTERS", "20000"))
TARGET = 1.0


def _expected() -> tuple[int, int]:
    """(SQL hosts appmgr's adapter returns, objects carrying MSSQLSvc SPNs ldapsearch returns):
    a service account's SPNs name a host, so the two counts differ."""
    from tests.peers.servers import seed

    return len(seed.sql_hosts(COUNT)), seed.sql_holders(COUNT)


def measure(lab: Lab) -> dict[str, object]:
    from core.directory.ldap_directory import SQL_FILTER
    from core.directory.sql_spns import HOLDER_ATTRIBUTES

    want, objects = _expected()
    pw = lab.lab / "pw"
    pw.write_text(ADMIN_PASS)
    pw.chmod(0o600)
    env = {**os.environ, "APPMGR_BENCH_USER": ADMIN_UPN, "APPMGR_BENCH_PASS": ADMIN_PASS,
           "LDAPTLS_CACERT": lab.ca}

    def count_ours(out: str) -> None:
        assert int(out.strip()) == want, f"appmgr found {out.strip()}, expected {want}"

    def count_ldif(out: str) -> None:
        n = sum(1 for ln in out.splitlines() if ln.startswith("dn: "))
        assert n == objects, f"ldapsearch found {n}, expected {objects}"

    ours = [PY, "-m", "bench._discover_once", DC_NAME, lab.ca, "1000"]
    base = ["ldapsearch", "-LLL", "-x", "-H", f"ldaps://{DC_NAME}", "-D", ADMIN_UPN,
            "-y", str(pw), "-b", "DC=lab,DC=example,DC=com", "-E", "pr=1000/noprompt", SQL_FILTER]
    all_attrs = compare(lambda: time_process(ours, env, count_ours),
                        lambda: time_process(base, env, count_ldif))
    same_attrs = compare(lambda: time_process(ours, env, count_ours),
                         lambda: time_process([*base, *HOLDER_ATTRIBUTES], env, count_ldif))
    return {"computers": COUNT, "found": want,
            "vs_ldapsearch": {**all_attrs, "anchor": "ldapsearch -E pr=1000/noprompt",
                              "target": TARGET},
            "vs_ldapsearch_same_attributes": {**same_attrs, "target": TARGET,
                                              "anchor": "ldapsearch -E pr=1000/noprompt ATTRS"}}


def main(argv: list[str] | None = None) -> int:
    return run_benchmark("discovery", argv, lambda lab: lab.start_samba(COUNT), measure)


if __name__ == "__main__":
    sys.exit(main())
