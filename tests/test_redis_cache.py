"""The Redis cache backend (partnership/redis_cache.py): Django's, with one client kept per pool.
Against the machine's Redis: what one worker's backend writes, another's reads."""

import socket
import threading

import pytest

from partnership.redis_cache import RedisCache


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _redis_answers(), reason="needs Redis on 127.0.0.1:6379")


def backend() -> RedisCache:
    return RedisCache("redis://127.0.0.1:6379/7", {"KEY_PREFIX": "partnership-tests"})


def test_one_client_serves_every_operation_and_another_workers_backend_reads_what_it_wrote():
    one, other = backend(), backend()
    one.set("page", {"content": "<p>x</p>"})
    one.set("generation", 1)
    assert other.get_many(["page", "generation", "missing"]) == {"page": {"content": "<p>x</p>"}, "generation": 1}
    assert one._cache.get_client(write=True) is one._cache.get_client()
    one.incr("generation")
    assert other.get("generation") == 2
    one.delete_many(["page", "generation"])
    assert other.get("page") is None


def test_threads_share_the_client_without_mixing_their_answers():
    cache, errors = backend(), []

    def work(n: int):
        for i in range(200):
            cache.set(f"thread-{n}", i)
            if cache.get(f"thread-{n}") != i:
                errors.append((n, i))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cache.delete_many([f"thread-{n}" for n in range(8)])
    assert errors == []
