"""Caching that stays honest: every cached value is keyed by a generation that any
write to a knowledge-base record moves on, so an editor's save is seen on the next request.

Django's cache framework, shared by every worker in production so a save in one worker
invalidates all: Redis when REDIS_URL is set, the database otherwise (settings.CACHES refuses
a per-process cache with more than one worker). Local memory in development.
"""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_migrate
from django.http import HttpResponse

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
    """compute(), kept in the cache for this generation of the data.

    The key is hashed: it carries a visitor's query string, which may be long or odd, and
    cache backends limit keys (memcached to 250 printable characters).
    """
    full_key = f"partnership:g{generation()}:{hashlib.sha256(key.encode()).hexdigest()}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, settings.CACHE_TIMEOUT if timeout is None else timeout)
    return value


def cached_page(view):
    """Serve a public page from the cache for this generation of the data.

    Only anonymous GETs answered 200 that set no cookie and used no CSRF token are kept, so no
    page holds anything personal; the middleware still runs on every response (headers, CSP).
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PAGE_CACHE or request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"partnership:g{generation()}:page:{digest}"
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        keep = (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        )
        if keep:
            cache.set(key, (response.content, response["Content-Type"]), settings.CACHE_TIMEOUT)
        return response

    return wrapper


def _on_write(sender, **kwargs):
    if sender._meta.app_label == "partnership" or getattr(sender._meta, "auto_created", False):
        # Now, for reads later in this transaction, and again after commit, so a request racing the
        # transaction cannot keep old data cached under the new generation.
        invalidate()
        transaction.on_commit(invalidate)


def _create_cache_table(sender, using, **kwargs):
    # The database cache's table comes with every migrate, wherever the app is deployed, and
    # before the migrations: their writes invalidate the cache.
    if sender.name == "partnership":
        call_command("createcachetable", database=using, verbosity=0)


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_write, dispatch_uid=f"partnership-cache-{signal!r}")
    pre_migrate.connect(_create_cache_table, dispatch_uid="partnership-cache-table")


def shared_page(view):
    """cached_page for pages that show everyone the same thing: signed-in staff read the page too.

    The public lists and search show nothing that depends on who asks (no drafts, no names, no
    forms with a token), so an editor checking a list after a save reads the same page a visitor
    does, as fast. A page is still stored only from an anonymous request, under cached_page's
    rules, so nothing rendered for a signed-in user is ever served to anyone else.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PAGE_CACHE or request.method != "GET":
            return view(request, *args, **kwargs)
        if not request.user.is_authenticated:
            return cached_page(view)(request, *args, **kwargs)
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        hit = cache.get(f"partnership:g{generation()}:page:{digest}")
        if hit is not None:
            content, content_type = hit
            return HttpResponse(content, content_type=content_type)
        return view(request, *args, **kwargs)

    return wrapper
