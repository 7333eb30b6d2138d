"""Who delivers to the archive: the PPR leader alone. The leader is responsible for the
records (and the only role that sees every case); an administrator manages the organisation
but reads no case content, and a delivery holds the content of whole cases."""

import rules


@rules.predicate
def is_ppr_leader(user: object) -> bool:
    return bool(getattr(user, "is_ppr_leader", False))


rules.add_perm("archive.deliver", rules.is_authenticated & rules.is_active & is_ppr_leader)
