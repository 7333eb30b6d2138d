"""The demo municipality and the scale seed: fictitious data for ``make demo`` and ``make bench``.

Not part of the product: this app depends on every other app and nothing depends on it.
``manage.py seed_demo`` loads the demo (``organisation`` first, then one module per domain, in
the order of ``demo.management.commands.seed_demo.STEPS``); ``manage.py seed_scale`` builds a
storkommune-sized database on top of it for the benchmarks.
"""
