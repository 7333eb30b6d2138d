"""Who may do what with deadlines: the PPR leader oversees and reassigns; everyone sees their own."""

import rules


@rules.predicate
def is_ppr_leader(user: object) -> bool:
    return bool(getattr(user, "is_ppr_leader", False))


can_oversee_deadlines = rules.is_authenticated & rules.is_active & is_ppr_leader

rules.add_perm("deadlines.view_all_deadlines", can_oversee_deadlines)
rules.add_perm("deadlines.reassign_deadline", can_oversee_deadlines)
rules.add_perm("deadlines.change_deadline_defaults", can_oversee_deadlines)
rules.add_perm("deadlines.view_failed_reminders", can_oversee_deadlines)
