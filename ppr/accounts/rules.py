"""Who manages rights in the application: the PPR leader (the administrator only proposes)."""

import rules

from ppr.audit.rules import is_ppr_leader

can_manage_rights = rules.is_authenticated & rules.is_active & is_ppr_leader

# Not "accounts.…": the administrator's backend grants every permission of that app.
rules.add_perm("rights.manage", can_manage_rights)
