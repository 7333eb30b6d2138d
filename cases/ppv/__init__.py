"""Pædagogisk-psykologiske vurderinger (PPV): drafting, finalising, correcting, sending and printing."""
