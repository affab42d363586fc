"""Django's Redis cache backend, keeping one client per connection pool.

Django's RedisCacheClient keeps its connection pools but makes a new `redis.Redis` for every
operation, and each one builds a table of about 170 response callbacks: 25–50 µs, a third of a
cached page's one read of the cache. A `redis.Redis` over a pool holds no connection of its own
(each command borrows one from the pool), so one per pool serves every thread and request.
"""

from django.core.cache.backends import redis


class KeptClients(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            # Pools are kept for the life of the process, so their ids are never reused.
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClients
