"""Referrals (indstillinger): drafting, attachments, submitting, receiving, visitation and closing."""
