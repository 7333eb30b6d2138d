"""Cache generations: what is cached from some tables carries their generation in its key, and a
save or delete of a row in them starts a new generation, so the next read builds it afresh.

    from ppr import generations

    key = f"ppr:rating-counts:{generations.current('ratings')}:{period}"
    generations.renew_on_change("ratings", "cases.RulerRating")  # in AppConfig.ready()

A new generation starts at once, for the saving request itself, and again when its transaction
commits: a request that read the old rows and cached them under the new generation in between
would otherwise keep a stale value. A bulk update or insert sends no signal, so whatever is
cached by generation must also expire.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

#: The names whose generations a save renews (``renew_on_change``).
WATCHED: set[str] = set()


def _key(name: str) -> str:
    return f"ppr:generation:{name}"


def current(name: str) -> str:
    """The current generation of ``name``'s tables."""
    return str(cache.get_or_set(_key(name), lambda: uuid.uuid4().hex, timeout=None))


def cached(name: str, build: Callable[[], Any], timeout: int) -> Any:
    """``build()``, kept in the cache for the current generation of ``name``'s tables and read
    with it in one round trip."""
    return cached_many(name, {"": build}, timeout)[""]


def cached_many(name: str, builds: dict[str, Callable[[], Any]], timeout: int) -> dict[str, Any]:
    """``{part: build()}`` for each of ``builds``, kept like ``cached``: the generation and all
    the parts are read in one round trip, and only the parts missing or of an older generation
    are built."""
    return cached_many_at(name, builds, timeout)[1]


def cached_many_at(
    name: str, builds: dict[str, Callable[[], Any]], timeout: int
) -> tuple[str, dict[str, Any]]:
    """``cached_many`` and the generation its values belong to, for keying what is made from
    them (a rendered fragment: ``{% cache %}``) in the same round trip."""
    keys = {part: _value_key(name, part) for part in builds}
    found = cache.get_many([_key(name), *keys.values()])
    generation = found.get(_key(name))
    values, built = {}, {}
    for part, key in keys.items():
        kept = found.get(key)
        if generation is not None and kept is not None and kept[0] == generation:
            values[part] = kept[1]
        else:
            generation = generation or current(name)
            values[part] = builds[part]()
            built[key] = (generation, values[part])
    if built:
        cache.set_many(built, timeout)
    return generation or current(name), values


def _value_key(name: str, part: str) -> str:
    return f"ppr:generation-value:{name}:{part}"


def renew(*names: str) -> None:
    """Start a new generation of each of ``names``' tables (in one round trip): now, and again
    when the transaction commits if there is one (in autocommit the change is committed
    already)."""

    def start() -> None:
        cache.set_many({_key(name): uuid.uuid4().hex for name in names}, timeout=None)

    start()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(start)


def renew_on_change(
    name: str, *models: str, unless: Callable[..., bool] = lambda **kwargs: False
) -> None:
    """Renew ``name``'s generation whenever a row of ``models`` ("app.Model") is saved or
    deleted, except where ``unless(**signal_kwargs)`` says the change shows nowhere."""

    def receiver(**kwargs: object) -> None:
        if not unless(**kwargs):
            renew(name)

    receiver.__name__ = f"renew_{name}"
    WATCHED.add(name)
    for model in models:
        for signal, change in ((post_save, "save"), (post_delete, "delete")):
            # weak=False: nothing else holds the receiver.
            uid = f"generation-{name}-{model}-{change}"
            signal.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
