"""`rules` permissions, one per Perm, all derived from partners/roles.py.

`user.has_perm("partners.manage_members", partnership)` asks the access layer."""

import rules

from . import access
from .roles import Perm


def _predicate(perm: Perm):
    @rules.predicate(name=f"has_{perm.value}")
    def check(user, partnership) -> bool:
        return partnership is not None and access.has_perm(user, perm, partnership)

    return check


PREDICATES = {perm: _predicate(perm) for perm in Perm}

for _perm, _pred in PREDICATES.items():
    rules.add_perm(f"partners.{_perm.value}", _pred)
