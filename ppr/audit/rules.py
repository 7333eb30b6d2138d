"""Who may read the audit log: the PPR leader only (the administrator manages users, not logs)."""

import rules


@rules.predicate
def is_ppr_leader(user: object) -> bool:
    return bool(getattr(user, "is_ppr_leader", False))


can_read_audit_log = rules.is_authenticated & rules.is_active & is_ppr_leader

rules.add_perm("audit.read_log", can_read_audit_log)
rules.add_perm("audit.export_child_log", can_read_audit_log)
