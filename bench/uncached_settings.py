"""The app with nothing cached: the benchmark's like-with-like comparison with Datasette.

Every count, facet and page is computed on each request; only what the database maintains
on write (the stored search vectors) is read ready-made. Used by bench/run.py only.
"""

from partnership.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
PAGE_CACHE = False
