"""Autosaved drafts of forms that have no draft state of their own (issue 18, "nothing typed is
lost"): one row per user, per form's purpose and per record the form belongs to (the case of a
new journal entry, the follow-up being recorded). Only its author ever reads it; it is restored
when the author comes back to the form, deleted when the real record is saved, and purged with
the referral drafts after the municipality's draft retention."""
