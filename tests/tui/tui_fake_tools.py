"""The fake façade's ``tools`` service: Verify Target Data, Delegate Rights, Restore PF Tree.

``verify_bad`` names the databases whose copy fails the check; ``verify_steps`` are
the progress lines the check reports on its way."""

from __future__ import annotations

from typing import Any

from core.directory.exchange_tools import PfTreeRestored, RightsGranted
from core.errors import InvalidInput
from core.model.pair import Pair
from core.model.verify import VerifiedItem, VerifyReport

DATABASES = (("MSSQLSERVER", "Sales"), ("MSSQLSERVER", "HR"))
GROUP_DN = ("CN=Exchange Organization Administrators,OU=Microsoft Exchange Security Groups,"
            "DC=lab,DC=example,DC=com")


class FakeToolsMixin:
    verify_bad: frozenset[str] = frozenset()
    delegated: set[str]
    _rec: Any

    def verify_target_data(self, pair: Pair, snapshot: str | None = None,
                           progress: Any = None) -> VerifyReport:
        app, source, target = pair.parts
        self._rec("verify_target_data", source, target, snapshot)
        if progress is not None:
            progress(f"{target} takes a snapshot of {source}_{target}")
        items = []
        for inst, name in DATABASES:
            bad = name in self.verify_bad
            if progress is not None:
                progress(f"checking {name} on {target}")
            errors = (f"E:\\SQLData\\{inst}\\{name}.mdf: page 3: checksum 0x1 stored, "
                      "0x2 computed",) if bad else ()
            items.append(VerifiedItem("database", name, inst, not bad, errors, 8,
                                      f"{name}_appmgr_verify"))
        return VerifyReport(source, target, app, "20231114T220000Z", False, tuple(items))

    def delegate_rights(self, account: str) -> RightsGranted:
        self._rec("delegate_rights", account)
        if "nosuch" in account:
            raise InvalidInput("account", f"the directory has no account {account}")
        if not hasattr(self, "delegated"):
            self.delegated = set()
        added = account.lower() not in self.delegated
        self.delegated.add(account.lower())
        return RightsGranted(account, f"CN={account},CN=Users,DC=lab,DC=example,DC=com",
                             "Exchange Organization Administrators", GROUP_DN, added)

    def restore_pf_tree(self, source: str) -> list[PfTreeRestored]:
        self._rec("restore_pf_tree", source)
        return [PfTreeRestored(source, "EXCH02", "CN=Public Folders,CN=Folder Hierarchies",
                               ("CN=Public Folder Database",), ())]
