"""Who may use the data subject's rights pages: the PPR leader alone (rights/models.py)."""

import rules


@rules.predicate
def is_ppr_leader(user: object) -> bool:
    return bool(getattr(user, "is_ppr_leader", False))


rules.add_perm("rights.handle_requests", rules.is_authenticated & rules.is_active & is_ppr_leader)
