"""The Exchange tools of SPEC F-11 as directory changes over the Directory port:
Delegate Rights and Restore Public Folder Tree (no ldap3 here: the adapter does LDAP).

- **Delegate Rights** makes an account an Exchange administrator of the whole
  organization: a member of the group Exchange setup created for it in the domain
  (Exchange 2010 and later: Organization Management; 2007: Exchange Organization
  Administrators). An Exchange 2003 organization has no such group (its rights are
  permissions delegated in Exchange System Manager) and is refused with that sentence.
- **Restore Public Folder Tree** sets the public folder tree the target's public
  stores belong to (``msExchOwningPFTree``) back to the source's, which Enable
  Protection clears on the target so that mail is not queued to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.credentials.usernames import parse_user
from core.errors import InvalidInput, NotFound, StateError
from core.ports import Directory

#: the organization administrators' groups, newest Exchange first
ADMIN_GROUPS = ("Organization Management", "Exchange Organization Administrators")
PF_TREE = "msExchOwningPFTree"


@dataclass(frozen=True)
class RightsGranted:
    account: str  # as typed
    account_dn: str
    group: str
    group_dn: str
    added: bool  # False: it was a member already


@dataclass(frozen=True)
class PfTreeRestored:
    source: str
    target: str
    tree_dn: str
    changed: tuple[str, ...]  # the target's public stores set back to the tree
    already: tuple[str, ...]  # those that belonged to it already


def delegate_rights(d: Directory, account: str, domain: str) -> RightsGranted:
    _, name = parse_user(account, domain)
    found = d.entries_with("sAMAccountName", [name], attributes=["objectClass"])
    if not found:
        raise InvalidInput("account", f"the directory has no account {name}")
    user_dn = found[0][0]
    groups = {attrs["sAMAccountName"].lower(): dn
              for dn, attrs in d.entries_with("sAMAccountName", ADMIN_GROUPS)}
    group = next((g for g in ADMIN_GROUPS if g.lower() in groups), None)
    if group is None:
        raise NotFound("the domain has no Exchange administrators' group (Organization "
                       "Management, Exchange Organization Administrators): an Exchange 2003 "
                       "organization delegates Exchange Full Administrator in Exchange "
                       "System Manager")
    group_dn = groups[group.lower()]
    members = {m.lower() for m in d.all_values(group_dn, "member")}
    if user_dn.lower() in members:
        return RightsGranted(account, user_dn, group, group_dn, False)
    d.add_values(group_dn, "member", [user_dn])
    return RightsGranted(account, user_dn, group, group_dn, True)


def _public_stores(d: Directory, server: str) -> list[str]:
    return [s.dn for s in d.exchange_home(server).stores if s.kind == "public"]


def pf_tree_of(d: Directory, server: str) -> str:
    """The public folder tree ``server``'s public stores belong to ("" when none does)."""
    for dn in _public_stores(d, server):
        tree = d.read_attributes(dn, [PF_TREE])[PF_TREE]
        if tree:
            return tree
    return ""


def clear_pf_tree(d: Directory, server: str) -> tuple[str, ...]:
    """Enable Protection on the target: its public stores leave their tree (the guide:
    mail is then not queued to the passive target). Returns the stores changed."""
    changed = []
    for dn in _public_stores(d, server):
        if d.read_attributes(dn, [PF_TREE])[PF_TREE]:
            d.replace_attributes(dn, {PF_TREE: ""})
            changed.append(dn)
    return tuple(changed)


def restore_pf_tree(d: Directory, source: str, target: str) -> PfTreeRestored:
    tree = pf_tree_of(d, source)
    if not tree:
        raise StateError(f"the public stores of {source.upper()} belong to no public folder "
                         "tree: there is nothing to copy to the target")
    stores = _public_stores(d, target)
    if not stores:
        raise StateError(f"{target.upper()} has no public folder store to add to the tree")
    changed, already = [], []
    for dn in stores:
        if d.read_attributes(dn, [PF_TREE])[PF_TREE].lower() == tree.lower():
            already.append(dn)
        else:
            d.replace_attributes(dn, {PF_TREE: tree})
            changed.append(dn)
    return PfTreeRestored(source.upper(), target.upper(), tree, tuple(changed), tuple(already))
