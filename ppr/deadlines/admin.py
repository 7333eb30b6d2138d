"""Deadlines, reminders and notifications have no admin: they are created and met by the
domain's services, audited, and nobody edits or deletes them by hand (issue 19)."""
