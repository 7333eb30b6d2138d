"""The data's life cycle (Sletning og opbevaring): retention rules per record type, holds that stop
a clock, the nightly list of what is due, the PPR leader's review and approval, deletion in
resumable batches, and a deletion log without personal data.

The record types (``lifecycle.records``) and the holds (``lifecycle.holds``) are registries: a
module adds an entry with a decorator, so a new hold (e.g. "awaiting the archive's receipt") is
one function and never an edit here.
"""
