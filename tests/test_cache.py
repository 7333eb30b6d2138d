"""The Redis cache (ppr/cache.py): Django's, with one Redis client per connection pool."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from ppr.cache import RedisCache

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs a real Redis: set REDIS_URL")


@pytest.fixture
def cache() -> RedisCache:
    return RedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})


def test_it_stores_and_reads_as_djangos_redis_cache_does(cache: RedisCache) -> None:
    cache.set("options", [(1, "Vestervang Skole"), (2, "Østerbro Skole")], 60)
    assert cache.get("options") == [(1, "Vestervang Skole"), (2, "Østerbro Skole")]
    assert cache.get_or_set("generation", lambda: "g1", timeout=60) == "g1"
    assert cache.get_or_set("generation", lambda: "g2", timeout=60) == "g1"
    cache.set_many({"a": 1, "b": 2}, 60)
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    assert cache.incr("a") == 2
    cache.delete("options")
    assert cache.get("options", "gone") == "gone"


def test_one_client_serves_every_command(cache: RedisCache) -> None:
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    assert cache._cache.get_client("any key") is client


def test_threads_share_the_client_safely(cache: RedisCache) -> None:
    def write_and_read(n: int) -> bool:
        cache.set(f"key-{n}", n, 60)
        return cache.get(f"key-{n}") == n

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(write_and_read, range(400)))
