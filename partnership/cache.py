"""Caching that stays honest (issue 6): every cached value is keyed by a generation that any
write to a knowledge-base record moves on, so an editor's save is seen on the next request.

Django's cache framework: Redis when REDIS_URL is set (shared by every worker, so a save in
one worker invalidates all), local memory otherwise (per process; CACHE_TIMEOUT bounds how
long another worker may show a count from before a save).
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

GENERATION_KEY = "partnership:generation"


def generation() -> int:
    """The current generation of the knowledge base's data."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def invalidate() -> None:
    """Move on to a new generation: every value cached before is no longer read."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def cached(key: str, compute: Callable[[], Any], timeout: int | None = None) -> Any:
    """compute(), kept in the cache for this generation of the data."""
    full_key = f"partnership:g{generation()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, settings.CACHE_TIMEOUT if timeout is None else timeout)
    return value


def _on_write(sender, **kwargs):
    if sender._meta.app_label == "partnership" or getattr(sender._meta, "auto_created", False):
        # Now, for reads later in this transaction, and again after commit, so a request racing the
        # transaction cannot keep old data cached under the new generation.
        invalidate()
        transaction.on_commit(invalidate)


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_write, dispatch_uid=f"partnership-cache-{signal!r}")
