"""Who manages the life cycle: the PPR leader only (rules, holds, the review and approval)."""

import rules


@rules.predicate
def is_ppr_leader(user: object) -> bool:
    return bool(getattr(user, "is_ppr_leader", False))


can_manage = rules.is_authenticated & rules.is_active & is_ppr_leader

rules.add_perm("lifecycle.manage", can_manage)
