"""Children, guardians and consent: registering a child, finding one, checking anonymous text against the register."""
