"""Demo data for deadlines: run the reminder sweep once, after the domain apps have opened theirs.

The demo has no beat (no Redis), so without this the bell would stay silent about the demo's
overdue and near deadlines until someone ran ``run_deadline_sweep``. Idempotent: the sweep never
creates a second reminder per (deadline, kind).
"""

from ppr.deadlines import services

from .organisation import DemoOrganisation


def seed(organisation: DemoOrganisation) -> None:
    services.sweep()
