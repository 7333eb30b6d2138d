"""Object permissions of the parents' portal as ``rules`` predicates."""

import rules

from cases.rules import authenticated, is_draft, leads_referrals_institution

#: Invite the custody holders to write the parents' perspective: the institution's leader, on
#: a draft.
can_invite_parents = authenticated & is_draft & leads_referrals_institution

rules.add_perm("parents.invite_parents", can_invite_parents)
